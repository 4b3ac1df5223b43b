// hypergraph-bench abuse: the hostile-load scenarios of issue 15 against the reference server (default limits) in a
// child process — subscribers of a large space that never read, pipelined requests then a reset, oversized fields,
// a large inbox read under pipelined reads (AbuseLargeInbox.swift), slowloris — while a normal client keeps writing.
// It checks the stated bounds: the server's resident memory, the normal client's round trip, every confirmed update
// read back afterwards, the server's CPU back to idle once the abusive clients have gone, every inbox reply within
// maximumReplyBytes, and the graceful shutdown (SIGTERM) under load within its grace period. Every loop is bounded in
// count and time; loopback only.
import Foundation
import HypergraphClient
import HypergraphCommandLine
import HypergraphEventLoop
import HypergraphProtocol
import HypergraphServer
import HypergraphStore
import HypergraphWebSocket
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// `hypergraph-bench abuse`: see ``command`` for the options. Exits with a failure status when a bound is violated;
/// `--short` is the form CI runs (well under a minute).
enum AbuseBenchmark {
    static let command = benchmarkCommand(
        name: "abuse",
        abstract: "Hostile load on the reference server: bounded memory and round trips, no lost update, idle after.",
        discussion: """
            The reference server (default limits) runs in a child process. While a normal client writes small \
            updates, the scenarios run one after another: subscribers of a large space that never read, pipelined \
            requests then a reset, oversized fields and messages, a large account inbox read whole while others \
            pipeline reads of it, slowloris; at the end SIGTERM while abusers hold the server. Fails when the \
            server's RSS, a normal round trip, a lost confirmed update, the server's CPU after the abusers left, an \
            inbox reply over maximumReplyBytes or a missing or repeated message, or the shutdown time (grace period \
            + 1 s) passes its bound.
            """,
        options: [
            .flag("short", help: "The CI form: a 12 MiB space and fewer abusers (about 40 s in a release build)."),
            .value(
                "rss-bound-mib", valueName: "N", help: "The most resident memory the server may reach.", default: "256"),
            .value(
                "rtt-bound-ms", valueName: "N", help: "The longest a normal client's round trip may take.",
                default: "2000"),
            .value(
                "idle-cpu-bound-percent", valueName: "N",
                help: "The most CPU (percent of a core) the server may use 1-3 s after the abusers left.", default: "10"
            ),
            .flag(serverOption, help: "Internal: be the server of a parent run."),
        ]
    ) { arguments in
        raiseDescriptorLimit()
        if arguments.flag(serverOption) {
            return try ReferenceServerChild.serve(
                identities: 2, liftingRateLimit: false, started: ShutdownUnderLoad.stopOnSIGTERM,
                answering: { server, line in
                    LargeSpace.fill(server: server, line: line) ?? LargeInbox.fill(server: server, line: line)
                })
        }
        try run(AbuseOptions(arguments))
    }

    /// The option that makes this process the server of a parent run.
    private static let serverOption = "abuse-server"

