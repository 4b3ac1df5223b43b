import Synchronization
import XCTest

@testable import HypergraphStore

final class UpdateTests: XCTestCase {
    private func append(
        _ store: any HypergraphStorage, _ updateId: String, space: String = "space-1", author: String = "0xAlice",
        bytes: [UInt8] = makeUpdateBytes(0)
    ) async throws -> UpdateAppendResult {
        try await store.appendUpdate(
            spaceId: space, accountAddress: author, update: bytes, signature: testSignature, updateId: updateId)
    }

    func testQuotaCheckedAppendStoresNothingPastEitherQuota() async throws {
        try await forEachBackend {
            let (store, _) = try await openBackendStoreWithSpace(self)
            func append(_ updateId: String, bytes: Int, space: Int64, account: Int64) async throws
                -> QuotaCheckedAppendResult
            {
                try await store.appendUpdate(
                    spaceId: "space-1", accountAddress: "0xAlice", update: [UInt8](repeating: 1, count: bytes),
                    signature: testSignature, updateId: updateId, quotas: UpdateQuotas(space: space, account: account))
            }
            var result = try await append("u0", bytes: 10, space: 10, account: 100)
            XCTAssertEqual(result, .appended(.stored(clock: 0)), "exactly at the quota is allowed")
            result = try await append("u1", bytes: 1, space: 10, account: 100)
            XCTAssertEqual(result, .overQuota(StoredUpdateBytes(space: 10, account: 10)))
            result = try await append("u1", bytes: 5, space: 100, account: 14)
            XCTAssertEqual(result, .overQuota(StoredUpdateBytes(space: 10, account: 10)))
            result = try await append("u1", bytes: 5, space: 100, account: 15)
            XCTAssertEqual(result, .appended(.stored(clock: 1)))
            let stored = try await store.storedUpdateBytes(spaceId: "space-1", accountAddress: "0xAlice")
            XCTAssertEqual(stored, StoredUpdateBytes(space: 15, account: 15), "refused appends stored nothing")
        }
    }

