// hypergraph-bench transport: one sender, 1,000 subscribers, 200-byte messages. Each message's latency runs
// from the moment it is sent to the moment the last subscriber has read it. Three ways of sending are measured
// in the same run: the engine's shared-frame broadcast, the engine with one `send` per subscriber, and the
// kernel floor, where one thread writes the encoded frame to 1,000 plain TCP sockets with blocking `send(2)`
// and no event loop, queue or framing work in between.
import Dispatch
import Foundation
import HypergraphEventLoop
import HypergraphWebSocket
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

struct BroadcastBenchmark {
    let server: BenchmarkServer
    static let subscriberCount = 1000
    static let messageSize = 200
    /// The open-loop schedule of the target: 200 messages/s × 1,000 subscribers = 200,000 deliveries/s.
    static let pacedRate = 200

    /// How the sender decides when to send the next message.
    enum Pacing {
        /// Closed loop: send as soon as fewer than this many messages are still on their way to a subscriber.
        case inFlight(Int)
        /// Open loop: one message every `interval` nanoseconds, whatever the subscribers' progress.
        case every(UInt64)
    }

    /// What one sequence of messages measured.
    struct Run {
        var deliveriesPerSecond: Double
        var latencies: [Double] // milliseconds, one per message
        var processorsBusy: Double // cores used by the whole process while it ran

        var p50: Double { percentile(latencies, 50) }
        var p99: Double { percentile(latencies, 99) }
    }

    func run() throws {
        let subscribers = try SubscriberReader(port: server.port, count: Self.subscriberCount)
        while server.subscribers.sockets.withLock({ $0.count }) < Self.subscriberCount { usleep(1000) }
        let floor = try KernelFanOut(expecting: Self.subscriberCount)
        let floorSubscribers = try SubscriberReader(port: floor.port, count: Self.subscriberCount)
        defer {
            subscribers.stop()
            floorSubscribers.stop()
        }
        let shared = try EnginePublisher(port: server.port, path: "/pub")
        let perSubscriber = try EnginePublisher(port: server.port, path: "/pub-each")
        let floorPublisher = floor.publisher

        let interval = 1_000_000_000 / UInt64(Self.pacedRate)
        let schedules = [
            Schedule(
                label: "one message in flight", count: 1000, pacing: .inFlight(1), figures: [.deliveries, .latency]),
            Schedule(
                label: "8 messages in flight", count: 2000, pacing: .inFlight(8), figures: [.deliveries, .latency]),
            Schedule(
                label: "paced at 200k deliveries/s", count: 2 * Self.pacedRate, pacing: .every(interval),
                figures: [.latency, .cores]),
            // A burst's latencies only measure how long the queue was, so only its rate is shown.
            Schedule(label: "saturated (burst of 1,000)", count: 1000, pacing: .inFlight(.max), figures: [.deliveries]),
        ]
        print(
            "broadcast 1→\(Self.subscriberCount), \(Self.messageSize) B (latency: send → read by the last subscriber)")
        for schedule in schedules {
            let ours = try Self.measure(
                schedule.count, through: { shared.send(Self.message($0)) }, to: subscribers, pacing: schedule.pacing)
            let kernel = try Self.measure(
                schedule.count, through: { floorPublisher(Self.message($0)) }, to: floorSubscribers,
                pacing: schedule.pacing)
            let each = try Self.measure(
                schedule.count, through: { perSubscriber.send(Self.message($0)) }, to: subscribers,
                pacing: schedule.pacing)
            report(schedule, ours: ours, kernel: kernel, perSubscriber: each)
        }
        shared.close()
        perSubscriber.close()
    }

    /// One way of sending a sequence of messages, and the figures worth printing for it.
    private struct Schedule {
        struct Figures: OptionSet {
            let rawValue: Int
            static let deliveries = Figures(rawValue: 1)
            static let latency = Figures(rawValue: 2)
            static let cores = Figures(rawValue: 4)
        }

