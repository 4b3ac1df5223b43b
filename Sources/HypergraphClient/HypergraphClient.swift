// The entry point: open an authenticated session to a Hypergraph server.
import HypergraphTLS
import HypergraphWebSocket

/// Connects to Hypergraph sync servers (PROTOCOL.md §1).
///
/// ```swift
/// let session = try await HypergraphClient.connect(url: "ws://127.0.0.1:3030", token: identity.sessionToken)
/// let spaces = try await session.listSpaces()
/// await session.close()
/// ```
public enum HypergraphClient {
    /// Opens a WebSocket to `url` (`ws://host[:port][/path][?query]`, or `wss://…` with the server's certificate
    /// checked as `configuration.tls` says) with `token` appended as the `token` query
    /// parameter (percent-encoded), and returns the session once the upgrade completed.
    ///
    /// The protocol has no authentication reply: a server that refuses the token either rejects the upgrade (this
    /// throws `.connectionFailed` with the HTTP status) or accepts it and closes the connection, which the session
    /// reports as its `.closed` event and as `.closed` errors. Pass `token: nil` to connect without one (conformance
    /// tests of the handshake put any query they need into `url` themselves).
    ///
    /// - Throws: ``HypergraphClientError/invalidURL(_:reason:)`` or ``HypergraphClientError/connectionFailed(_:)``.
    public static func connect(
        url: String, token: String?, configuration: HypergraphClientConfiguration = HypergraphClientConfiguration()
    ) async throws(HypergraphClientError) -> HypergraphSession {
        try await connect(urls: [url], token: token, configuration: configuration)
    }

    /// Opens a session to the first of `urls` that accepts the connection, trying each once in order, as
    /// `connect(url:token:configuration:)` does for one.
    ///
    /// With `configuration.reconnect` enabled, a session whose connection is lost reconnects to the next URL in turn
    /// (round-robin, after the one it was connected to) with the same token, resubscribes its spaces and delivers
    /// every update and space event exactly once and in order (docs/client.md, "Failover"). The URLs are nodes of
    /// one deployment (sharing one store).
    ///
    /// - Throws: `.invalidURL` when `urls` is empty or one is unusable, else the error of the last URL tried.
    public static func connect(
        urls: [String], token: String?, configuration: HypergraphClientConfiguration = HypergraphClientConfiguration()
    ) async throws(HypergraphClientError) -> HypergraphSession {
        var failure = HypergraphClientError.invalidURL("", reason: "no server URL given")
        for (index, url) in urls.enumerated() {
            do {
                let socket = try await openSocket(url: url, token: token, configuration: configuration)
                let failover =
                    configuration.reconnect.isEnabled
                    ? Failover(urls: urls, token: token, nextIndex: index + 1) : nil
                return HypergraphSession.start(socket: socket, configuration: configuration, failover: failover)
            } catch {
                if case .invalidURL = error { throw error }
                failure = error
            }
        }
        throw failure
    }

    /// A WebSocket to `url` with `token`, its errors as client errors.
    static func openSocket(
        url: String, token: String?, configuration: HypergraphClientConfiguration
    ) async throws(HypergraphClientError) -> WebSocket {
        let target = try authenticatedURL(url, token: token)
        do {
            return try await WebSocketClient.connect(
                to: target, configuration: configuration.webSocket, tls: configuration.tls)
        } catch let error as WebSocketClientError {
            if case .invalidURL(_, let reason) = error { throw .invalidURL(url, reason: reason) }
            throw .connectionFailed(error)
        } catch {
            // `WebSocketClient.connect` throws only `WebSocketClientError`; anything else still means no connection.
            throw .connectionFailed(.connectionClosedDuringHandshake)
        }
    }

    /// `url` with `token=<percent-encoded token>` added to its query; `url` unchanged when `token` is nil.
    ///
    /// - Throws: ``HypergraphClientError/invalidURL(_:reason:)`` when `url` has a fragment, which would hide the
    ///   query parameter from the server.
    public static func authenticatedURL(_ url: String, token: String?) throws(HypergraphClientError) -> String {
        guard !url.contains("#") else { throw .invalidURL(url, reason: "a fragment (#…) is not allowed") }
        guard let token else { return url }
        let separator = url.contains("?") ? (url.hasSuffix("?") || url.hasSuffix("&") ? "" : "&") : "?"
        return url + separator + "token=" + percentEncoded(token)
    }

    /// `text` with every byte except RFC 3986 unreserved characters (`A–Z a–z 0–9 - . _ ~`) written as `%XX`.
    static func percentEncoded(_ text: String) -> String {
        var result = ""
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"),
                UInt8(ascii: "~"):
                result.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                let hex = String(byte, radix: 16, uppercase: true)
                result += byte < 16 ? "%0" + hex : "%" + hex
            }
        }
        return result
    }
}

/// Timeouts and limits of a session.
public struct HypergraphClientConfiguration: Sendable, Hashable {
    /// How long the request helpers (`subscribe`, `createUpdate`, …) wait for the reply when no timeout is passed.
    public var requestTimeout: Duration = .seconds(10)
    /// How many transcript entries a session keeps (the most recent ones); 0 records none. Long-running sessions
    /// such as load generators keep this small.
    public var transcriptLimit: Int = 1000
    /// The WebSocket's limits and timeouts (message size, handshake timeout, pings, close timeout).
    public var webSocket = WebSocketConfiguration()
    /// How a wss:// server's certificate is checked: the system's trust store by default.
    public var tls = TLSClientConfiguration()
    /// Whether and how a session reconnects after losing its connection; `.disabled` by default (a lost connection
    /// ends the session). See `HypergraphClient.connect(urls:token:configuration:)`.
    public var reconnect = HypergraphReconnectPolicy.disabled

    /// The defaults: 10 s request timeout, 1,000 transcript entries, the WebSocket defaults, full TLS verification,
    /// no reconnecting.
    public init() {}
}
