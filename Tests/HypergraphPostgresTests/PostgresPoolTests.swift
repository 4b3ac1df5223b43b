import HypergraphPostgres
import XCTest

/// The pool's bound, wait queue, timeout, and what it does with connections its users leave behind.
final class PostgresPoolTests: XCTestCase {
    func testBoundAndWaitQueue() async throws {
        let cluster = try await SharedCluster.get()
        let pool = PostgresConnectionPool(configuration: cluster.configuration(), maximumConnections: 2)
        let counters = Locked<(current: Int, peak: Int, processes: Set<Int32>)>((0, 0, []))
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<5 {
                group.addTask {
                    try await pool.withConnection { connection in
                        counters.withLock {
                            $0.current += 1
                            $0.peak = max($0.peak, $0.current)
                            $0.processes.insert(connection.processID)
                        }
                        _ = try await connection.query("SELECT pg_sleep(0.1)")
                        counters.withLock { $0.current -= 1 }
                    }
                }
            }
            try await group.waitForAll()
        }
        let seen = counters.withLock { $0 }
        XCTAssertEqual(seen.peak, 2)
        XCTAssertEqual(seen.processes.count, 2, "connections are reused")
        await pool.close()
        let closed = await postgresError { _ = try await pool.query("SELECT 1") }
        XCTAssertEqual(closed, .poolClosed)
    }

    func testAcquireTimeout() async throws {
        let cluster = try await SharedCluster.get()
        let pool = PostgresConnectionPool(
            configuration: cluster.configuration(), maximumConnections: 1, acquireTimeout: .milliseconds(200))
        let holder = Task { try await pool.withConnection { _ = try await $0.query("SELECT pg_sleep(1)") } }
        try await Task.sleep(for: .milliseconds(100))
        let started = ContinuousClock.now
        let waited = await postgresError { _ = try await pool.query("SELECT 1") }
        guard case .poolTimeout = waited else { return XCTFail("\(String(describing: waited))") }
        XCTAssertGreaterThanOrEqual(ContinuousClock.now - started, .milliseconds(150))
        try await holder.value
        let value = try await pool.query("SELECT 7::int8").rows[0].int64(0)
        XCTAssertEqual(value, 7)
        await pool.close()
    }

    func testConnectionsSurviveBodyErrorsAndOpenTransactionsAreRolledBack() async throws {
        let cluster = try await SharedCluster.get()
        let table = uniqueName("pooled")
        try await cluster.psql("CREATE TABLE \(table) (a int8)")
        let pool = PostgresConnectionPool(configuration: cluster.configuration(), maximumConnections: 1)
        struct BodyError: Error {}
        let first = try await pool.withConnection { $0.processID }
        do {
            try await pool.withConnection { connection in
                try await connection.simpleQuery("BEGIN")
                try await connection.query("INSERT INTO \(table) VALUES (1)")
                throw BodyError()
            }
        } catch is BodyError {}
        let (second, inTransaction) = try await pool.withConnection { ($0.processID, $0.isInTransaction) }
        XCTAssertEqual(first, second, "a body error does not cost the connection")
        XCTAssertFalse(inTransaction)
        let count = try await pool.query("SELECT count(*) FROM \(table)").rows[0].int64(0)
        XCTAssertEqual(count, 0, "the abandoned transaction was rolled back")

        let committed = try await pool.withTransaction { connection in
            try await connection.query("INSERT INTO \(table) VALUES ($1)", [.int64(3)]).affectedRows
        }
        XCTAssertEqual(committed, 1)

        // A connection that died is replaced.
        try await cluster.psql("SELECT pg_terminate_backend(\(second))")
        try await Task.sleep(for: .milliseconds(200))
        let third = try await pool.withConnection { $0.processID }
        XCTAssertNotEqual(third, second)
        await pool.close()
    }
}
