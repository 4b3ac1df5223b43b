// A snapshot larger than the server's reply limit: on the wire a `space` message with the first updates and
// `snapshotLastUpdateClock`, then `updates-notification` parts in clock order; to the application one whole snapshot.
import HypergraphClient
import HypergraphProtocol
import HypergraphServer
import XCTest

final class LargeSnapshotTests: XCTestCase {
    func testASnapshotSentInPartsIsAssembledTransparently() async throws {
        let (server, alice) = try await ReferenceServer.startSendingSnapshotsInParts()
        let writer = try await server.connect(alice)
        let space = try await writer.createSpace(alice.createSpaceEvent(name: "Large"))
        var written: [String] = []
        for index in 0..<40 {
            let update = alice.createUpdate(spaceId: space.id, update: [UInt8](repeating: UInt8(index), count: 1_000))
            _ = try await writer.createUpdate(update)
            written.append(update.updateId)
        }

        let reader = try await server.connect(alice)
        let snapshot = try await reader.subscribe(spaceId: space.id)
        XCTAssertEqual(snapshot.updates?.updates.map(\.updateId), written)
        XCTAssertEqual(snapshot.updates?.firstUpdateClock, 0)
        XCTAssertEqual(snapshot.updates?.lastUpdateClock, 39)
        XCTAssertNil(snapshot.snapshotLastUpdateClock, "the assembled snapshot announces no more parts")

        let received = await reader.transcript.entries.compactMap { entry -> ServerMessage? in
            guard entry.direction == .received, case .data(.text(let text)) = entry.content else { return nil }
            XCTAssertLessThanOrEqual(
                text.utf8.count, ReferenceServer.snapshotPartBytes, "every message within the reply limit")
            return try? ServerMessage(json: text)
        }
        guard case .space(let head) = received.first else { return XCTFail("first received \(received)") }
        XCTAssertEqual(head.snapshotLastUpdateClock, 39)
        var nextClock = try XCTUnwrap(head.updates?.lastUpdateClock) + 1
        XCTAssertLessThan(nextClock, 40, "the space message holds only the first slice")
        for message in received.dropFirst() {
            guard case .updatesNotification(let part) = message else { return XCTFail("unexpected \(message.type)") }
            XCTAssertEqual(part.spaceId, space.id)
            XCTAssertEqual(part.updates.firstUpdateClock, nextClock, "parts follow in clock order")
            nextClock = part.updates.lastUpdateClock + 1
        }
        XCTAssertEqual(nextClock, 40)
        XCTAssertGreaterThan(received.count, 2, "the rest came in more than one part")
        let leftOver = try await reader.drainEvents(after: .milliseconds(200))
        XCTAssertEqual(leftOver, [], "the parts do not appear among the session's events")

        await writer.close()
        await reader.close()
        await server.stop()
    }
}
