// Everything `hypergraph serve` can be told, plus the test-only behaviour override.
import HypergraphStore
import HypergraphTLS

/// How a ``HypergraphServer`` runs.
public struct ServerConfiguration: Sendable {
    /// The address to listen on.
    public var host: String
    /// The port to listen on; 0 picks a free port (read it from ``HypergraphServer/port``).
    public var port: UInt16
    /// Where the data lives (SQLite file or PostgreSQL database); created or migrated on start.
    public var store: StoreLocation
    /// Enables `POST /admin/identities` for requests carrying `Authorization: Bearer <adminToken>`; nil disables
    /// the route (it answers 404).
    public var adminToken: String?
    /// The least important log lines written.
    public var logLevel: LogLevel
    /// Where log lines go.
    public var logSink: LogSink
    /// Per-connection limits.
    public var limits: ServerLimits
    /// How long a WebSocket connection may stay open while the server stops before it is dropped.
    public var shutdownGracePeriod: Duration
    /// The certificate to serve wss:// and https:// with; nil serves plain ws:// and http://.
    public var tls: TLSServerContext? = nil
    /// **Test-only.** Deviations from the protocol used to prove that the conformance suite catches faulty
    /// servers. The default, ``StandardBehavior``, is the protocol; the command line cannot change it.
    @_spi(Testing) public var behavior: any ServerBehavior = StandardBehavior()

    /// A configuration with the defaults of `hypergraph serve`.
    public init(
        host: String = "127.0.0.1",
        port: UInt16 = 3030,
        store: StoreLocation = .sqlite(path: "./hypergraph.sqlite"),
        adminToken: String? = nil,
        logLevel: LogLevel = .info,
        logSink: LogSink = .standardError,
        limits: ServerLimits = ServerLimits(),
        shutdownGracePeriod: Duration = .seconds(5)
    ) {
        self.host = host
        self.port = port
        self.store = store
        self.adminToken = adminToken
        self.logLevel = logLevel
        self.logSink = logSink
        self.limits = limits
        self.shutdownGracePeriod = shutdownGracePeriod
    }
}
