// hypergraph-bench transport: the WebSocket engine on loopback. Echo round trips (1 and 100 clients) against
// blocking C-style clients here; broadcast fan-out (BroadcastBenchmark.swift) and idle-connection memory
// (IdleConnectionsBenchmark.swift) in their own files.
import Dispatch
import Foundation
import HypergraphCommandLine
import HypergraphTLS
import HypergraphWebSocket
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

enum TransportBenchmark {
    /// The option that makes this process the idle-connection server of `IdleConnections.measure` (started by the
    /// parent run).
    static let idleServerOption = "idle-server"

    /// The parts of the benchmark, each selectable by name.
    private enum Part: String, CaseIterable {
        case echo, broadcast, idle
    }

    static let command = benchmarkCommand(
        name: "transport",
        abstract: "WebSocket round trips, broadcast fan-out and idle-connection memory.",
        options: [
            .value("event-loops", valueName: "N", help: "Event-loop threads (default: the engine's own count)."),
            .flag(idleServerOption, help: "Internal: be the idle-connection server of a parent run."),
            .value(
                IdleConnections.certificatesOption, valueName: "DIR",
                help: "Internal: the idle-connection server serves TLS with the test certificates in DIR."),
        ],
        arguments: [
            Argument(
                "parts",
                help: "Parts to run: " + Part.allCases.map(\.rawValue).joined(separator: ", ") + " (default: all).",
                optional: true, variadic: true)
        ]
    ) { arguments in
        raiseDescriptorLimit()
        if arguments.flag(idleServerOption) {
            return try IdleConnections.serve(certificates: arguments.value(IdleConnections.certificatesOption))
        }
        if let count = try arguments.integer("event-loops", in: WebSocketEventLoops.allowedCounts) {
            try WebSocketEventLoops.configure(count: count)
        }
        let parts = try arguments.arguments("parts").map { word in
            guard let part = Part(rawValue: word) else {
                throw arguments.usageError(
                    "Unknown part '\(word)': expected " + Part.allCases.map(\.rawValue).joined(separator: ", ") + ".")
            }
            return part
        }
        try run(parts: parts)
    }

