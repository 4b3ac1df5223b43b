// hypergraph-bench server, fan-out: from sending an update to its receipt by the last of N subscribers.
import HypergraphClient
import HypergraphProtocol
import HypergraphWebSocket
import Synchronization

/// When each round's notification reached each subscriber; the sender waits for the last one. A lock rather than an
/// actor, so that recording a receipt costs the subscriber no task switch.
final class FanoutTracker: Sendable {
    private struct State {
        var arrivals: [Int: (count: Int, latest: UInt64)] = [:]
        var waiter: (round: Int, continuation: CheckedContinuation<UInt64?, Never>)?
        var failure = false
    }

    private let subscribers: Int
    private let state = Mutex(State())

    init(subscribers: Int) { self.subscribers = subscribers }

    func arrived(round: Int, at time: UInt64) {
        let resume = state.withLock { state -> (CheckedContinuation<UInt64?, Never>, UInt64)? in
            let previous = state.arrivals[round] ?? (0, 0)
            let current = (count: previous.count + 1, latest: max(previous.latest, time))
            state.arrivals[round] = current
            guard current.count == subscribers, let waiter = state.waiter, waiter.round == round else { return nil }
            state.waiter = nil
            return (waiter.continuation, current.latest)
        }
        if let (continuation, latest) = resume { continuation.resume(returning: latest) }
    }

    func failed() {
        let waiter = state.withLock { state in
            state.failure = true
            defer { state.waiter = nil }
            return state.waiter
        }
        waiter?.continuation.resume(returning: nil)
    }

    /// When the round's notification reached its last subscriber; nil when a subscriber failed.
    func lastArrival(round: Int) async -> UInt64? {
        await withCheckedContinuation { continuation in
            let ready = state.withLock { state -> UInt64?? in
                if state.failure { return .some(nil) }
                if let arrival = state.arrivals[round], arrival.count == subscribers { return arrival.latest }
                state.waiter = (round, continuation)
                return nil
            }
            if let ready { continuation.resume(returning: ready) }
        }
    }
}

enum FanoutLoad {
    /// One sender and `subscribers` subscriber connections of one new space, all of `identity`'s account; per round,
    /// the milliseconds from sending an update to its notification reaching the last subscriber, and the CPU
    /// milliseconds per round of the server (when known) and of this process.
    ///
    /// The sender connects to `url`, subscriber `n` to `subscriberURLs[n % count]` (default: `url` too), so
    /// subscribers can sit on other nodes of one server.
    static func measure(
        url: String, subscriberURLs: [String]? = nil, identity: HypergraphIdentity, serverProcess: String?,
        subscribers: Int, options: LoadOptions
    ) async throws -> (latencies: [Double], cpuPerRound: (server: Double?, client: Double?)) {
        let connect: @Sendable (String) async throws -> HypergraphSession = { url in
            try await HypergraphClient.connect(
                url: url, token: identity.sessionToken, configuration: benchmarkConfiguration)
        }
        let sender = try await connect(url)
        let space = try await sender.createSpace(identity.createSpaceEvent(name: "fan-out"))
        let listenerURLs = subscriberURLs ?? [url]
        let listeners = try await openMany(subscribers) { index in
            let session = try await connect(listenerURLs[index % listenerURLs.count])
            _ = try await session.subscribe(spaceId: space.id)
            return session
        }
        let updates = (0..<options.rounds).map { _ in
            identity.createUpdate(spaceId: space.id, update: payload(options.updateBytes))
        }
        let tracker = FanoutTracker(subscribers: subscribers)
        // Every subscriber listens from the start; a missing or misordered notification fails the run.
        async let listening: Void = withTaskGroup(of: Void.self) { group in
            for session in listeners {
                group.addTask {
                    var round = 0
                    for await event in session.events {
                        guard case .message(.updatesNotification(let notification)) = event else { continue }
                        guard notification.updates.updates.first?.updateId == updates[round].updateId else { break }
                        tracker.arrived(round: round, at: MonotonicClock.now())
                        round += 1
                        if round == updates.count { return }
                    }
                    tracker.failed()
                }
            }
        }
        let cpuBefore = (server: serverProcess.flatMap(cpuSeconds(of:)), client: cpuSeconds(of: "self"))
        var latencies: [Double] = []
        for (round, update) in updates.enumerated() {
            let watchdog = Task {
                try await Task.sleep(for: .seconds(30))
                tracker.failed()
            }
            let sent = MonotonicClock.now()
            _ = try await sender.createUpdate(update)
            let last = await tracker.lastArrival(round: round)
            watchdog.cancel()
            guard let last else {
                throw BenchmarkError("a subscriber missed, misordered or waited 30 s for the update of round \(round)")
            }
            latencies.append(Double(last - sent) / 1e6)
        }
        let cpuAfter = (server: serverProcess.flatMap(cpuSeconds(of:)), client: cpuSeconds(of: "self"))
        await listening
        await closeAll(listeners + [sender])
        func perRound(_ before: Double?, _ after: Double?) -> Double? {
            guard let before, let after else { return nil }
            return (after - before) * 1000 / Double(updates.count)
        }
        return (latencies, (perRound(cpuBefore.server, cpuAfter.server), perRound(cpuBefore.client, cpuAfter.client)))
    }
}

extension FanoutLoad {
    /// Like ``measure(url:identity:serverProcess:subscribers:options:)``, but the subscribers are blocking sockets read
    /// on one thread (``SubscriberReader``), as in the transport's broadcast benchmark, and the sender is one too: so
    /// the latency is the server's and the kernel's, without HypergraphClient's decoding. Returns the p99 in
    /// milliseconds, one update in flight. The server must be on this machine's loopback (`port`).
    static func rawSubscribersP99(
        port: UInt16, identity: HypergraphIdentity, subscribers: Int, options: LoadOptions
    ) throws -> Double {
        guard let token = identity.sessionToken else { throw BenchmarkError("the identity has no session token") }
        let path = "/?token=\(token)"
        let space = try blocking {
            let session = try await HypergraphClient.connect(
                url: "ws://127.0.0.1:\(port)", token: token, configuration: benchmarkConfiguration)
            let space = try await session.createSpace(identity.createSpaceEvent(name: "raw fan-out")).id
            await session.close()
            return space
        }
        let subscribe = ClientMessage.subscribeSpace(SubscribeSpaceRequest(id: space)).maskedFrame
        let clients = try (0..<subscribers).map { _ in
            let client = try BlockingClient(port: port, path: path)
            client.send(subscribe)
            guard client.readFrame() != nil else { throw BenchmarkError("a raw subscriber got no snapshot") }
            return client
        }
        let reader = try SubscriberReader(clients: clients, numbering: .arrivalOrder)
        defer { reader.stop() }
        let sender = try BlockingClient(port: port, path: path)
        let updates = (0..<options.rounds).map { _ in
            ClientMessage.createUpdate(identity.createUpdate(spaceId: space, update: payload(options.updateBytes)))
                .maskedFrame
        }
        let run = try BroadcastBenchmark.measure(
            updates.count,
            through: { round in
                sender.send(updates[round])
                _ = sender.readFrame() // the confirmation, which the server sends before the notifications
            }, to: reader, pacing: .inFlight(1))
        return run.p99
    }
}
