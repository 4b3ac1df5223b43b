// Connection settings and their URL form.

/// Where and as whom to connect.
public struct PostgresConfiguration: Sendable, Equatable {
    /// The server's host name or IP address.
    public var host: String
    /// The server's TCP port.
    public var port: UInt16
    /// The role to log in as.
    public var user: String
    /// The password, for password, MD5 and SCRAM-SHA-256 authentication.
    public var password: String?
    /// The database to connect to.
    public var database: String
    /// Shown in `pg_stat_activity.application_name`.
    public var applicationName: String?
    /// How long connecting, starting up and authenticating may take together.
    public var connectTimeout: Duration

    /// Settings with PostgreSQL's defaults: localhost:5432, the database named like the user.
    public init(
        host: String = "localhost", port: UInt16 = 5432, user: String, password: String? = nil,
        database: String? = nil, applicationName: String? = nil, connectTimeout: Duration = .seconds(10)
    ) {
        self.host = host
        self.port = port
        self.user = user
        self.password = password
        self.database = database ?? user
        self.applicationName = applicationName
        self.connectTimeout = connectTimeout
    }

    /// Parses `postgres://user:password@host:port/database?application_name=…&sslmode=disable` (or
    /// `postgresql://`). Every part is percent-decoded; an IPv6 host is written in brackets (`[::1]`). The user is
    /// required; the port defaults to 5432 and the database to the user. Query parameters: `application_name`,
    /// `connect_timeout` (seconds), and `sslmode` where `disable`, `allow` and `prefer` are accepted (this client
    /// never uses TLS) and `require`, `verify-ca` and `verify-full` throw `tlsNotSupported`. Any other parameter
    /// is an `invalidURL` error.
    public init(url: String) throws(PostgresError) {
        var rest = Substring(url)
        guard let schemeEnd = rest.range(of: "://"),
            ["postgres", "postgresql"].contains(rest[..<schemeEnd.lowerBound].lowercased())
        else {
            throw .invalidURL(part: "scheme", reason: "expected postgres:// or postgresql://")
        }
        rest = rest[schemeEnd.upperBound...]
        var query: Substring = ""
        if let mark = rest.firstIndex(of: "?") {
            query = rest[rest.index(after: mark)...]
            rest = rest[..<mark]
        }
        var path: Substring = ""
        if let slash = rest.firstIndex(of: "/") {
            path = rest[rest.index(after: slash)...]
            rest = rest[..<slash]
        }
        guard let at = rest.lastIndex(of: "@") else {
            throw .invalidURL(part: "user", reason: "missing: expected user@ before the host")
        }
        let userInfo = rest[..<at]
        let hostPort = rest[rest.index(after: at)...]

        let userText: Substring
        var password: String?
        if let colon = userInfo.firstIndex(of: ":") {
            userText = userInfo[..<colon]
            password = try Self.decode(userInfo[userInfo.index(after: colon)...], part: "password")
        } else {
            userText = userInfo
        }
        let user = try Self.decode(userText, part: "user")
        guard !user.isEmpty else { throw .invalidURL(part: "user", reason: "empty") }

        let (host, port) = try Self.hostAndPort(hostPort)
        let database = path.isEmpty ? nil : try Self.decode(path, part: "database")
        if database?.contains("/") == true { throw .invalidURL(part: "database", reason: "contains a slash") }

        var applicationName: String?
        var connectTimeout = Duration.seconds(10)
        for pair in query.split(separator: "&", omittingEmptySubsequences: true) {
            guard let equals = pair.firstIndex(of: "=") else {
                throw .invalidURL(part: "query", reason: "parameter \(String(reflecting: String(pair))) has no value")
            }
            let name = try Self.decode(pair[..<equals], part: "query")
            let value = try Self.decode(pair[pair.index(after: equals)...], part: name)
            switch name {
            case "application_name":
                applicationName = value
            case "connect_timeout":
                guard let seconds = Int(value), seconds > 0 else {
                    throw .invalidURL(
                        part: name, reason: "expected a positive number of seconds, got \(String(reflecting: value))")
                }
                connectTimeout = .seconds(seconds)
            case "sslmode":
                switch value {
                case "disable", "allow", "prefer": break
                case "require", "verify-ca", "verify-full": throw .tlsNotSupported("sslmode=\(value)")
                default:
                    throw .invalidURL(
                        part: name,
                        reason:
                            "expected disable, allow, prefer, require, verify-ca or verify-full, got \(String(reflecting: value))"
                    )
                }
            default:
                throw .invalidURL(
                    part: "query",
                    reason:
                        "unknown parameter \(String(reflecting: name)); expected application_name, connect_timeout or sslmode"
                )
            }
        }
        self.init(
            host: host, port: port, user: user, password: password, database: database,
            applicationName: applicationName, connectTimeout: connectTimeout)
    }

