// Clocks under concurrency (§12 G8): parallel writers get distinct consecutive clocks and every subscriber sees
// the notifications in clock order.
import HypergraphClient
import HypergraphProtocol
import XCTest

final class ConcurrencyTests: XCTestCase {
    func testHundredParallelUpdatesFromTenConnectionsGetConsecutiveClocksInOrder() async throws {
        let server = try await TestServer.start()
        let alice = try await server.participant()
        let bob = try await server.participant()
        let spaceId = try await server.sharedSpace(owner: alice, member: bob).id
        var subscribers = [bob, try await server.secondSession(of: bob), try await server.secondSession(of: alice)]
        for subscriber in subscribers { try await subscriber.subscribe(spaceId) }
        var writers: [Participant] = []
        for index in 0..<10 {
            writers.append(
                index.isMultiple(of: 2)
                    ? try await server.secondSession(of: alice) : try await server.secondSession(of: bob))
        }
        try await settle(subscribers.map(\.session) + writers.map(\.session))

        // Every writer pipelines its 10 requests, so all 100 are in flight at once.
        let confirmations = try await withThrowingTaskGroup(of: [UpdateConfirmedResponse].self) { group in
            for (writerIndex, writer) in writers.enumerated() {
                group.addTask {
                    var updateIds: [String] = []
                    for index in 0..<10 {
                        let request = writer.identity.createUpdate(
                            spaceId: spaceId, update: [UInt8(writerIndex), UInt8(index)])
                        updateIds.append(request.updateId)
                        try await writer.session.send(.createUpdate(request))
                    }
                    var confirmed: [UpdateConfirmedResponse] = []
                    for updateId in updateIds {
                        let message = try await writer.session.nextMessage(timeout: .seconds(20))
                        guard case .updateConfirmed(let confirmation) = message, confirmation.updateId == updateId
                        else {
                            throw HypergraphClientError.timedOut(
                                waitingFor: "update-confirmed \(updateId), got \(message.type)", after: .zero)
                        }
                        confirmed.append(confirmation)
                    }
                    return confirmed
                }
            }
            return try await group.reduce(into: []) { $0 += $1 }
        }
        XCTAssertEqual(confirmations.map(\.clock).sorted(), Array(0..<100))
        XCTAssertEqual(Set(confirmations.map(\.updateId)).count, 100)

        for subscriber in subscribers {
            var clocks: [Int] = []
            while clocks.count < 100 {
                let message = try await subscriber.session.nextMessage(timeout: .seconds(20))
                guard case .updatesNotification(let notification) = message else { continue }
                XCTAssertEqual(notification.updates.firstUpdateClock, notification.updates.lastUpdateClock)
                clocks.append(notification.updates.firstUpdateClock)
            }
            XCTAssertEqual(clocks, Array(0..<100), "notifications in clock order")
        }
        subscribers.removeAll()
        await server.stop()
    }
}
