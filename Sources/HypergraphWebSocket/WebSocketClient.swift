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
        let group: EventLoopGroup
        let addresses: [SocketAddress]
        do {
            group = try EventLoopGroup.shared()
            addresses = try Socket.resolve(host: target.host, port: target.port)
        } catch let error as SocketError {
            throw WebSocketClientError.connectionFailed(error)
        }
        var lastError = WebSocketClientError.connectionClosedDuringHandshake
        for address in addresses {
            do {
                return try await attempt(
                    target, address: address, headers: headers, configuration: configuration, tls: tls,
                    loop: group.next())
            } catch let error as WebSocketClientError {
                guard case .connectionFailed = error else { throw error }
                lastError = error
            }
        }
        throw lastError
    }

    private static func attempt(
        _ url: WebSocketURL, address: SocketAddress, headers: HTTPHeaders,
        configuration: WebSocketConfiguration, tls: TLSClientConfiguration, loop: EventLoop
    ) async throws -> WebSocket {
        try await withCheckedThrowingContinuation { continuation in
            loop.execute {
                let description = url.hostHeader
                do {
                    let fd = try Socket.startConnect(to: address, description: description)
                    let connection: Connection
                    do {
                        let stream =
                            try url.isSecure
                            ? TLSStream(clientOn: fd, host: url.host, peer: description, configuration: tls) : nil
                        connection = try Connection(
                            loop: loop, fd: fd, peer: description, connecting: true, tls: stream)
                    } catch {
                        Socket.closeDescriptor(fd)
                        throw error
                    }
                    connection.handler = ClientHandshake(
                        connection: connection, url: url, headers: headers, configuration: configuration,
                        continuation: continuation)
                    connection.updateDeadline()
                } catch let error as SocketError {
                    continuation.resume(throwing: WebSocketClientError.connectionFailed(error))
                } catch let error as TLSError {
                    continuation.resume(throwing: WebSocketClientError.tlsFailed(error))
                } catch {
                    continuation.resume(throwing: error)
                }
            }
        }
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
    private var buffer: [UInt8] = []
    /// A non-101 answer whose body is still arriving.
    private var rejection: (status: Int, reason: String, headers: HTTPHeaders, bodyStart: Int, bodyLength: Int)?

    /// The longest response head and rejection body read.
    private static let maximumHeadSize = 16 * 1024
    private static let maximumBodySize = 64 * 1024

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
        buffer.append(contentsOf: bytes)
        if rejection != nil { return finishRejectionIfComplete(atEnd: false) }
        guard let end = HTTPParser.endOfHead(in: buffer, searchingFrom: 0) else {
            if buffer.count > ClientHandshake.maximumHeadSize {
                fail(.invalidHandshakeResponse("the response head exceeds \(ClientHandshake.maximumHeadSize) bytes"))
            }
            return
        }
        let status: Int
        let reason: String
        let responseHeaders: HTTPHeaders
        do {
            (status, reason, responseHeaders) = try HTTPParser.parseResponse(head: buffer[..<end])
        } catch {
            return fail(.invalidHandshakeResponse(error.message))
        }
        guard status == 101 else {
            let length =
                (try? HTTPParser.contentLength(of: responseHeaders, status: 0)) ?? ClientHandshake.maximumBodySize
            rejection = (status, reason, responseHeaders, end, min(length, ClientHandshake.maximumBodySize))
            return finishRejectionIfComplete(atEnd: false)
        }
        do {
            try Handshake.checkResponse(status: status, headers: responseHeaders, key: key, requestHeaders: headers)
        } catch {
            return fail(error)
        }
        open(leftover: Array(buffer[end...]))
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

    private func finishRejectionIfComplete(atEnd: Bool) {
        guard let rejection, atEnd || buffer.count >= rejection.bodyStart + rejection.bodyLength else { return }
        let body = Array(buffer[rejection.bodyStart..<min(buffer.count, rejection.bodyStart + rejection.bodyLength)])
        fail(
            .handshakeRejected(
                status: rejection.status, reason: rejection.reason, headers: rejection.headers, body: body))
    }

    private func fail(_ error: WebSocketClientError) {
        continuation?.resume(throwing: error)
        continuation = nil
        connection.disconnect()
    }

    func connectionReachedEndOfInput(_ connection: Connection) {
        if rejection != nil { return finishRejectionIfComplete(atEnd: true) }
        if let tls = connection.tls, !tls.isEstablished {
            return fail(.tlsFailed(.handshakeFailed(peer: tls.peer, detail: "the server closed the connection")))
        }
        fail(.connectionClosedDuringHandshake)
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
        if let tls = connection.tls, connected, !tls.isEstablished {
            return fail(
                .tlsFailed(
                    .handshakeFailed(peer: tls.peer, detail: "no TLS handshake answer in time (is it a TLS port?)")))
        }
        fail(.handshakeTimedOut)
    }
}
