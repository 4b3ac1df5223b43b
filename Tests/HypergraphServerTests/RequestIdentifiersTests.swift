import HypergraphProtocol
import XCTest

@testable import HypergraphServer

/// The ids an `error` names for a request the server could not decode: those of its type's
/// `x-hypergraph-correlation`, read from the bytes.
final class RequestIdentifiersTests: XCTestCase {
    private func scanned(_ text: String) -> RequestIdentifiers {
        RequestIdentifiers(scanning: Array(text.utf8))
    }

    func testKnownTypesNameTheIdsOfTheirSchema() {
        let subscribe = scanned(#"{"type":"subscribe-space","id":"s","spaceId":"ignored","lastKnownUpdateClock":"x"}"#)
        XCTAssertEqual(subscribe.requestType, "subscribe-space")
        XCTAssertEqual(subscribe.identifiers, [.spaceId: "s"])

        let create = scanned(
            #"{"spaceId":"claimed","event":{"author":{},"transaction":{"id":"tx","type":"create-space"}},"#
                + #""type":"create-space-event","name":7}"#)
        XCTAssertEqual(create.identifiers, [.spaceId: "tx", .eventId: "tx"], "as for the decoded request")

        let inbox = scanned(
            #"{"type":"create-space-inbox-event","spaceId":"s","inboxId":"top","event":{"transaction":{"inboxId":"i"}}}"#
        )
        XCTAssertEqual(inbox.identifiers, [.spaceId: "s", .inboxId: "i"])

        let update = scanned(#"{"type":"create-update","spaceId":"s","updateId":{"not":"a string"}}"#)
        XCTAssertEqual(update.identifiers, [.spaceId: "s"])
    }

    func testUnknownTypesNameWhatIsThere() {
        let unknown = scanned(#"{"type":"delete-everything","spaceId":"x","event":{"transaction":{"id":"e"}}}"#)
        XCTAssertEqual(unknown.requestType, "delete-everything")
        XCTAssertEqual(unknown.identifiers, [.spaceId: "x", .eventId: "e"])
    }

    func testMalformedJSONYieldsWhatCameBeforeTheFlaw() {
        let truncated = scanned(#"{"type":"create-update","spaceId":"s","updateId":"#)
        XCTAssertEqual(truncated.requestType, "create-update")
        XCTAssertEqual(truncated.identifiers, [.spaceId: "s"])
        XCTAssertNil(scanned("not json").requestType)
    }

    func testDecodedRequestsTakeTheirIdsFromTheSchemas() throws {
        let request = ClientMessage.getLatestSpaceInboxMessages(
            GetLatestSpaceInboxMessagesRequest(spaceId: "s", inboxId: "i", since: Timestamp(millisecondsSince1970: 0)))
        let identifiers = RequestIdentifiers(request)
        XCTAssertEqual(identifiers.requestType, "get-latest-space-inbox-messages")
        XCTAssertEqual(identifiers.identifiers, [.spaceId: "s", .inboxId: "i"])
        let error = identifiers.errorMessage(for: RequestRejection.notFound("no"))
        XCTAssertEqual(error.spaceId, "s")
        XCTAssertNil(error.inboxId, "an inbox id the error schema would refuse is left out")
    }
}
