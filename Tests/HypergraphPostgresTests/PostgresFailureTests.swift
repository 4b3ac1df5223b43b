import HypergraphPostgres
import PostgresTestSupport
import XCTest

/// Connections dropped by the server: a terminated backend, a restart under a pool.
final class PostgresFailureTests: XCTestCase {
    func testTerminatedBackendFailsTheTransactionAndStoresNothing() async throws {
        let cluster = try await SharedCluster.get()
        let table = uniqueName("terminated")
        try await cluster.psql("CREATE TABLE \(table) (a int8)")
        let connection = try await PostgresConnection.connect(cluster.configuration())
        let processID = connection.processID
        let failure = await postgresError {
            _ = try await connection.transaction { connection in
                try await connection.query("INSERT INTO \(table) VALUES ($1)", [.int64(1)])
                try await cluster.psql("SELECT pg_terminate_backend(\(processID))")
                try await connection.query("INSERT INTO \(table) VALUES ($1)", [.int64(2)])
            }
        }
        guard case .connectionClosed(let reason) = failure else { return XCTFail("\(String(describing: failure))") }
        XCTAssertTrue(failure?.isConnectionProblem ?? false)
        XCTAssertTrue(reason.contains("57P01") || reason.contains("ended the connection"), reason)
        XCTAssertTrue(connection.isClosed)
        let stored = try await cluster.psql("SELECT count(*) FROM \(table)")
        XCTAssertEqual(stored.trimmingCharacters(in: .whitespacesAndNewlines), "0")
    }

    func testPoolRecoversAfterServerRestart() async throws {
        let cluster = try await startOwnCluster()
        let pool = PostgresConnectionPool(
            configuration: cluster.configuration(), maximumConnections: 3, acquireTimeout: .seconds(5))
        // Open three connections, so the pool holds idle ones that the restart will break.
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<3 {
                group.addTask { _ = try await pool.query("SELECT pg_sleep(0.1)") }
            }
            try await group.waitForAll()
        }
        let outcomes = Locked<(successes: Int, problems: Int, others: [String])>((0, 0, []))
        let load = Task {
            while !Task.isCancelled {
                do {
                    _ = try await pool.query("SELECT 1")
                    outcomes.withLock { $0.successes += 1 }
                } catch let error as PostgresError where error.isConnectionProblem {
                    outcomes.withLock { $0.problems += 1 }
                } catch {
                    outcomes.withLock { $0.others.append("\(error)") }
                }
                try? await Task.sleep(for: .milliseconds(5))
            }
        }
        try await cluster.restart()
        load.cancel()
        await load.value
        let result = try await pool.query("SELECT 42::int8")
        XCTAssertEqual(try result.rows[0].int64(0), 42)
        for _ in 0..<5 { _ = try await pool.query("SELECT 1") }
        let seen = outcomes.withLock { $0 }
        XCTAssertEqual(seen.others, [], "only connection problems may fail during the outage")
        XCTAssertGreaterThan(seen.successes, 0)
        await pool.close()
    }
}