    private static func run(_ options: AbuseOptions) throws {
        let child = try ChildServer(arguments: ["abuse", "--\(serverOption)"])
        defer { child.stop() }
        let identities = try child.preamble.map { try HypergraphIdentity(json: .parse($0)) }
        let target = AbuseTarget(
            url: "ws://127.0.0.1:\(child.port)", port: child.port, pid: "\(child.processIdentifier)",
            abuser: identities[0], normal: identities[1])
        print("Abuse of the reference server (default limits) in a child process, \(options.form) form")
        print(
            "bounds: server RSS ≤ \(options.rssBoundMiB) MiB, normal round trip ≤ \(options.rttBoundMilliseconds) ms, "
                + "server CPU ≤ \(format(options.idleCPUBoundPercent)) % of a core once abusers have gone")
        var verdict = Verdict()

        let large = try LargeSpace.create(in: child, target: target, bytes: options.spaceMiB << 20)
        print(
            "\nlarge space: \(large.updateIds.count) updates of \(LargeSpace.updateBytes >> 10) KiB "
                + "(\(options.spaceMiB) MiB), stored by the server process itself")
        let inbox = try LargeInbox.create(in: child, target: target, count: options.inboxMessages)
        print(
            "large account inbox: \(inbox.count) messages of \(LargeInbox.ciphertextCharacters >> 10) KiB, stored by "
                + "the server process itself")
        fflush(nil)
        let probe = try blocking { try await NormalClient.connect(target) }
        let memory = MemorySampler(pid: target.pid)
        defer { memory.stop() }

        let quiet = try probe.measure { Thread.sleep(forTimeInterval: 1) }
        let baseline = quiet.roundTrips
        report("quiet (baseline)", quiet, baseline: baseline, memory: memory, options: options, verdict: &verdict)

        let phases: [(String, () throws -> String)] = [
            (
                "\(options.silentReaders) subscribers of the large space that never read, \(Int(options.holdSeconds)) s",
                {
                    try Scenarios.nonReadingSubscribers(target, space: large.spaceId, options: options)
                }
            ),
            (
                "\(options.pipelines) connections × \(Scenarios.pipelinedRequests) pipelined requests, then a reset",
                {
                    try Scenarios.pipelinedThenReset(target, space: large.spaceId, options: options)
                }
            ),
            (
                "oversized fields and messages, \(options.oversizedRounds) rounds",
                {
                    try blocking { try await Scenarios.oversizedFields(target, space: large.spaceId, options: options) }
                }
            ),
            (
                "a \((inbox.count * LargeInbox.ciphertextCharacters) >> 20) MiB account inbox read whole while "
                    + "\(options.pipelines) connections pipeline 20 reads of it each and reset",
                {
                    try blocking { try await inbox.readWhileAbused(target, options: options) }
                }
            ),
            (
                "slowloris: \(options.silentSockets) silent sockets, \(options.slowClients) byte-a-time upgrades and "
                    + "frames, \(Int(options.slowlorisSeconds)) s",
                {
                    try Scenarios.slowloris(target, options: options)
                }
            ),
        ]
        for (name, scenario) in phases {
            var outcome = ""
            let figures = try probe.measure { outcome = try scenario() }
            report(name, figures, baseline: baseline, memory: memory, options: options, verdict: &verdict)
            if !outcome.isEmpty { print("  \(outcome)") }
            if outcome.hasPrefix("FAILED") { verdict.failures.append("\(name): \(outcome)") }
            let idle = idleCPUPercent(of: target.pid)
            print("  server CPU 1-3 s after the abusers left: \(format(idle)) % of a core")
            if idle > options.idleCPUBoundPercent {
                verdict.failures.append("\(name): server CPU \(format(idle)) % after the abusers left")
            }
        }

        let lost = try blocking { try await probe.missingConfirmedUpdates(largeSpace: large, target: target) }
        print("\nread back: \(probe.confirmedCount + large.updateIds.count) confirmed updates, \(lost) missing")
        if lost > 0 { verdict.failures.append("\(lost) confirmed updates missing when read back") }
        print("server RSS max \(memory.maximumKiB >> 10) MiB over the run (bound \(options.rssBoundMiB) MiB)")
        if memory.maximumKiB > options.rssBoundMiB << 10 {
            verdict.failures.append("server RSS reached \(memory.maximumKiB >> 10) MiB")
        }
        try blocking { await probe.close() }
        let shutdown = try ShutdownUnderLoad.measure(
            child, target, space: large.spaceId, inbox: inbox, options: options,
            gracePeriod: ServerConfiguration().shutdownGracePeriod)
        print("\ngraceful shutdown under load: \(shutdown)")
        if shutdown.hasPrefix("FAILED") { verdict.failures.append("graceful shutdown: \(shutdown)") }
        guard verdict.failures.isEmpty else {
            throw BenchmarkError("bounds violated:\n  " + verdict.failures.joined(separator: "\n  "))
        }
        print("all bounds held")
    }

