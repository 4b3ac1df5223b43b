import Foundation
import HypergraphPostgres
import XCTest

/// Statement cache, error mapping, transactions and notifications on one server.
final class PostgresQueryTests: XCTestCase {
    func testPreparedStatementIsParsedOnce() async throws {
        let cluster = try await SharedCluster.get()
        let connection = try await PostgresConnection.connect(cluster.configuration())
        let sql = "SELECT $1::int8 + 1"
        for value in 0..<5 {
            let sum = try await connection.query(sql, [.int64(Int64(value))]).rows[0].int64(0)
            XCTAssertEqual(sum, Int64(value) + 1)
        }
        let prepared = try await connection.query(
            "SELECT count(*) FROM pg_prepared_statements WHERE statement = $1", [.text(sql)])
        XCTAssertEqual(try prepared.rows[0].int64(0), 1)
        // The same text with other parameter types is another statement.
        let narrower = try await connection.query(sql, [.int32(41)]).rows[0].int64(0)
        XCTAssertEqual(narrower, 42)
        let again = try await connection.query(
            "SELECT count(*) FROM pg_prepared_statements WHERE statement = $1", [.text(sql)])
        XCTAssertEqual(try again.rows[0].int64(0), 2)
        await connection.close()
    }

    func testQueriesFromATaskPreferringTheConnectionsLoop() async throws {
        let cluster = try await SharedCluster.get()
        let connection = try await PostgresConnection.connect(cluster.configuration())
        let sum = try await withTaskExecutorPreference(connection.executor) {
            var sum: Int64 = 0
            for value in 1...50 {
                sum += try await connection.query("SELECT $1::int8", [.int64(Int64(value))]).rows[0].int64(0)
            }
            return sum
        }
        XCTAssertEqual(sum, 1275)
        await connection.close()
    }

    func testStatementCacheSurvivesDeallocateAndSchemaChange() async throws {
        let cluster = try await SharedCluster.get()
        let connection = try await PostgresConnection.connect(cluster.configuration())
        let table = uniqueName("changing")
        try await connection.simpleQuery("CREATE TABLE \(table) (a int8); INSERT INTO \(table) VALUES (1)")
        let sql = "SELECT * FROM \(table)"
        _ = try await connection.query(sql)
        _ = try await connection.query(sql)
        try await connection.simpleQuery("ALTER TABLE \(table) ADD COLUMN b text DEFAULT 'x'")
        // The cached plan's result type changed: the server refuses once, the statement is prepared afresh.
        let refused = await postgresError { _ = try await connection.query(sql) }
        XCTAssertEqual(refused.flatMap { if case .server(let error) = $0 { error.sqlState } else { nil } }, "0A000")
        let values = try await connection.query(sql).rows[0].values
        XCTAssertEqual(values, [.int64(1), .text("x")])
        try await connection.simpleQuery("DEALLOCATE ALL")
        _ = await postgresError { _ = try await connection.query(sql) }
        let valuesAfterDeallocate = try await connection.query(sql).rows[0].values
        XCTAssertEqual(valuesAfterDeallocate, [.int64(1), .text("x")])
        await connection.close()
    }

    func testServerErrorsAreMappedAndTheConnectionStaysUsable() async throws {
        let cluster = try await SharedCluster.get()
        let connection = try await PostgresConnection.connect(cluster.configuration())
        let table = uniqueName("people")
        try await connection.simpleQuery("CREATE TABLE \(table) (id int8 PRIMARY KEY, name text NOT NULL)")
        try await connection.query("INSERT INTO \(table) (id, name) VALUES ($1, $2)", [.int64(1), .text("a")])
        let duplicate = await postgresError {
            try await connection.query("INSERT INTO \(table) (id, name) VALUES ($1, $2)", [.int64(1), .text("b")])
        }
        guard case .server(let error) = duplicate else {
            return XCTFail("expected a server error, got \(String(describing: duplicate))")
        }
        XCTAssertTrue(error.isUniqueViolation)
        XCTAssertEqual(error.severity, "ERROR")
        XCTAssertEqual(error.constraint, "\(table)_pkey")
        XCTAssertEqual(error.table, table)
        XCTAssertEqual(error.schema, "public")
        XCTAssertEqual(error.detail, "Key (id)=(1) already exists.")
        XCTAssertFalse(duplicate?.isConnectionProblem ?? true)

        let syntax = await postgresError { _ = try await connection.query("SELEKT 1") }
        guard case .server(let syntaxError) = syntax else { return XCTFail("expected a server error") }
        XCTAssertEqual(syntaxError.sqlState, "42601")
        XCTAssertTrue(syntaxError.message.contains("SELEKT"), syntaxError.message)

        let notNull = await postgresError {
            try await connection.query("INSERT INTO \(table) (id, name) VALUES ($1, $2)", [.int64(2), .null])
        }
        guard case .server(let notNullError) = notNull else { return XCTFail("expected a server error") }
        XCTAssertEqual(notNullError.sqlState, "23502")
        XCTAssertEqual(notNullError.column, "name")

        let simple = await postgresError { try await connection.simpleQuery("SELECT 1; SELECT 1/0; SELECT 3") }
        guard case .server(let divisionError) = simple else { return XCTFail("expected a server error") }
        XCTAssertEqual(divisionError.sqlState, "22012")

        let unencodable = await postgresError { _ = try await connection.query("SELECT 1\u{0}") }
        XCTAssertEqual(unencodable, .protocolViolation("SQL text cannot contain NUL characters"))
        let tooMany = await postgresError {
            _ = try await connection.query("SELECT 1", Array(repeating: .null, count: 65_536))
        }
        XCTAssertEqual(tooMany, .protocolViolation("a query may have at most 65535 parameters, this one has 65536"))
        let count = try await connection.query("SELECT count(*) FROM \(table)").rows[0].int64(0)
        XCTAssertEqual(count, 1)
        XCTAssertFalse(connection.isClosed)
        await connection.close()
        XCTAssertTrue(connection.isClosed)
        let afterClose = await postgresError { _ = try await connection.query("SELECT 1") }
        XCTAssertTrue(afterClose?.isConnectionProblem ?? false, "\(String(describing: afterClose))")
    }