    /// The URL without the password, for logs.
    public var redactedURL: String {
        let hostPart = host.contains(":") ? "[\(host)]" : Self.encode(host)
        var url = "postgres://\(Self.encode(user))@\(hostPart):\(port)/\(Self.encode(database))"
        if let applicationName { url += "?application_name=\(Self.encode(applicationName))" }
        return url
    }

    private static func hostAndPort(_ text: Substring) throws(PostgresError) -> (String, UInt16) {
        var hostText = text
        var portText: Substring?
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]") else {
                throw .invalidURL(part: "host", reason: "an IPv6 address misses its closing ]")
            }
            hostText = text[text.index(after: text.startIndex)..<close]
            let after = text[text.index(after: close)...]
            if !after.isEmpty {
                guard after.hasPrefix(":") else { throw .invalidURL(part: "host", reason: "unexpected text after ]") }
                portText = after.dropFirst()
            }
        } else if let colon = text.lastIndex(of: ":") {
            hostText = text[..<colon]
            portText = text[text.index(after: colon)...]
        }
        let host = try decode(hostText, part: "host")
        guard !host.isEmpty else { throw .invalidURL(part: "host", reason: "empty") }
        guard let portText else { return (host, 5432) }
        guard let port = UInt16(portText), port > 0 else {
            throw .invalidURL(
                part: "port", reason: "expected a number from 1 to 65535, got \(String(reflecting: String(portText)))")
        }
        return (host, port)
    }

    /// Percent-decodes `text` as UTF-8.
    private static func decode(_ text: Substring, part: String) throws(PostgresError) -> String {
        guard text.contains("%") else { return String(text) }
        var bytes: [UInt8] = []
        var iterator = text.utf8.makeIterator()
        while let byte = iterator.next() {
            guard byte == UInt8(ascii: "%") else {
                bytes.append(byte)
                continue
            }
            guard let high = iterator.next().flatMap(hexValue), let low = iterator.next().flatMap(hexValue) else {
                throw .invalidURL(part: part, reason: "a % is not followed by two hex digits")
            }
            bytes.append(high << 4 | low)
        }
        guard let decoded = String(validating: bytes, as: UTF8.self) else {
            throw .invalidURL(part: part, reason: "percent-decoding gives invalid UTF-8")
        }
        return decoded
    }

    private static func hexValue(_ digit: UInt8) -> UInt8? {
        switch digit {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): digit - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): digit - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): digit - UInt8(ascii: "A") + 10
        default: nil
        }
    }

    /// Percent-encodes everything but unreserved characters (RFC 3986).
    private static func encode(_ text: String) -> String {
        var result = ""
        for byte in text.utf8 {
            let scalar = Unicode.Scalar(byte)
            if ("0"..."9").contains(scalar) || ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar)
                || "-._~".unicodeScalars.contains(scalar)
            {
                result.unicodeScalars.append(scalar)
            } else {
                result += "%" + (byte < 16 ? "0" : "") + String(byte, radix: 16, uppercase: true)
            }
        }
        return result
    }
}