    /// Prints one phase's figures and records the bounds it violated.
    private static func report(
        _ name: String, _ figures: ProbeFigures, baseline: [Double], memory: MemorySampler, options: AbuseOptions,
        verdict: inout Verdict
    ) {
        print("\n-- \(name)")
        let rss = memory.takePhaseMaximumKiB()
        print("  server RSS max \(rss >> 10) MiB; normal client: \(figures.roundTrips.count) confirmed updates")
        printPercentileComparison(
            { "  round trip p\($0)" }, ours: figures.roundTrips, baseline: baseline, baselineName: "quiet")
        let worst = figures.roundTrips.max() ?? 0
        printFigure("  round trip max", worst, unit: "ms")
        if worst > Double(options.rttBoundMilliseconds) {
            verdict.failures.append("\(name): a normal round trip took \(format(worst)) ms")
        }
        if let failure = figures.failure { verdict.failures.append("\(name): the normal client failed: \(failure)") }
        fflush(nil) // Each phase's figures as soon as they are known (CI logs, long runs).
    }

    /// The server's CPU, in percent of one core, over 2 s starting 1 s after the call (the abusers have gone).
    private static func idleCPUPercent(of pid: String) -> Double {
        Thread.sleep(forTimeInterval: 1)
        guard let before = cpuSeconds(of: pid) else { return 0 }
        Thread.sleep(forTimeInterval: 2)
        guard let after = cpuSeconds(of: pid) else { return 0 }
        return (after - before) / 2 * 100
    }
}

/// The bounds violated so far.
private struct Verdict {
    var failures: [String] = []
}

// MARK: - Options and the server

struct AbuseOptions: Sendable {
    var form = "full"
    var spaceMiB = 48
    var inboxMessages = 6_000
    var silentReaders = 16
    var holdSeconds = 10.0
    var pipelines = 16
    var oversizedRounds = 10
    var silentSockets = 1_000
    var slowClients = 50
    var slowlorisSeconds = 12.0
    var rssBoundMiB: Int
    var rttBoundMilliseconds: Int
    var idleCPUBoundPercent: Double

    init(_ arguments: ParsedArguments) throws {
        if arguments.flag("short") {
            form = "short"
            (spaceMiB, silentReaders, holdSeconds, pipelines, inboxMessages) = (12, 4, 3, 4, 1_500)
            (oversizedRounds, silentSockets, slowClients) = (1, 200, 10)
        }
        rssBoundMiB = try arguments.integer("rss-bound-mib", in: 1...1_000_000) ?? 256
        rttBoundMilliseconds = try arguments.integer("rtt-bound-ms", in: 1...1_000_000) ?? 2_000
        idleCPUBoundPercent = Double(try arguments.integer("idle-cpu-bound-percent", in: 0...100) ?? 10)
    }
}

/// Where the server listens, its pid for `/proc`, and the two accounts: one abuses, the other behaves.
struct AbuseTarget: Sendable {
    let url: String
    let port: UInt16
    let pid: String
    let abuser: HypergraphIdentity
    let normal: HypergraphIdentity

    /// The upgrade path carrying `identity`'s session token.
    func path(_ identity: HypergraphIdentity) -> String { "/?token=\(identity.sessionToken ?? "")" }
}

/// The server's largest VmRSS, sampled every 20 ms on a thread of its own, overall and since the last phase.
private final class MemorySampler: Sendable {
    private struct State {
        var overall = 0
        var phase = 0
        var running = true
    }

    private let state = Mutex(State())

    init(pid: String) {
        Thread { [self] in
            while state.withLock({ $0.running }) {
                let kib = residentKiB(of: pid) ?? 0
                state.withLock {
                    $0.overall = max($0.overall, kib)
                    $0.phase = max($0.phase, kib)
                }
                usleep(20_000)
            }
        }.start()
    }

    var maximumKiB: Int { state.withLock { $0.overall } }

    func takePhaseMaximumKiB() -> Int {
        state.withLock { state in
            defer { state.phase = 0 }
            return state.phase
        }
    }

    func stop() { state.withLock { $0.running = false } }
}

// MARK: - The large space and the normal client

struct LargeSpace: Sendable {
    static let updateBytes = 512 * 1024
    let spaceId: String
    let updateIds: [String]

