// The errors of the client: one enum, so callers can switch over every way a session can fail.
import HypergraphProtocol
import HypergraphWebSocket

/// Why a client operation failed.
public enum HypergraphClientError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The URL given to `HypergraphClient.connect` cannot be used; the second value says why.
    case invalidURL(String, reason: String)
    /// The WebSocket could not be opened: name resolution, TCP, a rejected upgrade (e.g. HTTP 401) or a malformed
    /// handshake response. The WebSocket error carries the details (for a rejection: status, headers and body).
    case connectionFailed(WebSocketClientError)
    /// The connection is closed (by either side); the code and reason of the closing handshake, `.noStatusReceived`
    /// for a close frame without a code, `.abnormalClosure` when the TCP connection ended without one.
    case closed(code: WebSocketCloseCode, reason: String)
    /// The connection was lost while the request was in flight, or the session is reconnecting (a session with a
    /// ``HypergraphReconnectPolicy``); code and reason as in `.closed`. The request may or may not have reached the
    /// server: a `create-update` can be sent again with the same `updateId` (the server answers with the clock it
    /// first assigned), other requests after checking their effect.
    case connectionLost(code: WebSocketCloseCode, reason: String)
    /// Nothing matching arrived in time: what was awaited (e.g. `space with id "…"`) and how long.
    case timedOut(waitingFor: String, after: Duration)
    /// The server rejected the request with the extension `error` message; `code` and `message` say why.
    case serverError(ErrorResponse)
    /// The server sent a frame that is not a valid server message (returned by `nextMessage(timeout:)`).
    case undecodableFrame(UndecodableFrame)
    /// An identity document (the JSON `hypergraph identity create` prints) is malformed; the text says where and why.
    case invalidIdentity(String)
    /// The waiting task was cancelled.
    case cancelled

    /// A sentence saying what went wrong, with the details a failing test or tool should print.
    public var description: String {
        switch self {
        case .invalidURL(let url, let reason):
            "invalid server URL \(String(reflecting: url)): \(reason)"
        case .connectionFailed(let error):
            "could not connect: \(error)"
        case .closed(let code, let reason):
            reason.isEmpty
                ? "the connection is closed (\(code))"
                : "the connection is closed (\(code), \(String(reflecting: reason)))"
        case .connectionLost(let code, let reason):
            reason.isEmpty
                ? "the connection was lost (\(code)); the session reconnects"
                : "the connection was lost (\(code), \(String(reflecting: reason))); the session reconnects"
        case .timedOut(let awaited, let duration):
            "timed out after \(duration.millisecondsText) waiting for \(awaited)"
        case .serverError(let error):
            "the server rejected \(error.requestType ?? "the request") with \(error.code.rawValue): \(error.message)"
        case .undecodableFrame(let frame):
            "the server sent an undecodable frame: \(frame)"
        case .invalidIdentity(let reason):
            "invalid identity: \(reason)"
        case .cancelled:
            "the wait was cancelled"
        }
    }

    /// The server's error code, for `.serverError`; nil otherwise.
    public var serverErrorCode: ErrorCode? {
        if case .serverError(let error) = self { return error.code }
        return nil
    }
}

extension Duration {
    /// The duration in milliseconds with three decimals, e.g. "12.345 ms".
    var millisecondsText: String {
        let (seconds, attoseconds) = components
        let microseconds = seconds * 1_000_000 + attoseconds / 1_000_000_000_000
        let whole = microseconds / 1000
        let fraction = abs(microseconds % 1000)
        let padding = fraction < 10 ? "00" : fraction < 100 ? "0" : ""
        return "\(whole).\(padding)\(fraction) ms"
    }
}
