// The public server: listens, routes plain HTTP requests and WebSocket upgrades to the application, tracks its
// connections, and shuts down gracefully.
//
// Concurrency: `state` is guarded by its Mutex. The listener and every connection belong to their event loop's
// thread (see EventLoop.swift); the server reaches them only through `loop.execute`.
import HypergraphEventLoop
import HypergraphHTTP
import HypergraphTLS
import Synchronization

/// The application's answer to a WebSocket upgrade request.
public enum WebSocketUpgradeDecision: Sendable {
    /// Switch protocols. `headers` are added to the 101 response (e.g. `Sec-WebSocket-Protocol`). `handler`
    /// runs for the connection's lifetime — capture any per-connection context in it — and the connection is
    /// closed with 1000 when it returns (if it is still open).
    case accept(headers: HTTPHeaders = HTTPHeaders(), handler: @Sendable (WebSocket) async -> Void)
    /// Refuse with this response (e.g. 401 or 403); the connection closes after it.
    case reject(HTTPResponse)
}

/// An HTTP/1.1 + WebSocket (RFC 6455) server on non-blocking sockets and a few event-loop threads.
///
/// Every request is shown to the application: a WebSocket upgrade request (`Upgrade: websocket`) to
/// `upgradeHandler`, after the handshake headers were validated (malformed → 400, wrong version → 426);
/// any other request, with its `Content-Length` body, to `httpHandler`.
public final class WebSocketServer: Sendable {
    private struct State {
        var listener: Listener?
        var started = false
        var port: UInt16?
        var connections: [ObjectIdentifier: Connection] = [:]
        var shuttingDown = false
    }

    /// The limits in force.
    public let configuration: WebSocketServerConfiguration
    /// The certificate when serving TLS (wss:// and https://), nil for plain ws:// and http://.
    public let tls: TLSServerContext?
    /// The HTTP limits taken from `configuration`.
    package let limits: HTTPServerLimits
    private let httpHandler: @Sendable (HTTPRequest) async -> HTTPResponse
    private let upgradeHandler: @Sendable (HTTPRequest) async -> WebSocketUpgradeDecision
    private let state = Mutex(State())

    /// Creates a server; nothing happens until `start`. Plain requests get 404 unless `httpHandler` is given. With
    /// `tls`, every connection starts with a TLS handshake using its certificate.
    public init(
        configuration: WebSocketServerConfiguration = WebSocketServerConfiguration(),
        tls: TLSServerContext? = nil,
        httpHandler: @escaping @Sendable (HTTPRequest) async -> HTTPResponse = { _ in .text("Not Found\n", status: 404)
        },
        upgradeHandler: @escaping @Sendable (HTTPRequest) async -> WebSocketUpgradeDecision
    ) {
        self.configuration = configuration
        limits = HTTPServerLimits(
            maximumRequestHeadSize: configuration.maximumRequestHeadSize,
            maximumRequestBodySize: configuration.maximumRequestBodySize,
            requestTimeout: configuration.webSocket.handshakeTimeout, closeTimeout: configuration.webSocket.closeTimeout
        )
        self.tls = tls
        self.httpHandler = httpHandler
        self.upgradeHandler = upgradeHandler
    }

    /// Starts listening on `host:port` (port 0 picks a free port) and returns the bound port. Call it once;
    /// throws `WebSocketServerError` otherwise, `SocketError` when the address cannot be bound.
    @discardableResult
    public func start(host: String = "127.0.0.1", port: UInt16 = 0) async throws -> UInt16 {
        try state.withLock { state in
            if state.shuttingDown { throw WebSocketServerError.shutDown }
            if state.started { throw WebSocketServerError.alreadyStarted(port: state.port ?? 0) }
            state.started = true
        }
        do {
            return try await listen(host: host, port: port)
        } catch {
            state.withLock { $0.started = false }
            throw error
        }
    }

    private func listen(host: String, port: UInt16) async throws -> UInt16 {
        let group = try EventLoopGroup.shared()
        let (fd, boundPort) = try Socket.makeListener(host: host, port: port, backlog: configuration.backlog)
        let loop = group.next()
        let listener: Listener = try await withCheckedThrowingContinuation { continuation in
            loop.execute {
                do {
                    continuation.resume(returning: try Listener(fd: fd, loop: loop, group: group, server: self))
                } catch {
                    Socket.closeDescriptor(fd)
                    continuation.resume(throwing: error)
                }
            }
        }
        let kept = state.withLock { state -> Bool in
            guard !state.shuttingDown else { return false }
            state.listener = listener
            state.port = boundPort
            return true
        }
        guard kept else {
            loop.execute { listener.close() }
            throw WebSocketServerError.shutDown
        }
        return boundPort
    }

    /// The bound port once started.
    public var port: UInt16? { state.withLock { $0.port } }

    /// The number of open connections (HTTP and WebSocket).
    public var connectionCount: Int { state.withLock { $0.connections.count } }

