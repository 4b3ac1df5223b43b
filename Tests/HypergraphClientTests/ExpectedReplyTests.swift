import HypergraphClient
import HypergraphProtocol
import XCTest

/// The matching rules of PROTOCOL.md §6 and of the extension `error`, without a server.
final class ExpectedReplyTests: XCTestCase {
    private let identity = HypergraphIdentity.random()

    func testRepliesAreMatchedByTypeAndIds() {
        let update = identity.createUpdate(spaceId: "s", update: [1], updateId: "u-1")
        let expected = ExpectedReply(for: .createUpdate(update))
        XCTAssertEqual(expected.kind, .updateConfirmed(spaceId: "s", updateId: "u-1"))
        XCTAssertTrue(
            expected.isReply(.updateConfirmed(UpdateConfirmedResponse(updateId: "u-1", clock: 3, spaceId: "s"))))
        XCTAssertFalse(
            expected.isReply(.updateConfirmed(UpdateConfirmedResponse(updateId: "u-2", clock: 3, spaceId: "s"))))
        XCTAssertFalse(
            expected.isReply(.updateConfirmed(UpdateConfirmedResponse(updateId: "u-1", clock: 3, spaceId: "t"))))
        XCTAssertEqual(expected.description, #"update-confirmed for updateId "u-1""#)

        let subscribe = ExpectedReply(for: .subscribeSpace(SubscribeSpaceRequest(id: "a")))
        XCTAssertTrue(subscribe.isReply(.space(snapshot(id: "a", name: ""))))
        XCTAssertFalse(subscribe.isReply(.space(snapshot(id: "b", name: ""))))
        XCTAssertFalse(subscribe.isReply(.listSpaces(ListSpacesResponse(spaces: []))))

        let create = identity.createSpaceEvent(spaceId: "tx", name: "n")
        var mismatched = create
        mismatched.spaceId = "other"
        XCTAssertEqual(ExpectedReply(for: .createSpaceEvent(mismatched)).kind, .space(id: "tx"))
    }

    func testAnErrorRejectsOnlyTheRequestItNames() {
        let update = identity.createUpdate(spaceId: "s", update: [1], updateId: "u-1")
        let expected = ExpectedReply(for: .createUpdate(update))
        func error(_ requestType: String?, spaceId: String? = nil, updateId: String? = nil) -> ErrorResponse {
            ErrorResponse(
                code: .forbidden, message: "no", requestType: requestType, spaceId: spaceId, updateId: updateId)
        }
        XCTAssertTrue(expected.isRejection(error("create-update")))
        XCTAssertTrue(expected.isRejection(error("create-update", spaceId: "s", updateId: "u-1")))
        XCTAssertFalse(expected.isRejection(error(nil)))
        XCTAssertFalse(expected.isRejection(error("subscribe-space", spaceId: "s")))
        XCTAssertFalse(expected.isRejection(error("create-update", updateId: "u-2")))
        XCTAssertFalse(expected.isRejection(error("create-update", spaceId: "t")))

        var create = identity.createSpaceEvent(spaceId: "tx", name: "n")
        create.spaceId = "claimed"
        let createReply = ExpectedReply(for: .createSpaceEvent(create))
        XCTAssertTrue(createReply.isRejection(error("create-space-event", spaceId: "claimed")))
        XCTAssertTrue(createReply.isRejection(error("create-space-event", spaceId: "tx")))
        XCTAssertFalse(createReply.isRejection(error("create-space-event", spaceId: "elsewhere")))

        let unknown = ExpectedReply(for: .unknown(type: "frobnicate", raw: ["type": "frobnicate"]))
        XCTAssertEqual(unknown.kind, .errorOnly)
        XCTAssertTrue(unknown.isRejection(error("frobnicate")))
    }
}