    /// A new space of the abuser holding `bytes` of updates. The space is created through the protocol; its updates
    /// are appended by the server process straight to its store (`fill`), because signing and encoding tens of MiB
    /// in a debug build would take minutes and the writing is not what is under test.
    static func create(in child: ChildServer, target: AbuseTarget, bytes: Int) throws -> LargeSpace {
        let spaceId = try blocking {
            let session = try await HypergraphClient.connect(
                url: target.url, token: target.abuser.sessionToken, configuration: benchmarkConfiguration)
            let space = try await session.createSpace(target.abuser.createSpaceEvent(name: "large"))
            await session.close()
            return space.id
        }
        let count = bytes / updateBytes
        let answer = child.ask("fill \(spaceId) \(target.abuser.accountAddress) \(count)")
        guard answer == "filled \(count)" else { throw BenchmarkError("the server did not fill the space: \(answer)") }
        return LargeSpace(spaceId: spaceId, updateIds: (0..<count).map(updateId))
    }

    /// The id of the large space's update `index`.
    private static func updateId(_ index: Int) -> String { "large-\(index)" }

    /// The server side of ``create(in:target:bytes:)``: `fill SPACE ACCOUNT COUNT` appends COUNT updates.
    static func fill(server: HypergraphServer, line: String) -> String? {
        let words = line.split(separator: " ").map(String.init)
        guard words.count == 4, words[0] == "fill", let count = Int(words[3]) else { return nil }
        let signature = SignatureRecord(hex: String(repeating: "1", count: 128), recovery: 0)
        let content = payload(updateBytes)
        do {
            for index in 0..<count {
                _ = try blocking {
                    try await server.storage.appendUpdate(
                        spaceId: words[1], accountAddress: words[2], update: content, signature: signature,
                        updateId: updateId(index))
                }
            }
        } catch {
            return "failed: \(error)"
        }
        return "filled \(count)"
    }
}

/// What the normal client saw during one phase.
private struct ProbeFigures: Sendable {
    /// Milliseconds from sending an update to its confirmation.
    var roundTrips: [Double] = []
    var failure: String?
}

/// A well-behaved client of its own space: while a phase runs it writes a small update every 20 ms and waits for its
/// confirmation; every confirmed update is read back at the end.
private final class NormalClient: Sendable {
    private let session: HypergraphSession
    private let identity: HypergraphIdentity
    private let spaceId: String
    private let confirmed = Mutex<[String]>([])
    /// Whether the current phase is still running, and what the writer saw in it.
    private let running = Atomic(false)
    private let figures = Mutex(ProbeFigures())

    private init(session: HypergraphSession, identity: HypergraphIdentity, spaceId: String) {
        self.session = session
        self.identity = identity
        self.spaceId = spaceId
    }

    static func connect(_ target: AbuseTarget) async throws -> NormalClient {
        let session = try await HypergraphClient.connect(
            url: target.url, token: target.normal.sessionToken, configuration: benchmarkConfiguration)
        let space = try await session.createSpace(target.normal.createSpaceEvent(name: "normal"))
        return NormalClient(session: session, identity: target.normal, spaceId: space.id)
    }

    var confirmedCount: Int { confirmed.withLock { $0.count } }

    /// Writes while `phase` runs on this thread; returns the round trips.
    func measure(_ phase: () throws -> Void) throws -> ProbeFigures {
        running.store(true, ordering: .relaxed)
        figures.withLock { $0 = ProbeFigures() }
        let done = DispatchSemaphore(value: 0)
        Task { [self] in
            defer { done.signal() }
            while running.load(ordering: .relaxed) {
                let update = identity.createUpdate(spaceId: spaceId, update: payload(64))
                let sent = MonotonicClock.now()
                do {
                    _ = try await session.createUpdate(update)
                } catch {
                    figures.withLock { $0.failure = "\(error)" }
                    return
                }
                let milliseconds = Double(MonotonicClock.now() - sent) / 1e6
                confirmed.withLock { $0.append(update.updateId) }
                figures.withLock { $0.roundTrips.append(milliseconds) }
                try? await Task.sleep(for: .milliseconds(20))
            }
        }
        defer {
            running.store(false, ordering: .relaxed)
            done.wait()
        }
        try phase()
        return figures.withLock { $0 }
    }

