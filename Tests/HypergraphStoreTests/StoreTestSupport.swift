import Foundation
import HypergraphPostgres
import HypergraphPostgresStore
import PostgresTestSupport
import Synchronization
import XCTest

@testable import HypergraphStore

/// A temporary directory removed when the test ends.
func makeTemporaryDirectory(_ testCase: XCTestCase) throws -> URL {
    let directory = FileManager.default.temporaryDirectory
        .appendingPathComponent("hypergraph-store-tests-\(UUIDv4.random())", isDirectory: true)
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    testCase.addTeardownBlock {
        try? FileManager.default.removeItem(at: directory)
    }
    return directory
}

/// A database path in a fresh temporary directory.
func makeDatabasePath(_ testCase: XCTestCase) throws -> String {
    try makeTemporaryDirectory(testCase).appendingPathComponent("store.sqlite").path
}

/// A manually advanced clock for tests of times and expiry.
final class TestClock: Sendable {
    private let current: Mutex<UnixMilliseconds>

    init(_ start: UnixMilliseconds = 1_750_000_000_000) {
        current = Mutex(start)
    }

    func now() -> UnixMilliseconds { current.withLock { $0 } }

    func advance(by milliseconds: UnixMilliseconds) {
        current.withLock { $0 += milliseconds }
    }
}

/// Opens a store on a new temporary database, closed at the end of the test.
func openStore(
    _ testCase: XCTestCase, path: String? = nil, clock: TestClock? = nil,
    onCommit: (@Sendable ([CommittedChange]) -> Void)? = nil
) async throws -> SQLiteHypergraphStorage {
    var configuration = SQLiteStoreConfiguration(path: try path ?? makeDatabasePath(testCase), onCommit: onCommit)
    if let clock {
        configuration.clock = { clock.now() }
    }
    let store = try await SQLiteHypergraphStorage(configuration: configuration)
    testCase.addTeardownBlock {
        await store.close()
    }
    return store
}

/// Asserts that `body` throws exactly `expected`.
func assertThrows<Result>(
    _ expected: StoreError, file: StaticString = #filePath, line: UInt = #line, _ body: () async throws -> Result
) async {
    do {
        let result = try await body()
        XCTFail("expected \(expected), got the result \(result)", file: file, line: line)
    } catch let error as StoreError {
        XCTAssertEqual(error, expected, file: file, line: line)
    } catch {
        XCTFail("expected \(expected), got the non-store error \(error)", file: file, line: line)
    }
}

// MARK: Fixtures

/// An identity of `account` for `appId`, with derived unique keys and token.
func makeIdentity(
    account: String = "0xAlice", appId: String = "app", expiresAt: UnixMilliseconds = 4_000_000_000_000
) -> IdentityRecord {
    IdentityRecord(
        accountAddress: account, appIdentityAddress: "\(account)-\(appId)-identity", appId: appId,
        signaturePublicKey: "\(account)-\(appId)-signature", encryptionPublicKey: "\(account)-\(appId)-encryption",
        accountProof: "\(account)-proof", keyProof: nil, sessionToken: "\(account)-\(appId)-token",
        sessionTokenExpiresAt: expiresAt, createdAt: 1_700_000_000_000)
}

func makeKeyBoxPayload(_ label: String) -> KeyBoxPayload {
    KeyBoxPayload(ciphertext: "0xcipher-\(label)", nonce: "0xnonce-\(label)", authorPublicKey: "0xauthor-\(label)")
}

/// A space created by `creator` with key `key-<spaceId>`.
func makeSpace(_ spaceId: String = "space-1", creator: IdentityRecord, keyId: String? = nil) -> NewSpace {
    NewSpace(
        spaceId: spaceId, name: "Space \(spaceId)", creatorAccountAddress: creator.accountAddress,
        creatorAppIdentityAddress: creator.appIdentityAddress,
        eventJSON: #"{"transaction":{"type":"create-space","id":"\#(spaceId)"}}"#,
        stateJSON: #"{"id":"\#(spaceId)","lastEventHash":"hash-0"}"#, lastEventHash: "hash-0",
        keyId: keyId ?? "key-\(spaceId)", creatorKeyBox: makeKeyBoxPayload("creator-\(spaceId)"))
}

/// The event that follows counter `counter - 1` in `spaceId`.
func makeEvent(_ spaceId: String, counter: Int64, id: String? = nil) -> NewSpaceEvent {
    NewSpaceEvent(
        spaceId: spaceId, eventId: id ?? "event-\(counter)", counter: counter,
        eventJSON: #"{"transaction":{"id":"\#(id ?? "event-\(counter)")"}}"#,
        stateJSON: #"{"lastEventHash":"hash-\#(counter)"}"#, lastEventHash: "hash-\(counter)")
}

let testSignature = SignatureRecord(hex: String(repeating: "ab", count: 64), recovery: 1)

/// 1 KiB of bytes derived from `seed`.
func makeUpdateBytes(_ seed: Int, count: Int = 1_024) -> [UInt8] {
    (0..<count).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ seed) }
}

