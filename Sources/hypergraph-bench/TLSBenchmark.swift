// hypergraph-bench tls: TLS on loopback with the test certificates (TLSTestSupport). wss:// connections opened and
// closed per second (TCP, TLS handshake, upgrade) and echo round trips per second, beside ws:// on the same server
// and client; the peer anchor is Python `websockets` + `ssl` (scripts/bench-tls-reference.py), whose client also
// measures our server; and 10,000 idle TLS connections: the server's memory per connection.
import Foundation
import HypergraphTLS
import HypergraphWebSocket
import TLSTestSupport

enum TLSBenchmark {
    static let command = benchmarkCommand(
        name: "tls",
        abstract: "wss:// handshakes and echo beside ws:// and Python websockets + ssl; idle TLS connection memory.",
        options: [
            .value(
                "idle", valueName: "N", help: "Idle connections to measure, plain and TLS (0 skips them).",
                default: "10000")
        ]
    ) { arguments in
        raiseDescriptorLimit()
        try run(idle: try arguments.integer("idle", in: 0...100_000) ?? 10_000)
    }

    private static func run(idle: Int) throws {
        let certificates = try TLSTestCertificates.directory()
        let trust = TLSClientConfiguration(additionalTrustRootsFile: "\(certificates)/ca.pem")
        let context = try TLSServerContext(
            certificateChainFile: "\(certificates)/server.pem", privateKeyFile: "\(certificates)/server.key")
        let plain = try BenchmarkServer(handlersOnEventLoops: true)
        let secure = try BenchmarkServer(handlersOnEventLoops: true, tls: context)
        print(
            "TLS on loopback (\(ProcessInfo.processInfo.activeProcessorCount) cores, event loops: "
                + "\(WebSocketEventLoops.count), \(TLSLibrary.version); ECDSA P-256 certificate, TLS 1.3)")
        let reference = ReferenceScript.run(
            "scripts/bench-tls-reference.py",
            arguments: [
                "--ca", "\(certificates)/ca.pem", "--cert", "\(certificates)/server.pem", "--key",
                "\(certificates)/server.key", "--target", "ours=\(plain.url)", "--target", "ours=\(secure.url)",
                "--seconds", String(TransportBenchmark.echoSeconds),
            ])
        if let problem = reference.problem { print("Python anchor: \(problem)") }

        let connections = try connectionsPerSecond(url: secure.url, tls: trust, clients: 1)
        printComparison(
            "wss:// connections/s, 1 client", ours: connections,
            baseline: try connectionsPerSecond(url: plain.url, tls: trust, clients: 1), unit: "conn/s",
            baselineName: "ws://, same client and server")
        printAnchors("connections", ours: connections, reference: reference, unit: "conn/s")
        printComparison(
            "wss:// connections/s, 8 clients", ours: try connectionsPerSecond(url: secure.url, tls: trust, clients: 8),
            baseline: try connectionsPerSecond(url: plain.url, tls: trust, clients: 8), unit: "conn/s",
            baselineName: "ws://, same client and server")

        let echo = try TransportBenchmark.roundTripsPerSecond(
            url: secure.url, tls: trust, clients: 1, onEventLoops: true)
        printComparison(
            "wss:// echo round trips/s, 1 client", ours: echo,
            baseline: try TransportBenchmark.roundTripsPerSecond(url: plain.url, clients: 1, onEventLoops: true),
            unit: "rt/s", baselineName: "ws://, same client and server")
        printAnchors("echo", ours: echo, reference: reference, unit: "rt/s")
        printComparison(
            "wss:// echo round trips/s, 100 clients",
            ours: try TransportBenchmark.roundTripsPerSecond(
                url: secure.url, tls: trust, clients: 100, onEventLoops: true),
            baseline: try TransportBenchmark.roundTripsPerSecond(url: plain.url, clients: 100, onEventLoops: true),
            unit: "rt/s", baselineName: "ws://, same client and server")

        if idle > 0 {
            try IdleConnections.measure(count: idle)
            try IdleConnections.measure(count: idle, tlsCertificates: certificates)
        }
    }

    /// Our wss:// figure beside Python's (both ends Python), and Python's client against our server beside it
    /// against Python's server (the same client, so the servers compare).
    private static func printAnchors(_ figure: String, ours: Double, reference: ReferenceScript, unit: String) {
        let figures = reference.figures
        if let python = figures["python-wss-\(figure)"] {
            printComparison(
                "  …beside Python", ours: ours, baseline: python, unit: unit,
                baselineName: "websockets + ssl, both ends")
            if let oursFromPython = figures["ours-wss-\(figure)"] {
                printComparison(
                    "  …Python client → our wss:// server", ours: oursFromPython, baseline: python, unit: unit,
                    baselineName: "→ Python's server")
            }
        }
        if let plain = figures["ours-ws-\(figure)"], let secure = figures["ours-wss-\(figure)"] {
            printComparison(
                "  …Python client → our server, wss://", ours: secure, baseline: plain, unit: unit,
                baselineName: "ws://")
        }
    }

    /// WebSocket connections opened (TCP, TLS, upgrade) and closed per second, by `clients` at once, each in turn.
    private static func connectionsPerSecond(url: String, tls: TLSClientConfiguration, clients: Int) throws -> Double {
        let seconds = TransportBenchmark.echoSeconds
        let total = try blocking {
            try await withThrowingTaskGroup(of: Int.self) { group in
                for _ in 0..<clients {
                    group.addTask {
                        var count = 0
                        let end = MonotonicClock.now() + UInt64(seconds * 1e9)
                        while MonotonicClock.now() < end {
                            let socket = try await WebSocketClient.connect(to: url, tls: tls)
                            socket.close()
                            for await _ in socket.events {}
                            count += 1
                        }
                        return count
                    }
                }
                return try await group.reduce(0, +)
            }
        }
        return Double(total) / seconds
    }
}
