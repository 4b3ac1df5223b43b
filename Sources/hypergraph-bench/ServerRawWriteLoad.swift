// hypergraph-bench server, confirmed updates through plain sockets: the same writes as WriteLoad.throughServer, sent
// as pre-encoded frames by one thread, so that the load generator takes as little of the machine's cores as a
// client can and the rate is the server's.
import HypergraphClient
import HypergraphProtocol
import HypergraphWebSocket

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

extension WriteLoad {
    /// `writers` blocking WebSockets to the server on this machine's loopback (`port`) send `options.updates`
    /// pre-signed, pre-encoded `create-update` frames over 100 new spaces (space `s` belongs to writer `s % writers`),
    /// `options.window` in flight per writer; one thread sends each next frame as a confirmation arrives (`poll(2)`).
    /// Only the confirmations' type is read. Spaces are created beforehand through HypergraphClient.
    static func throughRawSockets(
        port: UInt16, identities: [HypergraphIdentity], serverProcess: String?, writers: Int, options: LoadOptions
    ) throws -> WriteFigures {
        let identity: @Sendable (Int) -> HypergraphIdentity = { writer in identities[writer % identities.count] }
        let frames = try blocking {
            let (sessions, spaces) = try await openWriters(
                urls: ["ws://127.0.0.1:\(port)"], identity: identity, writers: writers)
            await closeAll(sessions)
            // One lane per writer: its frames in sending order.
            var oneLaneEach = options
            oneLaneEach.window = 1
            let lanes = try await makeLanes(writers: writers, options: oneLaneEach) { writer, index in
                ClientMessage.createUpdate(
                    identity(writer).createUpdate(
                        spaceId: space(index, of: writer, in: spaces, writers: writers),
                        update: payload(options.updateBytes))
                ).maskedFrame
            }
            return lanes.sorted { $0.writer < $1.writer }.map(\.items)
        }
        let clients = try (0..<writers).map { writer in
            guard let token = identity(writer).sessionToken else {
                throw BenchmarkError("identity \(writer) has no session token")
            }
            return try BlockingClient(port: port, path: "/?token=\(token)")
        }
        return try RawWriters(clients: clients, frames: frames, window: options.window)
            .run(serverProcess: serverProcess)
    }
}

/// The sending and reading of ``WriteLoad/throughRawSockets(port:identities:serverProcess:writers:options:)``, on the
/// calling thread.
private struct RawWriters {
    let clients: [BlockingClient]
    let frames: [[[UInt8]]]
    let window: Int

    private static let confirmation = Array(#""update-confirmed""#.utf8)

    func run(serverProcess: String?) throws -> WriteFigures {
        var sent = [Int](repeating: 0, count: clients.count)
        var answered = [Int](repeating: 0, count: clients.count)
        var sentAt = frames.map { [UInt64](repeating: 0, count: $0.count) }
        var latencies: [Double] = []
        latencies.reserveCapacity(frames.reduce(0) { $0 + $1.count })
        var failures = 0
        var firstFailure: String?
        func sendNext(_ writer: Int) {
            sentAt[writer][sent[writer]] = MonotonicClock.now()
            clients[writer].send(frames[writer][sent[writer]])
            sent[writer] += 1
        }

        var remaining = frames.reduce(0) { $0 + $1.count }
        var watched = clients.map { pollfd(fd: $0.fd, events: Int16(POLLIN), revents: 0) }
        let serverCPU = serverProcess.flatMap(cpuTime(of:))
        let clientCPU = cpuTime(of: "self")
        let start = MonotonicClock.now()
        for writer in clients.indices {
            while sent[writer] < min(window, frames[writer].count) { sendNext(writer) }
        }
        while remaining > 0 {
            guard poll(&watched, nfds_t(watched.count), 30_000) > 0 else {
                throw BenchmarkError("no confirmation for 30 s with \(remaining) updates unconfirmed")
            }
            for writer in watched.indices where watched[writer].revents != 0 {
                let open = clients[writer].readAvailableFrames { frame in
                    guard answered[writer] < sent[writer] else {
                        // Nothing was asked: a frame the server sent on its own is not an answer.
                        failures += 1
                        firstFailure = firstFailure ?? "unasked: " + String(decoding: frame, as: UTF8.self)
                        return
                    }
                    latencies.append(Double(MonotonicClock.now() - sentAt[writer][answered[writer]]) / 1e6)
                    answered[writer] += 1
                    remaining -= 1
                    if frame.firstRange(of: Self.confirmation) == nil {
                        failures += 1
                        firstFailure = firstFailure ?? String(decoding: frame, as: UTF8.self)
                    }
                    if sent[writer] < frames[writer].count { sendNext(writer) }
                }
                if answered[writer] == frames[writer].count {
                    watched[writer].fd = -1 // done: poll(2) skips negative descriptors
                } else if !open {
                    throw BenchmarkError("writer \(writer)'s connection closed with updates unconfirmed")
                }
            }
        }
        let seconds = Double(MonotonicClock.now() - start) / 1e9
        let updates = Double(latencies.count)
        func perUpdate(_ before: CPUTime?, _ after: CPUTime?) -> CPUTime? {
            guard let before, let after else { return nil }
            let spent = after - before
            return CPUTime(user: spent.user * 1e6 / updates, kernel: spent.kernel * 1e6 / updates)
        }
        return WriteFigures(
            perSecond: updates / seconds, latencies: latencies, failures: failures, firstFailure: firstFailure,
            cpuPerUpdate: (
                perUpdate(serverCPU, serverProcess.flatMap(cpuTime(of:))), perUpdate(clientCPU, cpuTime(of: "self"))
            ))
    }
}

extension ClientMessage {
    /// The message as a client's text frame (masked, as clients must send).
    var maskedFrame: [UInt8] {
        WebSocketFrame(opcode: .text, maskingKey: .random(), payload: jsonUTF8()).encoded()
    }
}
