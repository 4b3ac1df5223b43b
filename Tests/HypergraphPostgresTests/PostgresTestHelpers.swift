import HypergraphPostgres
import PostgresTestSupport
import Synchronization
import XCTest

/// One cluster shared by the test cases that do not change its configuration; it is stopped at process exit.
actor SharedCluster {
    static let shared = SharedCluster()
    private var cluster: PostgresTestCluster?

    /// The running shared cluster, started on first use; skips the test when PostgreSQL is not installed.
    static func get() async throws -> PostgresTestCluster {
        try requirePostgres()
        return try await shared.startIfNeeded()
    }

    private func startIfNeeded() async throws -> PostgresTestCluster {
        if let cluster { return cluster }
        let started = try await PostgresTestCluster.start()
        cluster = started
        return started
    }
}

extension XCTestCase {
    /// A cluster of this test's own (for tests that reconfigure or restart it), stopped at teardown.
    func startOwnCluster() async throws -> PostgresTestCluster {
        try requirePostgres()
        let cluster = try await PostgresTestCluster.start()
        addTeardownBlock { await cluster.stop() }
        return cluster
    }
}

/// Skips the test when PostgreSQL's server programs are missing.
func requirePostgres() throws {
    if let reason = PostgresTestCluster.unavailableReason { throw XCTSkip(reason) }
}

/// The error `body` throws, as a PostgresError (fails the test when it throws nothing or something else).
func postgresError(
    _ body: () async throws -> Void, file: StaticString = #filePath, line: UInt = #line
) async -> PostgresError? {
    do {
        try await body()
        XCTFail("expected a PostgresError, nothing was thrown", file: file, line: line)
    } catch let error as PostgresError {
        return error
    } catch {
        XCTFail("expected a PostgresError, got \(error)", file: file, line: line)
    }
    return nil
}

/// A fresh table name, so test cases sharing a cluster do not collide.
func uniqueName(_ prefix: String) -> String {
    "\(prefix)_\(UInt32.random(in: 0...UInt32.max))"
}

/// A value shared by concurrent test tasks.
final class Locked<Value: Sendable>: Sendable {
    private let mutex: Mutex<Value>

    init(_ value: Value) {
        mutex = Mutex(value)
    }

    func withLock<Result>(_ body: (inout Value) -> Result) -> Result {
        mutex.withLock { body(&$0) }
    }
}
