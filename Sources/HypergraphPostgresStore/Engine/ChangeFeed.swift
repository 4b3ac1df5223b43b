// Concurrency: `state` is guarded by its Mutex; continuations are resumed outside it. The feed's loop runs in one
// task and handles notifications one at a time, so `onCommit` and `onRemoteChange` are called in commit order.
import Foundation
import HypergraphPostgres
import HypergraphStore
import Synchronization

/// The store's view of every change committed to the database, by any process, in commit order.
///
/// Every write that others must hear of sends a `NOTIFY` in its transaction (``ChangeNotification``); PostgreSQL
/// delivers notifications after commit, in commit order, to each listening connection. The feed keeps one such
/// connection. A write of this store that others broadcast (updates, space events) registers a token first and,
/// after its `COMMIT`, waits for its own notification (its *echo*): the feed then reports it to `onCommit`, so
/// `onCommit` sees this process's writes and other processes' changes in one order, the database's. Other processes'
/// changes are read from the tables and reported to `onRemoteChange`.
///
/// When the listening connection fails, the feed reconnects with backoff; writers waiting for an echo are released
/// (their change reported at once) and `onRemoteChange(.resumed)` tells the server to read what it missed.
final class ChangeFeed: Sendable {
    /// Where a registered write stands.
    private enum Pending {
        /// Registered; the writer has not reported its commit yet.
        case open
        /// Committed; the writer waits for its echo.
        case committed(CommittedChange, CheckedContinuation<Void, Never>)
        /// The echo came before the writer reported its commit; the feed waits for the writer (true: handled).
        case echoed(CheckedContinuation<Bool, Never>)
        /// The listening connection was lost while the write was open; its echo may never come.
        case unreliable
    }

    private struct State {
        var nextToken: UInt64 = 1
        var pending: [UInt64: Pending] = [:]
        var listening: PostgresConnection?
        var lastError: String?
        var closed = false
    }

    /// This store instance's name in notifications.
    let node = UUIDv4.random()
    private let configuration: PostgresConfiguration
    private let pool: PostgresConnectionPool
    private let onCommit: (@Sendable ([CommittedChange]) -> Void)?
    private let onRemoteChange: (@Sendable (RemoteChange) async -> Void)?
    private let remoteInterest: (@Sendable (RemoteChangeAudience) -> Bool)?
    private let state = Mutex(State())
    private let loop = Mutex<Task<Void, Never>?>(nil)

    /// Connects and starts listening; fails when the database cannot be reached.
    init(
        configuration: PostgresConfiguration, pool: PostgresConnectionPool,
        onCommit: (@Sendable ([CommittedChange]) -> Void)?, onRemoteChange: (@Sendable (RemoteChange) async -> Void)?,
        remoteInterest: (@Sendable (RemoteChangeAudience) -> Bool)?
    ) async throws {
        self.configuration = configuration
        self.pool = pool
        self.onCommit = onCommit
        self.onRemoteChange = onRemoteChange
        self.remoteInterest = remoteInterest
        let first = try await listen()
        loop.withLock { $0 = Task { await self.run(first) } }
    }

    /// Whether the feed is listening now, or why not (for health checks).
    var status: (listening: Bool, problem: String?) {
        state.withLock { ($0.listening != nil, $0.listening == nil ? $0.lastError ?? "not listening" : nil) }
    }

    /// Stops listening and releases every waiting writer.
    func close() async {
        let connection = state.withLock { state -> PostgresConnection? in
            state.closed = true
            return state.listening
        }
        loop.withLock { $0?.cancel() }
        await connection?.close()
        await loop.withLock { $0 }?.value
        releaseAfterGap()
    }

    // MARK: Writers

    /// Registers a write that will wait for its echo; its notification carries the returned token.
    func register() -> UInt64 {
        state.withLock { state in
            let token = state.nextToken
            state.nextToken += 1
            state.pending[token] = .open
            return token
        }
    }

    /// Reports that the write with `token` committed `change`, and returns once `onCommit` has been called for it,
    /// after every change committed before it.
    func committed(_ token: UInt64, _ change: CommittedChange) async {
        await withCheckedContinuation { (writer: CheckedContinuation<Void, Never>) in
            let feed = state.withLock { state -> EchoWait in
                switch state.pending[token] {
                case .open?:
                    state.pending[token] = .committed(change, writer)
                    return .feedReports
                case .echoed(let feed)?:
                    state.pending[token] = nil
                    return .writerReports(pausedFeed: feed)
                case .committed?, .unreliable?, nil:
                    state.pending[token] = nil
                    return .writerReports(pausedFeed: nil)
                }
            }
            guard case .writerReports(let pausedFeed) = feed else { return }
            // The feed is paused at this change's place, or lost its place: report it here.
            onCommit?([change])
            writer.resume()
            pausedFeed?.resume(returning: true)
        }
    }

    /// Who reports a committed write to `onCommit`.
    private enum EchoWait {
        /// The feed will, when the echo arrives.
        case feedReports
        /// The writer, now (resuming the feed if it waits at the change's place).
        case writerReports(pausedFeed: CheckedContinuation<Bool, Never>?)
    }

    /// Forgets a registered write that stored nothing to report (it failed, or it changed nothing). If its outcome is
    /// unknown (the connection dropped during `COMMIT`) and it did commit, its echo is reported as a remote change.
    func cancel(_ token: UInt64) {
        let feed = state.withLock { state -> CheckedContinuation<Bool, Never>? in
            guard case .echoed(let feed)? = state.pending.removeValue(forKey: token) else { return nil }
            return feed
        }
        feed?.resume(returning: false)
    }

