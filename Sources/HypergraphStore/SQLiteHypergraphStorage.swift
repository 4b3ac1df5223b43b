// Concurrency: SQLiteHypergraphStorage holds only immutable references; all database work happens on the threads of
// StoreWriter (the one write connection, group commit) and ReaderPool (read connections). See docs/storage.md.

import Foundation

/// How ``SQLiteHypergraphStorage`` opens and runs its database.
public struct SQLiteStoreConfiguration: Sendable {
    /// The database file; created (with its `-wal` and `-shm` companions) when missing.
    public var path: String
    /// How many read connections (and reader threads) to keep; at least 1.
    public var readerCount: Int
    /// How long a connection waits for a lock held by another process (for example `hypergraph identity create`
    /// writing while the server runs) before failing with `SQLITE_BUSY`; at least 0.
    public var busyTimeoutMilliseconds: Int32
    /// The most writes committed together in one transaction; at least 1.
    public var maxBatchSize: Int
    /// The store's clock, used for every stored time and for session token expiry.
    public var clock: @Sendable () -> UnixMilliseconds
    /// Called on the writer thread after each durable commit with the batch's updates and events in commit order,
    /// before the writers are resumed: the place to hand notifications to fan-out in clock order (§12 G8). It must
    /// return quickly (enqueue, do not send) and must not wait for the store.
    public var onCommit: (@Sendable ([CommittedChange]) -> Void)?

    /// Creates a configuration with defaults suited to a server: 4 readers, a 5 s busy timeout, batches of up to
    /// 1,024 writes and the system clock.
    public init(
        path: String,
        readerCount: Int = 4,
        busyTimeoutMilliseconds: Int32 = 5_000,
        maxBatchSize: Int = 1_024,
        clock: @escaping @Sendable () -> UnixMilliseconds = SQLiteStoreConfiguration.systemClock,
        onCommit: (@Sendable ([CommittedChange]) -> Void)? = nil
    ) {
        self.path = path
        self.readerCount = readerCount
        self.busyTimeoutMilliseconds = busyTimeoutMilliseconds
        self.maxBatchSize = maxBatchSize
        self.clock = clock
        self.onCommit = onCommit
    }

    /// Milliseconds since 1970 from the system's wall clock.
    @Sendable public static func systemClock() -> UnixMilliseconds {
        UnixMilliseconds((Date().timeIntervalSince1970 * 1_000).rounded(.down))
    }

    fileprivate func validate() throws {
        if readerCount < 1 {
            throw StoreError.invalidConfiguration("readerCount is \(readerCount); it must be at least 1")
        }
        if busyTimeoutMilliseconds < 0 {
            throw StoreError.invalidConfiguration(
                "busyTimeoutMilliseconds is \(busyTimeoutMilliseconds); it must be at least 0")
        }
        if maxBatchSize < 1 {
            throw StoreError.invalidConfiguration("maxBatchSize is \(maxBatchSize); it must be at least 1")
        }
    }
}

/// ``HypergraphStorage`` on an SQLite database in WAL mode.
///
/// Concurrency rule: all writes go through one ``StoreWriter`` thread that owns the only write connection and commits
/// in groups; reads go to a ``ReaderPool`` of threads that each own one read connection. This type itself holds only
/// those two immutable references and the configuration, so it is `Sendable` and can be shared by every task.
/// Other processes may use the same database file at the same time (SQLite's locks, the busy timeout and
/// `PRAGMA data_version` keep that correct), for example `hypergraph identity create` while the server runs.
public final class SQLiteHypergraphStorage: HypergraphStorage {
    /// The configuration the store was opened with.
    public let configuration: SQLiteStoreConfiguration
    let writer: StoreWriter
    let readers: ReaderPool

    /// Opens the database, creating or migrating its schema (each migration in its own transaction), and starts the
    /// writer and reader threads. Fails with ``StoreError/schemaTooNew(path:found:supported:)`` for a database written
    /// by newer code and ``StoreError/notAHypergraphDatabase(path:applicationID:)`` for another application's file.
    public init(configuration: SQLiteStoreConfiguration) async throws {
        do {
            try configuration.validate()
            let writer = try await StoreWriter.start(configuration: configuration)
            do {
                readers = try await ReaderPool.start(configuration: configuration)
            } catch {
                await writer.close()
                throw error
            }
            self.writer = writer
            self.configuration = configuration
        } catch {
            throw StoreError.wrapping(error)
        }
    }

    /// Opens the database at `path` with the default configuration.
    public convenience init(path: String) async throws {
        try await self.init(configuration: SQLiteStoreConfiguration(path: path))
    }

    deinit {
        // Without close() the threads would wait for work forever; let them finish what was submitted and end.
        writer.shutDown()
        readers.shutDown()
    }

    /// Finishes the writes already submitted, then closes every connection and ends the threads.
    public func close() async {
        await writer.close()
        await readers.close()
    }
}
