// Tasks that prefer a session's event loop (`session.taskExecutor`, docs/client.md) use the session as any task
// does: requests, pushed messages, snapshots sent in parts, closing.
import HypergraphClient
import HypergraphProtocol
import HypergraphServer
import XCTest

final class SessionExecutorTests: XCTestCase {
    func testRequestsPushesAndSnapshotsInPartsFromTasksOnTheSessionsLoops() async throws {
        let (server, alice) = try await ReferenceServer.startSendingSnapshotsInParts()
        let writer = try await server.connect(alice)
        let reader = try await server.connect(alice)
        // Five rounds, so that both sessions' loops and the server's meet in different orders.
        for round in 0..<5 {
            let space = try await withTaskExecutorPreference(writer.taskExecutor) {
                try await writer.createSpace(alice.createSpaceEvent(name: "round \(round)"))
            }
            let snapshotBefore = try await withTaskExecutorPreference(reader.taskExecutor) {
                try await reader.subscribe(spaceId: space.id)
            }
            XCTAssertNil(snapshotBefore.updates?.updates.first)
            var written: [String] = []
            try await withTaskExecutorPreference(writer.taskExecutor) {
                for index in 0..<40 {
                    let update = alice.createUpdate(
                        spaceId: space.id, update: [UInt8](repeating: UInt8(index), count: 1_000))
                    _ = try await writer.createUpdate(update)
                    written.append(update.updateId)
                }
            }
            let pushed = try await withTaskExecutorPreference(reader.taskExecutor) {
                var ids: [String] = []
                while ids.count < written.count {
                    let message = try await reader.nextMessage("updates-notification", timeout: .seconds(10)) {
                        $0.type == "updates-notification"
                    }
                    guard case .updatesNotification(let part) = message else { break }
                    ids += part.updates.updates.map(\.updateId)
                }
                return ids
            }
            XCTAssertEqual(pushed, written, "round \(round): every update pushed to the other session, in order")
            // 40 KB of updates against a 16 KiB reply limit: the snapshot comes in parts, assembled by the session.
            let snapshot = try await withTaskExecutorPreference(reader.taskExecutor) {
                try await reader.subscribe(spaceId: space.id)
            }
            XCTAssertEqual(snapshot.updates?.updates.map(\.updateId), written, "round \(round)")
        }
        _ = await withTaskExecutorPreference(writer.taskExecutor) { await writer.close() }
        _ = await withTaskExecutorPreference(reader.taskExecutor) { await reader.close() }
        await server.stop()
    }
}
