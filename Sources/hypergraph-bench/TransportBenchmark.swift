// hypergraph-bench transport: the WebSocket engine on loopback — echo round trips (1 and 100 clients) against
// blocking C-style clients, fan-out of one sender to 1,000 subscribers with a shared frame against
// per-connection sends, and the memory of 10,000 idle connections (server in a child process, so each side
// fits the descriptor limit).
import Dispatch
import Foundation
import HypergraphWebSocket

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Synchronization

enum TransportBenchmark {
    /// Makes this process the idle-connection server of `measureIdleConnections` (started by the parent run).
    static let idleServerFlag = "--idle-server"

    static func run(arguments: [String]) throws {
        raiseDescriptorLimit()
        if arguments.contains(idleServerFlag) { return try IdleConnections.serve() }
        let load = (try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8))?.split(separator: " ").first ?? "?"
        print("WebSocket transport on loopback (\(ProcessInfo.processInfo.activeProcessorCount) cores, load average \(load))")
        let server = try BenchmarkServer(handlersOnEventLoops: true)
        let globalExecutorServer = try BenchmarkServer(handlersOnEventLoops: false)
        let blockingOne = try blockingRoundTripsPerSecond(port: server.port, clients: 1)
        printComparison(
            "echo round trips/s, 1 client", ours: try roundTripsPerSecond(port: server.port, clients: 1, onEventLoops: true),
            baseline: blockingOne, unit: "rt/s", baselineName: "blocking C-style client")
        printComparison(
            "  …with tasks on the global executor",
            ours: try roundTripsPerSecond(port: globalExecutorServer.port, clients: 1, onEventLoops: false),
            baseline: blockingOne, unit: "rt/s", baselineName: "blocking C-style client")
        printComparison(
            "echo round trips/s, 100 clients", ours: try roundTripsPerSecond(port: server.port, clients: 100, onEventLoops: true),
            baseline: try blockingRoundTripsPerSecond(port: server.port, clients: 100), unit: "rt/s",
            baselineName: "blocking clients, a thread each")
        try Broadcast(server: server).run()
        try IdleConnections.measure(count: 10_000)
    }

    private static let echoSeconds = 2.0

    /// Round trips per second of a 32-byte text message with our client, `clients` at a time; with
    /// `onEventLoops` each client's task runs on its connection's event loop, as the server's handlers then do.
    private static func roundTripsPerSecond(port: UInt16, clients: Int, onEventLoops: Bool) throws -> Double {
        let total = try blocking {
            try await withThrowingTaskGroup(of: Int.self) { group in
                for _ in 0..<clients {
                    group.addTask {
                        let socket = try await WebSocketClient.connect(to: "ws://127.0.0.1:\(port)/echo")
                        guard onEventLoops, #available(macOS 15.0, *) else { return await echoLoop(socket) }
                        return await withTaskExecutorPreference(socket.taskExecutor) { await echoLoop(socket) }
                    }
                }
                return try await group.reduce(0, +)
            }
        }
        return Double(total) / echoSeconds
    }

    private static func echoLoop(_ socket: WebSocket) async -> Int {
        var events = socket.events.makeAsyncIterator()
        let message = String(repeating: "x", count: 32)
        var count = 0
        let end = MonotonicClock.now() + UInt64(echoSeconds * 1e9)
        while MonotonicClock.now() < end {
            socket.send(text: message)
            guard case .text = await events.next() else { break }
            count += 1
        }
        socket.close()
        return count
    }

    /// The baseline: blocking clients, one thread each, sending a masked frame and reading the echo.
    private static func blockingRoundTripsPerSecond(port: UInt16, clients: Int) throws -> Double {
        let total = Mutex(0)
        onThreads(clients) { _ in
            guard let client = try? BlockingClient(port: port, path: "/echo") else { return }
            let frame = WebSocketFrame(opcode: .text, maskingKey: .random(), payload: Array(repeating: 0x78, count: 32)).encoded()
            var count = 0
            let end = MonotonicClock.now() + UInt64(echoSeconds * 1e9)
            while MonotonicClock.now() < end {
                client.send(frame)
                guard client.readFrame() != nil else { break }
                count += 1
            }
            total.withLock { $0 += count }
        }
        return Double(total.withLock { $0 }) / echoSeconds
    }
}

