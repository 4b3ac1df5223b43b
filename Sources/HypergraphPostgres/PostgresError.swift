// The errors of the PostgreSQL client: what the server reported (ErrorResponse, NoticeResponse) and what went
// wrong on our side (URL, connection, authentication, protocol, decoding, pool).

/// The fields of an ErrorResponse or NoticeResponse (PostgreSQL protocol "Error and Notice Message Fields").
public struct PostgresServerError: Error, Sendable, Hashable, CustomStringConvertible {
    /// `ERROR`, `FATAL` or `PANIC` (or, in a notice, `WARNING`, `NOTICE`, `DEBUG`, `INFO`, `LOG`); never localized.
    public var severity: String
    /// The five-character SQLSTATE code, e.g. `23505`.
    public var sqlState: String
    /// The primary message.
    public var message: String
    /// The optional secondary message with details.
    public var detail: String?
    /// An optional suggestion what to do.
    public var hint: String?
    /// The constraint the error is about, if any.
    public var constraint: String?
    /// The table the error is about, if any.
    public var table: String?
    /// The column the error is about, if any.
    public var column: String?
    /// The schema of the object the error is about, if any.
    public var schema: String?

    /// Creates an error from its fields.
    public init(
        severity: String, sqlState: String, message: String, detail: String? = nil, hint: String? = nil,
        constraint: String? = nil, table: String? = nil, column: String? = nil, schema: String? = nil
    ) {
        self.severity = severity
        self.sqlState = sqlState
        self.message = message
        self.detail = detail
        self.hint = hint
        self.constraint = constraint
        self.table = table
        self.column = column
        self.schema = schema
    }

    /// Whether the error is a unique-constraint violation (SQLSTATE 23505).
    public var isUniqueViolation: Bool { sqlState == "23505" }

    /// `SEVERITY SQLSTATE: message`, then detail, hint and the constraint when present.
    public var description: String {
        var text = "\(severity) \(sqlState): \(message)"
        if let detail { text += " (detail: \(detail))" }
        if let hint { text += " (hint: \(hint))" }
        if let constraint { text += " (constraint: \(constraint))" }
        return text
    }

    /// Parses the body of an ErrorResponse or NoticeResponse: fields of a type byte and a C string, ending with 0.
    /// Unknown field types are skipped, as the protocol asks.
    init(fields body: UnsafeRawBufferPointer) throws(PostgresError) {
        var reader = MessageReader(body)
        var fields: [UInt8: String] = [:]
        while true {
            let type = try reader.readByte()
            if type == 0 { break }
            fields[type] = try reader.readCString()
        }
        self.init(
            severity: fields[UInt8(ascii: "V")] ?? fields[UInt8(ascii: "S")] ?? "ERROR",
            sqlState: fields[UInt8(ascii: "C")] ?? "XX000", message: fields[UInt8(ascii: "M")] ?? "",
            detail: fields[UInt8(ascii: "D")], hint: fields[UInt8(ascii: "H")],
            constraint: fields[UInt8(ascii: "n")], table: fields[UInt8(ascii: "t")],
            column: fields[UInt8(ascii: "c")], schema: fields[UInt8(ascii: "s")])
    }
}

/// A NoticeResponse: a warning or informational message the server sent alongside a result.
public struct PostgresNotice: Sendable, Hashable, CustomStringConvertible {
    /// The notice's fields, which are those of an error.
    public var fields: PostgresServerError

    /// `WARNING`, `NOTICE`, `DEBUG`, `INFO` or `LOG`.
    public var severity: String { fields.severity }
    /// The SQLSTATE code, e.g. `01000` for a warning.
    public var sqlState: String { fields.sqlState }
    /// The primary message.
    public var message: String { fields.message }
    /// The optional secondary message with details.
    public var detail: String? { fields.detail }
    /// An optional suggestion what to do.
    public var hint: String? { fields.hint }
    /// The constraint the notice is about, if any.
    public var constraint: String? { fields.constraint }
    /// The table the notice is about, if any.
    public var table: String? { fields.table }
    /// The column the notice is about, if any.
    public var column: String? { fields.column }
    /// The schema of the object the notice is about, if any.
    public var schema: String? { fields.schema }

    /// The same text as an error with these fields.
    public var description: String { fields.description }
}

/// Everything that can go wrong using the PostgreSQL client.
public enum PostgresError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A connection URL could not be understood: which part, and why.
    case invalidURL(part: String, reason: String)
    /// The configuration asks for TLS, which this client does not speak.
    case tlsNotSupported(String)
    /// No connection could be made: refused, unknown host, or timed out.
    case connectionFailed(host: String, port: UInt16, reason: String)
    /// The server asked for an authentication method this client does not implement.
    case authenticationUnsupported(String)
    /// Authentication did not succeed (the server's message, or why the server's proof was refused).
    case authenticationFailed(String)
    /// The server answered a request with an ErrorResponse.
    case server(PostgresServerError)
    /// The connection ended (server shutdown, `pg_terminate_backend`, network); says during what.
    case connectionClosed(String)
    /// The server sent something the protocol does not allow here, or a request cannot be encoded (NUL in the
    /// SQL, more than 65,535 parameters, more than 1 GiB).
    case protocolViolation(String)
    /// A value could not be decoded as the requested type.
    case decoding(String)
    /// More notifications arrived than the buffer holds before the listener read them; the sequence ended.
    case notificationBufferOverflow(limit: Int)
    /// The pool was closed.
    case poolClosed
    /// No connection became free in time.
    case poolTimeout(String)

    /// Whether the database is unreachable rather than the request wrong: connection failures and closures, and
    /// server errors of class 08 (connection exception) or 57P01/57P02/57P03 (admin shutdown, crash shutdown,
    /// cannot connect now). A pool discards a connection that failed this way.
    public var isConnectionProblem: Bool {
        switch self {
        case .connectionFailed, .connectionClosed:
            return true
        case .server(let error):
            return error.sqlState.hasPrefix("08") || ["57P01", "57P02", "57P03"].contains(error.sqlState)
        default:
            return false
        }
    }

    /// What went wrong, where, and what was expected.
    public var description: String {
        switch self {
        case .invalidURL(let part, let reason):
            return "invalid PostgreSQL URL: \(part): \(reason)"
        case .tlsNotSupported(let what):
            return "TLS is not supported by this client: \(what)"
        case .connectionFailed(let host, let port, let reason):
            return "could not connect to PostgreSQL at \(host):\(port): \(reason)"
        case .authenticationUnsupported(let method):
            return "the server asks for an authentication method this client does not support: \(method)"
        case .authenticationFailed(let reason):
            return "PostgreSQL authentication failed: \(reason)"
        case .server(let error):
            return "PostgreSQL server error: \(error)"
        case .connectionClosed(let during):
            return "the PostgreSQL connection closed \(during)"
        case .protocolViolation(let what):
            return "PostgreSQL protocol violation: \(what)"
        case .decoding(let what):
            return "PostgreSQL value decoding failed: \(what)"
        case .notificationBufferOverflow(let limit):
            return "more than \(limit) notifications were waiting to be read; the notification sequence ended"
        case .poolClosed:
            return "the PostgreSQL connection pool is closed"
        case .poolTimeout(let what):
            return "no PostgreSQL connection became free in time: \(what)"
        }
    }
}
