import HypergraphProtocol
import XCTest

/// The size-limited members the schemas mark (`x-hypergraph-size-limit`), as `visitSizeLimitedMembers` finds them:
/// the client-chosen free-text and byte fields of the requests, and nothing else.
final class SizeLimitTests: XCTestCase {
    /// Every size-limited member of each request's fixture, in visiting order. Requests not listed have none.
    private let expected: [String: [String]] = [
        "subscribe-space": ["id identifier"],
        "create-space-event": [
            "spaceId identifier", "event.transaction.id identifier", "keyBox.id identifier",
            "keyBox.ciphertext ciphertext", "name name",
        ],
        "create-invitation-event": [
            "spaceId identifier", "event.transaction.id identifier", "keyBoxes key-boxes",
            "keyBoxes[0].id identifier", "keyBoxes[0].ciphertext ciphertext",
        ],
        "accept-invitation-event": ["spaceId identifier", "event.transaction.id identifier"],
        "create-space-inbox-event": [
            "spaceId identifier", "event.transaction.id identifier", "event.transaction.spaceId identifier",
            "event.transaction.secretKey inbox-secret-key",
        ],
        "get-latest-space-inbox-messages": ["spaceId identifier"],
        "create-update": ["spaceId identifier", "updateId identifier", "update update"],
    ]

    func testEachRequestVisitsExactlyItsLimitedMembers() throws {
        let fixtures = try Fixtures.messages("valid", .client)
        let types = Set(fixtures.map(\.name)).intersection(Set(ClientMessage.knownTypes))
        XCTAssertEqual(types, Set(ClientMessage.knownTypes), "every request type has a fixture named after it")
        for fixture in fixtures where types.contains(fixture.name) {
            let message = try ClientMessage(jsonUTF8: fixture.bytes)
            var visited: [String] = []
            message.visitSizeLimitedMembers { visited.append("\($0.path) \($0.limit.rawValue)") }
            XCTAssertEqual(visited, expected[fixture.name] ?? [], fixture.name)
        }
    }

    func testSizesCountUTF8BytesBytesAndElements() throws {
        let fixture = try XCTUnwrap(try Fixtures.messages("valid", .client).first { $0.name == "create-update" })
        guard case .createUpdate(var request) = try ClientMessage(jsonUTF8: fixture.bytes) else {
            return XCTFail("not a create-update")
        }
        request.updateId = "é"
        request.update = Bytes([1, 2, 3])
        var sizes: [String: Int] = [:]
        request.visitSizeLimitedMembers { sizes[$0.path] = $0.size }
        XCTAssertEqual(sizes["updateId"], 2)
        XCTAssertEqual(sizes["update"], 3)
    }

    func testAnArrayCountComesBeforeItsElementsAndStopsTheVisitWhenItThrows() throws {
        let fixture = try XCTUnwrap(
            try Fixtures.messages("valid", .client).first { $0.name == "create-invitation-event" })
        let message = try ClientMessage(jsonUTF8: fixture.bytes)
        struct Stop: Error {}
        var visited: [String] = []
        XCTAssertThrowsError(
            try message.visitSizeLimitedMembers { member in
                visited.append(member.path)
                if member.limit == .keyBoxes { throw Stop() }
            })
        XCTAssertEqual(visited, ["spaceId", "event.transaction.id", "keyBoxes"])
    }
}
