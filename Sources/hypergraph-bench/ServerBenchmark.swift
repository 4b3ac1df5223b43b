// hypergraph-bench server: load on a Hypergraph server through HypergraphClient (issue 5 §8): confirmed updates/s and
// confirm latency with 1, 10 and 100 writers over 100 spaces, fan-out latency to 100 and 1,000 subscribers of one
// space, and the memory of 10,000 authenticated idle connections. Baselines measured in the same run: the SQLite store
// alone (no network, JSON or signatures) at the same concurrency, one subscriber, and bare WebSocket connections.
import Foundation
import HypergraphClient
import HypergraphServer
import HypergraphStore
import HypergraphWebSocket

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Synchronization

/// `hypergraph-bench server [--url ws://HOST:PORT --identities FILE [--server-pid PID]] [--updates N]
/// [--writers 1,10,100] [--window K] [--subscribers 100,1000] [--rounds N] [--idle N] [--update-bytes B]`.
///
/// Without `--url` the reference server runs in a child process (this executable with `--reference-server`) on a
/// temporary database, with the per-connection rate limit lifted so that capacity is measured. With `--url`, the
/// identities file (as `hypergraph identity create` prints them) supplies the accounts; `--server-pid` lets the tool
/// read the server's memory and CPU time from `/proc`. See docs/client.md.
enum ServerBenchmark {
    /// Makes this process the reference server of a parent run.
    static let referenceServerFlag = "--reference-server"