        var label: String
        var count: Int
        var pacing: Pacing
        var figures: Figures
    }

    /// Prints the schedule's figures against the kernel floor, then the shared frame against one `send` per
    /// subscriber.
    private func report(_ schedule: Schedule, ours: Run, kernel: Run, perSubscriber: Run) {
        func row(_ name: String, _ figure: (Run) -> Double, unit: String, against baseline: Run, _ baselineName: String)
        {
            printComparison(
                "  \(schedule.label): \(name)", ours: figure(ours), baseline: figure(baseline), unit: unit,
                baselineName: baselineName)
        }
        let floor = "kernel floor"
        if schedule.figures.contains(.deliveries) {
            row("deliveries/s", \.deliveriesPerSecond, unit: "msg/s", against: kernel, floor)
        }
        if schedule.figures.contains(.latency) {
            row("p50 latency", \.p50, unit: "ms", against: kernel, floor)
            row("p99 latency", \.p99, unit: "ms", against: kernel, floor)
        }
        if schedule.figures.contains(.cores) {
            row("cores busy", \.processorsBusy, unit: "cores", against: kernel, floor)
        }
        let each = "one send per subscriber"
        if schedule.figures.contains(.deliveries) {
            row("deliveries/s", \.deliveriesPerSecond, unit: "msg/s", against: perSubscriber, each)
        } else {
            row("p99 latency", \.p99, unit: "ms", against: perSubscriber, each)
        }
    }

    /// The p99 latency of the engine's shared-frame broadcast of 200-byte messages to `count` subscribers (1,000 unless
    /// given), one message in flight: the transport's own fan-out, as the server benchmark's baseline.
    static func oneInFlightP99(messages: Int, subscribers count: Int = subscriberCount) throws -> Double {
        let server = try BenchmarkServer(handlersOnEventLoops: true)
        let subscribers = try SubscriberReader(port: server.port, count: count)
        defer { subscribers.stop() }
        while server.subscribers.sockets.withLock({ $0.count }) < count { usleep(1000) }
        let publisher = try EnginePublisher(port: server.port, path: "/pub")
        defer { publisher.close() }
        return try measure(messages, through: { publisher.send(message($0)) }, to: subscribers, pacing: .inFlight(1))
            .p99
    }

    /// Sends `count` messages, `publish(n)` sending the one with sequence number n, on the given schedule, and waits
    /// until every subscriber read each.
    static func measure(_ count: Int, through publish: (Int) -> Void, to reader: SubscriberReader, pacing: Pacing)
        throws -> Run
    {
        let sequences = try reader.reserve(count)
        let busyBefore = cpuSeconds(of: "self") ?? 0 // server, senders and subscriber readers alike
        var sentAt: [UInt64] = []
        sentAt.reserveCapacity(count)
        let start = MonotonicClock.now()
        for (offset, sequence) in sequences.enumerated() {
            switch pacing {
            case .inFlight(let limit):
                if offset >= limit { try reader.awaitOneCompletion() }
                sentAt.append(MonotonicClock.now())
            case .every(let interval):
                // One sleep to the slot, not a polling loop, so the sender's wake-ups do not compete with the loops.
                let slot = start + UInt64(offset) * interval
                let now = MonotonicClock.now()
                if now < slot { usleep(UInt32((slot - now) / 1000)) }
                // Latency counts from the slot, not from when the sender got round to it: a sender that blocks
                // (the kernel floor's) would otherwise hide the time its messages waited for the one before.
                sentAt.append(slot)
            }
            publish(sequence)
        }
        let outstanding = if case .inFlight(let limit) = pacing { min(limit, count) } else { count }
        for _ in 0..<outstanding { try reader.awaitOneCompletion() }
        let receipts = reader.lastReceipts(of: sequences)
        let elapsed = Double((receipts.max() ?? start) - start) / 1e9
        return Run(
            deliveriesPerSecond: Double(count * reader.count) / elapsed,
            latencies: zip(receipts, sentAt).map { Double($0 - $1) / 1e6 },
            processorsBusy: ((cpuSeconds(of: "self") ?? 0) - busyBefore) / elapsed)
    }

