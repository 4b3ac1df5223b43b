// hypergraph-bench server: load on a Hypergraph server through HypergraphClient (issue 5 §8): confirmed updates/s and
// confirm latency with 1, 10 and 100 writers over 100 spaces, fan-out latency to 100 and 1,000 subscribers of one
// space, and the memory of 10,000 authenticated idle connections. Baselines measured in the same run: the SQLite store
// alone (no network, JSON or signatures) at the same concurrency, one subscriber, and bare WebSocket connections.
import Foundation
import HypergraphClient
import HypergraphCommandLine
import HypergraphServer
import HypergraphStore
import HypergraphWebSocket
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// `hypergraph-bench server`: see ``command`` for the options.
///
/// Without `--url` the reference server runs in a child process (this executable with `--reference-server`) on a
/// temporary database, with the per-connection rate limit lifted so that capacity is measured. With `--url`, the
/// identities file (as `hypergraph identity create` prints them) supplies the accounts; `--server-pid` lets the tool
/// read the server's memory and CPU time from `/proc`. See docs/client.md.
enum ServerBenchmark {
    static let command = benchmarkCommand(
        name: "server",
        abstract: "Load against a Hypergraph server: confirmed updates/s, fan-out latency, idle connections.",
        discussion: """
            Without --url, the reference server runs in a child process on a temporary database with the \
            per-connection rate limit lifted. Every figure is printed beside a baseline measured in the same run: \
            the SQLite store alone for writes, one subscriber and the transport's own broadcast for fan-out, bare \
            WebSocket connections for idle memory.
            """,
        options: [
            .value(
                "url", valueName: "ws://HOST:PORT",
                help: "Measure this server instead of starting one (needs --identities)."),
            .value(
                "identities", valueName: "FILE",
                help: "Identities to connect with, as 'hypergraph identity create' prints them."),
            .value(
                "server-pid", valueName: "PID", help: "The --url server's process id, to read its memory and CPU time."),
            .value("updates", valueName: "N", help: "Updates per write run.", default: "20000"),
            .value(
                "writers", valueName: "LIST", help: "Comma-separated writer counts, each at most 100.",
                default: "1,10,100"),
            .value("window", valueName: "K", help: "Updates in flight per writer.", default: "1"),
            .value(
                "subscribers", valueName: "LIST", help: "Comma-separated subscriber counts for fan-out.",
                default: "100,1000"),
            .value("rounds", valueName: "N", help: "Fan-out rounds per subscriber count.", default: "100"),
            .value(
                "idle", valueName: "N", help: "Idle authenticated connections to open (0 skips the part).",
                default: "10000"),
            .value("update-bytes", valueName: "B", help: "Content bytes per update.", default: "64"),
            .value(
                referenceServerOption, valueName: "COUNT",
                help: "Internal: be the reference server of a parent run, with COUNT new identities."),
        ]
    ) { arguments in
        raiseDescriptorLimit()
        if let count = try arguments.integer(referenceServerOption, in: 1...100_000) {
            return try ReferenceServerChild.serve(identities: count)
        }
        try run(LoadOptions(arguments))
    }

    /// The option that makes this process the reference server of a parent run.
    static let referenceServerOption = "reference-server"

    private static func run(_ options: LoadOptions) throws {
        let target = try LoadTarget(options)
        defer { target.stop() }
        let (url, identities, server) = (target.url, target.identities, target.serverProcess)
        print("Hypergraph server load on \(url), \(target.description)")
        print(
            "\(ProcessInfo.processInfo.activeProcessorCount) cores; clients in this process: HypergraphClient, and"
                + " pre-encoded frames on plain sockets for the raw writers and subscribers")

        print(
            "\n-- confirmed updates: \(options.updates) per run over \(LoadOptions.spaceCount) spaces, "
                + "\(options.window) in flight per writer, signed by the client and verified by the server")
        for writers in options.writerCounts {
            let ours = try blocking {
                try await WriteLoad.throughServer(
                    urls: [url], identities: identities, serverProcess: server, writers: writers, options: options)
            }
            let store = try blocking { try await WriteLoad.throughStore(writers: writers, options: options) }
            let noun = writers == 1 ? "writer" : "writers"
            ours.print(label: "\(writers) \(noun)", baseline: store)
            if let port = target.loopbackPort {
                let raw = try WriteLoad.throughRawSockets(
                    port: port, identities: identities, serverProcess: server, writers: writers, options: options)
                raw.print(label: "\(writers) raw \(noun)", baseline: store)
            }
        }

        print("\n-- fan-out: from sending an update to its receipt at the last subscriber, \(options.rounds) rounds")
        let fanout = { @Sendable (subscribers: Int) async throws in
            try await FanoutLoad.measure(
                url: url, identity: identities[0], serverProcess: server, subscribers: subscribers, options: options)
        }
        let single = try blocking { try await fanout(1) }
        for subscribers in options.subscriberCounts {
            let ours = try blocking { try await fanout(subscribers) }
            printPercentileComparison(
                { "fan-out p\($0), \(subscribers) subscribers" }, ours: ours.latencies, baseline: single.latencies,
                baselineName: "1 subscriber")
            if let server = ours.cpuPerRound.server, let client = ours.cpuPerRound.client {
                print("  CPU per round: server \(format(server, 2)) ms, client \(format(client, 2)) ms")
            }
        }
        if let port = target.loopbackPort, let subscribers = options.subscriberCounts.max() {
            let raw = try FanoutLoad.rawSubscribersP99(
                port: port, identity: identities[0], subscribers: subscribers, options: options)
            let transport = try BroadcastBenchmark.oneInFlightP99(messages: options.rounds, subscribers: subscribers)
            printComparison(
                "fan-out p99, \(subscribers) raw subscribers", ours: raw, baseline: transport, unit: "ms",
                baselineName: "transport broadcast, 1 in flight")
        }

        guard options.idleConnections > 0 else { return }
        print("\n-- \(options.idleConnections) idle connections")
        let bare = try IdleLoad.bareWebSockets(count: options.idleConnections)
        guard let ours = try IdleLoad.authenticated(target: target, count: options.idleConnections) else {
            return printFigure("bare WebSocket: RSS per connection", bare, unit: "KiB (no server pid to compare)")
        }
        printComparison(
            "server RSS per authenticated connection", ours: ours, baseline: bare, unit: "KiB",
            baselineName: "bare WebSocket")
    }
}

