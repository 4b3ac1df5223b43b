// One authenticated connection to a Hypergraph server: sending, the inbound queue, waiting, the transcript.
//
// Concurrency: every piece of mutable state (queued events, waiters, transcript, close status, the current socket) is
// isolated to the `HypergraphSession` actor; only the remote address is behind a Mutex, for nonisolated reads. One
// reader task per socket iterates the WebSocket's events, decodes each frame off the actor and hands the result to
// `receive`; timeout tasks, cancellation handlers and the reconnection task call back into the actor.
import Foundation
import HypergraphProtocol
@_spi(Testing) import HypergraphWebSocket
import Synchronization

/// An open connection to a Hypergraph server.
///
/// **Receiving.** Every frame the server sends becomes one ``HypergraphSessionEvent`` — a decoded message (unknown
/// types as `ServerMessage.unknown`), an undecodable frame, and finally `.closed` — and goes to exactly one place:
/// 1. a pending request helper whose reply it is (`subscribe`, `createUpdate`, `request`, …; see `ExpectedReply`),
/// 2. else the oldest waiting `nextEvent`/`nextMessage` call it satisfies,
/// 3. else the queue, which `events`, `nextEvent`, `nextMessage` and `drainEvents` read in arrival order.
///
/// So replies claimed by helpers do not appear in `events` — nor the `updates-notification` messages that complete a
/// snapshot the server sent in parts (see `subscribe`) —; everything else does, nothing is dropped — the queue has
/// no limit, so read or drain it on sessions that receive broadcasts. The ``transcript`` records every frame in both
/// directions.
///
/// **Sending.** `send` encodes a `ClientMessage`; `sendRaw` sends any text or binary frame, for conformance tests
/// of malformed input (tests also have `sendFrame` and `sendRawBytes`, `@_spi(Testing)`). Sends never block.
///
/// **Closing.** Call ``close(code:reason:)`` when done. A session that is released without closing closes its
/// connection with 1001 (going away).
///
/// **Reconnecting.** With a ``HypergraphReconnectPolicy`` (``HypergraphClientConfiguration/reconnect``), a connection
/// lost otherwise than by `close` does not end the session: see HypergraphSession+Failover.swift and docs/client.md.
public actor HypergraphSession {
    /// How the connection ended.
    public struct CloseStatus: Sendable, Hashable, CustomStringConvertible {
        /// The close code (see `HypergraphClientError.closed`).
        public var code: WebSocketCloseCode
        /// The close reason, possibly empty.
        public var reason: String

        /// Creates a value from its members.
        public init(code: WebSocketCloseCode, reason: String) {
            self.code = code
            self.reason = reason
        }

        /// The code, and the reason when there is one.
        public var description: String {
            reason.isEmpty ? "\(code)" : "\(code) \(String(reflecting: reason))"
        }

        /// The error operations fail with once the session has closed this way.
        var error: HypergraphClientError { .closed(code: code, reason: reason) }
    }

    /// Someone waiting for an event: a request helper (offered only events that arrive after it registered) or a
    /// `nextEvent`/`nextMessage` call (offered the queued events first).
    private struct Waiter {
        /// What the waiter is given.
        enum Resolution {
            /// An event, which it may take or leave.
            case event(HypergraphSessionEvent)
            /// An error (timeout, cancellation), which ends the wait.
            case failure(HypergraphClientError)
            /// The end of the connection, after any `.closed` event was offered.
            case connectionEnded(CloseStatus)
        }

        let id: UInt64
        let isReplyWaiter: Bool
        /// Whether a lost connection ends the wait with `.connectionLost` (request helpers) rather than leaving it to
        /// the reconnected session (`nextEvent`, `waitForClose`).
        let failsOnConnectionLoss: Bool
        /// Resumes the waiter and returns true, or returns false when it leaves an offered event.
        let resolve: (Resolution) -> Bool
        /// When the waiter times out, with the error it then gets (made only then: describing what is awaited is
        /// a tenth of a request's client CPU); nil waits without limit.
        let deadline: (instant: ContinuousClock.Instant, error: () -> HypergraphClientError)?

        /// Offers `event`; true when the waiter took it.
        func offer(_ event: HypergraphSessionEvent) -> Bool { resolve(.event(event)) }

        /// Ends the wait with `error`.
        func fail(_ error: HypergraphClientError) { _ = resolve(.failure(error)) }
    }

    /// The settings this session was opened with.
    public nonisolated let configuration: HypergraphClientConfiguration
    /// "host:port" of the server the session is connected to (the last one, while reconnecting).
    public nonisolated var remoteAddress: String { currentAddress.withLock { $0 } }
    private nonisolated let currentAddress: Mutex<String>
    private var socket: WebSocket
    /// Counts the sockets the session has had: events of an earlier one are ignored.
    private var socketGeneration: UInt64 = 0
    private let openedAt = ContinuousClock.now
    private var transcriptEntries: Transcript
    private var queue: [HypergraphSessionEvent] = []
    private var waiters: [Waiter] = []
    private var nextWaiterID: UInt64 = 0
    /// One task sleeps until the earliest waiter deadline (a task per wait would cost more than a busy session's
    /// replies); `timerGeneration` tells a superseded timer's wake-up from the current one's.
    private var timerDeadline: ContinuousClock.Instant?
    private var timerGeneration: UInt64 = 0
    private var timer: Task<Void, Never>?
    var requestedClose: CloseStatus?
    private var endStatus: CloseStatus?
    /// Snapshots sent in parts, by space id, until their last `updates-notification` arrived (see
    /// HypergraphSession+Snapshots.swift).
    var snapshotAssemblies: [String: SnapshotAssembly] = [:]
    /// Where and as whom to reconnect and what has been delivered; nil when the session does not reconnect.
    var failover: Failover?
    /// How the connection was lost, while the session reconnects and has no new one yet.
    var lostConnection: CloseStatus?
    /// The reconnection under way, if any.
    var reconnection: Task<Void, Never>?

    private init(socket: WebSocket, configuration: HypergraphClientConfiguration, failover: Failover?) {
        self.socket = socket
        self.configuration = configuration
        self.failover = failover
        currentAddress = Mutex(socket.remoteAddress)
        transcriptEntries = Transcript(limit: configuration.transcriptLimit)
    }

    /// A session reading `socket`'s events from a task of its own, reconnecting as `failover` says (nil: never).
    static func start(
        socket: WebSocket, configuration: HypergraphClientConfiguration, failover: Failover? = nil
    ) -> HypergraphSession {
        let session = HypergraphSession(socket: socket, configuration: configuration, failover: failover)
        session.read(socket, generation: 0)
        return session
    }

    /// Reads `socket`'s events from a task of its own. The task holds the session weakly, so releasing the session
    /// closes the connection.
    private nonisolated func read(_ socket: WebSocket, generation: UInt64) {
        Task { [weak self] in
            for await event in socket.events {
                guard let self else { return }
                await self.receive(event, decoded: Self.decode(event), generation: generation)
            }
        }
    }

    /// Makes `socket` the session's connection (after a reconnection): earlier sockets' events are ignored from now.
    func replaceSocket(with socket: WebSocket) {
        socketGeneration += 1
        self.socket = socket
        lostConnection = nil
        currentAddress.withLock { $0 = socket.remoteAddress }
        read(socket, generation: socketGeneration)
    }

    /// Gives up the current socket as lost with `status` (closing it, ignoring its further events) and fails the
    /// requests waiting for replies on it.
    func abandonSocket(_ status: CloseStatus) {
        socketGeneration += 1
        socket.close(code: .goingAway)
        connectionLost(status)
    }

    deinit {
        reconnection?.cancel()
        socket.close(code: .goingAway)
    }

    // MARK: Sending

    /// Sends `message` as a text frame in its canonical wire form.
    ///
    /// - Throws: ``HypergraphClientError/closed(code:reason:)`` once the connection is closed or closing.
    public func send(_ message: ClientMessage) throws(HypergraphClientError) {
        try sendRaw(text: message.jsonString())
    }

    /// Sends `text` as a text frame, whatever it holds (e.g. invalid JSON).
    public func sendRaw(text: String) throws(HypergraphClientError) {
        try checkOpen()
        record(.sent, .data(.text(text)))
        socket.send(text: text)
    }

    /// Sends `bytes` as a binary frame.
    public func sendRaw(binary bytes: [UInt8]) throws(HypergraphClientError) {
        try checkOpen()
        record(.sent, .data(.binary(bytes)))
        socket.send(binary: bytes)
    }

    /// Sends `frame` exactly as described (any opcode, reserved bits, masking), bypassing protocol rules.
    /// **Test-only.**
    @_spi(Testing) public func sendFrame(_ frame: WebSocketFrame) throws(HypergraphClientError) {
        try checkOpen()
        record(.sent, .frame(frame))
        socket.sendFrame(frame)
    }

    /// Writes `bytes` to the socket as they are (e.g. half a frame). **Test-only.**
    @_spi(Testing) public func sendRawBytes(_ bytes: [UInt8]) throws(HypergraphClientError) {
        try checkOpen()
        record(.sent, .rawBytes(bytes))
        socket.sendRawBytes(bytes)
    }

    /// Sends a ping with `payload` (at most 125 bytes); the pong appears in the transcript.
    public func ping(_ payload: [UInt8] = []) throws(HypergraphClientError) {
        try checkOpen()
        record(.sent, .ping(payload))
        socket.ping(payload)
    }

    private func checkOpen() throws(HypergraphClientError) {
        if let status = endStatus ?? requestedClose { throw status.error }
        if let lost = lostConnection { throw .connectionLost(code: lost.code, reason: lost.reason) }
    }

    // MARK: Closing

    /// Starts the closing handshake with `code` and `reason` and waits until the connection has ended (the server
    /// answered, or the WebSocket close timeout passed). Returns how it ended; calling it again just waits. If the
    /// calling task is cancelled, returns the requested status without waiting.
    @discardableResult
    public func close(code: WebSocketCloseCode = .normalClosure, reason: String = "") async -> CloseStatus {
        let requested = requestedClose ?? CloseStatus(code: code, reason: reason)
        if endStatus == nil, requestedClose == nil {
            requestedClose = requested
            reconnection?.cancel()
            if lostConnection != nil {
                // Reconnecting: no connection is left to close.
                finish(requested)
            } else {
                record(.sent, .close(code: code, reason: reason))
                socket.close(code: code, reason: reason)
            }
        }
        do {
            return try await waitForClose()
        } catch {
            return endStatus ?? requested
        }
    }

    /// Waits at most `timeout` (nil: no limit) for the connection to end, however that happens, and returns how —
    /// e.g. after sending something a server must answer by closing.
    ///
    /// - Throws: ``HypergraphClientError/timedOut(waitingFor:after:)`` when it is still open, `.cancelled`.
    public func waitForClose(timeout: Duration? = nil) async throws(HypergraphClientError) -> CloseStatus {
        try await wait(
            for: "the connection to close", timeout: timeout, isReplyWaiter: true, outlivesConnection: true,
            whenClosed: { .success($0) }, take: { _ in nil })
    }

    /// How the connection ended, or nil while it is open.
    public var closeStatus: CloseStatus? { endStatus }

    // MARK: Transcript

    /// Every frame sent and received so far (the most recent `configuration.transcriptLimit`), with times.
    public var transcript: Transcript { transcriptEntries }

    private func record(_ direction: Transcript.Direction, _ content: Transcript.Content) {
        guard transcriptEntries.limit > 0 else { return }
        transcriptEntries.append(
            Transcript.Entry(
                elapsed: ContinuousClock.now - openedAt, date: Date(), direction: direction, content: content))
    }

    // MARK: Receiving

    /// The session event for a WebSocket event, decoded on the reader task; nil for pongs.
    private static func decode(_ event: WebSocketEvent) -> HypergraphSessionEvent? {
        switch event {
        case .text(let text):
            do {
                return .message(try ServerMessage(json: text))
            } catch {
                return .undecodable(UndecodableFrame(payload: .text(text), reason: error.description))
            }
        case .binary(let bytes):
            let reason = "a binary frame; Hypergraph servers send JSON text frames"
            return .undecodable(UndecodableFrame(payload: .binary(bytes), reason: reason))
        case .pong:
            return nil
        case .closed(let code, let reason):
            return .closed(code: code, reason: reason)
        }
    }

    private func receive(_ event: WebSocketEvent, decoded: HypergraphSessionEvent?, generation: UInt64) {
        guard generation == socketGeneration else { return }
        switch event {
        case .text(let text): record(.received, .data(.text(text)))
        case .binary(let bytes): record(.received, .data(.binary(bytes)))
        case .pong(let payload): record(.received, .pong(payload))
        case .closed(let code, let reason): record(.received, .close(code: code, reason: reason))
        }
        guard let decoded else { return }
        guard case .closed(let code, let reason) = decoded else { return deliver(decoded) }
        let status = CloseStatus(code: code, reason: reason)
        if failover != nil, requestedClose == nil {
            connectionLost(status)
        } else {
            finish(status)
        }
    }

    /// Ends the session with `status`: delivers the `.closed` event, then ends every wait.
    func finish(_ status: CloseStatus) {
        deliver(.closed(code: status.code, reason: status.reason))
        endStatus = status
        reconnection = nil
        let remaining = waiters
        waiters.removeAll()
        for waiter in remaining { _ = waiter.resolve(.connectionEnded(status)) }
        failSnapshotAssemblies(with: status.error)
        timer?.cancel()
    }

    /// Ends every request helper's wait with `error` (the connection was lost; the session stays).
    func failRequests(with error: HypergraphClientError) {
        let failing = waiters.filter(\.failsOnConnectionLoss)
        waiters.removeAll(where: \.failsOnConnectionLoss)
        for waiter in failing { waiter.fail(error) }
    }

    /// Hands `event` — or, in a reconnecting session, what of it is new (see `newlyDelivered`) — to the first request
    /// helper that wants it, else the first other waiter, else the queue.
    func deliver(_ event: HypergraphSessionEvent) {
        if absorbIntoSnapshot(event) { return }
        for event in newlyDelivered(event) { route(event) }
    }

    private func route(_ event: HypergraphSessionEvent) {
        let index =
            waiters.firstIndex { $0.isReplyWaiter && $0.offer(event) }
            ?? waiters.firstIndex { !$0.isReplyWaiter && $0.offer(event) }
        if let index {
            waiters.remove(at: index)
        } else {
            queue.append(event)
        }
    }

    // MARK: Waiting

    /// Waits for the first event `take` accepts (returning its result), checking the queue first unless this is a
    /// reply waiter, for at most `timeout` (nil: no limit). `afterRegistering` runs once the waiter is in place —
    /// request helpers send their request there, so the reply cannot slip past. Once the connection has ended, the
    /// result is `whenClosed`'s (by default the `.closed` error).
    func wait<Value: Sendable>(
        for awaited: @autoclosure @escaping () -> String, timeout: Duration?, isReplyWaiter: Bool,
        outlivesConnection: Bool = false,
        afterRegistering: () throws(HypergraphClientError) -> Void = {},
        whenClosed: @escaping (CloseStatus) -> Result<Value, HypergraphClientError> = { .failure($0.error) },
        take: @escaping (HypergraphSessionEvent) -> Result<Value, HypergraphClientError>?
    ) async throws(HypergraphClientError) -> Value {
        if !isReplyWaiter {
            for (index, event) in queue.enumerated() {
                guard let result = take(event) else { continue }
                queue.remove(at: index)
                return try result.get()
            }
        }
        if let endStatus { return try whenClosed(endStatus).get() }
        let id = nextWaiterID
        nextWaiterID += 1
        typealias Outcome = Result<Value, HypergraphClientError>
        let result = await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Outcome, Never>) in
                let deadline = timeout.map { timeout in
                    (
                        instant: ContinuousClock.now + timeout,
                        error: { HypergraphClientError.timedOut(waitingFor: awaited(), after: timeout) }
                    )
                }
                let waiter = Waiter(
                    id: id, isReplyWaiter: isReplyWaiter, failsOnConnectionLoss: isReplyWaiter && !outlivesConnection,
                    resolve: { resolution in
                        switch resolution {
                        case .event(let event):
                            guard let result = take(event) else { return false }
                            continuation.resume(returning: result)
                        case .failure(let error):
                            continuation.resume(returning: .failure(error))
                        case .connectionEnded(let status):
                            continuation.resume(returning: whenClosed(status))
                        }
                        return true
                    },
                    deadline: deadline)
                if Task.isCancelled { return continuation.resume(returning: .failure(.cancelled)) }
                do throws(HypergraphClientError) {
                    try afterRegistering()
                } catch {
                    return continuation.resume(returning: .failure(error))
                }
                waiters.append(waiter)
                if let deadline, timerDeadline.map({ deadline.instant < $0 }) ?? true {
                    startTimer(until: deadline.instant)
                }
            }
        } onCancel: {
            Task { await self.expire(id, with: .cancelled) }
        }
        return try result.get()
    }

    /// Resolves waiter `id` with `error` if it is still waiting.
    private func expire(_ id: UInt64, with error: HypergraphClientError) {
        guard let index = waiters.firstIndex(where: { $0.id == id }) else { return }
        waiters.remove(at: index).fail(error)
    }

    /// Replaces the timer by one that wakes at `deadline`.
    private func startTimer(until deadline: ContinuousClock.Instant) {
        timer?.cancel()
        timerGeneration += 1
        timerDeadline = deadline
        let generation = timerGeneration
        timer = Task { [weak self] in
            do {
                try await Task.sleep(until: deadline, clock: .continuous)
            } catch {
                return
            }
            await self?.timerFired(generation: generation)
        }
    }

    /// Times out every waiter whose deadline has passed and sets the timer for the next deadline.
    private func timerFired(generation: UInt64) {
        guard generation == timerGeneration else { return }
        timerDeadline = nil
        timer = nil
        let now = ContinuousClock.now
        let expired = waiters.filter { waiter in waiter.deadline.map { $0.instant <= now } ?? false }
        waiters.removeAll { waiter in waiter.deadline.map { $0.instant <= now } ?? false }
        for waiter in expired {
            if let error = waiter.deadline?.error { waiter.fail(error()) }
        }
        if let next = waiters.compactMap({ $0.deadline?.instant }).min() { startTimer(until: next) }
    }

    /// The oldest event not yet taken, waiting at most `timeout` (nil: no limit) for one to arrive. The `.closed`
    /// event is returned once; after it, this throws `.closed`.
    public func nextEvent(timeout: Duration? = nil) async throws(HypergraphClientError) -> HypergraphSessionEvent {
        try await wait(for: "any frame", timeout: timeout, isReplyWaiter: false) { .success($0) }
    }

    /// The next event, which must be a server message; a `.reconnected` event is taken and skipped.
    ///
    /// - Throws: ``HypergraphClientError/undecodableFrame(_:)`` when the next frame is not a server message (it is
    ///   consumed), `.closed` when the connection ended, `.connectionLost` for a `.disconnected` event (consumed),
    ///   `.timedOut` after `timeout`.
    public func nextMessage(timeout: Duration? = nil) async throws(HypergraphClientError) -> ServerMessage {
        let deadline = timeout.map { ContinuousClock.now + $0 }
        while true {
            switch try await nextEvent(timeout: deadline.map { max($0 - ContinuousClock.now, .zero) }) {
            case .message(let message): return message
            case .undecodable(let frame): throw .undecodableFrame(frame)
            case .closed(let code, let reason): throw .closed(code: code, reason: reason)
            case .disconnected(let code, let reason): throw .connectionLost(code: code, reason: reason)
            case .reconnected: continue
            }
        }
    }

    /// The first message, queued or arriving within `timeout`, for which `isMatch` is true; the events before it
    /// stay queued. `description` names what is awaited in the timeout error (e.g. `updates-notification`).
    ///
    /// - Throws: `.closed` when the connection ends first, `.timedOut` after `timeout`.
    public func nextMessage(
        _ description: String, timeout: Duration? = nil, where isMatch: @escaping @Sendable (ServerMessage) -> Bool
    ) async throws(HypergraphClientError) -> ServerMessage {
        try await wait(for: description, timeout: timeout, isReplyWaiter: false) { event in
            guard case .message(let message) = event, isMatch(message) else { return nil }
            return .success(message)
        }
    }

    /// Removes and returns every queued event, without waiting.
    public func drainEvents() -> [HypergraphSessionEvent] {
        defer { queue.removeAll() }
        return queue
    }

    /// Waits `duration` (a quiet period), then removes and returns every queued event — for checking that
    /// something did *not* arrive.
    public func drainEvents(after duration: Duration) async throws(HypergraphClientError) -> [HypergraphSessionEvent] {
        do {
            try await Task.sleep(for: duration)
        } catch {
            throw .cancelled
        }
        return drainEvents()
    }

    /// The events as an asynchronous sequence: each element is taken from the queue as by `nextEvent()`, ending
    /// after `.closed`. Each access creates a new stream over the same queue; ending one (e.g. by cancelling the
    /// task iterating it) leaves the queue and the session intact.
    public nonisolated var events: AsyncStream<HypergraphSessionEvent> {
        AsyncStream(unfolding: { [self] in try? await self.nextEvent() })
    }
}
