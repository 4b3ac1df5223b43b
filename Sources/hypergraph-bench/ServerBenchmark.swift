// hypergraph-bench server: load on a Hypergraph server through HypergraphClient (issue 5 §8) — confirmed updates/s and
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

/// `hypergraph-bench server [--url ws://HOST:PORT --identities FILE [--server-pid PID]] [--updates N]
/// [--writers 1,10,100] [--window K] [--subscribers 100,1000] [--rounds N] [--idle N] [--update-bytes B]`.
///
/// Without `--url` the reference server runs in a child process (this executable with `--reference-server`) on a
/// temporary database, with the per-connection rate limit lifted so that capacity is measured; its memory is read
/// from `/proc`. With `--url`, the identities file (as `hypergraph identity create` prints them: a JSON array or one
/// object per line) supplies the accounts; writers beyond the number of identities share them.
enum ServerBenchmark {
    /// Makes this process the reference server of a parent run.
    static let referenceServerFlag = "--reference-server"

    static func run(arguments: [String]) throws {
        raiseDescriptorLimit()
        if arguments.first == referenceServerFlag { return try ReferenceServerChild.serve(arguments: arguments) }
        let options = try LoadOptions(arguments)
        let target = try LoadTarget(options)
        defer { target.stop() }
        let (url, identities, serverProcess) = (target.url, target.identities, target.serverProcess)
        print("Hypergraph server load on \(url) (\(ProcessInfo.processInfo.activeProcessorCount) cores), \(target.description)")
        print("client: HypergraphClient in this process; every update signed by the client and verified by the server")

        print("\n-- confirmed updates: \(options.updates) per run, \(LoadOptions.spaceCount) spaces, \(options.window) in flight per writer")
        for writers in options.writerCounts {
            let server = try blocking {
                try await WriteLoad.throughServer(
                    url: url, identities: identities, serverProcess: serverProcess, writers: writers, options: options)
            }
            let store = try blocking { try await WriteLoad.throughStore(writers: writers, options: options) }
            server.print(label: "\(writers) writer\(writers == 1 ? "" : "s")", baseline: store)
        }

        print("\n-- fan-out: send → receipt at the last subscriber of one space, \(options.rounds) updates")
        let single = try blocking { try await Fanout.measure(url: url, identity: identities[0], subscribers: 1, rounds: options.rounds) }
        for subscribers in options.subscriberCounts {
            let figures = try blocking {
                try await Fanout.measure(url: url, identity: identities[0], subscribers: subscribers, rounds: options.rounds)
            }
            printComparison("fan-out p50, \(subscribers) subscribers", ours: percentile(figures, 50), baseline: percentile(single, 50), unit: "ms", baselineName: "1 subscriber")
            printComparison("fan-out p99, \(subscribers) subscribers", ours: percentile(figures, 99), baseline: percentile(single, 99), unit: "ms", baselineName: "1 subscriber")
        }

        guard options.idleConnections > 0 else { return }
        print("\n-- \(options.idleConnections) idle connections")
        let bare = try IdleLoad.bareWebSockets(count: options.idleConnections)
        let authenticated = try IdleLoad.authenticated(target: target, count: options.idleConnections)
        if let ours = authenticated, let bare {
            printComparison("server RSS per authenticated connection", ours: ours, baseline: bare, unit: "KiB", baselineName: "bare WebSocket")
        } else if let bare {
            printFigure("bare WebSocket RSS per connection", bare, unit: "KiB (pass --server-pid to measure the server)")
        }
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
        func value(_ name: String) throws -> String {
            guard let text = remaining.popFirst() else { throw BenchmarkError("\(name) needs a value") }
            return text
        }
        func count(_ name: String, _ range: ClosedRange<Int>) throws -> Int {
            let text = try value(name)
            guard let number = Int(text), range.contains(number) else {
                throw BenchmarkError("\(name) needs a whole number in \(range.lowerBound)...\(range.upperBound), got \(String(reflecting: text))")
            }
            return number
        }
        func counts(_ name: String, _ range: ClosedRange<Int>) throws -> [Int] {
            let text = try value(name)
            let numbers = text.split(separator: ",").compactMap { Int($0) }
            guard !numbers.isEmpty, numbers.count == text.split(separator: ",").count, numbers.allSatisfy(range.contains) else {
                throw BenchmarkError("\(name) needs comma-separated numbers in \(range.lowerBound)...\(range.upperBound), got \(String(reflecting: text))")
            }
            return numbers
        }
        while let argument = remaining.popFirst() {
            switch argument {
            case "--url": url = try value(argument)
            case "--identities": identitiesPath = try value(argument)
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
                    "unknown argument \(String(reflecting: argument)); expected --url, --identities, --server-pid, --updates, "
                        + "--writers, --window, --subscribers, --rounds, --idle or --update-bytes")
            }
        }
        if (url == nil) != (identitiesPath == nil) {
            throw BenchmarkError("--url and --identities go together (without both, the reference server is started)")
        }
    }
}