// MARK: - Options and the server under test

struct LoadOptions: Sendable {
    static let spaceCount = 100
    var url: String?
    var identitiesPath: String?
    var serverPID: Int32?
    var updates: Int
    var writerCounts: [Int]
    var window: Int
    var subscriberCounts: [Int]
    var rounds: Int
    var idleConnections: Int
    var updateBytes: Int

    init(_ arguments: ParsedArguments) throws {
        url = arguments.value("url")
        identitiesPath = arguments.value("identities")
        serverPID = try arguments.integer("server-pid", in: 1...Int(Int32.max)).map(Int32.init)
        updates = try arguments.integer("updates", in: 1...10_000_000) ?? 20_000
        writerCounts = try arguments.integers("writers", in: 1...Self.spaceCount)
        window = try arguments.integer("window", in: 1...1_000) ?? 1
        subscriberCounts = try arguments.integers("subscribers", in: 1...10_000)
        rounds = try arguments.integer("rounds", in: 1...100_000) ?? 100
        idleConnections = try arguments.integer("idle", in: 0...100_000) ?? 10_000
        updateBytes = try arguments.integer("update-bytes", in: 0...1_000_000) ?? 64
        if (url == nil) != (identitiesPath == nil) {
            throw arguments.usageError(
                "--url and --identities go together (without them the reference server is started).")
        }
    }
}

/// The server under test: the one at `--url`, or the reference server in a child process.
final class LoadTarget {
    let url: String
    let identities: [HypergraphIdentity]
    private let child: ChildServer?
    private let serverPID: Int32?

    init(_ options: LoadOptions) throws {
        if let url = options.url, let path = options.identitiesPath {
            self.url = url
            identities = try HypergraphIdentity.list(contentsOfFile: path)
            child = nil
            serverPID = options.serverPID
        } else {
            let count = options.writerCounts.max() ?? 1
            let child = try ChildServer(arguments: [
                "server", "--\(ServerBenchmark.referenceServerOption)", String(count),
            ])
            identities = try child.preamble.map { try HypergraphIdentity(json: .parse($0)) }
            url = "ws://127.0.0.1:\(child.port)"
            self.child = child
            serverPID = child.processIdentifier
        }
        guard !identities.isEmpty else { throw BenchmarkError("no identities to connect with") }
    }

    var description: String {
        child == nil ? "\(identities.count) identities" : "reference server in a child process, temporary database"
    }

    /// The server's port when it listens on this machine's IPv4 loopback (where the raw subscribers can reach it).
    var loopbackPort: UInt16? {
        guard let address = URL(string: url), address.host == "127.0.0.1" || address.host == "localhost" else {
            return nil
        }
        return address.port.flatMap { UInt16(exactly: $0) }
    }

    /// The server's process id as `/proc` names it, when known.
    var serverProcess: String? { serverPID.map { "\($0)" } }

    /// The server's resident memory in KiB, when it can be read.
    func serverResidentKiB() throws -> Int? {
        if let child { return try child.measure().kib }
        return serverProcess.flatMap(residentKiB(of:))
    }

    func stop() { child?.stop() }
}

/// Sessions for benchmarks: no transcript, long timeouts (the server is under load), no client pings.
let benchmarkConfiguration: HypergraphClientConfiguration = {
    var configuration = HypergraphClientConfiguration()
    configuration.transcriptLimit = 0
    configuration.requestTimeout = .seconds(60)
    configuration.webSocket.pingInterval = nil
    return configuration
}()

/// `open(0)`, `open(1)`, … `open(count - 1)`, at most `atOnce` at a time (64 unless told: a burst of connects past
/// the listen backlog would measure SYN retries), results in index order.
func openMany<Opened: Sendable>(
    _ count: Int, atOnce: Int = 64, _ open: @escaping @Sendable (Int) async throws -> Opened
) async throws -> [Opened] {
    try await withThrowingTaskGroup(of: (Int, Opened).self) { group in
        var opened: [(Int, Opened)] = []
        for index in 0..<count {
            if index >= atOnce, let next = try await group.next() { opened.append(next) }
            group.addTask { (index, try await open(index)) }
        }
        for try await next in group { opened.append(next) }
        return opened.sorted { $0.0 < $1.0 }.map(\.1)
    }
}

/// Closes the sessions, at most 64 at a time.
func closeAll(_ sessions: [HypergraphSession]) async {
    _ = try? await openMany(sessions.count) { await sessions[$0].close() }
}

/// Update bytes of the given size (their content does not matter to a server).
func payload(_ size: Int) -> [UInt8] {
    (0..<size).map { UInt8(truncatingIfNeeded: $0) }
}
