// The limits the server enforces on each connection; docs/server.md lists them with their error or close behaviour.

/// Per-connection limits. Each one either rejects a single request with an `error` message (the connection stays
/// open) or, where the transport cannot continue, closes the connection with a documented code.
public struct ServerLimits: Sendable, Hashable {
    /// The largest request the server processes, in bytes. A larger message (up to ``maximumMessageBytes``) is
    /// answered with an `error` of code `too-large` and otherwise ignored.
    public var maximumRequestBytes: Int = 8 * 1024 * 1024
    /// The largest WebSocket message the transport reads at all. A larger one closes the connection with 1009
    /// (message too big): it cannot be skipped without reading it.
    public var maximumMessageBytes: Int = 16 * 1024 * 1024
    /// Requests each connection may make per second on average (a token bucket refilled at this rate).
    /// A request beyond it is answered with `rate-limited` and not processed.
    public var requestsPerSecond: Double = 1_000
    /// How many requests a connection may make in a burst above ``requestsPerSecond`` (the bucket's size).
    public var requestBurst: Double = 2_000
    /// The most spaces one connection may subscribe to; a further `subscribe-space` is answered with `forbidden`.
    public var subscriptionsPerConnection: Int = 1_000
    /// Bytes that may wait in a connection's send queue; a peer that reads more slowly is disconnected with 1013
    /// (try again later) so that it cannot hold the server's memory.
    public var outboundHighWaterMark: Int = 16 * 1024 * 1024
    /// After this long without traffic from a peer the server pings it; nil never pings.
    public var idlePingInterval: Duration? = .seconds(30)
    /// A peer that does not answer an idle ping within this long is dropped.
    public var pongTimeout: Duration = .seconds(10)
    /// The largest HTTP request body (inbox messages, admin requests); more is answered with 413.
    public var maximumHTTPBodyBytes: Int = 2 * 1024 * 1024

    /// The defaults above.
    public init() {}
}
