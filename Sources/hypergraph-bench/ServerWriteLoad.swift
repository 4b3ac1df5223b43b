// hypergraph-bench server, confirmed updates: writers through the server against the SQLite store alone at the same
// concurrency, in the same run.
import Foundation
import HypergraphClient
import HypergraphServer
import HypergraphStore

/// The outcome of one write run.
struct WriteFigures: Sendable {
    var perSecond: Double
    /// Confirm latencies in milliseconds.
    var latencies: [Double]
    var failures: Int
    var firstFailure: String?
    /// CPU microseconds per confirmed update of the server process and of this (client) process, when known.
    var cpuPerUpdate: (server: CPUTime?, client: CPUTime?)

    func print(label: String, baseline: WriteFigures, baselineName: String = "store alone") {
        printComparison(
            "confirmed updates/s, \(label)", ours: perSecond, baseline: baseline.perSecond, unit: "updates/s",
            baselineName: baselineName)
        printPercentileComparison(
            { "confirm latency p\($0), \(label)" }, ours: latencies, baseline: baseline.latencies,
            baselineName: baselineName)
        if let server = cpuPerUpdate.server, let client = cpuPerUpdate.client {
            Swift.print(
                "  CPU per confirmed update: server \(format(server.total)) µs, client \(format(client.total)) µs")
            // Which share is the kernel's, and whether the two processes together had the machine's cores to
            // themselves: a rate bounded by CPU shows as cores busy ≈ the core count.
            let coresBusy = (server: server.total * perSecond / 1e6, client: client.total * perSecond / 1e6)
            let cores = ProcessInfo.processInfo.activeProcessorCount
            Swift.print(
                "  of which in the kernel: server \(format(server.kernel)) µs, client \(format(client.kernel)) µs;"
                    + " cores busy: server \(format(coresBusy.server, 2)), client \(format(coresBusy.client, 2)),"
                    + " together \(format(coresBusy.server + coresBusy.client, 2)) of \(cores)")
        }
        if failures > 0 { Swift.print("  \(failures) updates failed; the first: \(firstFailure ?? "?")") }
    }
}

enum WriteLoad {
    /// `writers` connections send `options.updates` pre-signed updates over 100 new spaces (space `s` belongs to
    /// writer `s % writers`) in `window` lanes each, every lane waiting for each confirmation before its next update.
    /// Writer `w` connects to `urls[w % urls.count]` (several nodes of one server).
    static func throughServer(
        urls: [String], identities: [HypergraphIdentity], serverProcess: String?, writers: Int, options: LoadOptions
    ) async throws -> WriteFigures {
        let identity: @Sendable (Int) -> HypergraphIdentity = { writer in identities[writer % identities.count] }
        let (sessions, spaces) = try await openWriters(urls: urls, identity: identity, writers: writers)
        let lanes = try await makeLanes(writers: writers, options: options) { writer, index in
            identity(writer).createUpdate(
                spaceId: space(index, of: writer, in: spaces, writers: writers), update: payload(options.updateBytes))
        }
        let figures = try await timeLanes(lanes, serverProcess: serverProcess) { writer, request in
            _ = try await sessions[writer].createUpdate(request)
        }
        await closeAll(sessions)
        return figures
    }

    /// The same lanes appending the same number of updates straight to a new SQLite store: its group commits without
    /// network, JSON or signature checks. The store does what the server asks of it: each writer is its own account
    /// owning its own spaces, and each append checks the server's default quotas.
    static func throughStore(writers: Int, options: LoadOptions) async throws -> WriteFigures {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("hypergraph-bench-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let store = try await SQLiteHypergraphStorage(
            configuration: SQLiteStoreConfiguration(path: directory.appendingPathComponent("store.sqlite").path))
        let now = SQLiteStoreConfiguration.systemClock()
        var authors: [IdentityRecord] = []
        for _ in 0..<writers {
            let author = try IdentityProvisioning.make(IdentityRequest(), now: now).record
            try await store.createIdentity(author)
            authors.append(author)
        }
        var spaces: [String] = []
        for index in 0..<LoadOptions.spaceCount {
            let author = authors[index % writers]
            let space = NewSpace(
                spaceId: RandomIdentifiers.uuid(), name: "bench \(index)",
                creatorAccountAddress: author.accountAddress,
                creatorAppIdentityAddress: author.appIdentityAddress, eventJSON: "{}", stateJSON: "{}",
                lastEventHash: "0x" + String(repeating: "0", count: 64), keyId: RandomIdentifiers.uuid(),
                creatorKeyBox: KeyBoxPayload(ciphertext: "0x00", nonce: "0x00", authorPublicKey: "0x00"))
            _ = try await store.createSpace(space)
            spaces.append(space.spaceId)
        }
        let created = spaces
        let lanes = try await makeLanes(writers: writers, options: options) { writer, index in
            (spaceId: space(index, of: writer, in: created, writers: writers), updateId: RandomIdentifiers.uuid())
        }
        let signature = SignatureRecord(hex: String(repeating: "1", count: 128), recovery: 0)
        let bytes = payload(options.updateBytes)
        let limits = ServerLimits()
        let quotas = UpdateQuotas(space: limits.maximumSpaceUpdateBytes, account: limits.maximumAccountUpdateBytes)
        let accounts = authors.map(\.accountAddress)
        let figures = try await timeLanes(lanes, serverProcess: nil) { writer, update in
            _ = try await store.appendUpdate(
                spaceId: update.spaceId, accountAddress: accounts[writer], update: bytes, signature: signature,
                updateId: update.updateId, quotas: quotas)
        }
        await store.close()
        return figures
    }

