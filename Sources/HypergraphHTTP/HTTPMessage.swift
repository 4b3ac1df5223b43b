// HTTP/1.1 messages: header fields, requests (routed to a server application, or sent by a client) and responses
// (returned by the application, or read by a client), with their wire forms.
import Foundation
import HypergraphEventLoop

/// An ordered list of header fields with case-insensitive lookup. Repeated fields (two `Set-Cookie` or `Via`
/// lines) are all kept, in the order received.
public struct HTTPHeaders: Sendable, Hashable, Sequence, ExpressibleByDictionaryLiteral {
    /// One header field.
    public struct Field: Sendable, Hashable {
        /// The name as sent (compare case-insensitively).
        public var name: String
        /// The value, without surrounding whitespace.
        public var value: String

        /// Creates a field.
        public init(name: String, value: String) {
            self.name = name
            self.value = value
        }
    }

    /// The fields in order.
    public private(set) var fields: [Field] = []

    /// No fields.
    public init() {}

    /// Fields from name–value pairs, in order.
    public init(dictionaryLiteral elements: (String, String)...) {
        fields = elements.map { Field(name: $0.0, value: $0.1) }
    }

    /// The first value of `name` (case-insensitive), or nil.
    public subscript(name: String) -> String? {
        fields.first { $0.name.caseInsensitiveEquals(name) }?.value
    }

    /// Every value of `name`, in order.
    public func values(for name: String) -> [String] {
        fields.filter { $0.name.caseInsensitiveEquals(name) }.map(\.value)
    }

    /// The values of a list header (such as `Via` or `Cache-Control`) joined with ", ", as one line would carry
    /// them (RFC 9110 §5.3), or nil when there is none. Not meaningful for `Set-Cookie`, whose values may contain
    /// commas: read those with `values(for:)`.
    public func combinedValue(for name: String) -> String? {
        let values = values(for: name)
        return values.isEmpty ? nil : values.joined(separator: ", ")
    }

    /// Appends a field (keeping existing fields of the same name).
    public mutating func add(name: String, value: String) {
        fields.append(Field(name: name, value: value))
    }

    /// Replaces every field named `name` with one field.
    public mutating func replace(name: String, value: String) {
        remove(name: name)
        add(name: name, value: value)
    }

    /// Removes every field named `name`.
    public mutating func remove(name: String) {
        fields.removeAll { $0.name.caseInsensitiveEquals(name) }
    }

    /// Whether any value of `name`, read as a comma-separated list, contains `token` (case-insensitive),
    /// as for `Connection: keep-alive, Upgrade`.
    public func contains(token: String, in name: String) -> Bool {
        values(for: name).contains { value in
            value.split(separator: ",").contains {
                $0.trimmingCharacters(in: .whitespaces).caseInsensitiveEquals(token)
            }
        }
    }

    /// Iterates over the fields in order.
    public func makeIterator() -> IndexingIterator<[Field]> {
        fields.makeIterator()
    }
}

/// A complete HTTP request: a plain request routed to the application, or a WebSocket upgrade request shown
/// to the application before it accepts or rejects the upgrade.
public struct HTTPRequest: Sendable, Hashable {
    /// The method, e.g. `GET`.
    public var method: String
    /// The request target as sent, e.g. `/sync?token=abc`.
    public var target: String
    /// The target before `?`, still percent-encoded.
    public var path: String
    /// The target after `?`, still percent-encoded, or nil when there is no `?`.
    public var query: String?
    /// `HTTP/1.1` or `HTTP/1.0`.
    public var version: String
    /// The header fields.
    public var headers: HTTPHeaders
    /// The body (sized by `Content-Length`; empty when there is none).
    public var body: [UInt8]
    /// "host:port" of the peer.
    public var remoteAddress: String

    /// Creates a request; `path` and `query` are split from `target`.
    public init(
        method: String, target: String, version: String = "HTTP/1.1", headers: HTTPHeaders = HTTPHeaders(),
        body: [UInt8] = [], remoteAddress: String = ""
    ) {
        self.method = method
        self.target = target
        if let mark = target.firstIndex(of: "?") {
            path = String(target[..<mark])
            query = String(target[target.index(after: mark)...])
        } else {
            path = target
            query = nil
        }
        self.version = version
        self.headers = headers
        self.body = body
        self.remoteAddress = remoteAddress
    }