    // MARK: Listening

    private func listen() async throws -> PostgresConnection {
        let connection = try await PostgresConnection.connect(configuration)
        do {
            try await connection.simpleQuery("LISTEN \(ChangeNotification.channel)")
        } catch {
            await connection.close()
            throw error
        }
        let closed = state.withLock { state -> Bool in
            state.listening = connection
            state.lastError = nil
            return state.closed
        }
        if closed { await connection.close() }
        return connection
    }

    private func run(_ first: PostgresConnection) async {
        var connection: PostgresConnection? = first
        var delay = Duration.milliseconds(50)
        while !Task.isCancelled {
            if let current = connection {
                do {
                    for try await notification in current.notifications {
                        try await handle(notification)
                    }
                    state.withLock { $0.lastError = "the listening connection was closed" }
                } catch {
                    state.withLock { $0.lastError = "\(error)" }
                }
                await current.close()
                state.withLock { $0.listening = nil }
                connection = nil
            }
            if state.withLock({ $0.closed }) { return }
            try? await Task.sleep(for: delay)
            do {
                connection = try await listen()
                delay = .milliseconds(50)
                releaseAfterGap()
                await onRemoteChange?(.resumed)
            } catch {
                state.withLock { $0.lastError = "\(error)" }
                delay = min(delay * 2, .seconds(2))
            }
        }
    }

    /// Writers waiting for an echo that may have been lost get their change reported now; open writes will not wait.
    private func releaseAfterGap() {
        let released = state.withLock { state -> [(CommittedChange, CheckedContinuation<Void, Never>)] in
            var released: [(CommittedChange, CheckedContinuation<Void, Never>)] = []
            for (token, pending) in state.pending {
                switch pending {
                case .committed(let change, let writer):
                    released.append((change, writer))
                    state.pending[token] = nil
                case .open:
                    state.pending[token] = .unreliable
                case .echoed, .unreliable:
                    break
                }
            }
            return released
        }
        for (change, writer) in released {
            onCommit?([change])
            writer.resume()
        }
    }

    private func handle(_ notification: PostgresNotification) async throws {
        guard let change = ChangeNotification(payload: notification.payload) else { return }
        if change.node == node {
            if change.token == 0 { return } // This process published it when it wrote it.
            if await reportEcho(change.token) { return }
        }
        if let audience = change.subject.audience, remoteInterest?(audience) == false { return }
        if let remote = try await read(change.subject) {
            await onRemoteChange?(remote)
        }
    }

    /// Reports this store's own write at its place in the commit order; false when it must be read like another
    /// process's change (its writer gave up on it).
    private func reportEcho(_ token: UInt64) async -> Bool {
        await withCheckedContinuation { (feed: CheckedContinuation<Bool, Never>) in
            enum Next {
                case report(CommittedChange, CheckedContinuation<Void, Never>)
                case wait, unknown
            }
            let next = state.withLock { state -> Next in
                switch state.pending[token] {
                case .committed(let change, let writer)?:
                    state.pending[token] = nil
                    return .report(change, writer)
                case .open?:
                    // The writer's own COMMIT reply is on its way: hold every later change until it reports.
                    state.pending[token] = .echoed(feed)
                    return .wait
                case .unreliable?, .echoed?, nil:
                    state.pending[token] = nil
                    return .unknown
                }
            }
            switch next {
            case .report(let change, let writer):
                onCommit?([change])
                writer.resume()
                feed.resume(returning: true)
            case .unknown:
                feed.resume(returning: false)
            case .wait:
                break
            }
        }
    }

    /// Reads a change another process made; nil when it is gone (it cannot be: notifications follow commits).
    private func read(_ subject: ChangeNotification.Subject) async throws -> RemoteChange? {
        try await pool.withConnection { connection in
            switch subject {
            case .update(let spaceId, let clock):
                return try await PostgresHypergraphStorage.updates(
                    spaceId: spaceId, after: clock - 1, through: clock, connection
                ).first.map(RemoteChange.update)
            case .spaceEvent(let spaceId, let counter):
                return try await connection.query(
                    """
                    SELECT space_id, counter, id, event_json, created_at FROM space_events
                    WHERE space_id = $1 AND counter = $2
                    """,
                    [.text(spaceId), .int64(counter)]
                ).rows.first.map { RemoteChange.spaceEvent(try SpaceEventRecord(row: $0)) }
            case .spaceInboxMessage(let spaceId, let inboxId, let messageId):
                return try await PostgresHypergraphStorage.message(id: messageId, in: .space, connection).map {
                    RemoteChange.spaceInboxMessage(spaceId: spaceId, inboxId: inboxId, message: $0)
                }
            case .accountInboxMessage(let accountAddress, let inboxId, let messageId):
                return try await PostgresHypergraphStorage.message(id: messageId, in: .account, connection).map {
                    RemoteChange.accountInboxMessage(accountAddress: accountAddress, inboxId: inboxId, message: $0)
                }
            case .accountInbox(let accountAddress, let inboxId):
                return try await PostgresHypergraphStorage.accountInbox(
                    accountAddress: accountAddress, inboxId: inboxId, connection
                ).map(RemoteChange.accountInbox)
            }
        }
    }
}
