// The update quotas (ServerLimits.maximumSpaceUpdateBytes, maximumAccountUpdateBytes), checked by the store in the
// append's transaction: a refused update stores nothing and says which quota it would pass.
import HypergraphClient
import HypergraphProtocol
import HypergraphServer
import XCTest

final class UpdateQuotaTests: XCTestCase {
    func testAnUpdatePastTheSpaceOrAccountQuotaIsRefusedAndNothingIsStored() async throws {
        var limits = ServerLimits()
        limits.maximumSpaceUpdateBytes = 10
        limits.maximumAccountUpdateBytes = 15
        let server = try await TestServer.start(limits: limits)
        let alice = try await server.participant()
        let first = try await alice.createSpace(name: "first")
        let second = try await alice.createSpace(name: "second")
        try await alice.createUpdate(first.id, [UInt8](repeating: 1, count: 10))
        let spaceFull = try await alice.rejection(
            of: .createUpdate(alice.identity.createUpdate(spaceId: first.id, update: [2])))
        XCTAssertEqual(spaceFull.code, .tooLarge)
        XCTAssertTrue(
            spaceFull.message.hasPrefix("space \(first.id) holds 10 bytes of updates; 1 more"), spaceFull.message)
        try await alice.createUpdate(second.id, [UInt8](repeating: 3, count: 5))
        let accountFull = try await alice.rejection(
            of: .createUpdate(alice.identity.createUpdate(spaceId: second.id, update: [4])))
        XCTAssertEqual(accountFull.code, .tooLarge)
        XCTAssertTrue(accountFull.message.hasPrefix("account \(alice.account) holds 15 bytes"), accountFull.message)
        let snapshot = try await alice.subscribe(first.id)
        XCTAssertEqual(snapshot.updates?.updates.count, 1, "the refused update was not stored")
        await server.stop()
    }
}
