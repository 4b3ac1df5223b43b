// hypergraph-bench transport: 10,000 idle WebSocket connections to a server in a child process (so each side
// fits the descriptor limit): the server's resident memory and the kernel's slab memory per connection.
import HypergraphWebSocket

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// 10,000 idle WebSocket connections to a server in a child process: the server's resident memory per
/// connection, and the kernel slab growth (both socket ends) per connection.
enum IdleConnections {
    /// Child side: serve, report on "measure", exit at end of input.
    static func serve() throws {
        let server = WebSocketServer { _ in .accept { socket in for await _ in socket.events {} } }
        let port = try blocking { try await server.start() }
        writeLine("listening on \(port)")
        answerMeasurements { server.connectionCount }
    }

    static func measure(count: Int) throws {
        let child = try ChildServer(arguments: ["transport", "--\(TransportBenchmark.idleServerOption)"])
        defer { child.stop() }
        let port = child.port
        let serverFigures = child.measure
        // Warm up: one connection per event loop touches the loops' shared buffers.
        for _ in 0..<4 {
            let client = try BlockingClient(port: port, path: "/")
            client.send(WebSocketFrame(opcode: .ping, maskingKey: .random()).encoded())
            _ = client.readFrame()
        }
        while try serverFigures().connections > 0 { usleep(10_000) }
        let before = try serverFigures()
        let slabBefore = slabKiB()
        let start = MonotonicClock.now()
        var clients: [BlockingClient] = []
        do {
            for _ in 0..<count { clients.append(try BlockingClient(port: port, path: "/")) }
        } catch {
            print("idle connections: stopped at \(clients.count) of \(count): \(error)")
        }
        let openSeconds = Double(MonotonicClock.now() - start) / 1e9
        var after = try serverFigures()
        while after.connections < clients.count {
            usleep(10_000)
            after = try serverFigures()
        }
        usleep(500_000)  // let every connection's application task reach its first await
        after = try serverFigures()
        let slabAfter = slabKiB()
        let opened = max(clients.count, 1)
        printFigure("idle connections opened", Double(clients.count), unit: "in \(format(openSeconds, 2)) s")
        printFigure("idle connection: server RSS per connection", Double(after.kib - before.kib) / Double(opened), unit: "KiB (target ≤ 20)")
        printFigure("idle connection: kernel slab per connection", Double(slabAfter - slabBefore) / Double(opened), unit: "KiB (both socket ends)")
        withExtendedLifetime(clients) {}
    }

    /// The kernel's slab memory in KiB (Linux), 0 elsewhere.
    private static func slabKiB() -> Int {
        procField("/proc/meminfo", "Slab:") ?? 0
    }
}

