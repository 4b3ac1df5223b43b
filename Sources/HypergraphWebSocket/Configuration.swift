// Limits and timeouts of WebSocket connections and of the server.

/// Limits and timeouts of one WebSocket connection (server or client side).
public struct WebSocketConfiguration: Sendable, Hashable {
    /// The largest message accepted, in bytes, across all its fragments; more fails the connection with 1009.
    public var maximumMessageSize: Int = 16 * 1024 * 1024
    /// The largest single frame accepted, in bytes; more fails the connection with 1009.
    public var maximumFrameSize: Int = 16 * 1024 * 1024
    /// When a send finds more than this many bytes still queued for the socket (the peer reads too slowly),
    /// queued frames are dropped and the connection is closed with 1013 (try again later). A single message
    /// larger than the mark still goes out when the queue is empty.
    public var outboundHighWaterMark: Int = 16 * 1024 * 1024
    /// When the application has not yet taken more than this many bytes of delivered messages, reading from the
    /// socket pauses (TCP flow control then slows the peer) until it has taken half of them.
    public var inboundBufferLimit: Int = 1024 * 1024
    /// Reading from the socket also pauses while the application has more than this many delivered messages
    /// still to take (until it is down to half), so that a peer pipelining many small messages cannot queue more
    /// work than this; the messages of one read are still delivered whole.
    public var inboundMessageLimit: Int = 4096
    /// How long the opening handshake may take: for a server, from accepting the connection to a complete
    /// request (also the idle limit between plain HTTP requests on a kept-alive connection); for a client,
    /// from connecting to the 101 response.
    public var handshakeTimeout: Duration = .seconds(10)
    /// After this long without receiving anything, a ping is sent; nil never pings.
    public var pingInterval: Duration? = .seconds(30)
    /// If nothing arrives within this long after an idle ping, the peer is considered dead and the connection
    /// is dropped (the application sees 1006).
    public var pongTimeout: Duration = .seconds(10)
    /// How long to wait for the peer's close frame after sending one, and then for the TCP connection to end.
    public var closeTimeout: Duration = .seconds(5)

    /// The defaults.
    public init() {}
}

/// Settings of a `WebSocketServer`.
public struct WebSocketServerConfiguration: Sendable, Hashable {
    /// Limits and timeouts of each accepted WebSocket connection.
    public var webSocket = WebSocketConfiguration()
    /// The largest request line plus header fields accepted; more is answered with 431.
    public var maximumRequestHeadSize: Int = 16 * 1024
    /// The largest `Content-Length` body accepted for plain HTTP requests; more is answered with 413.
    public var maximumRequestBodySize: Int = 1024 * 1024
    /// The `listen` backlog.
    public var backlog: Int32 = 4096
    /// Whether each WebSocket handler task runs on its connection's event-loop thread (as its task executor
    /// preference) instead of Swift's global executor. Messages then reach the handler, and its answers the
    /// socket, without a thread hop — lower latency and less processor time per message — but a handler that
    /// blocks or computes for long holds up every connection of that loop (awaiting other actors is fine: the
    /// task hops there and back). Needs macOS 15 on Darwin; ignored before.
    public var runsHandlersOnEventLoops = false

    /// The defaults.
    public init() {}
}