    /// How many confirmed updates (this client's, and the large space's) a new session does not read back.
    func missingConfirmedUpdates(largeSpace: LargeSpace, target: AbuseTarget) async throws -> Int {
        let ownMissing = try await Self.missing(
            confirmed.withLock { $0 }, in: spaceId, url: target.url, identity: target.normal)
        let largeMissing = try await Self.missing(
            largeSpace.updateIds, in: largeSpace.spaceId, url: target.url, identity: target.abuser)
        return ownMissing + largeMissing
    }

    private static func missing(
        _ updateIds: [String], in spaceId: String, url: String, identity: HypergraphIdentity
    ) async throws -> Int {
        let session = try await HypergraphClient.connect(
            url: url, token: identity.sessionToken, configuration: benchmarkConfiguration)
        let snapshot = try await session.subscribe(spaceId: spaceId)
        await session.close()
        let stored = Set(snapshot.updates?.updates.map(\.updateId) ?? [])
        return updateIds.filter { !stored.contains($0) }.count
    }

    func close() async { _ = await session.close() }
}

// MARK: - Scenarios

enum Scenarios {
    static let pipelinedRequests = 200

    /// A text frame as a client sends it (masked).
    static func frame(_ message: ClientMessage) -> [UInt8] {
        WebSocketFrame(opcode: .text, maskingKey: .random(), payload: Array(message.jsonString().utf8)).encoded()
    }

    /// Subscribers of the large space that read nothing for the hold time, then vanish (reset).
    static func nonReadingSubscribers(_ target: AbuseTarget, space: String, options: AbuseOptions) throws -> String {
        let clients = try (0..<options.silentReaders).map { _ in
            let client = try BlockingClient(port: target.port, path: target.path(target.abuser))
            client.send(frame(.subscribeSpace(SubscribeSpaceRequest(id: space))))
            return client
        }
        Thread.sleep(forTimeInterval: options.holdSeconds)
        for client in clients { client.resetOnClose() }
        return ""
    }

    /// Connections that pipeline requests (subscriptions of the large space and `list-spaces`, alternately) and
    /// reset at once, with every reply unread: the server must drop what is queued. The phase lasts 1 s more.
    static func pipelinedThenReset(_ target: AbuseTarget, space: String, options: AbuseOptions) throws -> String {
        let requests = (0..<pipelinedRequests).flatMap { index in
            frame(
                index.isMultiple(of: 2)
                    ? .subscribeSpace(SubscribeSpaceRequest(id: space)) : .listSpaces(ListSpacesRequest()))
        }
        for _ in 0..<options.pipelines {
            let client = try BlockingClient(port: target.port, path: target.path(target.abuser))
            client.send(requests)
            client.resetOnClose()
        }
        Thread.sleep(forTimeInterval: 1) // The normal client meanwhile: the dropped work must not slow it.
        return ""
    }

    /// A space name (64 KiB), an update (1 MiB + 1) and a message (17 MiB) over their default limits, each round;
    /// the first two must be refused with `too-large` and store nothing, the last must close the connection with 1009.
    static func oversizedFields(_ target: AbuseTarget, space: String, options: AbuseOptions) async throws -> String {
        let identity = target.abuser
        var refusals = 0
        var refusedSpaces: [String] = []
        for _ in 0..<options.oversizedRounds {
            let session = try await HypergraphClient.connect(
                url: target.url, token: identity.sessionToken, configuration: benchmarkConfiguration)
            let named = identity.createSpaceEvent(name: String(repeating: "n", count: 64 << 10))
            refusedSpaces.append(named.spaceId)
            let oversized: [ClientMessage] = [
                .createSpaceEvent(named),
                .createUpdate(identity.createUpdate(spaceId: space, update: payload((1 << 20) + 1))),
            ]
            for message in oversized {
                if case .failure(.serverError(let error)) = await reply(to: message, on: session),
                    error.code == .tooLarge
                {
                    refusals += 1
                }
            }
            try await session.sendRaw(text: String(repeating: " ", count: 17 << 20))
            if case .messageTooBig = try await session.waitForClose(timeout: .seconds(30)).code { refusals += 1 }
        }
        let expected = options.oversizedRounds * 3
        let listing = try await HypergraphClient.connect(
            url: target.url, token: identity.sessionToken, configuration: benchmarkConfiguration)
        let stored = Set(try await listing.listSpaces().spaces.map(\.id))
        await listing.close()
        let leaked = refusedSpaces.filter(stored.contains).count
        let outcome =
            "\(refusals) of \(expected) refused as expected (too-large, too-large, 1009); "
            + "\(leaked) refused spaces stored"
        return refusals == expected && leaked == 0 ? outcome : "FAILED: \(outcome)"
    }

