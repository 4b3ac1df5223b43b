// A bounded pool of PostgreSQL connections.
//
// Concurrency: all pool state (idle connections, the count of open or opening connections, the FIFO of
// waiting callers) is guarded by one Mutex; connections are opened, checked and closed outside it. A waiter is
// resumed exactly once: by a release that hands it a connection or a free slot, by its timeout, or by close().
import HypergraphEventLoop
import Synchronization

/// Lends connections to one caller at a time.
///
/// At most `maximumConnections` are open; they are opened on demand. Callers beyond that wait in arrival order
/// for up to `acquireTimeout`. A connection that failed with a connection problem (or closed) is discarded and
/// never lent again; an idle connection unused for `idleCheckInterval` is pinged (one Sync round trip) before
/// it is lent; after a server restart, new connections are opened as needed, so the pool recovers by itself.
/// A body that leaves a transaction open gets it rolled back before the connection goes back to the pool.
public final class PostgresConnectionPool: Sendable {
    /// How long a connection may sit idle before it is pinged on its next use.
    static let idleCheckInterval = Duration.seconds(5)

    /// What a waiting caller receives.
    private enum Grant {
        case connection(PostgresConnection)
        /// A free slot: open a new connection.
        case slot
        case failure(PostgresError)
    }

    private struct Waiter {
        var id: UInt64
        var continuation: CheckedContinuation<Grant, Never>
    }

    private struct State {
        var idle: [PostgresConnection] = []
        /// Connections open or being opened, lent or idle.
        var openCount = 0
        var waiters = FIFO<Waiter>()
        var nextWaiterID: UInt64 = 0
        var closed = false
    }

    private let configuration: PostgresConfiguration
    private let maximumConnections: Int
    private let acquireTimeout: Duration
    private let onNotice: (@Sendable (PostgresNotice) -> Void)?
    private let state = Mutex(State())

    /// Creates a pool; no connection is opened until one is needed.
    public init(
        configuration: PostgresConfiguration, maximumConnections: Int = 10, acquireTimeout: Duration = .seconds(10),
        onNotice: (@Sendable (PostgresNotice) -> Void)? = nil
    ) {
        self.configuration = configuration
        self.maximumConnections = max(1, maximumConnections)
        self.acquireTimeout = acquireTimeout
        self.onNotice = onNotice
    }

    /// Lends a connection to `body` and takes it back afterwards (also when `body` throws).
    @discardableResult
    public func withConnection<T: Sendable>(_ body: @Sendable (PostgresConnection) async throws -> T) async throws -> T
    {
        let connection = try await acquire()
        let value: T
        do {
            value = try await body(connection)
        } catch {
            await release(connection, after: error)
            throw error
        }
        await release(connection)
        return value
    }

    /// Runs `body` in a transaction on a lent connection (see `PostgresConnection.transaction`).
    @discardableResult
    public func withTransaction<T: Sendable>(_ body: @Sendable (PostgresConnection) async throws -> T) async throws -> T
    {
        try await withConnection { connection in try await connection.transaction(.readWrite, body) }
    }

    /// Runs one statement on a lent connection (see `PostgresConnection.query`).
    @discardableResult
    public func query(_ sql: String, _ parameters: [PostgresValue] = []) async throws(PostgresError)
        -> PostgresQueryResult
    {
        let connection = try await acquire()
        do {
            let result = try await connection.query(sql, parameters)
            await release(connection)
            return result
        } catch {
            await release(connection, after: error)
            throw error
        }
    }

    /// Closes idle connections and fails waiting callers with `poolClosed`; lent connections close when they
    /// come back.
    public func close() async {
        let (idle, waiters) = state.withLock { state -> ([PostgresConnection], [Waiter]) in
            state.closed = true
            let idle = state.idle
            state.idle = []
            state.openCount -= idle.count
            var waiters: [Waiter] = []
            while let waiter = state.waiters.popFirst() { waiters.append(waiter) }
            return (idle, waiters)
        }
        for waiter in waiters { waiter.continuation.resume(returning: .failure(.poolClosed)) }
        for connection in idle { await connection.close() }
    }

