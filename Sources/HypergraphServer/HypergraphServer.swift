// The running server: storage, fan-out, WebSocket and HTTP on one port, and graceful shutdown.
//
// Concurrency: `SessionCount.running` (the number of connections still being served) is guarded by its Mutex;
// everything else is immutable after `start`. The store's writer thread feeds the sequencer through `onCommit`.
import HypergraphCrypto
import HypergraphProtocol
import HypergraphStore
import HypergraphWebSocket
import Synchronization

/// A Hypergraph sync server: the WebSocket protocol of PROTOCOL.md §1–§6 and the HTTP routes of §10 on one port,
/// persisting to SQLite or PostgreSQL. See docs/server.md.
public final class HypergraphServer: Sendable {
    /// The configuration the server was started with.
    public let configuration: ServerConfiguration
    /// The store the server persists to (for tools and tests that inspect it; request handling owns it).
    public let storage: any HypergraphStorage
    /// The port the server listens on.
    public let port: UInt16

    private let context: ServerContext
    private let transport: WebSocketServer
    /// The number of connections whose session is still running (requests may be in progress).
    private let sessions: SessionCount

    private init(
        configuration: ServerConfiguration, storage: any HypergraphStorage, port: UInt16, context: ServerContext,
        transport: WebSocketServer, sessions: SessionCount
    ) {
        self.configuration = configuration
        self.storage = storage
        self.port = port
        self.context = context
        self.transport = transport
        self.sessions = sessions
    }

    /// Opens (creating or migrating) the database and starts listening.
    ///
    /// - Throws: a `StoreError` when the database cannot be opened, or the transport's error when the address
    ///   cannot be bound.
    public static func start(_ configuration: ServerConfiguration) async throws -> HypergraphServer {
        let logger = ServerLogger(minimumLevel: configuration.logLevel, sink: configuration.logSink)
        let registry = ConnectionRegistry(heldBytesLimit: configuration.limits.outboundHighWaterMark)
        let broadcaster = LocalBroadcaster(registry: registry)
        let sequencer = CommitSequencer(broadcaster: broadcaster)
        let remote = RemoteDelivery(
            registry: registry, sequencer: sequencer, broadcaster: broadcaster, behavior: configuration.behavior,
            logger: logger)
        let storage = try await configuration.store.open(
            onCommit: { changes in
                remote.noteCommitted(changes)
                sequencer.committed(changes)
            },
            onRemoteChange: { change in await remote.deliver(change) },
            remoteInterest: { audience in registry.hasReceivers(audience) })
        remote.attach(storage)
        let context = ServerContext(
            storage: storage, facts: KnownFacts(storage: storage), registry: registry, broadcaster: broadcaster,
            sequencer: sequencer, logger: logger, limits: configuration.limits, behavior: configuration.behavior)
        let router = HTTPRouter(
            server: context, adminTokenDigest: configuration.adminToken.map { SHA256.hash(Array($0.utf8)) })
        let sessions = SessionCount()
        let transport = WebSocketServer(
            configuration: Self.transportConfiguration(configuration.limits), tls: configuration.tls,
            httpHandler: { request in await router.respond(to: request) },
            upgradeHandler: { request in
                switch await context.authenticate(request) {
                case .success(let identity):
                    return .accept { socket in
                        sessions.running.withLock { $0 += 1 }
                        await ClientSession(server: context, identity: identity, socket: socket).run()
                        sessions.running.withLock { $0 -= 1 }
                    }
                case .failure(let refusal):
                    logger.log(
                        .warn, "connection.refused",
                        [
                            ("peer", request.remoteAddress), ("status", String(refusal.status)),
                            ("reason", refusal.reason),
                        ])
                    return .reject(.refusedUpgrade(refusal))
                }
            })
        let port: UInt16
        do {
            port = try await transport.start(host: configuration.host, port: configuration.port)
        } catch {
            await storage.close()
            throw error
        }
        for problem in configuration.limits.replyBoundProblems {
            logger.log(.warn, "server.limits", [("problem", problem)])
        }
        logger.log(
            .info, "server.start",
            [
                ("version", HypergraphToolkit.version), ("host", configuration.host), ("port", String(port)),
                ("store", configuration.store.description), ("admin", configuration.adminToken == nil ? "off" : "on"),
            ])
        return HypergraphServer(
            configuration: configuration, storage: storage, port: port, context: context, transport: transport,
            sessions: sessions)
    }

    /// The number of authenticated WebSocket connections.
    public var connectionCount: Int { context.registry.count }

    /// Stops gracefully: stops accepting, closes every WebSocket with 1001 (going away), lets requests in progress
    /// finish (their writes complete and are confirmed), waits up to the grace period for connections to end, then
    /// closes the database.
    public func shutdown() async {
        context.logger.log(.info, "server.stop", [("connections", String(connectionCount))])
        await transport.shutdown(gracePeriod: configuration.shutdownGracePeriod)
        let clock = ContinuousClock()
        let deadline = clock.now + configuration.shutdownGracePeriod
        while sessions.running.withLock({ $0 }) > 0, clock.now < deadline {
            try? await Task.sleep(for: .milliseconds(5))
        }
        await storage.close()
        context.logger.log(.info, "server.stopped")
    }

    private static func transportConfiguration(_ limits: ServerLimits) -> WebSocketServerConfiguration {
        var configuration = WebSocketServerConfiguration()
        configuration.webSocket.maximumMessageSize = limits.maximumMessageBytes
        configuration.webSocket.maximumFrameSize = limits.maximumMessageBytes
        configuration.webSocket.outboundHighWaterMark = limits.outboundHighWaterMark
        configuration.webSocket.inboundMessageLimit = limits.queuedRequestsPerConnection
        configuration.webSocket.pingInterval = limits.idlePingInterval
        configuration.webSocket.pongTimeout = limits.pongTimeout
        configuration.maximumRequestBodySize = limits.maximumHTTPBodyBytes
        // Each connection's requests run on its event loop: a request hops threads only to wait for the store.
        configuration.runsHandlersOnEventLoops = true
        return configuration
    }
}

/// The number of WebSocket sessions still running, shared by the upgrade handler (which counts them) and `shutdown`
/// (which waits for them).
private final class SessionCount: Sendable {
    let running = Mutex(0)
}