// MARK: - Server under test

/// One server for the echo and broadcast measurements: `/echo` echoes, `/sub` subscribes, and every text sent
/// to `/pub` is broadcast to the subscribers as one shared frame, or with one `send` per subscriber on
/// `/pub-each` (the baseline).
final class BenchmarkServer: Sendable {
    let server: WebSocketServer
    let port: UInt16
    let subscribers = Subscribers()

    /// The `/sub` connections, shared by the server's handlers (which add them) and the measurements (which count
    /// them); guarded by the Mutex.
    final class Subscribers: Sendable {
        let sockets = Mutex<[WebSocket]>([])
    }

    init(handlersOnEventLoops: Bool) throws {
        let subscribers = self.subscribers
        var configuration = WebSocketServerConfiguration()
        configuration.webSocket.pingInterval = nil
        configuration.runsHandlersOnEventLoops = handlersOnEventLoops
        server = WebSocketServer(configuration: configuration) { request in
            .accept { socket in
                switch request.path {
                case "/sub":
                    subscribers.sockets.withLock { $0.append(socket) }
                    for await _ in socket.events {}
                case "/pub", "/pub-each":
                    let shared = request.path == "/pub"
                    for await event in socket.events {
                        guard case .text(let text) = event else { continue }
                        let targets = subscribers.sockets.withLock { $0 }
                        if shared {
                            WebSocket.broadcast(SharedWebSocketFrame(text: text), to: targets)
                        } else {
                            for target in targets { target.send(text: text) }
                        }
                    }
                default:
                    for await event in socket.events {
                        if case .text(let text) = event { socket.send(text: text) }
                    }
                }
            }
        }
        let server = self.server
        port = try blocking { try await server.start() }
    }
}

// MARK: - Broadcast

/// One sender, 1,000 subscribers, 200-byte messages: deliveries per second when the sender sends as fast as it
/// can, and send → last-receipt latency when it sends 200 (and 50) messages a second, i.e. 200,000 (50,000)
/// deliveries a second.
struct Broadcast {
    let server: BenchmarkServer
    let subscriberCount = 1000
    let messageSize = 200

    /// What one way of broadcasting achieved.
    private struct Result {
        var deliveriesPerSecond = 0.0
        var latencies: [Int: [Double]] = [:]  // by messages per second; 0 = back to back
        var processorsBusy = 0.0  // whole process, during the 200 messages/s run
        var loopsBusy = 0.0  // the engine's event-loop threads alone, same run
    }

    func run() throws {
        let reader = try SubscriberReader(port: server.port, count: subscriberCount)
        while server.subscribers.sockets.withLock({ $0.count }) < subscriberCount { usleep(1000) }
        var nextSequence = 0
        var results: [String: Result] = [:]
        for path in ["/pub", "/pub-each"] {
            let sender = try blocking { try await WebSocketClient.connect(to: "ws://127.0.0.1:\(server.port)\(path)") }
            var result = Result()
            for rate in [0, 200, 50] {
                let count = rate == 0 ? 1000 : 2 * rate  // a burst of 1,000, or two seconds' worth
                let sequences = nextSequence..<nextSequence + count
                nextSequence = sequences.upperBound
                let busyBefore = processorSeconds()
                let loopsBefore = processorSeconds(threadsNamed: "WebSocket loop")
                let times = send(sequences, through: sender, interval: rate == 0 ? 0 : 1_000_000_000 / UInt64(rate))
                result.latencies[rate] = try reader.latencies(of: sequences, sentAt: times)
                let elapsed = Double((reader.lastReceipt(in: sequences) ?? 0) - times[0]) / 1e9
                if rate == 0 { result.deliveriesPerSecond = Double(count * subscriberCount) / elapsed }
                if rate == 200 {
                    result.processorsBusy = (processorSeconds() - busyBefore) / elapsed
                    result.loopsBusy = (processorSeconds(threadsNamed: "WebSocket loop") - loopsBefore) / elapsed
                }
            }
            results[path] = result
            sender.close()
        }
        reader.stop()
        guard let shared = results["/pub"], let each = results["/pub-each"] else { return }
        let baseline = "one send per subscriber"
        printComparison(
            "broadcast 1→1000, 200 B: deliveries/s", ours: shared.deliveriesPerSecond, baseline: each.deliveriesPerSecond,
            unit: "msg/s", baselineName: baseline)
        for (rate, label) in [(200, "at 200k deliveries/s"), (50, "at 50k deliveries/s"), (0, "saturated")] {
            for percent in [50.0, 99.0] {
                printComparison(
                    "broadcast \(label): p\(Int(percent)) latency", ours: percentile(shared.latencies[rate] ?? [], percent),
                    baseline: percentile(each.latencies[rate] ?? [], percent), unit: "ms", baselineName: baseline)
            }
        }
        printComparison(
            "broadcast at 200k deliveries/s: cores busy", ours: shared.processorsBusy, baseline: each.processorsBusy,
            unit: "cores", baselineName: baseline)
        printComparison(
            "  of which the engine's event loops", ours: shared.loopsBusy, baseline: each.loopsBusy, unit: "cores",
            baselineName: baseline)
    }