    /// A 200-byte text message that starts with its sequence number in ten decimal digits.
    static func message(_ sequence: Int) -> String {
        let digits = String(sequence)
        let number = String(repeating: "0", count: 10 - digits.count) + digits
        return number + String(repeating: "x", count: Self.messageSize - number.utf8.count)
    }
}

/// A WebSocket client connection to the benchmark server's `/pub` or `/pub-each`, whose texts the server
/// broadcasts to its `/sub` connections.
struct EnginePublisher {
    private let socket: WebSocket

    init(port: UInt16, path: String) throws {
        socket = try blocking { try await WebSocketClient.connect(to: "ws://127.0.0.1:\(port)\(path)") }
    }

    func send(_ text: String) { socket.send(text: text) }
    func close() { socket.close() }
}

/// The floor the kernel sets on this machine: plain TCP connections that answer the WebSocket upgrade with a
/// bare 101, and a publisher that encodes each message once and writes it to every socket with blocking
/// `send(2)` from the calling thread.
final class KernelFanOut: Sendable {
    let port: UInt16
    private let sockets = Mutex<[Int32]>([])

    /// Listens on a loopback port and accepts `count` connections on a thread of its own.
    init(expecting count: Int) throws {
        let listener = socket(AF_INET, streamType, 0)
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        var bound = sockaddr_in()
        guard withLoopbackAddress(port: 0, { bind(listener, $0, $1) }) == 0, listen(listener, 1024) == 0,
            withUnsafeMutablePointer(
                to: &bound,
                { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(listener, $0, &length) } }) == 0
        else {
            close(listener)
            throw BenchmarkError("kernel fan-out: cannot listen on loopback: errno \(errno)")
        }
        port = UInt16(bigEndian: bound.sin_port)
        Thread { [self] in
            defer { close(listener) }
            for _ in 0..<count {
                let fd = accept(listener, nil, nil)
                guard fd >= 0 else { return }
                disableNagle(fd)
                KernelFanOut.skipUpgradeRequest(fd)
                sendAll(
                    fd,
                    Array("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n".utf8))
                sockets.withLock { $0.append(fd) }
            }
        }.start()
    }

    deinit {
        for fd in sockets.withLock({ $0 }) { close(fd) }
    }

    /// Sends a text message to every connection: one encoded frame, one `send(2)` per socket.
    var publisher: (String) -> Void {
        { [self] text in
            let frame = WebSocketFrame(opcode: .text, payload: Array(text.utf8)).encoded()
            for fd in sockets.withLock({ $0 }) { sendAll(fd, frame) }
        }
    }

    /// Reads the client's upgrade request up to its blank line (the benchmark's clients send nothing after it
    /// until answered).
    private static func skipUpgradeRequest(_ fd: Int32) {
        var tail: [UInt8] = []
        var byte: UInt8 = 0
        while recv(fd, &byte, 1, 0) == 1 {
            tail.append(byte)
            if tail.suffix(4) == [13, 10, 13, 10] { return }
        }
    }
}

/// Reads many subscriber sockets on one thread, waiting with a `ReadinessWatcher` (epoll/kqueue: a wake-up
/// costs what is ready, not all 1,000 sockets as `poll` would), and notes when each message reached its last
/// subscriber. A message's sequence number is either in its first ten bytes, as decimal digits, or its place
/// among the frames its subscriber read (for servers whose messages the benchmark cannot number).
final class SubscriberReader: Sendable {
    /// How a frame's sequence number is found.
    enum Numbering: Sendable {
        /// The frame starts with it, in ten decimal digits.
        case leadingDigits
        /// The n-th frame a subscriber reads is message n (the frames each subscriber reads are all benchmark
        /// messages, in order).
        case arrivalOrder
    }

