// The open-connection state machine of one WebSocket, server or client side: frames in (through
// FrameReceiver), events to the application, frames out with the high-water mark, pings for idle peers, and the
// closing handshake.
//
// Concurrency: a session belongs to its connection's event loop thread (see EventLoop.swift); `WebSocket`
// reaches it from other threads only through `loop.execute`, except `isOpenFlag`, which is atomic.
import HypergraphEventLoop
import Synchronization

/// The WebSocket protocol on an upgraded connection.
final class WebSocketSession: ConnectionHandler, GracefulShutdownParticipant, @unchecked Sendable {
    // @unchecked: confined to `connection.loop`'s thread, see the header comment.
    private enum State {
        /// Messages flow both ways.
        case open
        /// The peer broke the protocol. Reading stopped; the application may still answer the messages that
        /// came before the error, then (or at `deadline`) the connection is failed with the error's code.
        case failing(WebSocketProtocolError, deadline: UInt64)
        /// This side sent a close frame and waits for the peer's until `deadline`.
        case closeSent(deadline: UInt64)
        /// The closing handshake is over (or was cut short); the connection is finishing.
        case closed
    }

    let connection: Connection
    let events: EventBuffer
    /// Clients mask every frame they send; servers never do.
    let isClient: Bool
    private let configuration: WebSocketConfiguration
    private var receiver: FrameReceiver
    private var state = State.open {
        didSet {
            switch state {
            case .open, .failing: break
            case .closeSent, .closed: isOpenFlag.store(false, ordering: .relaxed)
            }
        }
    }
    /// False from the moment this side starts closing or the connection ends; read from any thread.
    let isOpenFlag = Atomic<Bool>(true)
    /// The first close frame of the closing handshake, whichever side sent it.
    private var closeFrame: (code: WebSocketCloseCode, reason: String)?
    private var lastReceived: UInt64
    /// When the unanswered idle ping went out.
    private var pingSent: UInt64?
    /// Whether the engine's own (empty) idle ping awaits its pong, which is not shown to the application.
    private var idlePongExpected = false

    /// Takes over `connection` right after the handshake. Must run on the connection's loop.
    init(connection: Connection, isClient: Bool, configuration: WebSocketConfiguration) {
        self.connection = connection
        self.isClient = isClient
        self.configuration = configuration
        receiver = FrameReceiver(
            expectsMaskedFrames: !isClient, maximumFrameSize: configuration.maximumFrameSize,
            maximumMessageSize: configuration.maximumMessageSize)
        lastReceived = connection.loop.now
        events = EventBuffer(
            limit: configuration.inboundBufferLimit, messageLimit: configuration.inboundMessageLimit
        ) { [connection] in
            connection.loop.execute { connection.resumeReading(.backpressure) }
        }
    }

    /// The masking key for the next outbound frame: fresh and random for clients, none for servers.
    var nextMaskingKey: WebSocketMaskingKey? { isClient ? .random() : nil }

    // MARK: Application requests (on the loop)

    /// Whether the application may still send: while open, and while answering before a protocol failure.
    private var acceptsApplicationFrames: Bool {
        switch state {
        case .open, .failing: return true
        case .closeSent, .closed: return false
        }
    }

    /// Queues an encoded data frame, closing with 1013 if the peer has fallen behind by more than the mark.
    func sendMessage(_ bytes: OutboundBytes) {
        guard acceptsApplicationFrames else { return }
        guard connection.queuedBytes <= configuration.outboundHighWaterMark else {
            connection.discardUnsentOutput()
            let reason = "peer reads too slowly: more than \(configuration.outboundHighWaterMark) bytes queued"
            return failNow(WebSocketProtocolError(code: .tryAgainLater, reason: reason))
        }
        connection.enqueue(bytes)
    }

    /// Queues a broadcast frame: shared as is by servers, masked into a private copy by clients.
    func sendShared(_ frame: SharedWebSocketFrame) {
        guard isClient else { return sendMessage(frame.encoded) }
        sendMessage(frame.withPayload { .frame(opcode: frame.opcode, payload: $0, maskingKey: nextMaskingKey) })
    }

    /// Queues bytes exactly as given, bypassing every rule (conformance tests only).
    func sendRaw(_ bytes: OutboundBytes) {
        guard acceptsApplicationFrames else { return }
        connection.enqueue(bytes)
    }

    /// Sends a ping.
    func ping(_ payload: [UInt8]) {
        guard acceptsApplicationFrames else { return }
        connection.enqueue(.frame(opcode: .ping, bytes: payload.prefix(125), maskingKey: nextMaskingKey))
    }

    /// Starts the closing handshake (or, while failing, fails now).
    func close(code: WebSocketCloseCode, reason: String) {
        if case .failing(let error, _) = state { return failNow(error) }
        guard case .open = state else { return }
        sendClose(code: code, reason: reason)
        state = .closeSent(deadline: connection.loop.now + configuration.closeTimeout.nanoseconds)
        connection.updateDeadline()
    }

    // MARK: Inbound