    /// Stops accepting, closes every WebSocket with 1001 (going away) and every idle HTTP connection, lets
    /// in-flight HTTP requests finish, waits up to `gracePeriod` for the connections to end, then drops the rest.
    public func shutdown(gracePeriod: Duration = .seconds(5)) async {
        let (listener, connections) = state.withLock { state in
            state.shuttingDown = true
            defer { state.listener = nil }
            return (state.listener, Array(state.connections.values))
        }
        if let listener {
            await withCheckedContinuation { (closed: CheckedContinuation<Void, Never>) in
                listener.loop.execute {
                    listener.close()
                    closed.resume()
                }
            }
        }
        for connection in connections {
            connection.loop.execute { (connection.handler as? any GracefulShutdownParticipant)?.beginShutdown() }
        }
        let clock = ContinuousClock()
        let end = clock.now + gracePeriod
        while connectionCount > 0, clock.now < end {
            try? await Task.sleep(for: .milliseconds(10))
        }
        for connection in state.withLock({ Array($0.connections.values) }) {
            connection.loop.execute { connection.disconnect() }
        }
        while connectionCount > 0 {
            try? await Task.sleep(for: .milliseconds(1))
        }
    }

    /// Takes an accepted socket onto `loop` (called on the listener's loop).
    func adopt(_ fd: Int32, on loop: EventLoop) {
        loop.execute {
            let connection: Connection
            do {
                let peer = Socket.peerDescription(of: fd)
                let stream = try self.tls.map { try TLSStream(serverOn: fd, peer: peer, context: $0) }
                connection = try Connection(loop: loop, fd: fd, peer: peer, connecting: false, tls: stream)
            } catch {
                Socket.closeDescriptor(fd)
                return
            }
            connection.handler = HTTPServerSession(delegate: self, connection: connection)
            connection.updateDeadline()
            let accepted = self.state.withLock { state -> Bool in
                guard !state.shuttingDown else { return false }
                state.connections[ObjectIdentifier(connection)] = connection
                return true
            }
            guard accepted else { return connection.disconnect() }
            connection.onClose = { [weak self] closed in
                _ = self?.state.withLock { $0.connections.removeValue(forKey: ObjectIdentifier(closed)) }
            }
        }
    }
}

extension WebSocketServer: HTTPServerDelegate {
    package func isUpgradeRequest(_ request: HTTPRequest) -> Bool {
        Handshake.isUpgradeRequest(request)
    }

    package func respond(to request: HTTPRequest) async -> HTTPResponse {
        await httpHandler(request)
    }

    /// Validates the handshake (malformed → 400, wrong version → 426) before asking the application, and on
    /// acceptance hands the connection to a WebSocket session.
    package func upgrade(_ request: HTTPRequest) async -> HTTPUpgradeDecision {
        let accept: String
        do {
            accept = try Handshake.validate(request)
        } catch {
            return .reject(error.response)
        }
        switch await upgradeHandler(request) {
        case .reject(let response):
            return .reject(response)
        case .accept(let headers, let handler):
            let configuration = configuration
            return .accept(response: Handshake.switchingProtocols(accept: accept, extraHeaders: headers)) {
                connection, early in
                let session = WebSocketSession(
                    connection: connection, isClient: false, configuration: configuration.webSocket)
                connection.handler = session
                connection.resumeReading(.awaitingApplication)
                connection.updateDeadline()
                if !early.isEmpty {
                    var early = early // frames the client sent right behind its request
                    early.withUnsafeMutableBytes { session.connection(connection, received: $0) }
                }
                let socket = WebSocket(session: session)
                // Two closure literals rather than one shared closure value: measured, the shared value cost
                // about 1 KiB more per idle connection.
                if #available(macOS 15.0, *), configuration.runsHandlersOnEventLoops {
                    Task(executorPreference: connection.loop) {
                        await handler(socket)
                        socket.close()
                    }
                } else {
                    Task {
                        await handler(socket)
                        socket.close()
                    }
                }
            }
        }
    }
}

/// The listening socket: accepts connections and spreads them over the event loops.
final class Listener: EventLoopChannel, @unchecked Sendable {
    // @unchecked: confined to `loop`'s thread (see EventLoop.swift); `close` is sent there with `execute`.
    let loop: EventLoop
    private let fd: Int32
    private let group: EventLoopGroup
    private let server: WebSocketServer
    private var id: UInt64 = 0
    private var isOpen = true

    /// Registers the listening socket with `loop`; must run on `loop`'s thread.
    init(fd: Int32, loop: EventLoop, group: EventLoopGroup, server: WebSocketServer) throws {
        self.fd = fd
        self.loop = loop
        self.group = group
        self.server = server
        id = try loop.register(self, fd: fd, interest: .read)
    }

    func handleReadable() {
        for _ in 0..<64 {
            guard isOpen else { return }
            do {
                guard let connection = try Socket.acceptConnection(from: fd) else { return }
                server.adopt(connection, on: group.next())
            } catch {
                // Out of descriptors or memory: stop accepting for a moment instead of spinning on the backlog.
                loop.setInterest([], fd: fd, id: id)
                loop.schedule(channelID: id, at: loop.now + 100_000_000)
                return
            }
        }
    }

    func handleWritable() {}

    func handleFailure() {}

    func handleDeadline(now: UInt64) {
        if isOpen { loop.setInterest(.read, fd: fd, id: id) }
    }

    /// Stops accepting and releases the socket.
    func close() {
        guard isOpen else { return }
        isOpen = false
        loop.deregister(fd: fd, id: id)
        Socket.closeDescriptor(fd)
    }
}
