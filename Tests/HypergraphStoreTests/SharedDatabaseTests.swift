import Foundation
import Synchronization
import XCTest

@testable import HypergraphStore

/// Other connections writing to the same database file while a store is open.
final class SharedDatabaseTests: XCTestCase {
    /// Holds the write lock from a raw connection on its own thread until `release` is signalled.
    private func holdWriteLock(
        path: String, whileHeld: @escaping @Sendable (SQLiteConnection) throws -> Void, release: DispatchSemaphore,
        locked: DispatchSemaphore
    ) -> Thread {
        let thread = Thread {
            do {
                let connection = try SQLiteConnection(path: path, role: .writer, busyTimeoutMilliseconds: 5_000)
                try connection.execute("BEGIN IMMEDIATE")
                try whileHeld(connection)
                locked.signal()
                release.wait()
                try connection.execute("COMMIT")
            } catch {
                XCTFail("lock holder failed: \(error)")
                locked.signal()
            }
        }
        thread.start()
        return thread
    }

    func testWritesWaitForALockHeldByAnotherConnectionAndThenSucceed() async throws {
        let (store, alice) = try await openStoreWithSpace(self)
        let locked = DispatchSemaphore(value: 0)
        let release = DispatchSemaphore(value: 0)
        let bob = makeIdentity(account: "0xBob")
        _ = holdWriteLock(
            path: store.configuration.path,
            whileHeld: { connection in
                // What `hypergraph identity create` does from another process: insert an identity.
                try connection.execute(
                    """
                    INSERT INTO identities (account_address, app_identity_address, app_id, signature_public_key,
                        encryption_public_key, session_token, session_token_expires_at, created_at)
                    VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
                    """,
                    [
                        .text(bob.accountAddress), .text(bob.appIdentityAddress), .text(bob.appId),
                        .text(bob.signaturePublicKey), .text(bob.encryptionPublicKey), .text(bob.sessionToken),
                        .integer(bob.sessionTokenExpiresAt), .integer(bob.createdAt),
                    ])
            },
            release: release, locked: locked)
        await withCheckedContinuation { done in
            DispatchQueue.global().async {
                locked.wait()
                done.resume()
            }
        }

        let finished = Mutex(false)
        let append = Task {
            defer { finished.withLock { $0 = true } }
            return try await store.appendUpdate(
                spaceId: "space-1", accountAddress: alice.accountAddress, update: [1], signature: testSignature,
                updateId: "waiting")
        }
        // Reads are not blocked by the other connection's write lock (WAL).
        let identities = try await store.identities()
        XCTAssertEqual(identities, [alice], "uncommitted rows of the other connection are invisible")
        try await Task.sleep(nanoseconds: 200_000_000)
        XCTAssertFalse(finished.withLock { $0 }, "the append cannot commit while another connection holds the lock")
        release.signal()

        let result = try await append.value
        XCTAssertEqual(result, .stored(clock: 0))
        let after = try await store.identities()
        XCTAssertEqual(after.map(\.appIdentityAddress), [alice.appIdentityAddress, bob.appIdentityAddress])
    }

    func testALockHeldPastTheBusyTimeoutFailsTheBatchWithBusyAndTheStoreRecovers() async throws {
        let path = try makeDatabasePath(self)
        let store = try await SQLiteHypergraphStorage(
            configuration: SQLiteStoreConfiguration(path: path, busyTimeoutMilliseconds: 50))
        addTeardownBlock { await store.close() }
        let alice = makeIdentity()
        try await store.createIdentity(alice)

        let locked = DispatchSemaphore(value: 0)
        let release = DispatchSemaphore(value: 0)
        _ = holdWriteLock(path: path, whileHeld: { _ in }, release: release, locked: locked)
        await withCheckedContinuation { done in
            DispatchQueue.global().async {
                locked.wait()
                done.resume()
            }
        }
        do {
            try await store.createIdentity(makeIdentity(account: "0xBob"))
            XCTFail("expected SQLITE_BUSY while the lock is held")
        } catch StoreError.sqlite(let error) {
            XCTAssertTrue(error.isBusy, "\(error)")
        }
        release.signal()
        try await store.createIdentity(makeIdentity(account: "0xBob"))
        let identities = try await store.identities()
        XCTAssertEqual(identities.count, 2)
    }

    func testTwoStoresOnOneFileKeepClocksConsecutive() async throws {
        let (first, alice) = try await openStoreWithSpace(self)
        let second = try await openStore(self, path: first.configuration.path)
        func append(_ store: SQLiteHypergraphStorage, _ id: String) async throws -> UpdateAppendResult {
            try await store.appendUpdate(
                spaceId: "space-1", accountAddress: alice.accountAddress, update: [0], signature: testSignature,
                updateId: id)
        }
        // Each store's writer caches the space's highest clock; a write by the other must invalidate that cache.
        let results = [
            try await append(first, "a"), try await append(second, "b"), try await append(first, "c"),
            try await append(first, "d"), try await append(second, "e"),
        ]
        XCTAssertEqual(results, (0..<5).map { .stored(clock: $0) })
        let duplicate = try await append(second, "a")
        XCTAssertEqual(duplicate, .duplicate(originalClock: 0))
    }

    func testTwoStoresOnOneFileKeepQuotaTotalsExact() async throws {
        let (first, alice) = try await openStoreWithSpace(self)
        _ = try await first.createSpace(makeSpace("space-2", creator: alice))
        let second = try await openStore(self, path: first.configuration.path)
        func append(_ store: SQLiteHypergraphStorage, _ space: String, _ id: String) async throws
            -> QuotaCheckedAppendResult
        {
            try await store.appendUpdate(
                spaceId: space, accountAddress: alice.accountAddress, update: [UInt8](repeating: 7, count: 10),
                signature: testSignature, updateId: id, quotas: UpdateQuotas(space: 1_000, account: 30))
        }
        // Each store's writer caches the account's stored total; a write by the other (in another space, so the
        // clocks do not meet) must invalidate that cache, or the first store would let a fourth update past the
        // 30-byte account quota.
        let results = [
            try await append(first, "space-1", "a"), try await append(second, "space-2", "b"),
            try await append(first, "space-1", "c"), try await append(first, "space-1", "d"),
        ]
        XCTAssertEqual(
            results,
            [
                .appended(.stored(clock: 0)), .appended(.stored(clock: 0)), .appended(.stored(clock: 1)),
                .overQuota(StoredUpdateBytes(space: 20, account: 30)),
            ])
    }
}