    private struct Progress {
        var receipts: [Int] // by sequence number: subscribers that have read it
        var lastReceipt: [UInt64] // by sequence number: when the last subscriber read it
        var reserved = 0
        var stopped = false
    }

    private static let capacity = 100_000
    private let clients: [BlockingClient]
    private let numbering: Numbering
    private let progress = Mutex(
        Progress(receipts: Array(repeating: 0, count: capacity), lastReceipt: Array(repeating: 0, count: capacity)))
    private let completions = DispatchSemaphore(value: 0)
    private let finished = DispatchSemaphore(value: 0)

    /// The number of subscribers.
    var count: Int { clients.count }

    /// Connects `count` subscribers to the benchmark server's `/sub`.
    convenience init(port: UInt16, count: Int) throws {
        try self.init(
            clients: (0..<count).map { _ in try BlockingClient(port: port, path: "/sub") }, numbering: .leadingDigits)
    }

    /// Reads the given connected clients.
    init(clients: [BlockingClient], numbering: Numbering) throws {
        self.clients = clients
        self.numbering = numbering
        // The watcher belongs to the reading thread (it is not Sendable), so that thread sets it up and
        // reports how that went.
        let setUp = Mutex<Result<Void, any Error>?>(nil)
        let ready = DispatchSemaphore(value: 0)
        Thread { [self] in
            let watcher = Result {
                let watcher = try ReadinessWatcher()
                for (index, client) in clients.enumerated() { try watcher.watch(client.fd, id: UInt64(index)) }
                return watcher
            }
            setUp.withLock { $0 = watcher.map { _ in } }
            ready.signal()
            if case .success(let watcher) = watcher { readUntilStopped(watcher) } else { finished.signal() }
        }.start()
        ready.wait()
        try setUp.withLock { $0 }?.get()
    }

    func stop() {
        progress.withLock { $0.stopped = true }
        finished.wait()
    }

    /// The next `count` sequence numbers, not used before.
    func reserve(_ count: Int) throws -> Range<Int> {
        try progress.withLock { progress in
            guard progress.reserved + count <= Self.capacity else {
                throw BenchmarkError("too many broadcast messages")
            }
            defer { progress.reserved += count }
            return progress.reserved..<progress.reserved + count
        }
    }

    /// Waits until one more message has reached every subscriber (at most 60 s).
    func awaitOneCompletion() throws {
        guard completions.wait(timeout: .now() + 60) == .success else {
            throw BenchmarkError("broadcast messages went missing")
        }
    }

    /// When each message of `sequences` reached its last subscriber.
    func lastReceipts(of sequences: Range<Int>) -> [UInt64] {
        progress.withLock { Array($0.lastReceipt[sequences]) }
    }

    private func readUntilStopped(_ watcher: ReadinessWatcher) {
        defer { finished.signal() }
        var received: [Int] = []
        var framesRead = Array(repeating: 0, count: clients.count) // by client, for `.arrivalOrder`
        while !progress.withLock({ $0.stopped }) {
            received.removeAll(keepingCapacity: true)
            do {
                try watcher.wait(timeoutMilliseconds: 100) { id in
                    clients[Int(id)].readAvailableFrames { payload in
                        switch numbering {
                        case .leadingDigits: received.append(payload.prefix(10).reduce(0) { $0 * 10 + Int($1) - 48 })
                        case .arrivalOrder: received.append(framesRead[Int(id)])
                        }
                        framesRead[Int(id)] += 1
                    }
                }
            } catch {
                return print("broadcast: the subscribers' reader stopped: \(error)")
            }
            let now = MonotonicClock.now()
            let completed = progress.withLock { progress in
                var completed = 0
                for sequence in received where sequence >= 0 && sequence < Self.capacity {
                    progress.receipts[sequence] += 1
                    guard progress.receipts[sequence] == clients.count else { continue }
                    progress.lastReceipt[sequence] = now
                    completed += 1
                }
                return completed
            }
            for _ in 0..<completed { completions.signal() }
        }
    }
}
