// The HTTP side of the protocol (§10): requests to a Hypergraph server through HypergraphHTTP's client, one request
// per connection (`Connection: close`), `http://` or `https://` (TLS through HypergraphTLS), on the shared event
// loops. The client is an immutable value; each request owns its own connection.
import HypergraphHTTP
import HypergraphJSON
import HypergraphSigning
import HypergraphTLS

/// An HTTP response from a Hypergraph server.
public struct HypergraphHTTPResponse: Sendable {
    /// The status code.
    public var status: Int
    /// The header fields in the order received, repeated fields (two `Set-Cookie` lines) included; look them up
    /// by name in any case.
    public var headers: HTTPHeaders
    /// The body, de-chunked.
    public var body: [UInt8]

    /// Creates a response.
    public init(status: Int, headers: HTTPHeaders, body: [UInt8]) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// The body as UTF-8 text.
    public var text: String { String(decoding: body, as: UTF8.self) }

    /// The body parsed as JSON, or nil when it is not JSON.
    public var json: JSONValue? { try? JSONValue.parse(body) }

    /// The first value of the header `name` (any case); `headers.values(for:)` has every value and
    /// `headers.combinedValue(for:)` a list header's values on one line.
    public func header(_ name: String) -> String? { headers[name] }
}

/// Why an HTTP request failed before a response was read, or why a URL is unusable.
public struct HypergraphHTTPError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What failed.
    public var description: String
    /// The TLS failure behind the error, for https:// (e.g. the certificate was refused).
    public var tlsFailure: TLSError?

    /// Creates an error.
    public init(description: String, tlsFailure: TLSError? = nil) {
        self.description = description
        self.tlsFailure = tlsFailure
    }
}

/// Sends HTTP requests to one Hypergraph server: any request with ``request(method:path:headers:body:)``, and the
/// routes of PROTOCOL.md §10 with the typed helpers.
public struct HypergraphHTTPClient: Sendable {
    /// Host name or address.
    public let host: String
    /// TCP port.
    public let port: UInt16
    /// How long connecting, sending the request and reading the whole response may take.
    public let timeout: Duration
    /// How the server's certificate is checked when requests go through TLS (https://); nil for plain http://.
    public let tls: TLSClientConfiguration?

    /// A client for `host:port`, through TLS when `tls` is given.
    public init(host: String, port: UInt16, timeout: Duration = .seconds(10), tls: TLSClientConfiguration? = nil) {
        self.host = host
        self.port = port
        self.timeout = timeout
        self.tls = tls
    }

    /// A client for `baseURL` (`http://host[:port]` or `https://host[:port]`, any path ignored); `tls` says how an
    /// https:// server's certificate is checked.
    ///
    /// - Throws: ``HypergraphHTTPError`` when the URL is not `http(s)://host[:port]`.
    public init(
        baseURL: String, timeout: Duration = .seconds(10), tls: TLSClientConfiguration = TLSClientConfiguration()
    ) throws(HypergraphHTTPError) {
        let secure = baseURL.lowercased().hasPrefix("https://")
        guard secure || baseURL.lowercased().hasPrefix("http://") else {
            throw HypergraphHTTPError(description: "the HTTP URL \(baseURL) must start with http:// or https://")
        }
        let authority = baseURL.drop { $0 != "/" }.dropFirst(2).prefix { $0 != "/" && $0 != "?" }
        let (host, port) = try Self.split(authority: String(authority), defaultPort: secure ? 443 : 80)
        self.init(host: host, port: port, timeout: timeout, tls: secure ? tls : nil)
    }