    private static func run(parts: [Part]) throws {
        let selected = parts.isEmpty ? Part.allCases : parts
        let load = (try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8))?.split(separator: " ").first ?? "?"
        print(
            "WebSocket transport on loopback (\(ProcessInfo.processInfo.activeProcessorCount) cores, "
                + "event loops: \(WebSocketEventLoops.count), load average \(load))")
        let server = try BenchmarkServer(handlersOnEventLoops: true)
        if selected.contains(.echo) { try echo(server: server) }
        if selected.contains(.broadcast) { try BroadcastBenchmark(server: server).run() }
        if selected.contains(.idle) { try IdleConnections.measure(count: 10_000) }
    }

    private static func echo(server: BenchmarkServer) throws {
        let globalExecutorServer = try BenchmarkServer(handlersOnEventLoops: false)
        let blockingOne = try blockingRoundTripsPerSecond(port: server.port, clients: 1)
        printComparison(
            "echo round trips/s, 1 client",
            ours: try roundTripsPerSecond(url: server.url, clients: 1, onEventLoops: true),
            baseline: blockingOne, unit: "rt/s", baselineName: "blocking C-style client")
        printComparison(
            "  …with tasks on the global executor",
            ours: try roundTripsPerSecond(url: globalExecutorServer.url, clients: 1, onEventLoops: false),
            baseline: blockingOne, unit: "rt/s", baselineName: "blocking C-style client")
        printComparison(
            "echo round trips/s, 100 clients",
            ours: try roundTripsPerSecond(url: server.url, clients: 100, onEventLoops: true),
            baseline: try blockingRoundTripsPerSecond(port: server.port, clients: 100), unit: "rt/s",
            baselineName: "blocking clients, a thread each")
    }

    static let echoSeconds = 2.0

    /// Round trips per second of a 32-byte text message with our client to `url` (checked as `tls` says when it
    /// is wss://), `clients` at a time; with `onEventLoops` each client's task runs on its connection's event loop,
    /// as the server's handlers then do.
    static func roundTripsPerSecond(
        url: String, tls: TLSClientConfiguration = TLSClientConfiguration(), clients: Int, onEventLoops: Bool
    ) throws -> Double {
        let total = try blocking {
            try await withThrowingTaskGroup(of: Int.self) { group in
                for _ in 0..<clients {
                    group.addTask {
                        let socket = try await WebSocketClient.connect(to: url, tls: tls)
                        guard onEventLoops, #available(macOS 15.0, *) else { return await echoLoop(socket) }
                        return await withTaskExecutorPreference(socket.taskExecutor) { await echoLoop(socket) }
                    }
                }
                return try await group.reduce(0, +)
            }
        }
        return Double(total) / echoSeconds
    }

    private static func echoLoop(_ socket: WebSocket) async -> Int {
        var events = socket.events.makeAsyncIterator()
        let message = String(repeating: "x", count: 32)
        var count = 0
        let end = MonotonicClock.now() + UInt64(echoSeconds * 1e9)
        while MonotonicClock.now() < end {
            socket.send(text: message)
            guard case .text = await events.next() else { break }
            count += 1
        }
        socket.close()
        return count
    }

    /// The baseline: blocking clients, one thread each, sending a masked frame and reading the echo.
    private static func blockingRoundTripsPerSecond(port: UInt16, clients: Int) throws -> Double {
        let total = Mutex(0)
        onThreads(clients) { _ in
            guard let client = try? BlockingClient(port: port, path: "/echo") else { return }
            let frame = WebSocketFrame(opcode: .text, maskingKey: .random(), payload: Array(repeating: 0x78, count: 32))
                .encoded()
            var count = 0
            let end = MonotonicClock.now() + UInt64(echoSeconds * 1e9)
            while MonotonicClock.now() < end {
                client.send(frame)
                guard client.readFrame() != nil else { break }
                count += 1
            }
            total.withLock { $0 += count }
        }
        return Double(total.withLock { $0 }) / echoSeconds
    }
}

// MARK: - Server under test

/// One server for the echo and broadcast measurements: `/echo` echoes, `/sub` subscribes, and every text sent
/// to `/pub` is broadcast to the subscribers as one shared frame, or with one `send` per subscriber on
/// `/pub-each` (the baseline).
final class BenchmarkServer: Sendable {
    let server: WebSocketServer
    let port: UInt16
    let subscribers = Subscribers()
    /// The echo endpoint: ws://127.0.0.1:PORT/echo, or wss://localhost:PORT/echo when serving TLS.
    let url: String

    /// The `/sub` connections, shared by the server's handlers (which add them) and the measurements (which count
    /// them); guarded by the Mutex.
    final class Subscribers: Sendable {
        let sockets = Mutex<[WebSocket]>([])
    }

    /// A server for the measurements; with `tls`, over TLS.
    init(handlersOnEventLoops: Bool, tls: TLSServerContext? = nil) throws {
        let subscribers = self.subscribers
        var configuration = WebSocketServerConfiguration()
        configuration.webSocket.pingInterval = nil
        configuration.runsHandlersOnEventLoops = handlersOnEventLoops
        server = WebSocketServer(configuration: configuration, tls: tls) { request in
            .accept { socket in
                switch request.path {
                case "/sub":
                    subscribers.sockets.withLock { $0.append(socket) }
                    for await _ in socket.events {}
                case "/pub", "/pub-each":
                    let shared = request.path == "/pub"
                    for await event in socket.events {
                        guard case .text(let text) = event else { continue }
                        let targets = subscribers.sockets.withLock { $0 }
                        if shared {
                            WebSocket.broadcast(SharedWebSocketFrame(text: text), to: targets)
                        } else {
                            for target in targets { target.send(text: text) }
                        }
                    }
                default:
                    for await event in socket.events {
                        if case .text(let text) = event { socket.send(text: text) }
                    }
                }
            }
        }
        let server = self.server
        port = try blocking { try await server.start() }
        url = tls == nil ? "ws://127.0.0.1:\(port)/echo" : "wss://localhost:\(port)/echo"
    }
}