/// Alice (app "app") and "space-1", which she created, added to `store`.
func addAliceWithSpace<Store: HypergraphStorage>(
    to store: Store
) async throws -> (store: Store, alice: IdentityRecord) {
    let alice = makeIdentity()
    try await store.createIdentity(alice)
    _ = try await store.createSpace(makeSpace(creator: alice))
    return (store, alice)
}

/// An SQLite store with Alice (app "app") who created "space-1".
func openStoreWithSpace(
    _ testCase: XCTestCase, clock: TestClock? = nil, onCommit: (@Sendable ([CommittedChange]) -> Void)? = nil
) async throws -> (store: SQLiteHypergraphStorage, alice: IdentityRecord) {
    try await addAliceWithSpace(to: openStore(testCase, clock: clock, onCommit: onCommit))
}

// MARK: Both backends

/// The storage implementations the contract tests (identities, spaces, updates, inboxes) run against.
enum StoreBackend: String, CaseIterable, Sendable {
    case sqlite
    case postgres

    /// The backend `openBackendStore` opens; set by ``XCTestCase/forEachBackend(_:)``.
    @TaskLocal static var current: StoreBackend = .sqlite
}

/// Where a test's store lives; opening it again gives the same data.
enum TestStoreLocation: Sendable {
    case sqlite(path: String)
    case postgres(PostgresConfiguration)

    /// The location as one string for a child process: the SQLite path, or a PostgreSQL URL with its password.
    var childArgument: String {
        switch self {
        case .sqlite(let path):
            return path
        case .postgres(let database):
            return "postgres://\(database.user):\(database.password ?? "")@\(database.host):\(database.port)/"
                + database.database
        }
    }
}

/// The PostgreSQL cluster of this test process: started on first use, stopped when the process exits.
private let sharedCluster = Task { try await PostgresTestCluster.start() }

extension XCTestCase {
    /// Runs `body` once per backend with ``StoreBackend/current`` set: SQLite always, PostgreSQL where it is
    /// installed (otherwise `PostgresAvailabilityTests` reports the skip and its reason). Failures name the backend.
    func forEachBackend(_ body: () async throws -> Void) async throws {
        for backend in StoreBackend.allCases {
            if backend == .postgres, PostgresTestCluster.unavailableReason != nil { continue }
            let failuresBefore = testRun?.totalFailureCount ?? 0
            do {
                try await StoreBackend.$current.withValue(backend) { try await body() }
            } catch {
                XCTFail("\(error)")
            }
            if (testRun?.totalFailureCount ?? 0) > failuresBefore {
                XCTFail("the failures above are from the \(backend) backend")
            }
        }
    }
}

/// A new, empty database of the current backend (dropped at the end of the test).
func makeStoreLocation(_ testCase: XCTestCase) async throws -> TestStoreLocation {
    switch StoreBackend.current {
    case .sqlite:
        return .sqlite(path: try makeDatabasePath(testCase))
    case .postgres:
        let cluster = try await sharedCluster.value
        let name = "store_test_" + UUIDv4.random().replacingOccurrences(of: "-", with: "")
        try await cluster.createDatabase(name)
        testCase.addTeardownBlock {
            _ = try? await cluster.psql("DROP DATABASE IF EXISTS \(name) WITH (FORCE)")
        }
        return .postgres(cluster.configuration(database: name))
    }
}

/// Opens a store of the current backend at `location` (a new database when nil), closed at the end of the test.
func openBackendStore(
    _ testCase: XCTestCase, at location: TestStoreLocation? = nil, clock: TestClock? = nil,
    onCommit: (@Sendable ([CommittedChange]) -> Void)? = nil
) async throws -> any HypergraphStorage {
    let resolved: TestStoreLocation
    if let location {
        resolved = location
    } else {
        resolved = try await makeStoreLocation(testCase)
    }
    switch resolved {
    case .sqlite(let path):
        return try await openStore(testCase, path: path, clock: clock, onCommit: onCommit)
    case .postgres(let database):
        var configuration = PostgresStoreConfiguration(database: database, onCommit: onCommit)
        if let clock {
            configuration.clock = { clock.now() }
        }
        let store = try await PostgresHypergraphStorage(configuration: configuration)
        testCase.addTeardownBlock {
            await store.close()
        }
        return store
    }
}

/// A store of the current backend with Alice (app "app") who created "space-1".
func openBackendStoreWithSpace(
    _ testCase: XCTestCase, clock: TestClock? = nil, onCommit: (@Sendable ([CommittedChange]) -> Void)? = nil
) async throws -> (store: any HypergraphStorage, alice: IdentityRecord) {
    try await addAliceWithSpace(to: openBackendStore(testCase, clock: clock, onCommit: onCommit))
}