    /// Sends `method path` with exactly `headers` (plus `Host`, `Connection: close` and, when there is a body or the
    /// method is POST, `Content-Length`) and reads the whole response.
    ///
    /// - Throws: ``HypergraphHTTPError`` when the server cannot be reached or sends no complete response in time.
    public func request(
        method: String, path: String, headers: HTTPHeaders = HTTPHeaders(), body: [UInt8] = []
    ) async throws -> HypergraphHTTPResponse {
        let request = HTTPRequest(method: method, target: path, headers: headers, body: body)
        do {
            let response = try await HTTPClient.send(request, host: host, port: port, tls: tls, timeout: timeout)
            return HypergraphHTTPResponse(status: response.status, headers: response.headers, body: response.body)
        } catch let error as HTTPClientError {
            guard case .tlsFailed(let failure) = error else {
                throw HypergraphHTTPError(description: error.description)
            }
            throw HypergraphHTTPError(description: error.description, tlsFailure: failure)
        }
    }

    /// Sends `method path` with `json` as an `application/json` body (unless `headers` already name a
    /// `Content-Type`), or with no body when `json` is nil.
    ///
    /// - Throws: ``HypergraphHTTPError`` as ``request(method:path:headers:body:)`` does.
    public func request(
        method: String, path: String, headers: HTTPHeaders = HTTPHeaders(), json: String?
    ) async throws -> HypergraphHTTPResponse {
        var allHeaders = headers
        if json != nil, allHeaders["Content-Type"] == nil {
            allHeaders.add(name: "Content-Type", value: "application/json")
        }
        return try await request(method: method, path: path, headers: allHeaders, body: Array((json ?? "").utf8))
    }

    /// `host` and `port` from `host[:port]` or `[v6]:port`.
    static func split(authority: String, defaultPort: UInt16) throws(HypergraphHTTPError) -> (String, UInt16) {
        if authority.hasPrefix("["), let close = authority.firstIndex(of: "]") {
            let host = String(authority[authority.index(after: authority.startIndex)..<close])
            let rest = authority[authority.index(after: close)...]
            guard rest.isEmpty || rest.hasPrefix(":") else {
                throw HypergraphHTTPError(description: "malformed authority \(authority)")
            }
            guard let port = rest.isEmpty ? defaultPort : UInt16(rest.dropFirst()) else {
                throw HypergraphHTTPError(description: "malformed port in \(authority)")
            }
            return (host, port)
        }
        let parts = authority.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count <= 2, let host = parts.first, !host.isEmpty else {
            throw HypergraphHTTPError(description: "malformed authority \(authority)")
        }
        guard let port = parts.count == 2 ? UInt16(parts[1]) : defaultPort else {
            throw HypergraphHTTPError(description: "malformed port in \(authority)")
        }
        return (String(host), port)
    }
}

// MARK: - The routes of §10

extension HypergraphHTTPClient {
    /// Posts a message to a space inbox (§10.1, `POST /spaces/:spaceId/inboxes/:inboxId/messages`), signed by
    /// `author` when given. The server answers 200 `{}` on success.
    ///
    /// - Throws: ``HypergraphHTTPError`` when no response arrives; an error status is a response, not a throw.
    public func postSpaceInboxMessage(
        spaceId: String, inboxId: String, ciphertext: String, author: HypergraphIdentity? = nil
    ) async throws -> HypergraphHTTPResponse {
        try await request(
            method: "POST", path: "/spaces/\(spaceId)/inboxes/\(inboxId)/messages",
            json: Self.spaceInboxMessageBody(spaceId: spaceId, inboxId: inboxId, ciphertext: ciphertext, author: author)
        )
    }

    /// Posts a message to an account inbox (§10.2, `POST /accounts/:accountAddress/inboxes/:inboxId/messages`),
    /// signed by `author` when given. The server answers 200 `{}` on success.
    ///
    /// - Throws: ``HypergraphHTTPError`` when no response arrives; an error status is a response, not a throw.
    public func postAccountInboxMessage(
        accountAddress: String, inboxId: String, ciphertext: String, author: HypergraphIdentity? = nil
    ) async throws -> HypergraphHTTPResponse {
        try await request(
            method: "POST", path: "/accounts/\(accountAddress)/inboxes/\(inboxId)/messages",
            json: Self.accountInboxMessageBody(
                accountAddress: accountAddress, inboxId: inboxId, ciphertext: ciphertext, author: author))
    }