    /// A session for each of `writers` writers (writer `w` as `identity(w)`, to `urls[w % urls.count]`) and
    /// ``LoadOptions/spaceCount`` new spaces, space `s` created by writer `s % writers`.
    static func openWriters(
        urls: [String], identity: @escaping @Sendable (Int) -> HypergraphIdentity, writers: Int
    ) async throws -> (sessions: [HypergraphSession], spaces: [String]) {
        let sessions = try await openMany(writers) { writer in
            try await HypergraphClient.connect(
                url: urls[writer % urls.count], token: identity(writer).sessionToken,
                configuration: benchmarkConfiguration)
        }
        let spaces = try await openMany(LoadOptions.spaceCount) { index in
            let writer = index % writers
            return try await sessions[writer].createSpace(identity(writer).createSpaceEvent(name: "bench \(index)")).id
        }
        return (sessions, spaces)
    }

    /// The space of `writer`'s `index`th update: its own spaces (those at `writer`, `writer + writers`, …) in turn.
    static func space(_ index: Int, of writer: Int, in spaces: [String], writers: Int) -> String {
        let owned = (spaces.count - writer + writers - 1) / writers
        return spaces[writer + (index % owned) * writers]
    }

    /// `options.updates` items made by `make(writer, index)` before the clock starts, in parallel (signing is the
    /// expensive part), split into `writers × window` lanes.
    static func makeLanes<Item: Sendable>(
        writers: Int, options: LoadOptions, _ make: @escaping @Sendable (Int, Int) -> Item
    ) async throws -> [(writer: Int, items: [Item])] {
        let laneCount = writers * options.window
        return try await openMany(laneCount) { lane in
            let writer = lane % writers
            let share = options.updates / laneCount + (lane < options.updates % laneCount ? 1 : 0)
            return (writer, (0..<share).map { make(writer, lane / writers + $0 * options.window) })
        }
    }

    /// Runs the lanes concurrently, each item after the previous one finished, timing each, and the CPU time the
    /// server process (when known) and this process spent meanwhile.
    private static func timeLanes<Item: Sendable>(
        _ lanes: [(writer: Int, items: [Item])], serverProcess: String?,
        _ perform: @escaping @Sendable (Int, Item) async throws -> Void
    ) async throws -> WriteFigures {
        let serverCPU = serverProcess.flatMap(cpuTime(of:))
        let clientCPU = cpuTime(of: "self")
        let start = MonotonicClock.now()
        // Every lane at once: with fewer, "100 writers" would have fewer updates in flight than it says.
        let results = try await openMany(lanes.count, atOnce: lanes.count) { index in
            var outcome = WriteFigures(perSecond: 0, latencies: [], failures: 0, cpuPerUpdate: (nil, nil))
            for item in lanes[index].items {
                let sent = MonotonicClock.now()
                do {
                    try await perform(lanes[index].writer, item)
                    outcome.latencies.append(Double(MonotonicClock.now() - sent) / 1e6)
                } catch {
                    outcome.failures += 1
                    outcome.firstFailure = outcome.firstFailure ?? "\(error)"
                }
            }
            return outcome
        }
        let seconds = Double(MonotonicClock.now() - start) / 1e9
        let latencies = results.flatMap(\.latencies)
        func perUpdate(_ before: CPUTime?, _ after: CPUTime?) -> CPUTime? {
            guard let before, let after, !latencies.isEmpty else { return nil }
            let spent = after - before
            let micros = 1e6 / Double(latencies.count)
            return CPUTime(user: spent.user * micros, kernel: spent.kernel * micros)
        }
        return WriteFigures(
            perSecond: Double(latencies.count) / seconds, latencies: latencies,
            failures: results.reduce(0) { $0 + $1.failures }, firstFailure: results.compactMap(\.firstFailure).first,
            cpuPerUpdate: (
                perUpdate(serverCPU, serverProcess.flatMap(cpuTime(of:))),
                perUpdate(clientCPU, cpuTime(of: "self"))
            ))
    }
}