    /// Processor time used so far by this process's threads whose name starts with `prefix` (Linux), in seconds.
    private func processorSeconds(threadsNamed prefix: String) -> Double {
        let tasks = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/task")) ?? []
        let ticks = tasks.reduce(0) { total, task in
            guard let name = try? String(contentsOfFile: "/proc/self/task/\(task)/comm", encoding: .utf8),
                name.hasPrefix(prefix),
                let stat = try? String(contentsOfFile: "/proc/self/task/\(task)/stat", encoding: .utf8),
                let afterName = stat.split(separator: ")").last
            else { return total }
            let fields = afterName.split(separator: " ")  // fields 3… of stat; utime and stime are 14 and 15
            guard fields.count > 12, let user = Int(fields[11]), let system = Int(fields[12]) else { return total }
            return total + user + system
        }
        return Double(ticks) / Double(sysconf(Int32(_SC_CLK_TCK)))
    }

    /// Processor time used by this process so far (server, sender and subscriber reader), in seconds.
    private func processorSeconds() -> Double {
        var usage = rusage()
        getrusage(RUSAGE_SELF_CONSTANT, &usage)
        let micros = (usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) * 1_000_000 + Int(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec)
        return Double(micros) / 1e6
    }

    /// Sends one 200-byte message per sequence number, `interval` nanoseconds apart; returns the send times.
    private func send(_ sequences: Range<Int>, through sender: WebSocket, interval: UInt64) -> [UInt64] {
        let start = MonotonicClock.now()
        return sequences.enumerated().map { offset, sequence in
            let slot = start + UInt64(offset) * interval
            while interval > 0, MonotonicClock.now() < slot { usleep(200) }
            var text = String(sequence)
            text = String(repeating: "0", count: 10 - text.count) + text
            text += String(repeating: "x", count: messageSize - text.utf8.count)
            let sent = MonotonicClock.now()
            sender.send(text: text)
            return sent
        }
    }
}

/// Reads the subscribers' sockets on one thread with `poll` and notes when each message reached its last
/// subscriber. The messages start with their sequence number in ten decimal digits.
final class SubscriberReader: Sendable {
    private struct Progress {
        var receipts: [Int] = []
        var lastReceipt: [UInt64] = []
        var stopped = false
    }

    private let clients: [BlockingClient]
    private let progress = Mutex(Progress())
    private let finished = DispatchSemaphore(value: 0)

    init(port: UInt16, count: Int) throws {
        clients = try (0..<count).map { _ in try BlockingClient(port: port, path: "/sub") }
        progress.withLock {
            $0.receipts = Array(repeating: 0, count: 100_000)
            $0.lastReceipt = Array(repeating: 0, count: 100_000)
        }
        Thread { [self] in readUntilStopped() }.start()
    }