    /// The decoded value of the first query parameter called `name` (`+` and percent escapes decoded),
    /// or nil. A parameter without `=` has the value "".
    public func queryValue(_ name: String) -> String? {
        guard let query else { return nil }
        for pair in query.split(separator: "&", omittingEmptySubsequences: true) {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard HTTPRequest.decodeQueryComponent(parts[0]) == name else { continue }
            return parts.count > 1 ? HTTPRequest.decodeQueryComponent(parts[1]) : ""
        }
        return nil
    }

    private static func decodeQueryComponent(_ component: Substring) -> String {
        let spaced = component.replacingOccurrences(of: "+", with: " ")
        return spaced.removingPercentEncoding ?? spaced
    }

    /// The wire form: request line, header fields, `Content-Length` when there is a body or the method is POST or
    /// PUT (which always carry one), then the body.
    package func encoded() -> OutboundBytes {
        var headers = self.headers
        if !body.isEmpty || method == "POST" || method == "PUT" {
            headers.replace(name: "Content-Length", value: String(body.count))
        }
        return headers.encodedMessage(startLine: "\(method) \(target) \(version)", body: body)
    }

    /// Whether the connection stays open after the response: the HTTP/1.1 default unless `Connection: close`,
    /// and for HTTP/1.0 only with `Connection: keep-alive`.
    var keepsConnectionAlive: Bool {
        if headers.contains(token: "close", in: "Connection") { return false }
        return version == "HTTP/1.1" || headers.contains(token: "keep-alive", in: "Connection")
    }
}

/// An HTTP response: a server application's answer to a request (or to an upgrade request it rejects), or what a
/// client read.
public struct HTTPResponse: Sendable, Hashable {
    /// The status code, e.g. 200.
    public var status: Int
    /// The header fields; `Content-Length` and `Connection` are set by the server.
    public var headers: HTTPHeaders
    /// The body.
    public var body: [UInt8]

    /// Creates a response.
    public init(status: Int, headers: HTTPHeaders = HTTPHeaders(), body: [UInt8] = []) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// A `text/plain; charset=utf-8` response.
    public static func text(_ text: String, status: Int = 200) -> HTTPResponse {
        HTTPResponse(status: status, headers: ["Content-Type": "text/plain; charset=utf-8"], body: Array(text.utf8))
    }

    /// An `application/json` response with an already encoded body.
    public static func json(_ body: [UInt8], status: Int = 200) -> HTTPResponse {
        HTTPResponse(status: status, headers: ["Content-Type": "application/json"], body: body)
    }

    /// The standard reason phrase for `status`.
    public var reasonPhrase: String {
        switch status {
        case 101: "Switching Protocols"
        case 200: "OK"
        case 201: "Created"
        case 204: "No Content"
        case 400: "Bad Request"
        case 401: "Unauthorized"
        case 403: "Forbidden"
        case 404: "Not Found"
        case 405: "Method Not Allowed"
        case 408: "Request Timeout"
        case 409: "Conflict"
        case 411: "Length Required"
        case 413: "Content Too Large"
        case 426: "Upgrade Required"
        case 429: "Too Many Requests"
        case 431: "Request Header Fields Too Large"
        case 500: "Internal Server Error"
        case 501: "Not Implemented"
        case 503: "Service Unavailable"
        case 505: "HTTP Version Not Supported"
        default: "Status \(status)"
        }
    }

    /// The wire form: status line, headers with `Content-Length` (except for 101) and, when `closing`,
    /// `Connection: close`, then the body.
    package func encoded(closing: Bool) -> OutboundBytes {
        var headers = self.headers
        if status != 101 {
            headers.replace(name: "Content-Length", value: String(body.count))
            if closing { headers.replace(name: "Connection", value: "close") }
        }
        return headers.encodedMessage(startLine: "HTTP/1.1 \(status) \(reasonPhrase)", body: body)
    }
}

extension HTTPHeaders {
    /// A message on the wire: `startLine`, these fields in order, an empty line, `body`.
    fileprivate func encodedMessage(startLine: String, body: [UInt8]) -> OutboundBytes {
        var head = startLine + "\r\n"
        for field in fields { head += "\(field.name): \(field.value)\r\n" }
        head += "\r\n"
        return OutboundBytes(copying: Array(head.utf8) + body)
    }
}

extension StringProtocol {
    /// ASCII case-insensitive equality, as HTTP field names and tokens need.
    func caseInsensitiveEquals(_ other: some StringProtocol) -> Bool {
        utf8.count == other.utf8.count && zip(utf8, other.utf8).allSatisfy { asciiLowercase($0) == asciiLowercase($1) }
    }
}

private func asciiLowercase(_ byte: UInt8) -> UInt8 {
    byte >= 0x41 && byte <= 0x5A ? byte | 0x20 : byte
}
