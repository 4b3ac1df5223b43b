// `hypergraph serve`: runs the reference server until SIGINT or SIGTERM.
import Dispatch
import Foundation
import HypergraphCommandLine
import HypergraphServer
import HypergraphWebSocket

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The server command.
enum ServerCommands {
    /// `hypergraph serve [--host H] [--port P] [--store LOCATION | --db PATH] [--admin-token TOKEN] [--log-level LEVEL]
    /// [--event-loops N] [--tls-cert PEM --tls-key PEM] [--limit NAME=VALUE …]`.
    static let serve = Command(
        name: "serve",
        abstract: "Run the Hypergraph sync server: WebSocket and HTTP on one port, stored in SQLite or PostgreSQL.",
        discussion: """
            Creates or migrates the database, then serves until Ctrl-C or SIGTERM, which close every connection \
            with 1001 (going away) after the requests in progress have finished. Logs go to standard error, one \
            line per event. Connect with ws://HOST:PORT/?token=SESSION_TOKEN; create tokens with \
            'hypergraph identity create'. The admin token can also come from HYPERGRAPH_ADMIN_TOKEN. With --tls-cert \
            and --tls-key the port serves wss:// and https:// instead, and SIGHUP reloads both files. --limit \
            changes one of the limits and quotas that docs/server.md lists with their defaults, e.g. \
            --limit maximumReplyBytes=10485760 --limit idlePingInterval=off. See docs/server.md.
            """,
        options: [
            .value("host", valueName: "HOST", help: "Address to listen on.", default: "127.0.0.1"),
            .value(
                "port", short: "p", valueName: "PORT", help: "Port to listen on (0 picks a free one).", default: "3030"),
        ] + StoreOptions.options(dbHelp: "SQLite database file (created when missing); same as --store PATH.") + [
            .value(
                "admin-token", valueName: "TOKEN",
                help: "Enable POST /admin/identities for 'Authorization: Bearer TOKEN'."),
            .value(
                "log-level", valueName: "LEVEL", help: "Least important log lines written.", default: "info",
                allowed: LogLevel.allCases.map(\.rawValue)),
            .value(
                "event-loops", valueName: "N",
                help:
                    "WebSocket event-loop threads (default: one per core, at most 4; here \(WebSocketEventLoops.defaultCount))."
            ),
            .repeated(
                "limit", valueName: "NAME=VALUE",
                help: "Change a limit or quota (names and defaults: docs/server.md, *Limits*); repeatable."),
        ] + TLSOptions.server
    ) { arguments in
        let port = try arguments.integer("port", in: 0...65_535) ?? 3030
        if let loops = try arguments.integer("event-loops", in: WebSocketEventLoops.allowedCounts) {
            try WebSocketEventLoops.configure(count: loops)
        }
        let adminToken = arguments.value("admin-token") ?? ProcessInfo.processInfo.environment["HYPERGRAPH_ADMIN_TOKEN"]
        if let adminToken, adminToken.isEmpty {
            throw arguments.usageError("The admin token must not be empty.")
        }
        var configuration = ServerConfiguration(
            host: arguments.value("host") ?? "127.0.0.1", port: UInt16(port),
            store: try StoreOptions.location(arguments), adminToken: adminToken,
            logLevel: arguments.value("log-level").flatMap(LogLevel.init(rawValue:)) ?? .info)
        for setting in arguments.values("limit") {
            guard let equals = setting.firstIndex(of: "=") else {
                throw arguments.usageError("--limit \(setting): expected NAME=VALUE, e.g. maximumReplyBytes=10485760.")
            }
            do {
                try configuration.limits.set(
                    String(setting[..<equals]), to: String(setting[setting.index(after: equals)...]))
            } catch {
                throw arguments.usageError("--limit: \(error).")
            }
        }
        configuration.tls = try TLSOptions.serverContext(arguments)
        let reloading = configuration.tls?.reloadOnHangUpSignal { failure in
            writeStandardError(
                failure.map { "Error: SIGHUP: \($0); the previous certificate stays in use.\n" }
                    ?? "SIGHUP: reloaded the TLS certificate; new connections use it.\n")
        }
        defer { reloading?.cancel() }
        let signals = TerminationSignals()
        let server: HypergraphServer
        do {
            server = try await HypergraphServer.start(configuration)
        } catch {
            writeStandardError("Error: cannot start the server: \(error)\n")
            return ExitStatus.failure
        }
        await signals.next()
        await server.shutdown()
        return ExitStatus.success
    }
}

/// SIGINT and SIGTERM as an awaitable event. Once one arrived, the default action is restored, so a second Ctrl-C
/// during the graceful shutdown ends the process at once.
private struct TerminationSignals {
    private let stream: AsyncStream<Int32>
    private let sources: [any DispatchSourceSignal]

    init() {
        let (stream, continuation) = AsyncStream.makeStream(of: Int32.self)
        self.stream = stream
        sources = [SIGINT, SIGTERM].map { number in
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { continuation.yield(number) }
            source.resume()
            return source
        }
    }

    /// Waits for the first signal, then restores the default actions.
    func next() async {
        for await _ in stream { break }
        for source in sources { source.cancel() }
        signal(SIGINT, SIG_DFL)
        signal(SIGTERM, SIG_DFL)
    }
}
