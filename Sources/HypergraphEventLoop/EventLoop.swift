import Foundation
import Synchronization

// One event-loop thread: waits on a Selector and drives every channel registered with it.
//
// Concurrency rule (the whole engine follows it):
//  - `pending` (tasks handed over by other threads, and whether the loop has already been woken for them) is
//    guarded by its Mutex and may be touched from any thread through `execute`.
//  - Everything else here (the selector, `channels`, `timers`, `flushList`, `localTasks`, the scratch buffers and
//    `now`) belongs to the loop thread alone, and so does all state of every channel registered with this loop.
//    Other threads never touch a channel directly: they call `execute` with a closure that runs on the loop thread.
#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Something registered with an event loop: a listening socket or a connection.
package protocol EventLoopChannel: AnyObject {
    /// The descriptor is readable, or the peer hung up.
    func handleReadable()
    /// The descriptor is writable, or an error is pending.
    func handleWritable()
    /// The descriptor has an error or hung up, and the readable/writable handlers did not end it.
    func handleFailure()
    /// A deadline this channel asked for through `EventLoop.schedule` has passed.
    func handleDeadline(now: UInt64)
}

/// The thread-specific slot naming the event loop that runs on the current thread, if any.
private let currentEventLoopKey: pthread_key_t = {
    var key = pthread_key_t()
    pthread_key_create(&key, nil)
    return key
}()

