/// A cache of values derived from the database, kept by the writer in the same layers as its SQL: what a job sets is
/// dropped when the job's savepoint is rolled back, what a batch set is dropped when its commit fails, and only
/// committed values outlive the batch. So a cached value never runs ahead of the database.
///
/// Concurrency rule: owned by ``WriteContext`` and used on the writer thread only.
struct TentativeCache<Key: Hashable, Value> {
    /// The most committed entries kept; past it the committed layer starts again empty (and refills from the
    /// database on demand), so the cache stays bounded however many keys are written.
    let committedLimit: Int
    private var committed: [Key: Value] = [:]
    private var batch: [Key: Value] = [:]
    private var job: [Key: Value] = [:]

    init(committedLimit: Int) {
        self.committedLimit = committedLimit
    }

    /// The newest value: the job's, else the batch's, else the committed one.
    subscript(key: Key) -> Value? {
        job[key] ?? batch[key] ?? committed[key]
    }

    /// Sets a value inside the current job.
    mutating func set(_ value: Value, for key: Key) {
        job[key] = value
    }

    /// The job's savepoint was released: its values join the batch.
    mutating func keepJob() {
        batch.merge(job) { _, newer in newer }
        job.removeAll(keepingCapacity: true)
    }

    /// The job's savepoint was rolled back.
    mutating func dropJob() {
        job.removeAll(keepingCapacity: true)
    }

    /// The batch committed: its values become committed.
    mutating func commitBatch() {
        if committed.count + batch.count > committedLimit {
            committed.removeAll()
        }
        committed.merge(batch) { _, newer in newer }
        batch.removeAll(keepingCapacity: true)
    }

    /// The batch was rolled back.
    mutating func dropBatch() {
        batch.removeAll(keepingCapacity: true)
        job.removeAll(keepingCapacity: true)
    }

    /// Another connection committed: committed values may be stale.
    mutating func dropCommitted() {
        committed.removeAll()
    }
}
