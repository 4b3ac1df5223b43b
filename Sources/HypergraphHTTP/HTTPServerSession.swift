// The HTTP side of a server connection: reads requests, hands them to the server, writes responses (keeping the
// connection alive between plain requests), and hands the connection over when the server accepts an upgrade.
//
// Concurrency: a session belongs to its connection's event loop thread (see EventLoop.swift in HypergraphEventLoop).
// The server's handlers run in tasks; their answers come back through `loop.execute`.
import HypergraphEventLoop

/// The limits of a server's HTTP connections.
package struct HTTPServerLimits: Sendable {
    /// The largest request line plus header fields accepted; more is answered with 431.
    package var maximumRequestHeadSize: Int
    /// The largest `Content-Length` body accepted; more is answered with 413.
    package var maximumRequestBodySize: Int
    /// How long a request may take to arrive: from accepting the connection, and between kept-alive requests.
    package var requestTimeout: Duration
    /// How long the last response may take to go out before the connection is dropped.
    package var closeTimeout: Duration

    /// Creates limits.
    package init(
        maximumRequestHeadSize: Int, maximumRequestBodySize: Int, requestTimeout: Duration, closeTimeout: Duration
    ) {
        self.maximumRequestHeadSize = maximumRequestHeadSize
        self.maximumRequestBodySize = maximumRequestBodySize
        self.requestTimeout = requestTimeout
        self.closeTimeout = closeTimeout
    }
}

/// A server's answer to a request that asks to switch protocols.
package enum HTTPUpgradeDecision: Sendable {
    /// Send `response` (a 101), then give the connection to `takeOver`, on its loop, with the bytes the client sent
    /// right behind its request. `takeOver` installs the new protocol's handler and resumes reading (paused for
    /// `.awaitingApplication`).
    case accept(response: HTTPResponse, takeOver: @Sendable (Connection, [UInt8]) -> Void)
    /// Send this response; the connection closes after it.
    case reject(HTTPResponse)
}

/// What a server's HTTP connections need from the server. `limits` and `isUpgradeRequest` are called on the
/// connection's loop, the answers in tasks.
package protocol HTTPServerDelegate: AnyObject, Sendable {
    /// The limits in force.
    var limits: HTTPServerLimits { get }
    /// Whether `request` asks to switch protocols: it then goes to `upgrade(_:)` instead of `respond(to:)`.
    func isUpgradeRequest(_ request: HTTPRequest) -> Bool
    /// The answer to a plain request.
    func respond(to request: HTTPRequest) async -> HTTPResponse
    /// The answer to an upgrade request.
    func upgrade(_ request: HTTPRequest) async -> HTTPUpgradeDecision
}

/// The HTTP/1.1 request loop of one accepted connection.
package final class HTTPServerSession: ConnectionHandler, GracefulShutdownParticipant, @unchecked Sendable {
    // @unchecked: confined to `connection.loop`'s thread, see the header comment.
    private enum State {
        /// Waiting for (the rest of) a request.
        case reading
        /// The application has the request; reading is paused.
        case awaitingApplication
        /// The last response is going out; the connection is finishing.
        case closing
    }

    private let delegate: any HTTPServerDelegate
    private let connection: Connection
    private var state = State.reading
    private var buffer: [UInt8] = []
    private var searchedUpTo = 0
    private var head: (request: HTTPRequest, bodyStart: Int, bodyLength: Int)?
    private var deadline: UInt64
    private var closeAfterResponse = false

    /// Starts reading requests on a freshly accepted connection (on its loop).
    package init(delegate: any HTTPServerDelegate, connection: Connection) {
        self.delegate = delegate
        self.connection = connection
        deadline = connection.loop.now + delegate.limits.requestTimeout.nanoseconds
    }

    private var limits: HTTPServerLimits { delegate.limits }

    // MARK: Reading requests

    package func connection(_ connection: Connection, received bytes: UnsafeMutableRawBufferPointer) {
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
        let delegate = self.delegate
        let loop = connection.loop
        guard delegate.isUpgradeRequest(request) else {
            Task {
                let response = await delegate.respond(to: request)
                loop.execute { self.respond(response, keepAlive: request.keepsConnectionAlive) }
            }
            return
        }
        Task {
            let decision = await delegate.upgrade(request)
            loop.execute { self.upgrade(decision) }
        }
    }

    private func respond(_ response: HTTPResponse, keepAlive: Bool) {
        guard connection.isOpen else { return }
        let closing = !keepAlive || closeAfterResponse
        connection.enqueue(response.encoded(closing: closing))
        if closing {
            state = .closing
            connection.finish(shutdownWrite: true, timeout: limits.closeTimeout.nanoseconds)
            return
        }
        state = .reading
        deadline = connection.loop.now + limits.requestTimeout.nanoseconds
        connection.resumeReading(.awaitingApplication)
        connection.updateDeadline()
        readRequest() // a pipelined request may already be buffered
    }

    private func upgrade(_ decision: HTTPUpgradeDecision) {
        guard connection.isOpen else { return }
        guard !closeAfterResponse else {
            return respond(.text("The server is shutting down.\n", status: 503), keepAlive: false)
        }
        switch decision {
        case .reject(let response):
            respond(response, keepAlive: false)
        case .accept(let response, let takeOver):
            connection.enqueue(response.encoded(closing: false))
            let early = buffer // what the client sent right behind its request belongs to the new protocol
            buffer = []
            takeOver(connection, early)
        }
    }

    // MARK: Ending

    package func connectionReachedEndOfInput(_ connection: Connection) {
        guard case .awaitingApplication = state else { return connection.disconnect() }
        closeAfterResponse = true // answer the request, then close
    }

    package func beginShutdown() {
        closeAfterResponse = true
        if case .reading = state { connection.disconnect() }
    }

    package var nextDeadline: UInt64? {
        guard case .reading = state else { return nil }
        return deadline
    }

    package func connection(_ connection: Connection, deadlinePassed now: UInt64) {
        if case .reading = state, deadline <= now { connection.disconnect() }
    }

    package func connectionEstablished(_ connection: Connection) {}

    package func connectionClosed(_ connection: Connection, error: SocketError?) {
        state = .closing
    }
}