/// A thread running a selector loop, timers, cross-thread tasks and end-of-iteration flushes.
package final class EventLoop: @unchecked Sendable {
    // @unchecked: see the concurrency rule at the top of this file.
    private struct Pending {
        var tasks: [@Sendable () -> Void] = []
        var woken = false
    }

    /// How many buffers one gathered write may pass to the kernel.
    static let writeVectorCapacity = 256
    /// The size of the shared read buffer.
    static let readBufferSize = 256 * 1024

    private let selector: Selector
    private let wakeupReader: Int32
    private let wakeupWriter: Int32
    private static let wakeupID: UInt64 = 0
    private let pending = Mutex(Pending())
    private var localTasks: [@Sendable () -> Void] = []
    private var channels: [UInt64: any EventLoopChannel] = [:]
    private var timers = TimerHeap()
    private var flushList: [Connection] = []
    private var nextChannelID: UInt64 = 1

    /// Monotonic nanoseconds, read once per loop iteration.
    package private(set) var now: UInt64 = EventLoop.monotonicNow()
    /// Shared by every connection of this loop: a connection handles what it read before the next read and
    /// copies only the bytes it must keep, so idle connections own no read buffer.
    let readBuffer: UnsafeMutableRawBufferPointer
    /// Scratch space for gathering a connection's queued frames into one `sendmsg`.
    let writeVectors: UnsafeMutablePointer<iovec>

    /// Creates the loop and starts its thread.
    init() throws {
        selector = try Selector()
        var descriptors: [Int32] = [0, 0]
        guard pipe(&descriptors) == 0 else { throw SocketError("pipe") }
        for descriptor in descriptors {
            _ = fcntl(descriptor, F_SETFL, fcntl(descriptor, F_GETFL) | O_NONBLOCK)
            _ = fcntl(descriptor, F_SETFD, FD_CLOEXEC)
        }
        wakeupReader = descriptors[0]
        wakeupWriter = descriptors[1]
        try selector.register(wakeupReader, id: EventLoop.wakeupID, interest: .read)
        readBuffer = .allocate(byteCount: EventLoop.readBufferSize, alignment: 16)
        writeVectors = .allocate(capacity: EventLoop.writeVectorCapacity)
        Thread { [self] in run() }.start()
    }

    /// Whether the caller runs on this loop's thread.
    var inEventLoop: Bool {
        pthread_getspecific(currentEventLoopKey) == Unmanaged.passUnretained(self).toOpaque()
    }

    /// Runs `task` on the loop thread, after the current iteration's I/O. Safe from any thread. Tasks run in the
    /// order they were given, whichever threads gave them: a task given on the loop thread runs after every task
    /// other threads handed over before it (sends to one connection must never overtake each other).
    package func execute(_ task: @escaping @Sendable () -> Void) {
        if inEventLoop {
            let handedOverEarlier = pending.withLock { pending -> [@Sendable () -> Void] in
                guard !pending.tasks.isEmpty else { return [] }
                defer { pending.tasks = [] }
                return pending.tasks
            }
            // One by one: appending the `@Sendable` array at once trips a runtime cast of its element type.
            for earlier in handedOverEarlier { localTasks.append(earlier) }
            localTasks.append(task)
            return
        }
        let mustWake = pending.withLock { pending -> Bool in
            pending.tasks.append(task)
            defer { pending.woken = true }
            return !pending.woken
        }
        if mustWake {
            var byte: UInt8 = 1
            _ = write(wakeupWriter, &byte, 1) // EAGAIN means a wake-up is already pending
        }
    }

    // MARK: Loop-thread API

    /// Registers `channel` for readiness on `fd` and returns its identifier.
    package func register(_ channel: any EventLoopChannel, fd: Int32, interest: SelectorInterest) throws -> UInt64 {
        let id = nextChannelID
        nextChannelID += 1
        try selector.register(fd, id: id, interest: interest)
        channels[id] = channel
        return id
    }

    /// Changes the readiness `fd` is watched for.
    package func setInterest(_ interest: SelectorInterest, fd: Int32, id: UInt64) {
        // Only fails for a descriptor that is not registered, which the channels rule out.
        try? selector.reregister(fd, id: id, interest: interest)
    }

    /// Forgets the channel; call before closing `fd`.
    package func deregister(fd: Int32, id: UInt64) {
        selector.deregister(fd)
        channels[id] = nil
    }

    /// Calls the channel's `handleDeadline` once `deadline` has passed.
    package func schedule(channelID: UInt64, at deadline: UInt64) {
        timers.insert(TimerHeap.Entry(deadline: deadline, channelID: channelID))
    }

    /// Flushes `connection` at the end of this iteration, after every event and task that may add to its queue.
    func scheduleFlush(_ connection: Connection) {
        flushList.append(connection)
    }

    /// Monotonic nanoseconds now.
    static func monotonicNow() -> UInt64 {
        var spec = timespec()
        clock_gettime(CLOCK_MONOTONIC, &spec)
        return UInt64(spec.tv_sec) &* 1_000_000_000 &+ UInt64(spec.tv_nsec)
    }

    // MARK: The loop

    private func run() {
        pthread_setspecific(currentEventLoopKey, Unmanaged.passUnretained(self).toOpaque())
        EventLoop.nameCurrentThread("WebSocket loop")
        while true {
            do {
                try selector.wait(timeoutMilliseconds: waitTimeout()) { event in
                    guard event.id != EventLoop.wakeupID else { return drainWakeups() }
                    if event.readable { channels[event.id]?.handleReadable() }
                    if event.writable { channels[event.id]?.handleWritable() }
                    if event.failed { channels[event.id]?.handleFailure() }
                }
            } catch {
                // Only a broken selector descriptor gets here; back off instead of spinning.
                usleep(10_000)
            }
            now = EventLoop.monotonicNow()
            runTasks()
            fireTimers()
            flushConnections()
        }
    }

    /// Sets the OS-level thread name shown by top, perf and debuggers (Glibc's Swift module lacks
    /// `pthread_setname_np`; Linux takes the name through /proc instead).
    private static func nameCurrentThread(_ name: String) {
        #if os(Linux)
            let fd = open("/proc/thread-self/comm", O_WRONLY)
            guard fd >= 0 else { return }
            _ = name.withCString { write(fd, $0, strlen($0)) }
            close(fd)
        #elseif canImport(Darwin)
            pthread_setname_np(name)
        #endif
    }

    private func waitTimeout() -> Int32 {
        if !localTasks.isEmpty || !flushList.isEmpty { return 0 }
        guard let deadline = timers.earliest else { return -1 }
        let current = EventLoop.monotonicNow()
        guard deadline > current else { return 0 }
        return Int32(min((deadline - current + 999_999) / 1_000_000, 60_000))
    }

    private func drainWakeups() {
        var bytes = (UInt64(0), UInt64(0), UInt64(0), UInt64(0))
        while withUnsafeMutableBytes(of: &bytes, { read(wakeupReader, $0.baseAddress, $0.count) }) > 0 {}
    }

    private func runTasks() {
        let handedOver = pending.withLock { pending -> [@Sendable () -> Void] in
            pending.woken = false
            let tasks = pending.tasks
            pending.tasks = []
            return tasks
        }
        // After the tasks this loop gave itself before (left from the last iteration): every task still in
        // `pending` was handed over after them, since giving itself a task moves `pending` over first.
        localTasks.append(contentsOf: handedOver)
        // Tasks added by these tasks or by I/O handlers run now too — a few rounds, so a handler task running on
        // this loop can read, answer and have its answer flushed in one iteration — then the loop polls again.
        for _ in 0..<5 where !localTasks.isEmpty {
            let local = localTasks
            localTasks = []
            for task in local { task() }
        }
    }

    private func fireTimers() {
        while let entry = timers.popExpired(now: now) {
            channels[entry.channelID]?.handleDeadline(now: now)
        }
    }

    private func flushConnections() {
        while !flushList.isEmpty {
            let batch = flushList
            flushList = []
            for connection in batch { connection.flushScheduledOutput() }
        }
    }
}

