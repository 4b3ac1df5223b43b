// Concurrency: PostgresHypergraphStorage holds only immutable references. Database work runs on the connections of
// its pool (each connection serialises its own operations); the change feed's task reports commits in the database's
// order; the UUID v7 generator is guarded by a Mutex. See docs/storage.md ("PostgreSQL").
import HypergraphPostgres
import HypergraphStore
import Synchronization

/// How ``PostgresHypergraphStorage`` connects and runs.
public struct PostgresStoreConfiguration: Sendable {
    /// Where the database is and how to log in.
    public var database: PostgresConfiguration
    /// The most connections the store opens at once; at least 1. Concurrent writes beyond it wait for a connection.
    public var maximumConnections: Int
    /// How long a request waits for a free connection before it fails with ``StoreError/unavailable(_:)``.
    public var acquireTimeout: Duration
    /// The store's clock, used for every stored time and for session token expiry.
    public var clock: @Sendable () -> UnixMilliseconds
    /// Called after each durable commit of this store's updates and events, before the writing call returns, in the
    /// database's commit order (so per space in clock and counter order, interleaved correctly with the changes of
    /// other processes reported to ``onRemoteChange``). It must return quickly.
    public var onCommit: (@Sendable ([CommittedChange]) -> Void)?
    /// Called with every change other processes commit to the database (updates, space events, inbox messages,
    /// account inboxes), in commit order, and with ``RemoteChange/resumed`` after the change feed lost and regained
    /// its connection. The feed waits for each call before it reports the next change, so the receiver may read what
    /// it missed (after `.resumed`) before newer changes arrive; it should otherwise return quickly.
    public var onRemoteChange: (@Sendable (RemoteChange) async -> Void)?
    /// Whether this process has a connection that would receive a remote change with this audience; a change nobody
    /// here would receive is not read from the tables (space events are always read: they may push invitations).
    /// Nil reads every change.
    public var remoteInterest: (@Sendable (RemoteChangeAudience) -> Bool)?

    /// Creates a configuration with defaults suited to a server: up to 20 connections, a 10 s acquire timeout and
    /// the system clock.
    public init(
        database: PostgresConfiguration,
        maximumConnections: Int = 20,
        acquireTimeout: Duration = .seconds(10),
        clock: @escaping @Sendable () -> UnixMilliseconds = SQLiteStoreConfiguration.systemClock,
        onCommit: (@Sendable ([CommittedChange]) -> Void)? = nil,
        onRemoteChange: (@Sendable (RemoteChange) async -> Void)? = nil,
        remoteInterest: (@Sendable (RemoteChangeAudience) -> Bool)? = nil
    ) {
        self.database = database
        self.maximumConnections = maximumConnections
        self.acquireTimeout = acquireTimeout
        self.clock = clock
        self.onCommit = onCommit
        self.onRemoteChange = onRemoteChange
        self.remoteInterest = remoteInterest
    }
}

/// ``HypergraphStorage`` on a PostgreSQL database, shared by any number of server processes.
///
/// Every write is one transaction (the hot path, `appendUpdate`, one statement in one round trip); PostgreSQL's WAL
/// writer commits concurrent transactions together, so many writers share each flush. Per-space update clocks come
/// from the `spaces.next_clock` row, incremented in the insert's transaction: the row lock orders a space's appends
/// across all processes and a rolled-back append gives its clock back (§12 G8). The guarantees are those of
/// docs/storage.md; connection failures surface as ``StoreError/unavailable(_:)`` and never leave a write half done.
public final class PostgresHypergraphStorage: HypergraphStorage {
    /// The configuration the store was opened with.
    public let configuration: PostgresStoreConfiguration
    let pool: PostgresConnectionPool
    let feed: ChangeFeed
    let accountMessageIds = Mutex(UUIDv7Generator())