    func connection(_ connection: Connection, received bytes: UnsafeMutableRawBufferPointer) {
        lastReceived = connection.loop.now
        pingSent = nil
        do {
            try receiver.receive(bytes) { event in handle(event) }
        } catch {
            fail(error)
        }
    }

    private func handle(_ event: InboundFrameEvent) {
        switch (event, state) {
        case (.text(let text), .open):
            deliver(.text(text))
        case (.binary(let bytes), .open):
            deliver(.binary(bytes))
        case (.ping(let payload), .open):
            connection.enqueue(.frame(opcode: .pong, bytes: payload, maskingKey: nextMaskingKey))
        case (.pong(let payload), .open):
            if idlePongExpected && payload.isEmpty {
                idlePongExpected = false
            } else {
                deliver(.pong(payload))
            }
        case (.close(let code, let reason), .open):
            // Echo the peer's code (RFC 6455 §5.5.1), then end the connection.
            closeFrame = (code, reason)
            sendClose(code: code, reason: "")
            finishConnection()
        case (.close, .closeSent):
            finishConnection()
        default:
            break // data after our close frame is discarded (RFC 6455 §1.4)
        }
    }

    private func deliver(_ event: WebSocketEvent) {
        if !events.push(event) { connection.pauseReading(.backpressure) }
    }

    /// Fails the connection for a protocol error (RFC 6455 §7.1.7) once the application has handled the messages
    /// that arrived before it — so their answers go out ahead of the close frame — or after the close timeout.
    private func fail(_ error: WebSocketProtocolError) {
        guard case .open = state else { return finishConnection() }
        closeFrame = (error.code, error.reason)
        state = .failing(error, deadline: connection.loop.now + configuration.closeTimeout.nanoseconds)
        connection.pauseReading(.awaitingApplication)
        connection.updateDeadline()
        let connection = self.connection
        events.whenCaughtUp { [self] in
            connection.loop.execute { if case .failing(let error, _) = self.state { self.failNow(error) } }
        }
    }

    /// Sends a close frame with the error's code and ends the connection without waiting for the peer's answer,
    /// since after a protocol error its stream can no longer be trusted.
    private func failNow(_ error: WebSocketProtocolError) {
        if acceptsApplicationFrames { sendClose(code: error.code, reason: error.reason) }
        finishConnection()
    }

    private func sendClose(code: WebSocketCloseCode, reason: String) {
        if closeFrame == nil { closeFrame = (code, reason) }
        var payload: [UInt8] = []
        if code != .noStatusReceived {
            payload = [UInt8(code.rawValue >> 8), UInt8(code.rawValue & 0xFF)]
            payload += truncatedUTF8(reason, maximumBytes: 123)
        }
        connection.enqueue(.frame(opcode: .close, bytes: payload, maskingKey: nextMaskingKey))
    }

    /// Ends the TCP connection once the close frame is out: the server closes first, a client waits for it.
    private func finishConnection() {
        state = .closed
        connection.finish(shutdownWrite: !isClient, timeout: configuration.closeTimeout.nanoseconds)
    }

    /// The server is shutting down: close with 1001.
    func beginShutdown() {
        close(code: .goingAway, reason: "server is shutting down")
    }

    func connectionReachedEndOfInput(_ connection: Connection) {
        connection.disconnect()
    }

    func connectionClosed(_ connection: Connection, error: SocketError?) {
        state = .closed
        let (code, reason) =
            closeFrame ?? (.abnormalClosure, error.map { "\($0)" } ?? "connection closed without a close frame")
        _ = events.push(.closed(code, reason: reason))
    }

    func connectionEstablished(_ connection: Connection) {}

    // MARK: Deadlines

    var nextDeadline: UInt64? {
        switch state {
        case .closeSent(let deadline), .failing(_, let deadline):
            return deadline
        case .open:
            guard let interval = configuration.pingInterval?.nanoseconds else { return nil }
            return pingSent.map { $0 + configuration.pongTimeout.nanoseconds } ?? lastReceived + interval
        case .closed:
            return nil
        }
    }

    func connection(_ connection: Connection, deadlinePassed now: UInt64) {
        guard let deadline = nextDeadline, deadline <= now else { return }
        switch state {
        case .failing(let error, _):
            failNow(error) // the application did not come back for its events in time
        case .closeSent:
            connection.disconnect() // the peer never answered the close frame
        case .open where pingSent != nil:
            closeFrame = (.abnormalClosure, "no answer to a ping within \(configuration.pongTimeout)")
            connection.disconnect()
        case .open:
            pingSent = now
            idlePongExpected = true
            connection.enqueue(.frame(opcode: .ping, bytes: [], maskingKey: nextMaskingKey))
        case .closed:
            break
        }
    }
}

/// The longest prefix of `text` that fits in `maximumBytes` bytes of UTF-8 without splitting a character.
func truncatedUTF8(_ text: String, maximumBytes: Int) -> [UInt8] {
    var bytes: [UInt8] = []
    for scalar in text.unicodeScalars {
        let encoded = Array(String(scalar).utf8)
        guard bytes.count + encoded.count <= maximumBytes else { break }
        bytes += encoded
    }
    return bytes
}
