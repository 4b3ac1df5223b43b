/// What a write job can use: the write connection (inside the batch transaction and the job's savepoint), the
/// clock, caches of the per-space update clock and of the stored update bytes, and the id generator.
///
/// Concurrency rule: created, used and released on the writer thread only (see ``StoreWriter``); not `Sendable`.
///
/// Everything a job records here is tentative in two layers, mirroring the SQL: a job's changes are dropped when its
/// savepoint is rolled back, and a batch's changes are dropped when its commit fails (see ``TentativeCache``). Only
/// committed values reach the caches' committed layer, so they never run ahead of the database; they are dropped
/// when another connection has committed. Updates are only ever added by this writer (never changed or deleted), so
/// the caches stay exact by counting what ``didStore(_:)`` reports.
final class WriteContext {
    /// The most committed entries each cache keeps (see ``TentativeCache/committedLimit``).
    static let cacheLimit = 100_000

    /// The write connection, inside the batch transaction.
    let connection: SQLiteConnection
    private let clock: @Sendable () -> UnixMilliseconds
    private var uuidV7 = UUIDv7Generator()

    /// The highest clock per space.
    private var highestClocks = TentativeCache<String, Int64>(committedLimit: cacheLimit)
    /// The content bytes of every update, per space and per writing account: the running totals of schema version 3.
    private var spaceBytes = TentativeCache<String, Int64>(committedLimit: cacheLimit)
    private var accountBytes = TentativeCache<String, Int64>(committedLimit: cacheLimit)
    private var batchChanges: [CommittedChange] = []
    private var jobChanges: [CommittedChange] = []
    private var knownDataVersion: Int64?

    init(connection: SQLiteConnection, clock: @escaping @Sendable () -> UnixMilliseconds) {
        self.connection = connection
        self.clock = clock
    }

    // MARK: For write jobs

    /// The current time from the store's clock.
    func now() -> UnixMilliseconds { clock() }

    /// A new UUID v7 (time-ordered) for the time `at`.
    func newUUIDv7(at time: UnixMilliseconds) -> String { uuidV7.next(at: time) }

    /// The clock the space's next update takes: one more than its highest clock, or 0. Nil when the space does not
    /// exist.
    func nextUpdateClock(spaceId: String) throws -> Int64? {
        if let highest = highestClocks[spaceId] {
            return highest + 1
        }
        // An outer row for the space whose column is NULL when it has no update yet; no row when it does not exist.
        let row = try connection.queryFirst(
            "SELECT (SELECT max(clock) FROM updates WHERE space_id = ?1) FROM spaces WHERE id = ?1",
            [.text(spaceId)]
        ) { row in try row.optionalInt64(0) }
        guard let highest = row else { return nil }
        return (highest ?? -1) + 1
    }

    /// The content bytes stored in the space and by the account, from the caches or else from the running totals.
    func storedUpdateBytes(spaceId: String, accountAddress: String) throws -> StoredUpdateBytes {
        func cached(
            _ cache: inout TentativeCache<String, Int64>, _ key: String,
            _ read: (String, SQLiteConnection) throws -> Int64
        ) throws -> Int64 {
            if let bytes = cache[key] { return bytes }
            let bytes = try read(key, connection)
            cache.set(bytes, for: key)
            return bytes
        }
        return StoredUpdateBytes(
            space: try cached(&spaceBytes, spaceId, SQLiteHypergraphStorage.spaceUpdateBytes),
            account: try cached(&accountBytes, accountAddress, SQLiteHypergraphStorage.accountUpdateBytes))
    }

    /// Records that the job stored `update` (its clock becomes the space's highest, its bytes join the totals) and
    /// reports it after commit.
    func didStore(_ update: UpdateRecord) {
        highestClocks.set(update.clock, for: update.spaceId)
        let added = Int64(update.content.count)
        // A total that is not cached is read from the database when next needed, which the insert's trigger updated.
        if let bytes = spaceBytes[update.spaceId] { spaceBytes.set(bytes + added, for: update.spaceId) }
        if let bytes = accountBytes[update.accountAddress] {
            accountBytes.set(bytes + added, for: update.accountAddress)
        }
        jobChanges.append(.update(update))
    }

    /// Reports `event` after commit.
    func didAppend(_ event: SpaceEventRecord) {
        jobChanges.append(.spaceEvent(event))
    }

    // MARK: For the writer loop

    /// Starts the batch transaction, taking the write lock (waiting up to the busy timeout for other processes).
    /// Drops the caches' committed values when another connection has committed since the last batch, because it may
    /// have stored updates.
    func beginBatch() throws {
        try connection.execute("BEGIN IMMEDIATE")
        let version = try connection.dataVersion()
        if version != knownDataVersion {
            forEachCache { $0.dropCommitted() }
            knownDataVersion = version
        }
    }

    /// Starts one job's savepoint.
    func beginJob() throws {
        try connection.execute("SAVEPOINT job")
    }

    /// Keeps the job's writes in the batch.
    func endJob() throws {
        try connection.execute("RELEASE job")
        forEachCache { $0.keepJob() }
        batchChanges += jobChanges
        jobChanges.removeAll()
    }

    /// Undoes the job's writes; the rest of the batch is kept.
    func rollBackJob() throws {
        forEachCache { $0.dropJob() }
        jobChanges.removeAll()
        try connection.execute("ROLLBACK TO job")
        try connection.execute("RELEASE job")
    }

    /// Commits the batch durably and returns the changes it made, in order.
    func commitBatch() throws -> [CommittedChange] {
        try connection.execute("COMMIT")
        forEachCache { $0.commitBatch() }
        let changes = batchChanges
        batchChanges.removeAll()
        return changes
    }

    /// Rolls the whole batch back after a failure outside any single job.
    func abortBatch() {
        forEachCache { $0.dropBatch() }
        jobChanges.removeAll()
        batchChanges.removeAll()
        connection.rollback()
    }

    private func forEachCache(_ change: (inout TentativeCache<String, Int64>) -> Void) {
        change(&highestClocks)
        change(&spaceBytes)
        change(&accountBytes)
    }
}
