// Errors a client sees when it cannot open a WebSocket, and errors starting a server.
import HypergraphEventLoop
import HypergraphHTTP
import HypergraphTLS

/// Why `WebSocketServer.start` refused.
public enum WebSocketServerError: Error, Sendable, Equatable, CustomStringConvertible {
    /// `start` was already called; the server listens on this port.
    case alreadyStarted(port: UInt16)
    /// The server was shut down; create a new one.
    case shutDown

    /// A sentence saying what went wrong.
    public var description: String {
        switch self {
        case .alreadyStarted(let port): "the server is already listening on port \(port)"
        case .shutDown: "the server was shut down; create a new one to listen again"
        }
    }
}

/// Why `WebSocketClient.connect` failed.
public enum WebSocketClientError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The URL is not a supported `ws://` or `wss://` URL; the second value says why.
    case invalidURL(String, String)
    /// Name resolution or the TCP connection failed.
    case connectionFailed(SocketError)
    /// No complete handshake response arrived within the handshake timeout.
    case handshakeTimedOut
    /// The server answered with something other than 101; its status, reason, headers and body (up to 64 KiB).
    case handshakeRejected(status: Int, reason: String, headers: HTTPHeaders, body: [UInt8])
    /// The server's 101 response is malformed or does not match the request.
    case invalidHandshakeResponse(String)
    /// The connection closed before the handshake completed.
    case connectionClosedDuringHandshake
    /// The TLS handshake of a `wss://` connection failed (e.g. the certificate was refused).
    case tlsFailed(TLSError)

    /// A sentence saying what went wrong.
    public var description: String {
        switch self {
        case .invalidURL(let url, let why): "invalid WebSocket URL '\(url)': \(why)"
        case .connectionFailed(let error): "could not connect: \(error)"
        case .handshakeTimedOut: "the WebSocket handshake timed out"
        case .handshakeRejected(let status, let reason, _, let body):
            "the server rejected the WebSocket upgrade with \(status) \(reason): \(String(decoding: body, as: UTF8.self))"
        case .invalidHandshakeResponse(let why): "invalid WebSocket handshake response: \(why)"
        case .connectionClosedDuringHandshake: "the connection closed during the WebSocket handshake"
        case .tlsFailed(let error): "\(error)"
        }
    }
}