    // MARK: Lending

    private func acquire() async throws(PostgresError) -> PostgresConnection {
        while true {
            switch await nextGrant() {
            case .failure(let error):
                throw error
            case .slot:
                do {
                    return try await PostgresConnection.connect(configuration, onNotice: onNotice)
                } catch {
                    freeSlot()
                    throw error
                }
            case .connection(let connection):
                if await isHealthy(connection) { return connection }
                freeSlot()
            }
        }
    }

    /// An idle connection or a free slot now, or after waiting in line.
    private func nextGrant() async -> Grant {
        let (immediate, id) = state.withLock { state -> (Grant?, UInt64) in
            if state.closed { return (.failure(.poolClosed), 0) }
            if let connection = state.idle.popLast() { return (.connection(connection), 0) }
            if state.openCount < maximumConnections {
                state.openCount += 1
                return (.slot, 0)
            }
            state.nextWaiterID += 1
            return (nil, state.nextWaiterID)
        }
        if let immediate { return immediate }
        let timeout = acquireTimeout
        let maximum = maximumConnections
        return await withCheckedContinuation { continuation in
            let waiting = state.withLock { state -> Bool in
                // Something may have been released between the two locks.
                if let connection = state.idle.popLast() {
                    continuation.resume(returning: .connection(connection))
                    return false
                }
                state.waiters.append(Waiter(id: id, continuation: continuation))
                return true
            }
            guard waiting else { return }
            Task { [weak self] in
                try? await Task.sleep(for: timeout)
                self?.expireWaiter(id, timeout: timeout, maximum: maximum)
            }
        }
    }

    private func expireWaiter(_ id: UInt64, timeout: Duration, maximum: Int) {
        let expired = state.withLock { state -> Waiter? in
            var kept = FIFO<Waiter>()
            var expired: Waiter?
            while let waiter = state.waiters.popFirst() {
                if waiter.id == id { expired = waiter } else { kept.append(waiter) }
            }
            state.waiters = kept
            return expired
        }
        expired?.continuation.resume(
            returning: .failure(
                .poolTimeout("all \(maximum) connections stayed busy for \(timeout)")))
    }

    /// Whether `connection` may be lent: open, and answering a ping if it sat idle for a while.
    private func isHealthy(_ connection: PostgresConnection) async -> Bool {
        if connection.isClosed { return false }
        guard ContinuousClock.now - connection.status.lastReady > Self.idleCheckInterval else { return true }
        do {
            try await connection.ping()
            return true
        } catch {
            await connection.close()
            return false
        }
    }

    /// Takes a connection back: a broken one (closed, or its user saw a connection problem) is closed and frees
    /// its slot; one left in a transaction is rolled back first.
    private func release(_ connection: PostgresConnection, after error: (any Error)? = nil) async {
        if let error = error as? PostgresError, error.isConnectionProblem, !connection.isClosed {
            await connection.close()
        }
        if !connection.isClosed, connection.isInTransaction {
            if (try? await connection.simpleQuery("ROLLBACK")) == nil { await connection.close() }
        }
        guard !connection.isClosed else { return freeSlot() }
        let (waiter, closeNow) = state.withLock { state -> (Waiter?, Bool) in
            if state.closed {
                state.openCount -= 1
                return (nil, true)
            }
            if let waiter = state.waiters.popFirst() { return (waiter, false) }
            state.idle.append(connection)
            return (nil, false)
        }
        waiter?.continuation.resume(returning: .connection(connection))
        if closeNow { await connection.close() }
    }

    /// A connection is gone (or was never opened): its slot goes to the first waiter, else it is free.
    private func freeSlot() {
        let waiter = state.withLock { state -> Waiter? in
            if !state.closed, let waiter = state.waiters.popFirst() { return waiter }
            state.openCount -= 1
            return nil
        }
        waiter?.continuation.resume(returning: .slot)
    }
}
