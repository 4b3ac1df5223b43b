import Foundation
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

/// A store with Alice (app "app") who created "space-1".
func openStoreWithSpace(
    _ testCase: XCTestCase, clock: TestClock? = nil, onCommit: (@Sendable ([CommittedChange]) -> Void)? = nil
) async throws -> (store: SQLiteHypergraphStorage, alice: IdentityRecord) {
    let store = try await openStore(testCase, clock: clock, onCommit: onCommit)
    let alice = makeIdentity()
    try await store.createIdentity(alice)
    _ = try await store.createSpace(makeSpace(creator: alice))
    return (store, alice)
}
