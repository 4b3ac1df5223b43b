// The HTTP side of a server connection: reads requests, hands them to the application, writes responses
// (keeping the connection alive between plain requests), and upgrades to WebSocket when the application accepts.
//
// Concurrency: a session belongs to its connection's event loop thread (see EventLoop.swift). The application's
// handlers run in tasks; their answers come back through `loop.execute`.

/// Something that takes part in a server's graceful shutdown.
protocol GracefulShutdownParticipant: AnyObject {
    /// Start ending the connection politely (on its loop).
    func beginShutdown()
}

/// The HTTP/1.1 request loop of one accepted connection.
final class HTTPServerSession: ConnectionHandler, GracefulShutdownParticipant, @unchecked Sendable {
    // @unchecked: confined to `connection.loop`'s thread, see the header comment.
    private enum State {
        /// Waiting for (the rest of) a request.
        case reading
        /// The application has the request; reading is paused.
        case awaitingApplication
        /// The last response is going out; the connection is finishing.
        case closing
    }

    private let server: WebSocketServer
    private let connection: Connection
    private var state = State.reading
    private var buffer: [UInt8] = []
    private var searchedUpTo = 0
    private var head: (request: HTTPRequest, bodyStart: Int, bodyLength: Int)?
    private var deadline: UInt64
    private var closeAfterResponse = false

    /// Starts reading requests on a freshly accepted connection (on its loop).
    init(server: WebSocketServer, connection: Connection) {
        self.server = server
        self.connection = connection
        deadline = connection.loop.now + server.configuration.webSocket.handshakeTimeout.nanoseconds
    }

    private var limits: WebSocketServerConfiguration { server.configuration }

    // MARK: Reading requests

    func connection(_ connection: Connection, received bytes: UnsafeMutableRawBufferPointer) {
        buffer.append(contentsOf: bytes)
        if case .reading = state { readRequest() }
    }

    /// Parses the buffered bytes; dispatches one complete request at a time.
    private func readRequest() {
        if head == nil {
            guard let end = HTTPParser.endOfHead(in: buffer, searchingFrom: searchedUpTo - 3) else {
                searchedUpTo = buffer.count
                if buffer.count > limits.maximumRequestHeadSize { respondToMalformedRequest(tooLargeHead()) }
                return
            }
            guard end <= limits.maximumRequestHeadSize else { return respondToMalformedRequest(tooLargeHead()) }
            do {
                let request = try HTTPParser.parseRequest(head: buffer[..<end], remoteAddress: connection.peer)
                let length = try HTTPParser.contentLength(of: request.headers, status: 400)
                guard length <= limits.maximumRequestBodySize else {
                    return respondToMalformedRequest(
                        HTTPParseError(
                            status: 413,
                            message:
                                "the body of \(length) bytes exceeds the limit of \(limits.maximumRequestBodySize) bytes"
                        ))
                }
                head = (request, end, length)
            } catch {
                return respondToMalformedRequest(error)
            }
        }
        guard let (headRequest, bodyStart, bodyLength) = head, buffer.count >= bodyStart + bodyLength else { return }
        var request = headRequest
        request.body = Array(buffer[bodyStart..<bodyStart + bodyLength])
        buffer.removeFirst(bodyStart + bodyLength)
        head = nil
        searchedUpTo = 0
        dispatch(request)
    }

    private func tooLargeHead() -> HTTPParseError {
        HTTPParseError(status: 431, message: "the request head exceeds \(limits.maximumRequestHeadSize) bytes")
    }

    private func respondToMalformedRequest(_ error: HTTPParseError) {
        respond(.text("Bad request: \(error.message).\n", status: error.status), keepAlive: false)
    }

    // MARK: Handing requests to the application

    private func dispatch(_ request: HTTPRequest) {
        state = .awaitingApplication
        connection.pauseReading(.awaitingApplication)
        let server = self.server
        let loop = connection.loop
        guard Handshake.isUpgradeRequest(request) else {
            Task {
                let response = await server.httpHandler(request)
                loop.execute { self.respond(response, keepAlive: request.keepsConnectionAlive) }
            }
            return
        }
        let accept: String
        do {
            accept = try Handshake.validate(request)
        } catch {
            return respond(error.response, keepAlive: false)
        }
        Task {
            let decision = await server.upgradeHandler(request)
            loop.execute { self.upgrade(decision, accept: accept) }
        }
    }

    private func respond(_ response: HTTPResponse, keepAlive: Bool) {
        guard connection.isOpen else { return }
        let closing = !keepAlive || closeAfterResponse
        connection.enqueue(response.encoded(closing: closing))
        if closing {
            state = .closing
            connection.finish(shutdownWrite: true, timeout: limits.webSocket.closeTimeout.nanoseconds)
            return
        }
        state = .reading
        deadline = connection.loop.now + limits.webSocket.handshakeTimeout.nanoseconds
        connection.resumeReading(.awaitingApplication)
        connection.updateDeadline()
        readRequest() // a pipelined request may already be buffered
    }

    private func upgrade(_ decision: WebSocketUpgradeDecision, accept: String) {
        guard connection.isOpen else { return }
        guard !closeAfterResponse else {
            return respond(.text("The server is shutting down.\n", status: 503), keepAlive: false)
        }
        switch decision {
        case .reject(let response):
            respond(response, keepAlive: false)
        case .accept(let headers, let handler):
            connection.enqueue(
                Handshake.switchingProtocols(accept: accept, extraHeaders: headers).encoded(closing: false))
            let session = WebSocketSession(connection: connection, isClient: false, configuration: limits.webSocket)
            connection.handler = session
            connection.resumeReading(.awaitingApplication)
            connection.updateDeadline()
            var early = buffer // frames the client sent right behind its request
            buffer = []
            if !early.isEmpty {
                early.withUnsafeMutableBytes { session.connection(connection, received: $0) }
            }
            let socket = WebSocket(session: session)
            // Two closure literals rather than one shared closure value: measured, the shared value cost about
            // 1 KiB more per idle connection.
            if #available(macOS 15.0, *), limits.runsHandlersOnEventLoops {
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

    // MARK: Ending

    func connectionReachedEndOfInput(_ connection: Connection) {
        guard case .awaitingApplication = state else { return connection.disconnect() }
        closeAfterResponse = true // answer the request, then close
    }

    func beginShutdown() {
        closeAfterResponse = true
        if case .reading = state { connection.disconnect() }
    }

    var nextDeadline: UInt64? {
        guard case .reading = state else { return nil }
        return deadline
    }

    func connection(_ connection: Connection, deadlinePassed now: UInt64) {
        if case .reading = state, deadline <= now { connection.disconnect() }
    }

    func connectionEstablished(_ connection: Connection) {}

    func connectionClosed(_ connection: Connection, error: SocketError?) {
        state = .closing
    }
}