    static func run(arguments: [String]) throws {
        raiseDescriptorLimit()
        if arguments.first == referenceServerFlag { return try ReferenceServerChild.serve(arguments: arguments) }
        let options = try LoadOptions(arguments)
        let target = try LoadTarget(options)
        defer { target.stop() }
        let (url, identities, server) = (target.url, target.identities, target.serverProcess)
        print("Hypergraph server load on \(url), \(target.description)")
        print("\(ProcessInfo.processInfo.activeProcessorCount) cores; client: HypergraphClient in this process")

        print("\n-- confirmed updates: \(options.updates) per run over \(LoadOptions.spaceCount) spaces, "
            + "\(options.window) in flight per writer, signed by the client and verified by the server")
        for writers in options.writerCounts {
            let ours = try blocking {
                try await WriteLoad.throughServer(
                    url: url, identities: identities, serverProcess: server, writers: writers, options: options)
            }
            let store = try blocking { try await WriteLoad.throughStore(writers: writers, options: options) }
            ours.print(label: "\(writers) writer\(writers == 1 ? "" : "s")", baseline: store)
        }

        print("\n-- fan-out: from sending an update to its receipt at the last subscriber, \(options.rounds) rounds")
        let fanout = { @Sendable (subscribers: Int) async throws in
            try await Fanout.measure(
                url: url, identity: identities[0], serverProcess: server, subscribers: subscribers, options: options)
        }
        let single = try blocking { try await fanout(1) }
        for subscribers in options.subscriberCounts {
            let ours = try blocking { try await fanout(subscribers) }
            for percent in [50.0, 99.0] {
                printComparison(
                    "fan-out p\(Int(percent)), \(subscribers) subscribers", ours: percentile(ours.latencies, percent),
                    baseline: percentile(single.latencies, percent), unit: "ms", baselineName: "1 subscriber")
            }
            if let server = ours.cpuPerRound.server, let client = ours.cpuPerRound.client {
                print("  CPU per round: server \(format(server, 2)) ms, client \(format(client, 2)) ms")
            }
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

private struct LoadOptions: Sendable {
    static let spaceCount = 100
    var url: String?
    var identitiesPath: String?
    var serverPID: Int32?
    var updates = 20_000
    var writerCounts = [1, 10, 100]
    var window = 1
    var subscriberCounts = [100, 1_000]
    var rounds = 100
    var idleConnections = 10_000
    var updateBytes = 64

    init(_ arguments: [String]) throws {
        var remaining = arguments[...]
        func counts(_ name: String, _ range: ClosedRange<Int>) throws -> [Int] {
            let text = remaining.popFirst() ?? ""
            let numbers = text.split(separator: ",", omittingEmptySubsequences: false).map { Int($0) }
            guard !numbers.isEmpty, numbers.allSatisfy({ $0.map(range.contains) ?? false }) else {
                throw BenchmarkError(
                    "\(name) needs comma-separated whole numbers in \(range.lowerBound)...\(range.upperBound), "
                        + "got \(String(reflecting: text))")
            }
            return numbers.compactMap { $0 }
        }
        func count(_ name: String, _ range: ClosedRange<Int>) throws -> Int {
            let values = try counts(name, range)
            guard values.count == 1 else { throw BenchmarkError("\(name) needs one number, got \(values.count)") }
            return values[0]
        }
        func text(_ name: String) throws -> String {
            guard let value = remaining.popFirst() else { throw BenchmarkError("\(name) needs a value") }
            return value
        }
        while let argument = remaining.popFirst() {
            switch argument {
            case "--url": url = try text(argument)
            case "--identities": identitiesPath = try text(argument)
            case "--server-pid": serverPID = Int32(try count(argument, 1...Int(Int32.max)))
            case "--updates": updates = try count(argument, 1...10_000_000)
            case "--writers": writerCounts = try counts(argument, 1...Self.spaceCount)
            case "--window": window = try count(argument, 1...1_000)
            case "--subscribers": subscriberCounts = try counts(argument, 1...10_000)
            case "--rounds": rounds = try count(argument, 1...100_000)
            case "--idle": idleConnections = try count(argument, 0...100_000)
            case "--update-bytes": updateBytes = try count(argument, 0...1_000_000)
            default:
                throw BenchmarkError(
                    "unknown argument \(String(reflecting: argument)); expected --url, --identities, --server-pid, "
                        + "--updates, --writers, --window, --subscribers, --rounds, --idle or --update-bytes")
            }
        }
        if (url == nil) != (identitiesPath == nil) {
            throw BenchmarkError("--url and --identities go together (without them the reference server is started)")
        }
    }
}

/// The server under test: the one at `--url`, or the reference server in a child process.
private final class LoadTarget {
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
            let child = try ChildServer(arguments: ["server", ServerBenchmark.referenceServerFlag, String(count)])
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

    /// The server's process id as `/proc` names it, when known.
    var serverProcess: String? { serverPID.map { "\($0)" } }

    /// The server's resident memory in KiB, when it can be read.
    func serverResidentKiB() throws -> Int? {
        if let child { return try child.measure().kib }
        return serverProcess.flatMap(residentKiB(of:))
    }

    func stop() { child?.stop() }
}

/// A server in a child process of this executable: it prints `listening on PORT` (after any preamble lines),
/// answers `measure` on its input with `rss KIB connections N` and stops at the end of its input — the protocol of
/// the transport benchmark's idle server.
final class ChildServer {
    let port: UInt16
    let preamble: [String]
    private let process = Process()
    private let input = Pipe()
    private let lines: LineReader

    var processIdentifier: Int32 { process.processIdentifier }

    init(arguments: [String]) throws {
        process.executableURL = URL(fileURLWithPath: Bundle.main.executablePath ?? CommandLine.arguments[0])
        process.arguments = arguments
        let output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        try process.run()
        lines = LineReader(output.fileHandleForReading)
        var preamble: [String] = []
        while let line = lines.next() {
            if line.hasPrefix("listening on "), let port = UInt16(line.dropFirst("listening on ".count)) {
                self.port = port
                self.preamble = preamble
                return
            }
            preamble.append(line)
        }
        process.waitUntilExit()
        let command = arguments.joined(separator: " ")
        throw BenchmarkError("`\(command)` did not start (exit status \(process.terminationStatus))")
    }

    func measure() throws -> (kib: Int, connections: Int) {
        input.fileHandleForWriting.write(Data("measure\n".utf8))
        let words = lines.next()?.split(separator: " ") ?? []
        guard words.count == 4, let kib = Int(words[1]), let connections = Int(words[3]) else {
            throw BenchmarkError("unexpected report from the child server: \(words.joined(separator: " "))")
        }
        return (kib, connections)
    }

    func stop() {
        try? input.fileHandleForWriting.close()
        process.waitUntilExit()
    }
}

/// The child side of `--reference-server COUNT [--default-limits]`: the reference server on a temporary database,
/// with COUNT new identities printed as JSON lines before `listening on PORT`. The per-connection rate limit is
/// lifted (capacity is measured) unless `--default-limits` asks for `hypergraph serve`'s defaults (abuse runs).
enum ReferenceServerChild {
    /// Keeps every limit at its default.
    static let defaultLimitsFlag = "--default-limits"

    static func serve(arguments: [String]) throws {
        let keepsDefaults = arguments.count == 3 && arguments[2] == defaultLimitsFlag
        guard arguments.count == 2 || keepsDefaults, let count = Int(arguments[1]), count > 0 else {
            throw BenchmarkError(
                "\(ServerBenchmark.referenceServerFlag) needs the number of identities to create, then optionally "
                    + defaultLimitsFlag)
        }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("hypergraph-bench-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        var configuration = ServerConfiguration(
            port: 0, store: .sqlite(path: directory.appendingPathComponent("bench.sqlite").path), logLevel: .error)
        if !keepsDefaults {
            configuration.limits.requestsPerSecond = 1e9
            configuration.limits.requestBurst = 1e9
        }
        let server = try blocking { [configuration] in try await HypergraphServer.start(configuration) }
        for _ in 0..<count {
            let identity = try blocking {
                try await IdentityProvisioning.create(
                    IdentityRequest(), in: server.storage, now: SQLiteStoreConfiguration.systemClock())
            }
            writeLine(String(decoding: identity.jsonUTF8(), as: UTF8.self))
        }
        writeLine("listening on \(server.port)")
        while let line = readLine() {
            guard line == "measure" else { continue }
            writeLine("rss \(residentKiB(of: "self") ?? 0) connections \(server.connectionCount)")
        }
        try blocking { await server.shutdown() }
    }

    private static func writeLine(_ text: String) {
        FileHandle.standardOutput.write(Data((text + "\n").utf8))
    }
}

/// VmRSS of a process (`self` or a pid) in KiB, from `/proc` (Linux only).
func residentKiB(of process: String) -> Int? {
    guard let text = try? String(contentsOfFile: "/proc/\(process)/status", encoding: .utf8),
        let line = text.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") })
    else { return nil }
    return line.split(separator: " ").dropFirst().first.flatMap { Int($0) }
}

/// Sessions for benchmarks: no transcript, long timeouts (the server is under load), no client pings.
let benchmarkConfiguration: HypergraphClientConfiguration = {
    var configuration = HypergraphClientConfiguration()
    configuration.transcriptLimit = 0
    configuration.requestTimeout = .seconds(60)
    configuration.webSocket.pingInterval = nil
    return configuration
}()

/// `open(0)`, `open(1)`, … `open(count - 1)`, at most 64 at a time, in index order.
func openMany<Opened: Sendable>(
    _ count: Int, _ open: @escaping @Sendable (Int) async throws -> Opened
) async throws -> [Opened] {
    try await withThrowingTaskGroup(of: (Int, Opened).self) { group in
        var opened: [(Int, Opened)] = []
        for index in 0..<count {
            if index >= 64, let next = try await group.next() { opened.append(next) }
            group.addTask { (index, try await open(index)) }
        }
        for try await next in group { opened.append(next) }
        return opened.sorted { $0.0 < $1.0 }.map(\.1)
    }
}

/// Closes the sessions, at most 64 at a time.
private func closeAll(_ sessions: [HypergraphSession]) async {
    _ = try? await openMany(sessions.count) { await sessions[$0].close() }
}

/// Update bytes of the given size (their content does not matter to a server).
func payload(_ size: Int) -> [UInt8] {
    (0..<size).map { UInt8(truncatingIfNeeded: $0) }
}

// MARK: - Writes

/// The outcome of one write run.
private struct WriteFigures: Sendable {
    var perSecond: Double
    /// Confirm latencies in milliseconds.
    var latencies: [Double]
    var failures: Int
    var firstFailure: String?
    /// CPU microseconds per confirmed update of the server process and of this (client) process, when known.
    var cpuPerUpdate: (server: Double?, client: Double?)

    func print(label: String, baseline: WriteFigures) {
        printComparison(
            "confirmed updates/s, \(label)", ours: perSecond, baseline: baseline.perSecond, unit: "updates/s",
            baselineName: "store alone")
        for percent in [50.0, 99.0] {
            printComparison(
                "confirm latency p\(Int(percent)), \(label)", ours: percentile(latencies, percent),
                baseline: percentile(baseline.latencies, percent), unit: "ms", baselineName: "store alone")
        }
        if let server = cpuPerUpdate.server, let client = cpuPerUpdate.client {
            Swift.print("  CPU per confirmed update: server \(format(server)) µs, client \(format(client)) µs")
        }
        if failures > 0 { Swift.print("  \(failures) updates failed; the first: \(firstFailure ?? "?")") }
    }
}

private enum WriteLoad {
    /// `writers` connections send `options.updates` pre-signed updates over 100 new spaces (space `s` belongs to
    /// writer `s % writers`) in `window` lanes each, every lane waiting for each confirmation before its next update.
    static func throughServer(
        url: String, identities: [HypergraphIdentity], serverProcess: String?, writers: Int, options: LoadOptions
    ) async throws -> WriteFigures {
        let identity: @Sendable (Int) -> HypergraphIdentity = { writer in identities[writer % identities.count] }
        let sessions = try await openMany(writers) { writer in
            try await HypergraphClient.connect(
                url: url, token: identity(writer).sessionToken, configuration: benchmarkConfiguration)
        }
        let spaces = try await openMany(LoadOptions.spaceCount) { index in
            let writer = index % writers
            return try await sessions[writer].createSpace(identity(writer).createSpaceEvent(name: "bench \(index)")).id
        }
        let lanes = try await makeLanes(writers: writers, options: options) { writer, index in
            let own = stride(from: writer, to: spaces.count, by: writers).map { spaces[$0] }
            return identity(writer).createUpdate(spaceId: own[index % own.count], update: payload(options.updateBytes))
        }
        let figures = try await timeLanes(lanes, serverProcess: serverProcess) { writer, request in
            _ = try await sessions[writer].createUpdate(request)
        }
        await closeAll(sessions)
        return figures
    }

    /// The same lanes appending the same number of updates straight to a new SQLite store: its group commits without
    /// network, JSON or signature checks.
    static func throughStore(writers: Int, options: LoadOptions) async throws -> WriteFigures {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("hypergraph-bench-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let store = try await SQLiteHypergraphStorage(
            configuration: SQLiteStoreConfiguration(path: directory.appendingPathComponent("store.sqlite").path))
        let now = SQLiteStoreConfiguration.systemClock()
        let author = try IdentityProvisioning.make(IdentityRequest(), now: now).record
        try await store.createIdentity(author)
        var spaces: [String] = []
        for index in 0..<LoadOptions.spaceCount {
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
            let own = stride(from: writer, to: created.count, by: writers).map { created[$0] }
            return (spaceId: own[index % own.count], updateId: RandomIdentifiers.uuid())
        }
        let signature = SignatureRecord(hex: String(repeating: "1", count: 128), recovery: 0)
        let bytes = payload(options.updateBytes)
        let figures = try await timeLanes(lanes, serverProcess: nil) { _, update in
            _ = try await store.appendUpdate(
                spaceId: update.spaceId, accountAddress: author.accountAddress, update: bytes, signature: signature,
                updateId: update.updateId)
        }
        await store.close()
        return figures
    }

    /// `options.updates` items made by `make(writer, index)` before the clock starts, in parallel (signing is the
    /// expensive part), split into `writers × window` lanes.
    private static func makeLanes<Item: Sendable>(
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
        let serverCPU = serverProcess.flatMap(cpuSeconds(of:))
        let clientCPU = cpuSeconds(of: "self")
        let start = MonotonicClock.now()
        let results = try await openMany(lanes.count) { index in
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
        func perUpdate(_ before: Double?, _ after: Double?) -> Double? {
            guard let before, let after, !latencies.isEmpty else { return nil }
            return (after - before) * 1e6 / Double(latencies.count)
        }
        return WriteFigures(
            perSecond: Double(latencies.count) / seconds, latencies: latencies,
            failures: results.reduce(0) { $0 + $1.failures }, firstFailure: results.compactMap(\.firstFailure).first,
            cpuPerUpdate: (
                perUpdate(serverCPU, serverProcess.flatMap(cpuSeconds(of:))),
                perUpdate(clientCPU, cpuSeconds(of: "self"))))
    }
}

// MARK: - Fan-out

/// When each round's notification reached each subscriber; the sender waits for the last one. A lock rather than an
/// actor, so that recording a receipt costs the subscriber no task switch.
private final class FanoutTracker: Sendable {
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

private enum Fanout {
    /// One sender and `subscribers` subscriber connections of one new space, all of `identity`'s account; per round,
    /// the milliseconds from sending an update to its notification reaching the last subscriber, and the CPU
    /// milliseconds per round of the server (when known) and of this process.
    static func measure(
        url: String, identity: HypergraphIdentity, serverProcess: String?, subscribers: Int, options: LoadOptions
    ) async throws -> (latencies: [Double], cpuPerRound: (server: Double?, client: Double?)) {
        let connect: @Sendable () async throws -> HypergraphSession = {
            try await HypergraphClient.connect(
                url: url, token: identity.sessionToken, configuration: benchmarkConfiguration)
        }
        let sender = try await connect()
        let space = try await sender.createSpace(identity.createSpaceEvent(name: "fan-out"))
        let listeners = try await openMany(subscribers) { _ in
            let session = try await connect()
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

// MARK: - Idle connections

private enum IdleLoad {
    /// Resident KiB per bare WebSocket connection to the transport benchmark's idle server in a child process.
    static func bareWebSockets(count: Int) throws -> Double {
        let child = try ChildServer(arguments: ["transport", TransportBenchmark.idleServerFlag])
        defer { child.stop() }
        let url = "ws://127.0.0.1:\(child.port)/"
        let before = try child.measure()
        let sockets = try blocking { try await openMany(count) { _ in try await WebSocketClient.connect(to: url) } }
        var waits = 0
        while try child.measure().connections < before.connections + sockets.count, waits < 1000 {
            usleep(10_000)  // the last upgrades may still be in flight
            waits += 1
        }
        usleep(500_000)  // let every connection's task reach its first wait
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
        usleep(500_000)  // let every connection's server task reach its first wait
        let after = try target.serverResidentKiB()
        try blocking { await closeAll(sessions) }
        guard let before, let after else { return nil }
        return Double(after - before) / Double(max(sessions.count, 1))
    }
}
