import CSQLite
import XCTest

@testable import HypergraphStore

final class SQLiteConnectionTests: XCTestCase {
    private func openConnection(role: SQLiteConnection.Role = .writer) throws -> SQLiteConnection {
        try SQLiteConnection(path: try makeDatabasePath(self), role: role, busyTimeoutMilliseconds: 1_000)
    }

    func testWriterConnectionUsesWALFullSyncAndForeignKeys() throws {
        let connection = try openConnection()
        XCTAssertEqual(try connection.queryFirst("PRAGMA journal_mode") { try $0.text(0) }, "wal")
        XCTAssertEqual(try connection.queryFirst("PRAGMA synchronous") { try $0.int64(0) }, 2) // FULL
        XCTAssertEqual(try connection.queryFirst("PRAGMA foreign_keys") { try $0.int64(0) }, 1)
    }

    func testValuesRoundTripExactly() throws {
        let connection = try openConnection()
        try connection.executeScript("CREATE TABLE t (n INTEGER, s TEXT, b BLOB) STRICT")
        let cases: [(SQLiteValue, SQLiteValue, SQLiteValue)] = [
            (.integer(Int64.min), .text(""), .blob([])),
            (.integer(Int64.max), .text("nul\u{0}inside é"), .blob([0, 1, 255])),
            (.null, .null, .null),
        ]
        for (number, text, blob) in cases {
            try connection.execute("INSERT INTO t VALUES (?1, ?2, ?3)", [number, text, blob])
        }
        let rows = try connection.query("SELECT n, s, b, b IS NULL FROM t ORDER BY rowid") { row in
            [
                SQLiteValue.integer(try row.optionalInt64(0)), .text(try row.optionalText(1)),
                try row.boolean(3) ? .null : .blob(try row.blob(2)),
            ]
        }
        XCTAssertEqual(rows, cases.map { [$0.0, $0.1, $0.2] })
    }

    func testReadingTheWrongTypeIsAClearError() throws {
        let connection = try openConnection()
        XCTAssertThrowsError(try connection.queryFirst("SELECT NULL AS missing") { try $0.text(0) }) { error in
            let error = error as? SQLiteError
            XCTAssertEqual(error?.code, SQLITE_MISMATCH)
            XCTAssertEqual(error?.message, "column 0 (missing): expected TEXT, found NULL")
            XCTAssertEqual(error?.statement, "SELECT NULL AS missing")
        }
        XCTAssertThrowsError(try connection.queryFirst("SELECT 2") { try $0.boolean(0) }) { error in
            XCTAssertEqual((error as? SQLiteError)?.message, "column 0 (2): expected a boolean (0 or 1), found 2")
        }
    }

    func testErrorsCarryCodeMessageAndStatement() throws {
        let connection = try openConnection()
        try connection.executeScript("CREATE TABLE t (id TEXT PRIMARY KEY) STRICT")
        try connection.execute("INSERT INTO t VALUES (?1)", [.text("a")])
        XCTAssertThrowsError(try connection.execute("INSERT INTO t VALUES (?1)", [.text("a")])) { error in
            let error = error as? SQLiteError
            XCTAssertEqual(error?.code, 1555) // SQLITE_CONSTRAINT_PRIMARYKEY
            XCTAssertEqual(error?.isConstraintViolation, true)
            XCTAssertEqual(error?.message, "UNIQUE constraint failed: t.id")
            XCTAssertEqual(error?.statement, "INSERT INTO t VALUES (?1)")
            XCTAssertTrue(error?.description.contains("constraint failed") ?? false)
        }
        XCTAssertThrowsError(try connection.execute("SELEC 1")) { error in
            XCTAssertEqual((error as? SQLiteError)?.primaryCode, SQLITE_ERROR)
            XCTAssertEqual((error as? SQLiteError)?.statement, "SELEC 1")
        }
        XCTAssertThrowsError(try connection.execute("SELECT ?1", [])) { error in
            XCTAssertEqual((error as? SQLiteError)?.code, SQLITE_RANGE)
        }
    }

    func testNestedUseOfTheSameStatementGetsItsOwnStatement() throws {
        let connection = try openConnection()
        try connection.executeScript("CREATE TABLE t (n INTEGER) STRICT; INSERT INTO t VALUES (1), (2);")
        let sql = "SELECT n FROM t WHERE n >= ?1 ORDER BY n"
        let pairs = try connection.query(sql, [.integer(1)]) { outer in
            let first = try outer.int64(0)
            let inner = try connection.query(sql, [.integer(first)]) { try $0.int64(0) }
            return [first] + inner
        }
        XCTAssertEqual(pairs, [[1, 1, 2], [2, 2]])
        // The cached statement is still usable afterwards.
        XCTAssertEqual(try connection.query(sql, [.integer(2)]) { try $0.int64(0) }, [2])
    }

    func testTransactionRollsBackWhenTheBodyThrows() throws {
        struct Failure: Error {}
        let connection = try openConnection()
        try connection.executeScript("CREATE TABLE t (n INTEGER) STRICT")
        XCTAssertThrowsError(
            try connection.transaction(immediate: true) {
                try connection.execute("INSERT INTO t VALUES (1)")
                throw Failure()
            })
        _ = try connection.transaction(immediate: true) { try connection.execute("INSERT INTO t VALUES (2)") }
        XCTAssertEqual(try connection.query("SELECT n FROM t") { try $0.int64(0) }, [2])
    }

    func testReaderConnectionCannotWrite() throws {
        let path = try makeDatabasePath(self)
        let writer = try SQLiteConnection(path: path, role: .writer, busyTimeoutMilliseconds: 1_000)
        try writer.executeScript("CREATE TABLE t (n INTEGER) STRICT")
        let reader = try SQLiteConnection(path: path, role: .reader, busyTimeoutMilliseconds: 1_000)
        XCTAssertThrowsError(try reader.execute("INSERT INTO t VALUES (1)")) { error in
            XCTAssertEqual((error as? SQLiteError)?.primaryCode, SQLITE_READONLY)
        }
    }

    func testOpeningAnUnreachablePathNamesThePath() {
        XCTAssertThrowsError(
            try SQLiteConnection(path: "/nonexistent-dir/x/db.sqlite", role: .writer, busyTimeoutMilliseconds: 0)
        ) { error in
            XCTAssertEqual((error as? SQLiteError)?.primaryCode, SQLITE_CANTOPEN)
            XCTAssertTrue((error as? SQLiteError)?.message.contains("/nonexistent-dir/x/db.sqlite") ?? false)
        }
    }
}