    /// The reply to `message`, or the error it failed with.
    private static func reply(
        to message: ClientMessage, on session: HypergraphSession
    ) async -> Result<ServerMessage, HypergraphClientError> {
        do throws(HypergraphClientError) {
            return .success(try await session.request(message))
        } catch {
            return .failure(error)
        }
    }

    /// Sockets that connect and send nothing, upgrade requests sent a byte every 100 ms, and authenticated
    /// connections sending a request a byte every 100 ms, all for the phase's time; the server must close the
    /// silent and slow-upgrade sockets once its handshake timeout (10 s) has passed.
    static func slowloris(_ target: AbuseTarget, options: AbuseOptions) throws -> String {
        let silent = try (0..<options.silentSockets).map { _ in try connectLoopback(port: target.port) }
        defer { for fd in silent { close(fd) } }
        let deadline = MonotonicClock.now() + UInt64(options.slowlorisSeconds * 1e9)
        let upgrade =
            Array("GET \(target.path(target.abuser)) HTTP/1.1\r\nHost: abuse\r\nUpgrade: websocket\r\n".utf8)
            + Array(
                "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n"
                    .utf8)
        let request = frame(.listSpaces(ListSpacesRequest()))
        let cutOff = CutOffCount()
        onThreads(options.slowClients * 2) { index in
            let slowUpgrade = index < options.slowClients
            let fd: Int32
            let client: BlockingClient?
            if slowUpgrade {
                guard let opened = try? connectLoopback(port: target.port) else { return }
                (fd, client) = (opened, nil)
            } else {
                guard let opened = try? BlockingClient(port: target.port, path: target.path(target.abuser)) else {
                    return
                }
                (fd, client) = (opened.fd, opened)
            }
            defer { if client == nil { close(fd) } }
            var offset = 0
            let bytes = slowUpgrade ? upgrade : request
            while MonotonicClock.now() < deadline {
                sendAll(fd, [bytes[offset % bytes.count]])
                if peerClosed(fd) {
                    cutOff.add(slowUpgrade ? \.upgrades : \.frames)
                    return
                }
                offset += 1
                usleep(100_000)
            }
        }
        let closed = silent.filter(peerClosed).count
        let (upgrades, frames) = cutOff.counts
        let outcome =
            "server closed \(closed) of \(silent.count) silent sockets, \(upgrades) of "
            + "\(options.slowClients) byte-a-time upgrades, \(frames) of \(options.slowClients) authenticated "
            + "byte-a-time senders"
        return closed == silent.count && upgrades == options.slowClients
            ? outcome : "FAILED: \(outcome) (every silent socket and slow upgrade must be closed)"
    }

    /// Whether the peer closed `fd` (a read finds end of stream or an error, without waiting).
    private static func peerClosed(_ fd: Int32) -> Bool {
        var byte: UInt8 = 0
        let count = recv(fd, &byte, 1, Int32(MSG_DONTWAIT) | Int32(MSG_PEEK))
        return count == 0 || (count < 0 && errno != EAGAIN && errno != EWOULDBLOCK)
    }
}

/// How many slow clients of each kind the server cut off, counted from their threads.
private final class CutOffCount: Sendable {
    struct Counts {
        var upgrades = 0
        var frames = 0
    }

    private let state = Mutex(Counts())

    func add(_ kind: WritableKeyPath<Counts, Int> & Sendable) { state.withLock { $0[keyPath: kind] += 1 } }

    var counts: (upgrades: Int, frames: Int) { state.withLock { ($0.upgrades, $0.frames) } }
}
