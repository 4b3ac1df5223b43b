// The application's handle on one open WebSocket connection, server or client side.
import HypergraphEventLoop

/// An open WebSocket connection. Read `events` from one task; send from any task or thread.
///
/// Sending never blocks: frames are encoded on the caller's thread and queued on the connection's event loop.
/// Sends after the connection started closing are dropped (the `.closed` event says when that happened). A peer
/// that does not read is disconnected with 1013 once `outboundHighWaterMark` bytes are waiting.
public final class WebSocket: Sendable {
    let session: WebSocketSession

    /// Messages, pongs and finally `.closed`, in the order they arrived.
    public let events: WebSocketEvents
    /// "host:port" of the peer.
    public let remoteAddress: String

    init(session: WebSocketSession) {
        self.session = session
        events = WebSocketEvents(buffer: session.events)
        remoteAddress = session.connection.peer
    }

    /// The event loop this connection lives on, as a task executor: a task started with
    /// `Task(executorPreference: socket.taskExecutor)` handles the connection's events without thread hops
    /// (and must then not block; see `WebSocketServerConfiguration.runsHandlersOnEventLoops`).
    @available(macOS 15.0, *)
    public var taskExecutor: any TaskExecutor { session.connection.loop }

    /// False once the connection is closing or closed (either side started the closing handshake, or it ended):
    /// work for this peer can stop, since nothing more can be sent to it.
    public var isOpen: Bool { session.isOpenFlag.load(ordering: .relaxed) }

    /// Waits until at most `bytes` bytes are queued for the peer and returns true, or returns false once the
    /// connection is closing or closed. A sender streams a large reply at the pace the peer reads by waiting
    /// before each part, so it never holds more than `bytes` plus one part.
    public func sendQueueDrained(toAtMost bytes: Int) async -> Bool {
        let connection = session.connection
        return await withCheckedContinuation { continuation in
            connection.loop.execute {
                connection.whenQueuedBytes(atMost: bytes) { continuation.resume(returning: $0) }
            }
        }
    }

    /// Sends a text message.
    public func send(text: String) {
        enqueue(.text(text, maskingKey: session.nextMaskingKey))
    }

    /// Sends a binary message.
    public func send(binary: some Collection<UInt8>) {
        enqueue(.frame(opcode: .binary, bytes: binary, maskingKey: session.nextMaskingKey))
    }

    /// Sends a message encoded once for many connections (see `broadcast`).
    public func send(_ frame: SharedWebSocketFrame) {
        let session = self.session
        session.connection.loop.execute { session.sendShared(frame) }
    }

    /// Sends a ping (at most 125 payload bytes); the answer arrives as a `.pong` event.
    public func ping(_ payload: [UInt8] = []) {
        let session = self.session
        session.connection.loop.execute { session.ping(payload) }
    }

    /// Starts the closing handshake with `code` (one allowed in close frames) and a reason of at most 123 bytes
    /// of UTF-8 (longer reasons are cut at a character boundary). `.closed` follows once the peer answered, or
    /// after the close timeout.
    public func close(code: WebSocketCloseCode = .normalClosure, reason: String = "") {
        let session = self.session
        session.connection.loop.execute { session.close(code: code, reason: reason) }
    }

    /// Sends `frame` exactly as described — any opcode, reserved bits, masking or payload size — bypassing every
    /// protocol rule. **Test-only**, for tests that need a misbehaving peer.
    @_spi(Testing) public func sendFrame(_ frame: WebSocketFrame) {
        sendRawBytes(frame.encoded())
    }

    /// Writes `bytes` to the socket as they are, e.g. half a frame. **Test-only.**
    @_spi(Testing) public func sendRawBytes(_ bytes: [UInt8]) {
        let session = self.session
        let outbound = OutboundBytes(copying: bytes)
        session.connection.loop.execute { session.sendRaw(outbound) }
    }

    /// Sends one encoded frame to every socket: one task per event loop queues it on each of that loop's
    /// connections, and every connection writes the same bytes.
    public static func broadcast(_ frame: SharedWebSocketFrame, to sockets: some Sequence<WebSocket>) {
        var byLoop: [ObjectIdentifier: (loop: EventLoop, sessions: [WebSocketSession])] = [:]
        for socket in sockets {
            let loop = socket.session.connection.loop
            byLoop[ObjectIdentifier(loop), default: (loop, [])].sessions.append(socket.session)
        }
        for (loop, sessions) in byLoop.values {
            loop.execute {
                for session in sessions { session.sendShared(frame) }
            }
        }
    }

    private func enqueue(_ bytes: OutboundBytes) {
        let session = self.session
        session.connection.loop.execute { session.sendMessage(bytes) }
    }
}