    func testNoticesReachTheHandler() async throws {
        let cluster = try await SharedCluster.get()
        let notices = Locked<[PostgresNotice]>([])
        let connection = try await PostgresConnection.connect(
            cluster.configuration(), onNotice: { notice in notices.withLock { $0.append(notice) } })
        try await connection.simpleQuery("DO $$ BEGIN RAISE NOTICE 'hello %', 42; END $$")
        XCTAssertEqual(notices.withLock { $0 }.map(\.message), ["hello 42"])
        XCTAssertEqual(notices.withLock { $0 }.first?.severity, "NOTICE")
        await connection.close()
    }

    func testTransactionCommitsAndRollsBack() async throws {
        let cluster = try await SharedCluster.get()
        let connection = try await PostgresConnection.connect(cluster.configuration())
        let table = uniqueName("ledger")
        try await connection.simpleQuery("CREATE TABLE \(table) (amount int8)")
        let committed = try await connection.transaction { connection in
            try await connection.query("INSERT INTO \(table) VALUES ($1)", [.int64(10)])
            return try await connection.query("SELECT sum(amount)::int8 FROM \(table)").rows[0].int64(0)
        }
        XCTAssertEqual(committed, 10)
        struct Abandon: Error {}
        do {
            _ = try await connection.transaction { connection in
                try await connection.query("INSERT INTO \(table) VALUES ($1)", [.int64(5)])
                throw Abandon()
            }
            XCTFail("the body's error was not rethrown")
        } catch is Abandon {}
        XCTAssertFalse(connection.isInTransaction)
        // A failed statement whose error the body swallowed makes COMMIT a ROLLBACK, which is reported.
        let swallowed = await postgresError {
            _ = try await connection.transaction { connection in
                try await connection.query("INSERT INTO \(table) VALUES ($1)", [.int64(7)])
                _ = try? await connection.query("SELECT 1/0")
            }
        }
        XCTAssertEqual(swallowed.flatMap { if case .server(let error) = $0 { error.sqlState } else { nil } }, "25P02")
        let sum = try await connection.query("SELECT sum(amount)::int8 FROM \(table)").rows[0].int64(0)
        XCTAssertEqual(sum, 10)
        await connection.close()
    }

    func testNotificationsArriveOnTheListeningConnection() async throws {
        let cluster = try await SharedCluster.get()
        let listener = try await PostgresConnection.connect(cluster.configuration())
        let sender = try await PostgresConnection.connect(cluster.configuration())
        try await listener.simpleQuery("LISTEN hypergraph_events")
        try await sender.query("SELECT pg_notify('hypergraph_events', $1)", [.text("first ünïcødé 🚀")])
        try await sender.simpleQuery("NOTIFY hypergraph_events, 'second'; NOTIFY other_channel, 'ignored'")
        var iterator = listener.notifications.makeAsyncIterator()
        let first = try await iterator.next()
        XCTAssertEqual(
            first,
            PostgresNotification(channel: "hypergraph_events", payload: "first ünïcødé 🚀", processID: sender.processID))
        let payload = try await iterator.next()?.payload
        XCTAssertEqual(payload, "second")
        await sender.close()
        await listener.close()
        let end = try await iterator.next()
        XCTAssertNil(end)
    }

    func testNotificationOverflowEndsTheSequence() async throws {
        let cluster = try await SharedCluster.get()
        let listener = try await PostgresConnection.connect(cluster.configuration())
        try await listener.simpleQuery("LISTEN hypergraph_flood")
        let limit = PostgresConnection.notificationBufferLimit
        try await cluster.psql(
            "SELECT pg_notify('hypergraph_flood', i::text) FROM generate_series(1, \(limit + 5)) AS i")
        try await listener.query("SELECT 1") // the notifications arrive before this answer
        var received: [String] = []
        do {
            for try await notification in listener.notifications { received.append(notification.payload) }
            XCTFail("the sequence ended without an error")
        } catch let error as PostgresError {
            XCTAssertEqual(error, .notificationBufferOverflow(limit: limit))
        }
        XCTAssertEqual(received, (1...limit).map(String.init))
        XCTAssertFalse(listener.isClosed, "the connection itself keeps working")
        await listener.close()
    }

    func testNotificationsEndWithTheErrorWhenTheServerDropsTheConnection() async throws {
        let cluster = try await SharedCluster.get()
        let listener = try await PostgresConnection.connect(cluster.configuration())
        try await listener.simpleQuery("LISTEN hypergraph_drop")
        try await cluster.psql("SELECT pg_terminate_backend(\(listener.processID))")
        do {
            for try await notification in listener.notifications { XCTFail("unexpected \(notification)") }
            XCTFail("the sequence ended without an error")
        } catch let error as PostgresError {
            XCTAssertTrue(error.isConnectionProblem, "\(error)")
            XCTAssertTrue(error.description.contains("57P01"), error.description)
        }
    }
}
