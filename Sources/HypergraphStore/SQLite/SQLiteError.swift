import CSQLite

/// An error reported by SQLite, or a value read back from the database that does not have the expected type.
public struct SQLiteError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The extended SQLite result code, for example 2067 (`SQLITE_CONSTRAINT_UNIQUE`) or 5 (`SQLITE_BUSY`).
    public var code: Int32
    /// SQLite's message for this failure (`sqlite3_errmsg`), or the wrapper's own explanation.
    public var message: String
    /// The SQL text that was being prepared or run, when there was one.
    public var statement: String?

    /// Creates an error from its parts.
    public init(code: Int32, message: String, statement: String? = nil) {
        self.code = code
        self.message = message
        self.statement = statement
    }

    /// The primary result code (the low 8 bits of ``code``), for example 19 (`SQLITE_CONSTRAINT`).
    public var primaryCode: Int32 { code & 0xFF }

    /// Whether another connection held a lock for longer than the busy timeout.
    public var isBusy: Bool { primaryCode == SQLITE_BUSY || primaryCode == SQLITE_LOCKED }

    /// Whether the failure was a constraint violation (unique, foreign key, check, not null).
    public var isConstraintViolation: Bool { primaryCode == SQLITE_CONSTRAINT }

    /// A one-line explanation with the code, SQLite's text for it, the message and the statement.
    public var description: String {
        let codeText = String(cString: sqlite3_errstr(code))
        var text = "SQLite error \(code) (\(codeText)): \(message)"
        if let statement {
            text += " [statement: \(statement)]"
        }
        return text
    }

    /// Builds the error for result code `code` from the connection's current message.
    static func from(code: Int32, database: OpaquePointer?, statement: String?) -> SQLiteError {
        // The connection's extended code and message describe `code` only when they belong to the same failure.
        if let database, sqlite3_errcode(database) & 0xFF == code & 0xFF {
            return SQLiteError(
                code: sqlite3_extended_errcode(database),
                message: String(cString: sqlite3_errmsg(database)),
                statement: statement
            )
        }
        return SQLiteError(code: code, message: String(cString: sqlite3_errstr(code)), statement: statement)
    }
}