    /// The space quota holds exactly under concurrent appends (both stores check it in the append's own
    /// transaction, under the space's lock).
    func testConcurrentQuotaCheckedAppendsNeverPassTheSpaceQuota() async throws {
        try await forEachBackend {
            let store = try await openBackendStoreWithSpace(self).store
            let results = try await withThrowingTaskGroup(of: QuotaCheckedAppendResult.self) { group in
                for index in 0..<50 {
                    group.addTask {
                        try await store.appendUpdate(
                            spaceId: "space-1", accountAddress: "0xAlice", update: [UInt8](repeating: 2, count: 10),
                            signature: testSignature, updateId: "u\(index)",
                            quotas: UpdateQuotas(space: 105, account: 1_000))
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            XCTAssertEqual(results.filter { if case .appended = $0 { true } else { false } }.count, 10)
            let stored = try await store.storedUpdateBytes(spaceId: "space-1", accountAddress: "0xAlice")
            XCTAssertEqual(stored.space, 100, "the check is in the append's transaction: the quota holds exactly")
        }
    }

    func testSlicesStayWithinTheirBudgetAndStoredBytesAreCounted() async throws {
        try await forEachBackend {
            let (store, alice) = try await openBackendStoreWithSpace(self)
            for index in 0..<6 {
                _ = try await append(store, "u\(index)", bytes: [UInt8](repeating: UInt8(index), count: 10))
            }
            func clocks(after: Int64?, through: Int64? = nil, bytes: Int, count: Int = 100) async throws -> [Int64] {
                let slice = try await store.updates(
                    spaceId: "space-1", afterClock: after, throughClock: through, maximumBytes: bytes,
                    maximumCount: count)
                XCTAssertEqual(slice.latestClock, 5)
                return slice.updates.map(\.clock)
            }
            var result = try await clocks(after: nil, bytes: 25)
            XCTAssertEqual(result, [0, 1], "10 + 10 bytes fit in 25, a third would not")
            result = try await clocks(after: 1, bytes: 5)
            XCTAssertEqual(result, [2], "the first update always comes, even over the budget")
            result = try await clocks(after: 1, through: 3, bytes: 1_000)
            XCTAssertEqual(result, [2, 3])
            result = try await clocks(after: nil, bytes: 1_000, count: 4)
            XCTAssertEqual(result, [0, 1, 2, 3])
            result = try await clocks(after: 5, bytes: 1_000)
            XCTAssertEqual(result, [])
            await assertThrows(.notFound(.space(id: "nowhere"))) {
                try await store.updates(
                    spaceId: "nowhere", afterClock: nil, throughClock: nil, maximumBytes: 1, maximumCount: 1)
            }
            let stored = try await store.storedUpdateBytes(spaceId: "space-1", accountAddress: "0xAlice")
            XCTAssertEqual(stored, StoredUpdateBytes(space: 60, account: 60))
            let none = try await store.storedUpdateBytes(spaceId: "nowhere", accountAddress: alice.accountAddress + "x")
            XCTAssertEqual(none, StoredUpdateBytes(space: 0, account: 0))
        }
    }

    func testClocksStartAtZeroAndSnapshotsHonourLastKnownClock() async throws {
        try await forEachBackend {
            let (store, alice) = try await openBackendStoreWithSpace(self)
            for index in 0..<5 {
                let result = try await append(store, "update-\(index)", bytes: makeUpdateBytes(index))
                XCTAssertEqual(result, .stored(clock: Int64(index)))
            }
            // An empty update is stored as an empty blob, not NULL.
            let empty = try await append(store, "empty", bytes: [])
            XCTAssertEqual(empty, .stored(clock: 5))

            let all = try await store.spaceSnapshot(
                spaceId: "space-1", accountAddress: alice.accountAddress, appIdentityAddress: alice.appIdentityAddress,
                updatesAfterClock: nil)
            XCTAssertEqual(all.updates.map(\.clock), [0, 1, 2, 3, 4, 5])
            XCTAssertEqual(
                all.updates.first,
                UpdateRecord(
                    spaceId: "space-1", clock: 0, updateId: "update-0", accountAddress: "0xAlice",
                    content: makeUpdateBytes(0), signature: testSignature))
            XCTAssertEqual(all.updates.last?.content, [])
            let later = try await store.spaceSnapshot(
                spaceId: "space-1", accountAddress: alice.accountAddress, appIdentityAddress: alice.appIdentityAddress,
                updatesAfterClock: 3)
            XCTAssertEqual(later.updates.map(\.clock), [4, 5])
            let none = try await store.spaceSnapshot(
                spaceId: "space-1", accountAddress: alice.accountAddress, appIdentityAddress: alice.appIdentityAddress,
                updatesAfterClock: 5)
            XCTAssertEqual(none.updates, [])
        }
    }

    func testDuplicateUpdateIdReturnsTheOriginalClockAndStoresNothing() async throws {
        try await forEachBackend {
            let changes = Mutex<[CommittedChange]>([])
            let (store, alice) = try await openBackendStoreWithSpace(self) { batch in changes.withLock { $0 += batch } }
            _ = try await append(store, "a")
            _ = try await append(store, "b")
            let resent = try await append(store, "a")
            XCTAssertEqual(resent, .duplicate(originalClock: 0))
            await assertThrows(.conflict(.updateIdContent(spaceId: "space-1", updateId: "a", storedClock: 0))) {
                try await self.append(store, "a", bytes: makeUpdateBytes(99))
            }
            let next = try await append(store, "c")
            XCTAssertEqual(next, .stored(clock: 2), "neither a duplicate nor a refused update uses up a clock")

            await assertThrows(.conflict(.updateId(spaceId: "space-1", updateId: "a", storedBy: "0xAlice"))) {
                try await self.append(store, "a", author: "0xMallory")
            }
            // The same update id in another space is a different update.
            _ = try await store.createSpace(makeSpace("space-2", creator: alice))
            let otherSpace = try await append(store, "a", space: "space-2")
            XCTAssertEqual(otherSpace, .stored(clock: 0))

            let snapshot = try await store.spaceSnapshot(
                spaceId: "space-1", accountAddress: alice.accountAddress, appIdentityAddress: alice.appIdentityAddress,
                updatesAfterClock: nil)
            XCTAssertEqual(snapshot.updates.map(\.updateId), ["a", "b", "c"])
            XCTAssertEqual(snapshot.updates.first?.content, makeUpdateBytes(0), "the first copy is kept")
            let reported = changes.withLock { $0 }.compactMap { change -> String? in
                guard case .update(let update) = change else { return nil }
                return "\(update.spaceId)/\(update.updateId)"
            }
            XCTAssertEqual(
                reported, ["space-1/a", "space-1/b", "space-1/c", "space-2/a"], "no rebroadcast of a duplicate")
        }
    }

    func testUnknownSpaceIsReportedAndUsesNoClock() async throws {
        try await forEachBackend {
            let (store, _) = try await openBackendStoreWithSpace(self)
            await assertThrows(.notFound(.space(id: "nowhere"))) {
                try await self.append(store, "a", space: "nowhere")
            }
            let first = try await append(store, "a")
            XCTAssertEqual(first, .stored(clock: 0))
        }
    }

    func testHundredConcurrentAppendsGetClocksZeroToNinetyNineAndCommitInClockOrder() async throws {
        try await forEachBackend {
            let changes = Mutex<[CommittedChange]>([])
            let (store, alice) = try await openBackendStoreWithSpace(self) { batch in changes.withLock { $0 += batch } }
            let clocks = try await withThrowingTaskGroup(of: UpdateAppendResult.self) { group in
                for index in 0..<100 {
                    group.addTask {
                        try await store.appendUpdate(
                            spaceId: "space-1", accountAddress: alice.accountAddress, update: makeUpdateBytes(index),
                            signature: testSignature, updateId: "update-\(index)")
                    }
                }
                return try await group.reduce(into: [Int64]()) { clocks, result in
                    guard case .stored(let clock) = result else { return XCTFail("unexpected \(result)") }
                    clocks.append(clock)
                }
            }
            XCTAssertEqual(clocks.sorted(), Array(0..<100))
            let reportedClocks = changes.withLock { $0 }.compactMap { change -> Int64? in
                guard case .update(let update) = change else { return nil }
                return update.clock
            }
            XCTAssertEqual(reportedClocks, Array(0..<100), "onCommit reports updates in clock order")
            let snapshot = try await store.spaceSnapshot(
                spaceId: "space-1", accountAddress: alice.accountAddress, appIdentityAddress: alice.appIdentityAddress,
                updatesAfterClock: nil)
            XCTAssertEqual(snapshot.updates.map(\.clock), Array(0..<100))
            XCTAssertEqual(Set(snapshot.updates.map(\.updateId)).count, 100)
        }
    }

    func testConcurrentAppendsOverManySpacesKeepEverySpaceGapless() async throws {
        try await forEachBackend {
            let (store, alice) = try await openBackendStoreWithSpace(self)
            let spaces = (0..<10).map { "space-many-\($0)" }
            for space in spaces {
                _ = try await store.createSpace(makeSpace(space, creator: alice))
            }
            try await withThrowingTaskGroup(of: Void.self) { group in
                for writer in 0..<20 {
                    group.addTask {
                        for round in 0..<15 {
                            _ = try await store.appendUpdate(
                                spaceId: spaces[(writer + round) % spaces.count], accountAddress: alice.accountAddress,
                                update: makeUpdateBytes(round), signature: testSignature,
                                updateId: "writer-\(writer)-round-\(round)")
                        }
                    }
                }
                try await group.waitForAll()
            }
            var total = 0
            for space in spaces {
                let snapshot = try await store.spaceSnapshot(
                    spaceId: space, accountAddress: alice.accountAddress, appIdentityAddress: alice.appIdentityAddress,
                    updatesAfterClock: nil)
                XCTAssertEqual(snapshot.updates.map(\.clock), Array(0..<Int64(snapshot.updates.count)))
                total += snapshot.updates.count
            }
            XCTAssertEqual(total, 20 * 15)
        }
    }

    func testEverythingSurvivesCloseAndReopen() async throws {
        try await forEachBackend {
            let location = try await makeStoreLocation(self)
            let store = try await openBackendStore(self, at: location)
            let alice = makeIdentity()
            try await store.createIdentity(alice)
            _ = try await store.createSpace(makeSpace(creator: alice))
            for index in 0..<10 {
                _ = try await append(store, "update-\(index)")
            }
            _ = try await store.appendSpaceEvent(
                makeEvent("space-1", counter: 1), effect: .createSpaceInbox(makeInbox("inbox-a")))
            let message = try await store.addSpaceInboxMessage(
                spaceId: "space-1", inboxId: "inbox-a",
                message: NewInboxMessage(ciphertext: "0x01", signature: nil, authorAccountAddress: nil))
            await store.close()
            await assertThrows(.closed) { try await self.append(store, "after-close") }
            await assertThrows(.closed) { try await store.identities() }

            let reopened = try await openBackendStore(self, at: location)
            let snapshot = try await reopened.spaceSnapshot(
                spaceId: "space-1", accountAddress: alice.accountAddress, appIdentityAddress: alice.appIdentityAddress,
                updatesAfterClock: nil)
            XCTAssertEqual(snapshot.updates.map(\.clock), Array(0..<10))
            XCTAssertEqual(snapshot.events.map(\.counter), [0, 1])
            XCTAssertEqual(snapshot.keyBoxes.count, 1)
            let messages = try await reopened.allSpaceInboxMessages(spaceId: "space-1", inboxId: "inbox-a", since: 0)
            XCTAssertEqual(messages, [message])
            // The clock sequence continues where it stopped, and duplicates are still recognised.
            let next = try await append(reopened, "update-10")
            XCTAssertEqual(next, .stored(clock: 10))
            let duplicate = try await append(reopened, "update-3")
            XCTAssertEqual(duplicate, .duplicate(originalClock: 3))
        }
    }

    func testOnCommitReportsEventsAndUpdatesInCommitOrder() async throws {
        try await forEachBackend {
            let changes = Mutex<[CommittedChange]>([])
            let (store, _) = try await openBackendStoreWithSpace(self) { batch in changes.withLock { $0 += batch } }
            _ = try await append(store, "a")
            let event = try await store.appendSpaceEvent(
                makeEvent("space-1", counter: 1), effect: .createSpaceInbox(makeInbox("inbox-a")))
            _ = try await append(store, "b")
            let summary = changes.withLock { $0 }.map { change -> String in
                switch change {
                case .update(let update): return "update \(update.clock)"
                case .spaceEvent(let event): return "event \(event.counter)"
                }
            }
            XCTAssertEqual(summary, ["event 0", "update 0", "event 1", "update 1"])
            XCTAssertTrue(changes.withLock { $0 }.contains(.spaceEvent(event)))
        }
    }
}
