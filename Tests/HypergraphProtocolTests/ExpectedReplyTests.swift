import Foundation
import HypergraphJSON
import HypergraphProtocol
import XCTest

/// `ClientMessage.expectedReply` (generated from `x-hypergraph-reply` and `x-hypergraph-correlation`): the matching
/// rules of PROTOCOL.md §6 and of the extension `error`, on the fixtures.
final class ExpectedReplyTests: XCTestCase {
    func testEveryRequestIsAnsweredByAServerMessage() throws {
        for type in ClientMessage.knownTypes {
            let expected = try request(type).expectedReply
            XCTAssertEqual(expected.requestType, type)
            let replyType = try XCTUnwrap(expected.replyType, type)
            XCTAssertTrue(ServerMessage.knownTypes.contains(replyType), "\(type) → \(replyType)")
        }
        XCTAssertNil(ClientMessage.unknown(type: "frobnicate", raw: ["type": "frobnicate"]).expectedReply.replyType)
    }

    func testRepliesAreMatchedByTypeAndIds() throws {
        let update = try XCTUnwrap(createUpdate())
        let expected = ClientMessage.createUpdate(update).expectedReply
        func confirmation(_ updateId: String, _ spaceId: String) -> ServerMessage {
            .updateConfirmed(UpdateConfirmedResponse(updateId: updateId, clock: 3, spaceId: spaceId))
        }
        XCTAssertTrue(expected.isReply(confirmation(update.updateId, update.spaceId)))
        XCTAssertEqual(update.clientMessage, .createUpdate(update))
        XCTAssertEqual(
            CreateUpdateRequest.reply(in: confirmation("u", "s")),
            UpdateConfirmedResponse(updateId: "u", clock: 3, spaceId: "s"))
        XCTAssertNil(CreateUpdateRequest.reply(in: try serverMessage("list-spaces")))
        XCTAssertFalse(expected.isReply(confirmation("other", update.spaceId)))
        XCTAssertFalse(expected.isReply(confirmation(update.updateId, "other")))
        XCTAssertEqual(
            expected.description,
            "update-confirmed with spaceId \(String(reflecting: update.spaceId)) and updateId "
                + String(reflecting: update.updateId))

        guard case .space(var space) = try serverMessage("space") else { return XCTFail("space fixture") }
        let subscribe = ClientMessage.subscribeSpace(SubscribeSpaceRequest(id: space.id)).expectedReply
        XCTAssertTrue(subscribe.isReply(.space(space)))
        XCTAssertFalse(subscribe.isReply(try serverMessage("list-spaces")))
        space.id = "other"
        XCTAssertFalse(subscribe.isReply(.space(space)))

        guard case .createSpaceEvent(var create) = try request("create-space-event") else {
            return XCTFail("create-space-event fixture")
        }
        create.spaceId = "claimed"
        space.id = create.event.transaction.id
        XCTAssertTrue(ClientMessage.createSpaceEvent(create).expectedReply.isReply(.space(space)))
    }

    func testAnErrorRejectsOnlyTheRequestItNames() throws {
        let update = try XCTUnwrap(createUpdate())
        let expected = ClientMessage.createUpdate(update).expectedReply
        func error(_ requestType: String?, spaceId: String? = nil, updateId: String? = nil) -> ErrorResponse {
            ErrorResponse(
                code: .forbidden, message: "no", requestType: requestType, spaceId: spaceId, updateId: updateId)
        }
        XCTAssertTrue(expected.isRejection(error("create-update")))
        XCTAssertTrue(expected.isRejection(error("create-update", spaceId: update.spaceId, updateId: update.updateId)))
        XCTAssertFalse(expected.isRejection(error(nil)))
        XCTAssertFalse(expected.isRejection(error("subscribe-space", spaceId: update.spaceId)))
        XCTAssertFalse(expected.isRejection(error("create-update", updateId: "other")))
        XCTAssertFalse(expected.isRejection(error("create-update", spaceId: "other")))

        guard case .createSpaceEvent(var create) = try request("create-space-event") else {
            return XCTFail("create-space-event fixture")
        }
        create.spaceId = "claimed"
        let createReply = ClientMessage.createSpaceEvent(create).expectedReply
        XCTAssertTrue(createReply.isRejection(error("create-space-event", spaceId: "claimed")))
        XCTAssertTrue(createReply.isRejection(error("create-space-event", spaceId: create.event.transaction.id)))
        XCTAssertFalse(createReply.isRejection(error("create-space-event", spaceId: "elsewhere")))
        XCTAssertEqual(
            createReply.namedIdentifiers,
            [.spaceId: create.event.transaction.id, .eventId: create.event.transaction.id])

        let unknown = ClientMessage.unknown(type: "frobnicate", raw: ["type": "frobnicate"]).expectedReply
        XCTAssertTrue(unknown.isRejection(error("frobnicate")))
        XCTAssertEqual(unknown.description, #"an error for "frobnicate""#)
    }

    func testErrorIdentifiersReadAndWriteTheirMembers() {
        var error = ErrorResponse(code: .notFound, message: "no")
        for kind in RequestIdentifierKind.allCases { error[identifier: kind] = kind.rawValue + "-value" }
        XCTAssertEqual(error.spaceId, "spaceId-value")
        XCTAssertEqual(error.inboxId, "inboxId-value")
        XCTAssertEqual(error.updateId, "updateId-value")
        XCTAssertEqual(error.eventId, "eventId-value")
        XCTAssertEqual(error[identifier: .spaceId], "spaceId-value")
    }

    private func createUpdate() throws -> CreateUpdateRequest? {
        if case .createUpdate(let update) = try request("create-update") { update } else { nil }
    }

    private func request(_ name: String) throws -> ClientMessage {
        try ClientMessage(jsonUTF8: fixture("client", name))
    }

    private func serverMessage(_ name: String) throws -> ServerMessage {
        try ServerMessage(jsonUTF8: fixture("server", name))
    }

    private func fixture(_ direction: String, _ name: String) throws -> [UInt8] {
        let url = try Fixtures.root.appendingPathComponent("valid").appendingPathComponent(direction)
            .appendingPathComponent(name + ".json")
        return [UInt8](try Data(contentsOf: url))
    }
}