    /// The public inboxes of a space (§10.3): 200 `{"inboxes":[…]}`.
    public func spaceInboxes(spaceId: String) async throws -> HypergraphHTTPResponse {
        try await request(method: "GET", path: "/spaces/\(spaceId)/inboxes")
    }

    /// One inbox of a space (§10.3): 200 `{"inbox":{…}}`.
    public func spaceInbox(spaceId: String, inboxId: String) async throws -> HypergraphHTTPResponse {
        try await request(method: "GET", path: "/spaces/\(spaceId)/inboxes/\(inboxId)")
    }

    /// The public inboxes of an account (§10.3): 200 `{"inboxes":[…]}`.
    public func accountInboxes(accountAddress: String) async throws -> HypergraphHTTPResponse {
        try await request(method: "GET", path: "/accounts/\(accountAddress)/inboxes")
    }

    /// One inbox of an account (§10.3): 200 `{"inbox":{…}}`.
    public func accountInbox(accountAddress: String, inboxId: String) async throws -> HypergraphHTTPResponse {
        try await request(method: "GET", path: "/accounts/\(accountAddress)/inboxes/\(inboxId)")
    }

    /// Looks up an identity (§10.4, `GET /identity`) by its signature public key, or else by its app id: 200 with the
    /// identity, or 404 `{"accountAddress":…}`.
    public func identity(
        accountAddress: String, signaturePublicKey: String? = nil, appId: String? = nil
    ) async throws -> HypergraphHTTPResponse {
        var query = "accountAddress=\(accountAddress)"
        if let signaturePublicKey { query += "&signaturePublicKey=\(signaturePublicKey)" }
        if let appId { query += "&appId=\(appId)" }
        return try await request(method: "GET", path: "/identity?\(query)")
    }

    /// The JSON body of a space inbox message post (§10.1), signed by `author` over the canonical
    /// `{authorAccountAddress, ciphertext, inboxId, spaceId}` (§7.4.4) when given.
    public static func spaceInboxMessageBody(
        spaceId: String, inboxId: String, ciphertext: String, author: HypergraphIdentity?
    ) -> String {
        let payload = author.map {
            SigningPayload.spaceInboxMessage(
                authorAccountAddress: $0.accountAddress, ciphertext: ciphertext, inboxId: inboxId, spaceId: spaceId)
        }
        return inboxMessageBody(ciphertext: ciphertext, author: author, payload: payload)
    }

    /// The JSON body of an account inbox message post (§10.2), signed by `author` over the canonical
    /// `{accountAddress, authorAccountAddress, ciphertext, inboxId}` (§7.4.5) when given.
    public static func accountInboxMessageBody(
        accountAddress: String, inboxId: String, ciphertext: String, author: HypergraphIdentity?
    ) -> String {
        let payload = author.map {
            SigningPayload.accountInboxMessage(
                accountAddress: accountAddress, authorAccountAddress: $0.accountAddress, ciphertext: ciphertext,
                inboxId: inboxId)
        }
        return inboxMessageBody(ciphertext: ciphertext, author: author, payload: payload)
    }

    private static func inboxMessageBody(
        ciphertext: String, author: HypergraphIdentity?, payload: SigningPayload?
    ) -> String {
        var body: JSONObject = ["ciphertext": .string(ciphertext)]
        if let author, let payload {
            let signature = payload.signature(with: author.signatureKey)
            body["signature"] = ["hex": .string(signature.hex), "recovery": .number(Double(signature.recovery))]
            body["authorAccountAddress"] = .string(author.accountAddress)
        }
        return String(decoding: JSONValue.object(body).serialized(), as: UTF8.self)
    }
}
