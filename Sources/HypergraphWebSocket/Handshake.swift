// The RFC 6455 §4 opening handshake, both sides: validating an upgrade request and building the 101 answer
// (server), building the request and checking the answer (client).
import Foundation
import HypergraphCrypto
import HypergraphEventLoop
import HypergraphHTTP

/// An upgrade request the server refuses before asking the application, with the response to send.
struct HandshakeRejection: Error, Equatable {
    /// 400, 405 or 426, with a plain-text body saying what was wrong.
    var response: HTTPResponse
}

/// Opening-handshake rules.
enum Handshake {
    /// The GUID RFC 6455 appends to the key before hashing.
    static let acceptGUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"
    /// The only protocol version this implementation speaks.
    static let version = "13"

    /// `base64(SHA-1(key + GUID))`, the `Sec-WebSocket-Accept` value for `key`.
    static func acceptValue(forKey key: String) -> String {
        Data(SHA1.hash(Array((key + acceptGUID).utf8))).base64EncodedString()
    }

    /// Whether the request asks to switch to WebSocket (`Upgrade: websocket`); such requests are validated as
    /// handshakes, everything else is a plain HTTP request.
    static func isUpgradeRequest(_ request: HTTPRequest) -> Bool {
        request.headers.contains(token: "websocket", in: "Upgrade")
    }

    // MARK: Server side

    /// Checks an upgrade request and returns its `Sec-WebSocket-Accept` value.
    static func validate(_ request: HTTPRequest) throws(HandshakeRejection) -> String {
        guard request.method == "GET" else {
            var response = HTTPResponse.text(
                "WebSocket upgrade requests must use GET, not \(request.method).\n", status: 405)
            response.headers.add(name: "Allow", value: "GET")
            throw HandshakeRejection(response: response)
        }
        guard request.version == "HTTP/1.1" else {
            throw reject("WebSocket upgrade requests must use HTTP/1.1, not \(request.version).")
        }
        guard request.headers["Host"] != nil else { throw reject("The upgrade request has no Host header.") }
        guard request.headers.contains(token: "upgrade", in: "Connection") else {
            throw reject("The upgrade request's Connection header must contain 'Upgrade'.")
        }
        guard request.headers.values(for: "Sec-WebSocket-Version") == [version] else {
            let given = request.headers.values(for: "Sec-WebSocket-Version").joined(separator: ", ")
            var response = HTTPResponse.text(
                "Unsupported Sec-WebSocket-Version '\(given)'; this server speaks version \(version).\n", status: 426)
            response.headers.add(name: "Sec-WebSocket-Version", value: version)
            throw HandshakeRejection(response: response)
        }
        let keys = request.headers.values(for: "Sec-WebSocket-Key")
        guard keys.count == 1, let key = keys.first, Data(base64Encoded: key)?.count == 16 else {
            throw reject(
                "Sec-WebSocket-Key must be exactly one base64-encoded 16-byte value, got '\(keys.joined(separator: ", "))'."
            )
        }
        return acceptValue(forKey: key)
    }

    /// The 101 response completing a handshake, with the application's extra headers (e.g. a subprotocol).
    static func switchingProtocols(accept: String, extraHeaders: HTTPHeaders) -> HTTPResponse {
        var headers: HTTPHeaders = ["Upgrade": "websocket", "Connection": "Upgrade", "Sec-WebSocket-Accept": accept]
        for field in extraHeaders { headers.add(name: field.name, value: field.value) }
        return HTTPResponse(status: 101, headers: headers)
    }

    private static func reject(_ message: String) -> HandshakeRejection {
        HandshakeRejection(response: .text(message + "\n", status: 400))
    }

    // MARK: Client side

    /// A fresh `Sec-WebSocket-Key`: 16 random bytes in base64.
    static func makeKey() -> String {
        Data(SecureRandom.bytes(16)).base64EncodedString()
    }

    /// The upgrade request a client sends.
    static func request(for url: WebSocketURL, key: String, extraHeaders: HTTPHeaders) -> OutboundBytes {
        var headers: HTTPHeaders = [
            "Host": url.hostHeader, "Upgrade": "websocket", "Connection": "Upgrade", "Sec-WebSocket-Key": key,
            "Sec-WebSocket-Version": version,
        ]
        for field in extraHeaders { headers.add(name: field.name, value: field.value) }
        return HTTPRequest(method: "GET", target: url.target, headers: headers).encoded()
    }

    /// Checks the server's answer to a request sent with `key` and `requestHeaders`.
    static func checkResponse(headers: HTTPHeaders, key: String, requestHeaders: HTTPHeaders)
        throws(WebSocketClientError)
    {
        guard headers.contains(token: "websocket", in: "Upgrade") else {
            throw .invalidHandshakeResponse("the 101 response has no 'Upgrade: websocket' header")
        }
        guard headers.contains(token: "upgrade", in: "Connection") else {
            throw .invalidHandshakeResponse("the 101 response's Connection header does not contain 'Upgrade'")
        }
        let expected = acceptValue(forKey: key)
        guard headers["Sec-WebSocket-Accept"] == expected else {
            throw .invalidHandshakeResponse(
                "Sec-WebSocket-Accept is '\(headers["Sec-WebSocket-Accept"] ?? "")', expected '\(expected)'")
        }
        if let extensions = headers["Sec-WebSocket-Extensions"] {
            throw .invalidHandshakeResponse("the server enabled extensions '\(extensions)' that were not offered")
        }
        if let chosen = headers["Sec-WebSocket-Protocol"],
            !requestHeaders.contains(token: chosen, in: "Sec-WebSocket-Protocol")
        {
            throw .invalidHandshakeResponse("the server chose subprotocol '\(chosen)', which was not offered")
        }
    }
}

/// A `ws://host:port/path?query` or `wss://…` address.
struct WebSocketURL: Equatable {
    /// The host name or address, without IPv6 brackets.
    var host: String
    /// The TCP port (80 for ws://, 443 for wss:// when the URL has none).
    var port: UInt16
    /// Whether the scheme is wss:// (TLS).
    var isSecure: Bool
    /// Path and query, as sent in the request line ("/" when the URL has no path).
    var target: String

    /// Parses `text`; the scheme must be `ws` or `wss`.
    init(_ text: String) throws(WebSocketClientError) {
        guard let components = URLComponents(string: text), let scheme = components.scheme?.lowercased() else {
            throw .invalidURL(text, "it is not a URL")
        }
        guard scheme == "ws" || scheme == "wss" else { throw .invalidURL(text, "the scheme must be ws:// or wss://") }
        isSecure = scheme == "wss"
        guard let host = components.host, !host.isEmpty else { throw .invalidURL(text, "it has no host") }
        guard components.user == nil, components.fragment == nil else {
            throw .invalidURL(text, "user information and fragments are not allowed")
        }
        let port = components.port ?? (isSecure ? 443 : 80)
        guard let validPort = UInt16(exactly: port), validPort > 0 else {
            throw .invalidURL(text, "port \(port) is out of range")
        }
        self.host = host.hasPrefix("[") ? String(host.dropFirst().dropLast()) : host
        self.port = validPort
        let path = components.percentEncodedPath.isEmpty ? "/" : components.percentEncodedPath
        target = components.percentEncodedQuery.map { "\(path)?\($0)" } ?? path
    }

    /// The `Host` header value: host and port, with brackets around an IPv6 address.
    var hostHeader: String {
        let name = host.contains(":") ? "[\(host)]" : host
        return port == (isSecure ? 443 : 80) ? name : "\(name):\(port)"
    }
}
