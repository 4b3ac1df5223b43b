import CSQLite

/// A value bound to a statement parameter.
enum SQLiteValue: Hashable, Sendable {
    case null
    case integer(Int64)
    case text(String)
    case blob([UInt8])

    /// `.text(value)`, or `.null` when `value` is nil.
    static func text(_ value: String?) -> SQLiteValue { value.map { .text($0) } ?? .null }

    /// `.integer(value)`, or `.null` when `value` is nil.
    static func integer(_ value: Int64?) -> SQLiteValue { value.map { .integer($0) } ?? .null }

    /// `.integer(value)`, or `.null` when `value` is nil.
    static func integer(_ value: Int?) -> SQLiteValue { value.map { .integer(Int64($0)) } ?? .null }

    /// 1 for true, 0 for false.
    static func boolean(_ value: Bool) -> SQLiteValue { .integer(value ? 1 : 0) }
}

/// SQLite's `SQLITE_TRANSIENT`: SQLite copies bound text and blobs before the bind call returns.
private let transientDestructor = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

/// One prepared statement. It belongs to the connection that prepared it and is used on that connection's thread only.
final class SQLiteStatement {
    /// The SQL text, reported in errors.
    let sql: String
    private let handle: OpaquePointer
    private let database: OpaquePointer

    init(sql: String, database: OpaquePointer) throws(SQLiteError) {
        var prepared: OpaquePointer?
        let code = sqlite3_prepare_v3(database, sql, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &prepared, nil)
        guard code == SQLITE_OK, let prepared else {
            sqlite3_finalize(prepared)
            throw SQLiteError.from(code: code, database: database, statement: sql)
        }
        self.sql = sql
        self.handle = prepared
        self.database = database
    }

    deinit {
        sqlite3_finalize(handle)
    }

    /// Binds `values` to the parameters `?1`, `?2`, … in order; the count must match the statement's.
    func bind(_ values: [SQLiteValue]) throws(SQLiteError) {
        let expected = Int(sqlite3_bind_parameter_count(handle))
        guard values.count == expected else {
            throw SQLiteError(
                code: SQLITE_RANGE,
                message: "statement takes \(expected) parameters, \(values.count) were given",
                statement: sql
            )
        }
        for (offset, value) in values.enumerated() {
            let index = Int32(offset + 1)
            let code: Int32
            switch value {
            case .null:
                code = sqlite3_bind_null(handle, index)
            case .integer(let number):
                code = sqlite3_bind_int64(handle, index, number)
            case .text(let string) where string.isEmpty:
                // A nil pointer would bind NULL; an empty string must stay an empty string.
                code = sqlite3_bind_text(handle, index, "", 0, transientDestructor)
            case .text(let string):
                // The explicit byte count keeps strings with embedded NUL characters intact.
                code = Array(string.utf8).withUnsafeBytes { buffer in
                    sqlite3_bind_text64(
                        handle, index, buffer.baseAddress?.assumingMemoryBound(to: CChar.self),
                        sqlite3_uint64(buffer.count), transientDestructor, UInt8(SQLITE_UTF8))
                }
            case .blob(let bytes):
                // A nil pointer would bind NULL; an empty blob must stay an empty blob.
                code =
                    bytes.isEmpty
                    ? sqlite3_bind_zeroblob(handle, index, 0)
                    : bytes.withUnsafeBytes { buffer in
                        sqlite3_bind_blob64(
                            handle, index, buffer.baseAddress, sqlite3_uint64(buffer.count), transientDestructor)
                    }
            }
            guard code == SQLITE_OK else {
                throw SQLiteError.from(code: code, database: database, statement: sql)
            }
        }
    }

    /// Advances to the next row: true when a row is available, false when the statement has finished.
    func step() throws(SQLiteError) -> Bool {
        switch sqlite3_step(handle) {
        case SQLITE_ROW: return true
        case SQLITE_DONE: return false
        case let code: throw SQLiteError.from(code: code, database: database, statement: sql)
        }
    }

    /// Makes the statement ready for its next use: rewinds it and clears the bindings.
    func reset() {
        sqlite3_reset(handle)
        sqlite3_clear_bindings(handle)
    }

    /// The current row. Valid until the next ``step()`` or ``reset()``.
    var row: SQLiteRow { SQLiteRow(statement: self, handle: handle) }
}

/// Typed access to the columns of the current row. Every accessor checks the stored type and throws a
/// `SQLITE_MISMATCH` error naming the column and statement instead of silently converting.
struct SQLiteRow {
    fileprivate let statement: SQLiteStatement
    fileprivate let handle: OpaquePointer

    /// A TEXT column.
    func text(_ column: Int32) throws(SQLiteError) -> String {
        try expect(column, SQLITE_TEXT, "TEXT")
        return readText(column)
    }

    /// A TEXT column that may be NULL.
    func optionalText(_ column: Int32) throws(SQLiteError) -> String? {
        sqlite3_column_type(handle, column) == SQLITE_NULL ? nil : try text(column)
    }

    /// An INTEGER column.
    func int64(_ column: Int32) throws(SQLiteError) -> Int64 {
        try expect(column, SQLITE_INTEGER, "INTEGER")
        return sqlite3_column_int64(handle, column)
    }

    /// An INTEGER column that may be NULL.
    func optionalInt64(_ column: Int32) throws(SQLiteError) -> Int64? {
        sqlite3_column_type(handle, column) == SQLITE_NULL ? nil : try int64(column)
    }

    /// An INTEGER column that holds 0 or 1.
    func boolean(_ column: Int32) throws(SQLiteError) -> Bool {
        switch try int64(column) {
        case 0: return false
        case 1: return true
        case let other:
            throw mismatch(column, "expected a boolean (0 or 1), found \(other)")
        }
    }

    /// A BLOB column.
    func blob(_ column: Int32) throws(SQLiteError) -> [UInt8] {
        try expect(column, SQLITE_BLOB, "BLOB")
        let count = Int(sqlite3_column_bytes(handle, column))
        guard count > 0, let bytes = sqlite3_column_blob(handle, column) else { return [] }
        return Array(UnsafeRawBufferPointer(start: bytes, count: count))
    }

    private func readText(_ column: Int32) -> String {
        let count = Int(sqlite3_column_bytes(handle, column))
        guard count > 0, let bytes = sqlite3_column_text(handle, column) else { return "" }
        return String(decoding: UnsafeBufferPointer(start: bytes, count: count), as: UTF8.self)
    }

    private func expect(_ column: Int32, _ type: Int32, _ typeName: String) throws(SQLiteError) {
        let found = sqlite3_column_type(handle, column)
        guard found == type else {
            let foundName =
                [
                    SQLITE_INTEGER: "INTEGER", SQLITE_FLOAT: "REAL", SQLITE_TEXT: "TEXT",
                    SQLITE_BLOB: "BLOB", SQLITE_NULL: "NULL",
                ][found] ?? "type \(found)"
            throw mismatch(column, "expected \(typeName), found \(foundName)")
        }
    }

    private func mismatch(_ column: Int32, _ detail: String) -> SQLiteError {
        let name = sqlite3_column_name(handle, column).map { String(cString: $0) } ?? "?"
        return SQLiteError(
            code: SQLITE_MISMATCH, message: "column \(column) (\(name)): \(detail)", statement: statement.sql)
    }
}