/// The server under test: one at `--url`, or the reference server in a child process.
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
            let count = max(options.writerCounts.max() ?? 1, 1)
            let child = try ChildServer(arguments: ["server", ServerBenchmark.referenceServerFlag, String(count)])
            identities = try child.preamble.map { try HypergraphIdentity(json: .parse($0)) }
            url = "ws://127.0.0.1:\(child.port)"
            self.child = child
            serverPID = nil
        }
        guard !identities.isEmpty else { throw BenchmarkError("no identities to connect with") }
    }

    var description: String {
        child != nil ? "reference server in a child process on a temporary database" : "\(identities.count) identities"
    }

    /// The server's resident memory in KiB, when it can be read.
    func serverResidentKiB() throws -> Int? {
        if let child { return try child.measure().kib }
        return serverPID.flatMap { residentKiB(of: "\($0)") }
    }

    /// The server's process id as `/proc` names it, when it is known.
    var serverProcess: String? { child.map { "\($0.processIdentifier)" } ?? serverPID.map { "\($0)" } }

    func stop() { child?.stop() }
}

/// A server in a child process of this executable: it prints `listening on PORT` (after any preamble lines) and
/// answers `measure` on its input with `rss KIB connections N`; it stops at the end of its input.
private final class ChildServer {
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
        throw BenchmarkError("the child server \(arguments.joined(separator: " ")) did not start (status \(process.terminationStatus))")
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

/// The child side of `--reference-server COUNT`: the reference server on a temporary database, with COUNT identities
/// printed as JSON lines before `listening on PORT`.
private enum ReferenceServerChild {
    static func serve(arguments: [String]) throws {
        guard arguments.count == 2, let count = Int(arguments[1]), count > 0 else {
            throw BenchmarkError("\(ServerBenchmark.referenceServerFlag) needs the number of identities to create")
        }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("hypergraph-bench-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        var limits = ServerLimits()
        limits.requestsPerSecond = 1e9
        limits.requestBurst = 1e9
        let configuration = ServerConfiguration(
            port: 0, databasePath: directory.appendingPathComponent("bench.sqlite").path, logLevel: .error, limits: limits)
        let server = try blocking { try await HypergraphServer.start(configuration) }
        for _ in 0..<count {
            let identity = try blocking {
                try await IdentityProvisioning.create(IdentityRequest(), in: server.storage, now: SQLiteStoreConfiguration.systemClock())
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
private func residentKiB(of process: String) -> Int? {
    guard let text = try? String(contentsOfFile: "/proc/\(process)/status", encoding: .utf8),
        let line = text.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") })
    else { return nil }
    return line.split(separator: " ").dropFirst().first.flatMap { Int($0) }
}

/// CPU time (user + system) a process (`self` or a pid) has used, in seconds, from `/proc` (Linux only).
private func cpuSeconds(of process: String) -> Double? {
    guard let text = try? String(contentsOfFile: "/proc/\(process)/stat", encoding: .utf8),
        let end = text.lastIndex(of: ")")
    else { return nil }
    let fields = text[text.index(after: end)...].split(separator: " ")  // from field 3 (state) on
    guard fields.count > 12, let user = Double(fields[11]), let system = Double(fields[12]) else { return nil }
    return (user + system) / Double(sysconf(Int32(_SC_CLK_TCK)))
}

/// Sessions for benchmarks: no transcript, generous timeouts (the server is under load).
private let benchmarkConfiguration: HypergraphClientConfiguration = {
    var configuration = HypergraphClientConfiguration()
    configuration.transcriptLimit = 0
    configuration.requestTimeout = .seconds(60)
    configuration.webSocket.pingInterval = nil
    return configuration
}()

/// Opens `count` things with `open`, at most 64 at a time, and returns them.
private func openMany<Opened: Sendable>(
    _ count: Int, _ open: @escaping @Sendable (Int) async throws -> Opened
) async throws -> [Opened] {
    try await withThrowingTaskGroup(of: Opened.self) { group in
        var opened: [Opened] = []
        var started = 0
        while started < min(count, 64) {
            group.addTask { [started] in try await open(started) }
            started += 1
        }
        while let next = try await group.next() {
            opened.append(next)
            if started < count {
                group.addTask { [started] in try await open(started) }
                started += 1
            }
        }
        return opened
    }
}

/// Runs `body` for each element, at most 64 at a time.
private func forEachConcurrently<Element: Sendable>(
    _ elements: [Element], _ body: @escaping @Sendable (Element) async -> Void
) async {
    _ = try? await openMany(elements.count) { index in await body(elements[index]) }
}

// MARK: - Writes

/// The outcome of one write run: throughput, confirm latencies and failures.
private struct WriteFigures: Sendable {
    var perSecond: Double
    var latencies: [Double]
    var failures: Int
    var firstFailure: String?
    /// CPU microseconds per confirmed update of the server process and of this (client) process, when known.
    var cpuPerUpdate: (server: Double?, client: Double?)

    func print(label: String, baseline: WriteFigures) {
        printComparison("confirmed updates/s, \(label)", ours: perSecond, baseline: baseline.perSecond, unit: "updates/s", baselineName: "store alone")
        printComparison("confirm latency p50, \(label)", ours: percentile(latencies, 50), baseline: percentile(baseline.latencies, 50), unit: "ms", baselineName: "store alone")
        printComparison("confirm latency p99, \(label)", ours: percentile(latencies, 99), baseline: percentile(baseline.latencies, 99), unit: "ms", baselineName: "store alone")
        if cpuPerUpdate.server != nil || cpuPerUpdate.client != nil {
            let server = cpuPerUpdate.server.map { format($0) + " µs" } ?? "unknown"
            let client = cpuPerUpdate.client.map { format($0) + " µs" } ?? "unknown"
            Swift.print("  CPU per confirmed update: server \(server), client \(client)")
        }
        if failures > 0 { Swift.print("  \(failures) updates failed; first: \(firstFailure ?? "?")") }
    }
}

private enum WriteLoad {
    /// `writers` connections, each with `window` lanes, send `options.updates` pre-signed updates over 100 spaces
    /// (space `s` belongs to writer `s % writers`), each lane waiting for every confirmation before its next update.
    static func throughServer(
        url: String, identities: [HypergraphIdentity], serverProcess: String?, writers: Int, options: LoadOptions
    ) async throws -> WriteFigures {
        let sessions = try await openMany(writers) { index in
            (index, try await HypergraphClient.connect(url: url, token: identities[index % identities.count].sessionToken, configuration: benchmarkConfiguration))
        }.sorted { $0.0 < $1.0 }.map(\.1)
        let spaces = try await openMany(LoadOptions.spaceCount) { index in
            let identity = identities[index % writers % identities.count]
            return (index, try await sessions[index % writers].createSpace(identity.createSpaceEvent(name: "bench \(index)")).id)
        }.sorted { $0.0 < $1.0 }.map(\.1)
        let lanes = try await signedLanes(writers: writers, options: options) { writer, index in
            let identity = identities[writer % identities.count]
            let mine = stride(from: writer, to: spaces.count, by: writers).map { spaces[$0] }
            return identity.createUpdate(spaceId: mine[index % mine.count], update: payload(options.updateBytes))
        }
        let figures = try await timeLanes(lanes, serverProcess: serverProcess) { writer, request in
            _ = try await sessions[writer].createUpdate(request)
        }
        await forEachConcurrently(sessions) { await $0.close() }
        return figures
    }

    /// The same lanes appending the same number of updates straight to a new SQLite store: group commits without
    /// network, JSON or signature checks.
    static func throughStore(writers: Int, options: LoadOptions) async throws -> WriteFigures {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("hypergraph-bench-store-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let store = try await SQLiteHypergraphStorage(
            configuration: SQLiteStoreConfiguration(path: directory.appendingPathComponent("store.sqlite").path))
        let identity = try IdentityProvisioning.make(IdentityRequest(), now: SQLiteStoreConfiguration.systemClock()).record
        try await store.createIdentity(identity)
        var created: [String] = []
        for index in 0..<LoadOptions.spaceCount {
            let space = NewSpace(
                spaceId: RandomIdentifiers.uuid(), name: "bench \(index)", creatorAccountAddress: identity.accountAddress,
                creatorAppIdentityAddress: identity.appIdentityAddress, eventJSON: "{}", stateJSON: "{}",
                lastEventHash: "0x" + String(repeating: "0", count: 64), keyId: RandomIdentifiers.uuid(),
                creatorKeyBox: KeyBoxPayload(ciphertext: "0x00", nonce: "0x00", authorPublicKey: "0x00"))
            _ = try await store.createSpace(space)
            created.append(space.spaceId)
        }
        let spaces = created
        let signature = SignatureRecord(hex: String(repeating: "1", count: 128), recovery: 0)
        let lanes = try await signedLanes(writers: writers, options: options) { writer, index in
            let mine = stride(from: writer, to: spaces.count, by: writers).map { spaces[$0] }
            return (mine[index % mine.count], payload(options.updateBytes), RandomIdentifiers.uuid())
        }
        let figures = try await timeLanes(lanes, serverProcess: nil) { _, update in
            _ = try await store.appendUpdate(
                spaceId: update.0, accountAddress: identity.accountAddress, update: update.1, signature: signature,
                updateId: update.2)
        }
        await store.close()
        return figures
    }

    /// `options.updates` items made by `make(writer, index)`, split into `writers × window` lanes; made before the
    /// clock starts, in parallel (signing is the expensive part).
    private static func signedLanes<Item: Sendable>(
        writers: Int, options: LoadOptions, _ make: @escaping @Sendable (Int, Int) -> Item
    ) async throws -> [(writer: Int, items: [Item])] {
        let laneCount = writers * options.window
        return try await openMany(laneCount) { lane in
            let writer = lane % writers
            let share = options.updates / laneCount + (lane < options.updates % laneCount ? 1 : 0)
            return (lane, writer, (0..<share).map { make(writer, lane / writers + $0 * options.window) })
        }.sorted { $0.0 < $1.0 }.map { (writer: $0.1, items: $0.2) }
    }

    /// Runs every lane concurrently, each item after the previous one finished, timing each; with the CPU time the
    /// server process (when known) and this process spent.
    private static func timeLanes<Item: Sendable>(
        _ lanes: [(writer: Int, items: [Item])], serverProcess: String?,
        _ perform: @escaping @Sendable (Int, Item) async throws -> Void
    ) async throws -> WriteFigures {
        let cpuBefore = (server: serverProcess.flatMap(cpuSeconds(of:)), client: cpuSeconds(of: "self"))
        let start = MonotonicClock.now()
        let results = try await withThrowingTaskGroup(of: ([Double], Int, String?).self) { group in
            for lane in lanes {
                group.addTask {
                    var latencies: [Double] = []
                    var failures = 0
                    var firstFailure: String?
                    for item in lane.items {
                        let sent = MonotonicClock.now()
                        do {
                            try await perform(lane.writer, item)
                            latencies.append(Double(MonotonicClock.now() - sent) / 1e6)
                        } catch {
                            failures += 1
                            firstFailure = firstFailure ?? "\(error)"
                        }
                    }
                    return (latencies, failures, firstFailure)
                }
            }
            var all: [([Double], Int, String?)] = []
            for try await result in group { all.append(result) }
            return all
        }
        let seconds = Double(MonotonicClock.now() - start) / 1e9
        let latencies = results.flatMap(\.0)
        func perUpdate(_ before: Double?, _ after: Double?) -> Double? {
            guard let before, let after, !latencies.isEmpty else { return nil }
            return (after - before) * 1e6 / Double(latencies.count)
        }
        return WriteFigures(
            perSecond: Double(latencies.count) / seconds, latencies: latencies, failures: results.reduce(0) { $0 + $1.1 },
            firstFailure: results.compactMap(\.2).first,
            cpuPerUpdate: (
                server: perUpdate(cpuBefore.server, serverProcess.flatMap(cpuSeconds(of:))),
                client: perUpdate(cpuBefore.client, cpuSeconds(of: "self"))
            ))
    }

    /// Update bytes of the given size (their content does not matter to a server).
    private static func payload(_ size: Int) -> [UInt8] {
        (0..<size).map { UInt8(truncatingIfNeeded: $0) }
    }
}

// MARK: - Fan-out

/// When each round's notification reached each subscriber; the sender waits for the last one.
private actor FanoutTracker {
    private let subscribers: Int
    private var arrivals: [Int: [UInt64]] = [:]
    private var waiters: [Int: CheckedContinuation<UInt64?, Never>] = [:]
    private var failure = false

    init(subscribers: Int) { self.subscribers = subscribers }

    func arrived(round: Int, at time: UInt64) {
        arrivals[round, default: []].append(time)
        if arrivals[round]?.count == subscribers, let latest = arrivals[round]?.max() {
            waiters.removeValue(forKey: round)?.resume(returning: latest)
        }
    }

    func failed() {
        failure = true
        for waiter in waiters.values { waiter.resume(returning: nil) }
        waiters.removeAll()
    }

    /// The time the round's notification reached its last subscriber; nil when a subscriber failed.
    func lastArrival(round: Int) async -> UInt64? {
        if failure { return nil }
        if let times = arrivals[round], times.count == subscribers { return times.max() }
        return await withCheckedContinuation { waiters[round] = $0 }
    }
}

private enum Fanout {
    /// One sender and `subscribers` subscriber connections of one space (all of `identity`'s account); per round,
    /// the milliseconds from sending an update to its notification reaching the last subscriber.
    static func measure(url: String, identity: HypergraphIdentity, subscribers: Int, rounds: Int) async throws -> [Double] {
        let sender = try await HypergraphClient.connect(url: url, token: identity.sessionToken, configuration: benchmarkConfiguration)
        let space = try await sender.createSpace(identity.createSpaceEvent(name: "fan-out"))
        let listeners = try await openMany(subscribers) { _ in
            let session = try await HypergraphClient.connect(url: url, token: identity.sessionToken, configuration: benchmarkConfiguration)
            _ = try await session.subscribe(spaceId: space.id)
            return session
        }
        let updates = (0..<rounds).map { _ in identity.createUpdate(spaceId: space.id, update: Array(repeating: 1, count: 64)) }
        let tracker = FanoutTracker(subscribers: subscribers)
        async let listening: Void = forEachConcurrentlyUnbounded(listeners) { session in
            var round = 0
            for await event in session.events {
                guard case .message(.updatesNotification(let notification)) = event else { continue }
                guard notification.updates.updates.first?.updateId == updates[round].updateId else {
                    return await tracker.failed()
                }
                await tracker.arrived(round: round, at: MonotonicClock.now())
                round += 1
                if round == rounds { return }
            }
            await tracker.failed()
        }
        var latencies: [Double] = []
        for (round, update) in updates.enumerated() {
            let watchdog = Task {
                try await Task.sleep(for: .seconds(30))
                await tracker.failed()
            }
            let sent = MonotonicClock.now()
            _ = try await sender.createUpdate(update)
            let last = await tracker.lastArrival(round: round)
            watchdog.cancel()
            guard let last else {
                throw BenchmarkError("a subscriber missed, misordered or waited 30 s for the notification of round \(round)")
            }
            latencies.append(Double(last - sent) / 1e6)
        }
        await listening
        await forEachConcurrently(listeners + [sender]) { await $0.close() }
        return latencies
    }

    /// Runs `body` for every element at once (each subscriber must be listening when the rounds start).
    private static func forEachConcurrentlyUnbounded<Element: Sendable>(
        _ elements: [Element], _ body: @escaping @Sendable (Element) async -> Void
    ) async {
        await withTaskGroup(of: Void.self) { group in
            for element in elements { group.addTask { await body(element) } }
        }
    }
}

// MARK: - Idle connections

private enum IdleLoad {
    /// Resident KiB per bare WebSocket connection to a do-nothing WebSocketServer in a child process (the
    /// transport benchmark's idle server).
    static func bareWebSockets(count: Int) throws -> Double? {
        let child = try ChildServer(arguments: ["transport", TransportBenchmark.idleServerFlag])
        defer { child.stop() }
        let url = "ws://127.0.0.1:\(child.port)/"
        let before = try child.measure()
        let sockets = try blocking { try await openMany(count) { _ in try await WebSocketClient.connect(to: url) } }
        let after = try settled(child, connections: before.connections + sockets.count)
        print("bare WebSocket connections opened: \(sockets.count)")
        try blocking {
            await forEachConcurrently(sockets) { socket in
                socket.close()
                for await event in socket.events { if case .closed = event { break } }
            }
        }
        return Double(after.kib - before.kib) / Double(max(sockets.count, 1))
    }

    /// Opens `count` sessions to the target, each proven authenticated by a `list-spaces` reply, and returns the
    /// server's resident KiB per connection (nil when its memory cannot be read).
    static func authenticated(target: LoadTarget, count: Int) throws -> Double? {
        let (url, identities) = (target.url, target.identities)
        let before = try target.serverResidentKiB()
        let start = MonotonicClock.now()
        let sessions = try blocking {
            try await openMany(count) { index in
                let identity = identities[index % identities.count]
                let session = try await HypergraphClient.connect(url: url, token: identity.sessionToken, configuration: benchmarkConfiguration)
                _ = try await session.listSpaces()
                return session
            }
        }
        let seconds = Double(MonotonicClock.now() - start) / 1e9
        print("authenticated connections opened: \(sessions.count) in \(format(seconds, 2)) s")
        usleep(500_000)  // let every connection's server task reach its first wait
        let after = try target.serverResidentKiB()
        try blocking { await forEachConcurrently(sessions) { await $0.close() } }
        guard let before, let after else { return nil }
        return Double(after - before) / Double(max(sessions.count, 1))
    }

    /// The child's figures once it counts `connections` (the last upgrades may still be in flight), after a pause.
    private static func settled(_ child: ChildServer, connections: Int) throws -> (kib: Int, connections: Int) {
        for _ in 0..<1000 where try child.measure().connections < connections { usleep(10_000) }
        usleep(500_000)
        return try child.measure()
    }
}
