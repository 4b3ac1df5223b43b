/// What a write job can use: the write connection (inside the batch transaction and the job's savepoint), the
/// clock, the per-space update clock cache and the id generator.
///
/// Concurrency rule: created, used and released on the writer thread only (see ``StoreWriter``); not `Sendable`.
///
/// Everything a job records here is tentative in two layers, mirroring the SQL: a job's changes are dropped when its
/// savepoint is rolled back, and a batch's changes are dropped when its commit fails. Only committed clocks reach the
/// cache, so the cache never runs ahead of the database.
final class WriteContext {
    /// The write connection, inside the batch transaction.
    let connection: SQLiteConnection
    private let clock: @Sendable () -> UnixMilliseconds
    private var uuidV7 = UUIDv7Generator()

    /// The highest durable clock per space. Valid while no other connection has written (see ``beginBatch()``).
    private var committedClocks: [String: Int64] = [:]
    private var batchClocks: [String: Int64] = [:]
    private var jobClocks: [String: Int64] = [:]
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
        if let highest = jobClocks[spaceId] ?? batchClocks[spaceId] ?? committedClocks[spaceId] {
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

    /// Records that the job stored `update` (its clock becomes the space's highest) and reports it after commit.
    func didStore(_ update: UpdateRecord) {
        jobClocks[update.spaceId] = update.clock
        jobChanges.append(.update(update))
    }

    /// Reports `event` after commit.
    func didAppend(_ event: SpaceEventRecord) {
        jobChanges.append(.spaceEvent(event))
    }

    // MARK: For the writer loop

    /// Starts the batch transaction, taking the write lock (waiting up to the busy timeout for other processes).
    /// Drops the clock cache when another connection has committed since the last batch, because it may have stored
    /// updates.
    func beginBatch() throws {
        try connection.execute("BEGIN IMMEDIATE")
        let version = try connection.dataVersion()
        if version != knownDataVersion {
            committedClocks.removeAll()
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
        batchClocks.merge(jobClocks) { _, job in job }
        batchChanges += jobChanges
        jobClocks.removeAll()
        jobChanges.removeAll()
    }

    /// Undoes the job's writes; the rest of the batch is kept.
    func rollBackJob() throws {
        jobClocks.removeAll()
        jobChanges.removeAll()
        try connection.execute("ROLLBACK TO job")
        try connection.execute("RELEASE job")
    }

    /// Commits the batch durably and returns the changes it made, in order.
    func commitBatch() throws -> [CommittedChange] {
        try connection.execute("COMMIT")
        committedClocks.merge(batchClocks) { _, batch in batch }
        let changes = batchChanges
        batchClocks.removeAll()
        batchChanges.removeAll()
        return changes
    }

    /// Rolls the whole batch back after a failure outside any single job.
    func abortBatch() {
        jobClocks.removeAll()
        jobChanges.removeAll()
        batchClocks.removeAll()
        batchChanges.removeAll()
        connection.rollback()
    }
}
