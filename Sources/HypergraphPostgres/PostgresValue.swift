// Values, rows and results exchanged with the server.
import Foundation

/// A parameter or a column value.
public enum PostgresValue: Sendable, Hashable {
    /// SQL NULL (sent as an untyped NULL, so the server infers its type).
    case null
    /// `smallint` (int2).
    case int16(Int16)
    /// `integer` (int4).
    case int32(Int32)
    /// `bigint` (int8).
    case int64(Int64)
    /// `boolean`.
    case bool(Bool)
    /// `text`; also how columns of types without a dedicated case arrive (in PostgreSQL's text format).
    case text(String)
    /// `bytea`.
    case bytea([UInt8])
    /// `timestamp with time zone`, with microsecond precision. `infinity` and `-infinity` arrive as
    /// `Date.distantFuture` and `Date.distantPast`.
    case timestamptz(Date)
    /// `uuid`.
    case uuid(UUID)

    /// The name of the case, for error messages.
    var kindName: String {
        switch self {
        case .null: "NULL"
        case .int16: "int2"
        case .int32: "int4"
        case .int64: "int8"
        case .bool: "bool"
        case .text: "text"
        case .bytea: "bytea"
        case .timestamptz: "timestamptz"
        case .uuid: "uuid"
        }
    }
}

/// A result column: its name and the OID of its type (see `pg_type`).
public struct PostgresColumn: Sendable, Hashable {
    /// The column name (or alias).
    public var name: String
    /// The OID of the column's type, e.g. 20 for int8.
    public var typeOID: UInt32

    /// Creates a column description.
    public init(name: String, typeOID: UInt32) {
        self.name = name
        self.typeOID = typeOID
    }
}

/// One result row. The typed accessors throw `PostgresError.decoding` naming the column when the value is NULL
/// or of another type.
public struct PostgresRow: Sendable, Hashable {
    /// The values, one per column.
    public var values: [PostgresValue]
    /// The column names, for error messages (shared by all rows of a result).
    var columnNames: ColumnNames

    /// Creates a row from values (column names in errors are then unknown).
    public init(values: [PostgresValue]) {
        self.values = values
        columnNames = ColumnNames([])
    }

    init(values: [PostgresValue], columnNames: ColumnNames) {
        self.values = values
        self.columnNames = columnNames
    }

    /// The value of an integer column (int2, int4 or int8).
    public func int64(_ index: Int) throws(PostgresError) -> Int64 {
        switch try value(index) {
        case .int16(let value): return Int64(value)
        case .int32(let value): return Int64(value)
        case .int64(let value): return value
        case let other: throw mismatch(index, expected: "an integer", got: other)
        }
    }

    /// The value of an int2 or int4 column.
    public func int32(_ index: Int) throws(PostgresError) -> Int32 {
        switch try value(index) {
        case .int16(let value): return Int32(value)
        case .int32(let value): return value
        case let other: throw mismatch(index, expected: "int4", got: other)
        }
    }

    /// The value of a bool column.
    public func bool(_ index: Int) throws(PostgresError) -> Bool {
        guard case .bool(let value) = try value(index) else {
            throw mismatch(index, expected: "bool", got: values[index])
        }
        return value
    }

    /// The value of a text column (text, varchar, name, or any type decoded as text).
    public func string(_ index: Int) throws(PostgresError) -> String {
        guard case .text(let value) = try value(index) else {
            throw mismatch(index, expected: "text", got: values[index])
        }
        return value
    }

    /// The value of a bytea column.
    public func bytes(_ index: Int) throws(PostgresError) -> [UInt8] {
        guard case .bytea(let value) = try value(index) else {
            throw mismatch(index, expected: "bytea", got: values[index])
        }
        return value
    }

    /// The value of a timestamptz column.
    public func date(_ index: Int) throws(PostgresError) -> Date {
        guard case .timestamptz(let value) = try value(index) else {
            throw mismatch(index, expected: "timestamptz", got: values[index])
        }
        return value
    }

    /// The value of a uuid column.
    public func uuid(_ index: Int) throws(PostgresError) -> UUID {
        guard case .uuid(let value) = try value(index) else {
            throw mismatch(index, expected: "uuid", got: values[index])
        }
        return value
    }

    /// The value of a text column, or nil for NULL.
    public func optionalString(_ index: Int) throws(PostgresError) -> String? {
        try isNullChecked(index) ? nil : string(index)
    }

    /// The value of an integer column, or nil for NULL.
    public func optionalInt64(_ index: Int) throws(PostgresError) -> Int64? {
        try isNullChecked(index) ? nil : int64(index)
    }

    /// The value of a bytea column, or nil for NULL.
    public func optionalBytes(_ index: Int) throws(PostgresError) -> [UInt8]? {
        try isNullChecked(index) ? nil : bytes(index)
    }

    /// Whether the value is NULL (false for an index out of range).
    public func isNull(_ index: Int) -> Bool {
        values.indices.contains(index) && values[index] == .null
    }

    private func isNullChecked(_ index: Int) throws(PostgresError) -> Bool {
        try checkIndex(index)
        return values[index] == .null
    }

    /// The value at `index`; NULL and an index out of range are errors.
    private func value(_ index: Int) throws(PostgresError) -> PostgresValue {
        try checkIndex(index)
        let value = values[index]
        if value == .null { throw mismatch(index, expected: "a value", got: value) }
        return value
    }

    private func checkIndex(_ index: Int) throws(PostgresError) {
        guard values.indices.contains(index) else {
            throw .decoding("column \(index): out of range, the row has \(values.count) columns")
        }
    }

    private func mismatch(_ index: Int, expected: String, got value: PostgresValue) -> PostgresError {
        let name = columnNames.names.indices.contains(index) ? columnNames.names[index] : "?"
        return .decoding("column \(index) (\(name)): expected \(expected), got \(value.kindName)")
    }
}

/// The column names of one result, shared by reference among its rows. Not part of row equality.
final class ColumnNames: Sendable, Hashable {
    let names: [String]

    init(_ names: [String]) {
        self.names = names
    }

    static func == (lhs: ColumnNames, rhs: ColumnNames) -> Bool { true }
    func hash(into hasher: inout Hasher) {}
}

/// The result of one statement.
public struct PostgresQueryResult: Sendable {
    /// The result columns (empty for statements that return no rows).
    public var columns: [PostgresColumn]
    /// The rows, in the order the server sent them.
    public var rows: [PostgresRow]
    /// The CommandComplete tag, e.g. `INSERT 0 1`, `SELECT 3`, `CREATE TABLE` (empty for an empty query).
    public var commandTag: String
    /// The row count at the end of the tag (INSERT, UPDATE, DELETE, SELECT, MERGE, MOVE, FETCH, COPY), else nil.
    public var affectedRows: Int?

    /// Creates a result.
    public init(columns: [PostgresColumn], rows: [PostgresRow], commandTag: String) {
        self.columns = columns
        self.rows = rows
        self.commandTag = commandTag
        affectedRows = Self.rowCount(in: commandTag)
    }

    private static let countingCommands: Set<Substring> = [
        "INSERT", "UPDATE", "DELETE", "SELECT", "MERGE", "MOVE", "FETCH", "COPY",
    ]

    private static func rowCount(in tag: String) -> Int? {
        let words = tag.split(separator: " ")
        guard let command = words.first, countingCommands.contains(command), words.count >= 2 else { return nil }
        return words.last.flatMap { Int($0) }
    }
}