    func stop() {
        progress.withLock { $0.stopped = true }
        finished.wait()
    }

    /// Waits until every message in `sequences` reached every subscriber (up to 60 s) and returns each one's
    /// send → last-receipt latency in milliseconds.
    func latencies(of sequences: Range<Int>, sentAt times: [UInt64]) throws -> [Double] {
        let deadline = MonotonicClock.now() + 60_000_000_000
        while progress.withLock({ progress in sequences.contains { progress.receipts[$0] < clients.count } }) {
            guard MonotonicClock.now() < deadline else { throw BenchmarkError("broadcast messages went missing") }
            usleep(1000)
        }
        let receipts = progress.withLock { Array($0.lastReceipt[sequences]) }
        return zip(receipts, times).map { Double($0 - $1) / 1e6 }
    }

    /// When the last message of `sequences` reached its last subscriber.
    func lastReceipt(in sequences: Range<Int>) -> UInt64? {
        progress.withLock { $0.lastReceipt[sequences].max() }
    }

    private func readUntilStopped() {
        var descriptors = clients.map { pollfd(fd: $0.fd, events: Int16(POLLIN), revents: 0) }
        while !progress.withLock({ $0.stopped }) {
            guard poll(&descriptors, nfds_t(descriptors.count), 100) > 0 else { continue }
            var received: [Int] = []
            for index in descriptors.indices where descriptors[index].revents != 0 {
                clients[index].readAvailableFrames { payload in
                    received.append(payload.prefix(10).reduce(0) { $0 * 10 + Int($1) - 48 })
                }
            }
            let now = MonotonicClock.now()
            progress.withLock { progress in
                for sequence in received where sequence >= 0 && sequence < progress.receipts.count {
                    progress.receipts[sequence] += 1
                    if progress.receipts[sequence] == clients.count { progress.lastReceipt[sequence] = now }
                }
            }
        }
        finished.signal()
    }
}

// MARK: - Idle connections

/// 10,000 idle WebSocket connections to a server in a child process: the server's resident memory per
/// connection, and the kernel slab growth (both socket ends) per connection.
enum IdleConnections {
    /// Child side: serve, report on "measure", exit at end of input.
    static func serve() throws {
        let server = WebSocketServer { _ in .accept { socket in for await _ in socket.events {} } }
        let port = try blocking { try await server.start() }
        writeLine("listening on \(port)")
        while let line = readLine() {
            if line == "measure" { writeLine("rss \(residentKiB()) connections \(server.connectionCount)") }
        }
    }

    static func measure(count: Int) throws {
        let child = Process()
        child.executableURL = URL(fileURLWithPath: Bundle.main.executablePath ?? CommandLine.arguments[0])
        child.arguments = ["transport", TransportBenchmark.idleServerFlag]
        let input = Pipe()
        let output = Pipe()
        child.standardInput = input
        child.standardOutput = output
        try child.run()
        let lines = LineReader(output.fileHandleForReading)
        defer {
            try? input.fileHandleForWriting.close()
            child.waitUntilExit()
        }
        guard let portText = lines.next()?.split(separator: " ").last, let port = UInt16(portText) else {
            throw BenchmarkError("the idle-connection server did not start")
        }
        func serverFigures() throws -> (kib: Int, connections: Int) {
            input.fileHandleForWriting.write(Data("measure\n".utf8))
            let words = lines.next()?.split(separator: " ") ?? []
            guard words.count == 4, let kib = Int(words[1]), let connections = Int(words[3]) else {
                throw BenchmarkError("unexpected report from the idle-connection server")
            }
            return (kib, connections)
        }
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

    private static func writeLine(_ text: String) {
        FileHandle.standardOutput.write(Data((text + "\n").utf8))
    }

    /// VmRSS of this process in KiB (Linux), 0 elsewhere.
    private static func residentKiB() -> Int {
        procField("/proc/self/status", "VmRSS:")
    }

    /// The kernel's slab memory in KiB (Linux), 0 elsewhere.
    private static func slabKiB() -> Int {
        procField("/proc/meminfo", "Slab:")
    }

    private static func procField(_ path: String, _ name: String) -> Int {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8),
            let line = text.split(separator: "\n").first(where: { $0.hasPrefix(name) })
        else { return 0 }
        return Int(line.split(separator: " ")[1]) ?? 0
    }
}

