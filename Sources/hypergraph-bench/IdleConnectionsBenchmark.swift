// hypergraph-bench transport (and tls): 10,000 idle WebSocket connections to a server in a child process (so each
// side fits the descriptor limit): the server's resident memory and the kernel's slab memory per connection, over
// ws:// or, with the test certificates, over wss://.
import HypergraphTLS
import HypergraphWebSocket

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// 10,000 idle WebSocket connections to a server in a child process: the server's resident memory per
/// connection, and the kernel slab growth (both socket ends) per connection.
enum IdleConnections {
    /// The child's option naming the test certificates directory (TLSTestSupport) to serve TLS with.
    static let certificatesOption = "tls-certificates"

    /// Child side: serve (TLS with the certificates in `certificates`, when given), report on "measure", exit at end
    /// of input.
    static func serve(certificates: String?) throws {
        let tls = try certificates.map {
            try TLSServerContext(certificateChainFile: "\($0)/server.pem", privateKeyFile: "\($0)/server.key")
        }
        let server = WebSocketServer(tls: tls) { _ in .accept { socket in for await _ in socket.events {} } }
        let port = try blocking { try await server.start() }
        writeLine("listening on \(port)")
        answerMeasurements { server.connectionCount }
    }

    /// Opens `count` connections (wss:// with the test certificates in `tlsCertificates`, else ws://) and prints
    /// the server's memory per connection.
    static func measure(count: Int, tlsCertificates: String? = nil) throws {
        let child = try ChildServer(
            arguments: ["transport", "--\(TransportBenchmark.idleServerOption)"]
                + (tlsCertificates.map { ["--\(certificatesOption)", $0] } ?? []))
        defer { child.stop() }
        let port = child.port
        let serverFigures = child.measure
        let open: (Int) throws -> [AnyObject]
        if let tlsCertificates {
            let trust = TLSClientConfiguration(additionalTrustRootsFile: "\(tlsCertificates)/ca.pem")
            open = { count in try openTLSConnections(count, url: "wss://localhost:\(port)/", tls: trust) }
        } else {
            open = { count in try (0..<count).map { _ in try BlockingClient(port: port, path: "/") } }
        }
        // Warm up: one connection per event loop touches the loops' shared buffers (and OpenSSL's).
        for connection in try open(4) { (connection as? WebSocket)?.close() }
        while try serverFigures().connections > 0 { usleep(10_000) }
        let before = try serverFigures()
        let slabBefore = slabKiB()
        let start = MonotonicClock.now()
        var clients: [AnyObject] = []
        do {
            for _ in 0..<(count / 100) { clients += try open(100) }
            clients += try open(count % 100)
        } catch {
            print("idle connections: stopped at \(clients.count) of \(count): \(error)")
        }
        let openSeconds = Double(MonotonicClock.now() - start) / 1e9
        var after = try serverFigures()
        while after.connections < clients.count {
            usleep(10_000)
            after = try serverFigures()
        }
        usleep(500_000) // let every connection's application task reach its first await
        after = try serverFigures()
        let slabAfter = slabKiB()
        let opened = max(clients.count, 1)
        let kind = tlsCertificates == nil ? "idle connection" : "idle TLS connection"
        printFigure("\(kind)s opened", Double(clients.count), unit: "in \(format(openSeconds, 2)) s")
        printFigure(
            "\(kind): server RSS per connection", Double(after.kib - before.kib) / Double(opened),
            unit: "KiB (target ≤ 20)")
        printFigure(
            "\(kind): kernel slab per connection", Double(slabAfter - slabBefore) / Double(opened),
            unit: "KiB (both socket ends)")
        withExtendedLifetime(clients) {}
    }

    /// Opens `count` wss:// connections at once with our client (its event loops hold them open).
    private static func openTLSConnections(_ count: Int, url: String, tls: TLSClientConfiguration) throws -> [AnyObject]
    {
        let sockets: [WebSocket] = try blocking {
            try await withThrowingTaskGroup(of: WebSocket.self) { group in
                for _ in 0..<count {
                    group.addTask {
                        var configuration = WebSocketConfiguration()
                        configuration.pingInterval = nil
                        return try await WebSocketClient.connect(to: url, configuration: configuration, tls: tls)
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
        }
        return sockets
    }

    /// The kernel's slab memory in KiB (Linux), 0 elsewhere.
    private static func slabKiB() -> Int {
        procField("/proc/meminfo", "Slab:") ?? 0
    }
}
