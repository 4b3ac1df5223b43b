// hypergraph-bench server, idle connections: the server's memory per authenticated connection against bare
// WebSocket connections to the transport benchmark's idle server.
import HypergraphClient
import HypergraphWebSocket

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

enum IdleLoad {
    /// Resident KiB per bare WebSocket connection to the transport benchmark's idle server in a child process.
    static func bareWebSockets(count: Int) throws -> Double {
        let child = try ChildServer(arguments: ["transport", "--\(TransportBenchmark.idleServerOption)"])
        defer { child.stop() }
        let url = "ws://127.0.0.1:\(child.port)/"
        let before = try child.measure()
        let sockets = try blocking { try await openMany(count) { _ in try await WebSocketClient.connect(to: url) } }
        var waits = 0
        while try child.measure().connections < before.connections + sockets.count, waits < 1000 {
            usleep(10_000) // the last upgrades may still be in flight
            waits += 1
        }
        usleep(500_000) // let every connection's task reach its first wait
        let after = try child.measure()
        try blocking {
            _ = try await openMany(sockets.count) { index in
                sockets[index].close()
                for await event in sockets[index].events { if case .closed = event { break } }
            }
        }
        return Double(after.kib - before.kib) / Double(max(sockets.count, 1))
    }

    /// Opens `count` sessions to the target, each proven authenticated by a `list-spaces` reply; returns the
    /// server's resident KiB per connection, nil when its memory cannot be read.
    static func authenticated(target: LoadTarget, count: Int) throws -> Double? {
        let (url, identities) = (target.url, target.identities)
        let before = try target.serverResidentKiB()
        let start = MonotonicClock.now()
        let sessions = try blocking {
            try await openMany(count) { index in
                let token = identities[index % identities.count].sessionToken
                let session = try await HypergraphClient.connect(
                    url: url, token: token, configuration: benchmarkConfiguration)
                _ = try await session.listSpaces()
                return session
            }
        }
        let seconds = Double(MonotonicClock.now() - start) / 1e9
        print("authenticated connections: \(sessions.count) opened in \(format(seconds, 2)) s")
        usleep(500_000) // let every connection's server task reach its first wait
        let after = try target.serverResidentKiB()
        try blocking { await closeAll(sessions) }
        guard let before, let after else { return nil }
        return Double(after - before) / Double(max(sessions.count, 1))
    }
}