// MARK: - Helpers

/// A blocking WebSocket client written as a C program would: one socket, `send` and `recv` in a loop.
final class BlockingClient: @unchecked Sendable {
    // @unchecked: used by one thread at a time (the benchmark hands each client to a single thread).
    let fd: Int32
    private var buffer: [UInt8] = []

    init(port: UInt16, path: String) throws {
        fd = socket(AF_INET, streamType, 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        var enable: Int32 = 1
        setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &enable, socklen_t(MemoryLayout<Int32>.size))
        guard connected == 0 else {
            close(fd)
            throw BenchmarkError("connect failed: errno \(errno)")
        }
        send(Array("GET \(path) HTTP/1.1\r\nHost: bench\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n".utf8))
        while true {
            if let end = buffer.firstRange(of: [13, 10, 13, 10]) {
                guard buffer.starts(with: Array("HTTP/1.1 101".utf8)) else { throw BenchmarkError("upgrade refused") }
                buffer.removeSubrange(..<end.upperBound)
                return
            }
            guard fill() else { throw BenchmarkError("connection closed during the handshake") }
        }
    }

    deinit { close(fd) }

    func send(_ bytes: [UInt8]) {
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes { sendWithoutSignal(fd, $0) }
            guard written > 0 else { return }
            offset += written
        }
    }

    /// Blocks until one whole frame arrived and returns its payload, or nil at end of stream.
    func readFrame() -> [UInt8]? {
        while true {
            var payload: [UInt8]?
            takeFrames(limit: 1) { payload = Array($0) }
            if let payload { return payload }
            guard fill() else { return nil }
        }
    }

    /// Reads what the socket has now (the reader thread calls this after `poll`) and hands over whole frames.
    func readAvailableFrames(_ body: (ArraySlice<UInt8>) -> Void) {
        guard fill(flags: Int32(MSG_DONTWAIT)) else { return }
        takeFrames(limit: .max, body)
    }

    /// Appends what one `recv` returns to the buffer (through uninitialised scratch space, so nothing is zeroed).
    private func fill(flags: Int32 = 0) -> Bool {
        withUnsafeTemporaryAllocation(byteCount: 65536, alignment: 16) { scratch in
            let count = recv(fd, scratch.baseAddress, scratch.count, flags)
            guard count > 0 else { return false }
            buffer.append(contentsOf: UnsafeRawBufferPointer(rebasing: scratch[..<count]))
            return true
        }
    }

    /// Passes up to `limit` complete unmasked server frames' payloads to `body` and drops them from the buffer.
    private func takeFrames(limit: Int, _ body: (ArraySlice<UInt8>) -> Void) {
        var offset = 0
        var taken = 0
        while taken < limit, buffer.count - offset >= 2 {
            let short = Int(buffer[offset + 1] & 0x7F)
            let headerSize = short == 126 ? 4 : short == 127 ? 10 : 2
            guard buffer.count - offset >= headerSize else { break }
            let length = short < 126 ? short : buffer[(offset + 2)..<(offset + headerSize)].reduce(0) { $0 << 8 | Int($1) }
            guard buffer.count - offset >= headerSize + length else { break }
            body(buffer[(offset + headerSize)..<(offset + headerSize + length)])
            offset += headerSize + length
            taken += 1
        }
        buffer.removeSubrange(..<offset)
    }
}

/// `send(2)` without SIGPIPE, outside `BlockingClient` whose own `send` would shadow it.
private func sendWithoutSignal(_ fd: Int32, _ bytes: UnsafeRawBufferPointer) -> Int {
    send(fd, bytes.baseAddress, bytes.count, sendFlags)
}

#if os(Linux)
private let streamType = Int32(SOCK_STREAM.rawValue)
private let sendFlags = Int32(MSG_NOSIGNAL)
#else
private let streamType = SOCK_STREAM
private let sendFlags: Int32 = 0
#endif