/// An event loop runs Swift tasks that prefer it (`Task(executorPreference:)`) on its own thread, between I/O
/// events: a connection's handler task then reads and answers without any thread hop.
@available(macOS 15.0, *)
extension EventLoop: TaskExecutor {
    package func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        execute { job.runSynchronously(on: self.asUnownedTaskExecutor()) }
    }
}

/// A fixed set of event loops that connections are spread over.
package final class EventLoopGroup: Sendable {
    /// The loops, one thread each.
    package let loops: [EventLoop]
    private let nextIndex = Mutex(0)

    /// The process-wide group, once started, and the loop count configured for it.
    private struct Shared {
        var group: EventLoopGroup?
        var configuredCount: Int?
    }

    private static let state = Mutex(Shared())

    /// The loop count when none is configured: one per core, at most four.
    package static var defaultCount: Int { max(1, min(ProcessInfo.processInfo.activeProcessorCount, 4)) }

    /// The process-wide group used by every server and client: `configure(count:)` loops, or `defaultCount`.
    /// Created on first use; its threads live as long as the process.
    package static func shared() throws -> EventLoopGroup {
        try state.withLock { shared in
            if let group = shared.group { return group }
            let count = shared.configuredCount ?? defaultCount
            let created = EventLoopGroup(loops: try (0..<count).map { _ in try EventLoop() })
            shared.group = created
            return created
        }
    }

    /// Fixes the size of the process-wide group before it starts. Returns false, changing nothing, when the group
    /// already runs with a different number of loops.
    package static func configure(count: Int) -> Bool {
        state.withLock { shared in
            if let group = shared.group, group.loops.count != count { return false }
            shared.configuredCount = count
            return true
        }
    }

    /// The size of the process-wide group: running, configured, or the default.
    package static var count: Int {
        state.withLock { $0.group?.loops.count ?? $0.configuredCount ?? defaultCount }
    }

    private init(loops: [EventLoop]) {
        self.loops = loops
    }

    /// The loop for the next new connection (round robin).
    package func next() -> EventLoop {
        let index = nextIndex.withLock { index -> Int in
            defer { index = (index + 1) % loops.count }
            return index
        }
        return loops[index]
    }
}

extension Duration {
    /// Whole nanoseconds, clamped to 0...2^62 so deadline arithmetic on the monotonic clock cannot overflow.
    package var nanoseconds: UInt64 {
        let (seconds, attoseconds) = components
        guard seconds >= 0, attoseconds >= 0 else { return 0 }
        let limit: UInt64 = 1 << 62
        guard UInt64(seconds) < limit / 1_000_000_000 else { return limit }
        return UInt64(seconds) * 1_000_000_000 + UInt64(attoseconds / 1_000_000_000)
    }
}
