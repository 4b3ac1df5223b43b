// The client: connects to ws:// and wss:// URLs (TLS through HypergraphTLS) and performs the opening handshake,
// then hands the connection to a WebSocketSession.
//
// Concurrency: `ClientHandshake` belongs to its connection's event loop thread (see EventLoop.swift); the
// connecting task waits on a continuation that the loop resumes exactly once.
import HypergraphEventLoop
import HypergraphHTTP
import HypergraphTLS

/// Opens WebSocket connections.
public enum WebSocketClient {
    /// Connects to `url` (`ws://host[:port][/path][?query]`, or `wss://…` for TLS checked as `tls` says), sends
    /// the upgrade request with `headers` added, and returns the open connection. Throws `WebSocketClientError`.
    /// Each resolved address is tried in turn.
    public static func connect(
        to url: String, headers: HTTPHeaders = HTTPHeaders(),
        configuration: WebSocketConfiguration = WebSocketConfiguration(),
        tls: TLSClientConfiguration = TLSClientConfiguration()
    ) async throws -> WebSocket {
        let target = try WebSocketURL(url)
        return try await OutboundConnection.open(
            host: target.host, port: target.port, peer: target.hostHeader, tls: target.isSecure ? tls : nil,
            failing: WebSocketClientError.self,
            makeHandler: { connection, continuation in
                ClientHandshake(
                    connection: connection, url: target, headers: headers, configuration: configuration,
                    continuation: continuation)
            })
    }
}

extension WebSocketClientError: OutboundConnectionError {
    package var isConnectFailure: Bool {
        if case .connectionFailed = self { return true }
        return false
    }
}

/// The client side of the opening handshake on one connection.
private final class ClientHandshake: ConnectionHandler {
    private let connection: Connection
    private let url: WebSocketURL
    private let headers: HTTPHeaders
    private let key = Handshake.makeKey()
    private let configuration: WebSocketConfiguration
    private var continuation: CheckedContinuation<WebSocket, any Error>?
    private let deadline: UInt64
    private var connected = false
    /// Reads the 101, or the rejection with its body (at most 64 KiB).
    private var reader = HTTPResponseReader(requestMethod: "GET", maximumBodySize: 64 * 1024)

    init(
        connection: Connection, url: WebSocketURL, headers: HTTPHeaders, configuration: WebSocketConfiguration,
        continuation: CheckedContinuation<WebSocket, any Error>
    ) {
        self.connection = connection
        self.url = url
        self.headers = headers
        self.configuration = configuration
        self.continuation = continuation
        deadline = connection.loop.now + configuration.handshakeTimeout.nanoseconds
    }

    func connectionEstablished(_ connection: Connection) {
        connected = true
        connection.enqueue(Handshake.request(for: url, key: key, extraHeaders: headers))
    }

    func connection(_ connection: Connection, received bytes: UnsafeMutableRawBufferPointer) {
        do {
            if let response = try reader.read(bytes) { handle(response) }
        } catch {
            failUnreadable(error)
        }
    }

    /// A response that cannot be read whole: a rejection still reports its status (its body is dropped: too large
    /// or malformed), anything else is an invalid handshake response.
    private func failUnreadable(_ error: HTTPParseError) {
        guard let head = reader.responseHead, head.status != 101 else {
            return fail(.invalidHandshakeResponse(error.message))
        }
        fail(
            .handshakeRejected(status: head.status, reason: reader.reasonPhrase ?? "", headers: head.headers, body: []))
    }

    private func handle(_ response: HTTPResponse) {
        guard response.status == 101 else {
            return fail(
                .handshakeRejected(
                    status: response.status, reason: reader.reasonPhrase ?? "", headers: response.headers,
                    body: response.body))
        }
        do {
            try Handshake.checkResponse(headers: response.headers, key: key, requestHeaders: headers)
        } catch {
            return fail(error)
        }
        open(leftover: reader.remainder)
    }

    private func open(leftover: [UInt8]) {
        let session = WebSocketSession(connection: connection, isClient: true, configuration: configuration)
        connection.handler = session
        connection.updateDeadline()
        let socket = WebSocket(session: session)
        continuation?.resume(returning: socket)
        continuation = nil
        var early = leftover // frames the server sent right behind its 101
        if !early.isEmpty {
            early.withUnsafeMutableBytes { session.connection(connection, received: $0) }
        }
    }

    private func fail(_ error: WebSocketClientError) {
        continuation?.resume(throwing: error)
        continuation = nil
        connection.disconnect()
    }

    func connectionReachedEndOfInput(_ connection: Connection) {
        if let failure = connection.unfinishedTLSHandshake(serverClosed: true) { return fail(.tlsFailed(failure)) }
        do {
            handle(try reader.readEndOfInput()) // a rejection whose body ran to the end of the connection
        } catch {
            guard reader.responseHead != nil else { return fail(.connectionClosedDuringHandshake) }
            failUnreadable(error)
        }
    }

    func connectionClosed(_ connection: Connection, error: SocketError?) {
        guard let continuation else { return }
        self.continuation = nil
        if let failure = connection.tlsFailure {
            continuation.resume(throwing: WebSocketClientError.tlsFailed(failure))
        } else if let error, !connected {
            continuation.resume(throwing: WebSocketClientError.connectionFailed(error))
        } else {
            continuation.resume(throwing: WebSocketClientError.connectionClosedDuringHandshake)
        }
    }

    var nextDeadline: UInt64? { deadline }

    func connection(_ connection: Connection, deadlinePassed now: UInt64) {
        guard deadline <= now else { return }
        if connected, let failure = connection.unfinishedTLSHandshake(serverClosed: false) {
            return fail(.tlsFailed(failure))
        }
        fail(.handshakeTimedOut)
    }
}