    /// Connects, creates or migrates the schema (each step in its own transaction under an advisory lock), starts
    /// listening for changes (one more connection, see ``PostgresStoreConfiguration/onRemoteChange``), and returns
    /// the open store.
    ///
    /// - Throws: ``StoreError/unavailable(_:)`` when the database cannot be reached or refuses the login,
    ///   ``StoreError/schemaTooNew(path:found:supported:)``, ``StoreError/foreignDatabase(location:reason:)`` or
    ///   ``StoreError/migrationFailed(path:version:summary:underlying:)``.
    public init(configuration: PostgresStoreConfiguration) async throws {
        guard configuration.maximumConnections >= 1 else {
            throw StoreError.invalidConfiguration(
                "maximumConnections is \(configuration.maximumConnections); it must be at least 1")
        }
        self.configuration = configuration
        let pool = PostgresConnectionPool(
            configuration: configuration.database, maximumConnections: configuration.maximumConnections,
            acquireTimeout: configuration.acquireTimeout)
        let location = configuration.database.redactedURL
        do {
            try await pool.withConnection { connection in
                try await PostgresMigrator.migrate(connection, location: location)
            }
            feed = try await ChangeFeed(
                configuration: configuration.database, pool: pool, onCommit: configuration.onCommit,
                onRemoteChange: configuration.onRemoteChange, remoteInterest: configuration.remoteInterest)
        } catch {
            await pool.close()
            throw Self.storeError(error)
        }
        self.pool = pool
    }

    /// Connects to the database at `url` (`postgres://user:password@host:port/database`) with the default
    /// configuration.
    public convenience init(url: String) async throws {
        let database: PostgresConfiguration
        do {
            database = try PostgresConfiguration(url: url)
        } catch {
            throw StoreError.invalidConfiguration("\(error)")
        }
        try await self.init(configuration: PostgresStoreConfiguration(database: database))
    }

    /// Closes every connection; later calls fail with ``StoreError/closed``. Writes in progress finish or fail first.
    public func close() async {
        await feed.close()
        await pool.close()
    }

    /// Whether the store can serve requests now: the database answers and the change feed is listening; otherwise
    /// why not (for `GET /health`).
    public func health() async -> String? {
        if let problem = feed.status.problem { return "the change feed is not listening: \(problem)" }
        do {
            _ = try await pool.query("SELECT 1")
            return nil
        } catch {
            return "the database does not answer: \(error)"
        }
    }

    // MARK: Running database work

    /// Runs `body` on a pooled connection, with every failure reported as a ``StoreError``.
    func read<T: Sendable>(_ body: @Sendable (PostgresConnection) async throws -> T) async throws -> T {
        do {
            return try await pool.withConnection(body)
        } catch {
            throw Self.storeError(error)
        }
    }

    /// Runs `body` in one transaction on a pooled connection (committed when it returns, rolled back when it
    /// throws), with every failure reported as a ``StoreError``.
    func transaction<T: Sendable>(_ body: @Sendable (PostgresConnection) async throws -> T) async throws -> T {
        do {
            return try await pool.withTransaction(body)
        } catch {
            throw Self.storeError(error)
        }
    }

    /// Runs `body` in one `REPEATABLE READ READ ONLY` transaction, so every query sees the same committed state.
    func readOnlyTransaction<T: Sendable>(_ body: @Sendable (PostgresConnection) async throws -> T) async throws -> T {
        try await read { connection in try await connection.transaction(.readOnlySnapshot, body) }
    }

    /// Runs a write that reports a change to `onCommit`: `write` gets the token its `NOTIFY` must carry and returns
    /// its result and the committed change (nil when it changed nothing). Returns after `onCommit` saw the change, at
    /// its place in the database's commit order.
    func writeReported<T: Sendable>(
        _ write: (_ token: UInt64) async throws -> (result: T, change: CommittedChange?)
    ) async throws -> T {
        let token = feed.register()
        let outcome: (result: T, change: CommittedChange?)
        do {
            outcome = try await write(token)
        } catch {
            feed.cancel(token)
            throw error
        }
        if let change = outcome.change {
            await feed.committed(token, change)
        } else {
            feed.cancel(token)
        }
        return outcome.result
    }

    /// `error` as a ``StoreError``: store errors unchanged, an unreachable database as `.unavailable`, anything else
    /// the database said as `.database`.
    static func storeError(_ error: any Error) -> StoreError {
        switch error {
        case let error as StoreError:
            return error
        case let error as PostgresError:
            switch error {
            case .poolClosed: return .closed
            case .poolTimeout: return .unavailable("PostgreSQL: \(error)")
            default:
                return error.isConnectionProblem
                    ? .unavailable("PostgreSQL: \(error)") : .database("PostgreSQL: \(error)")
            }
        default:
            return .database("\(error)")
        }
    }
}
