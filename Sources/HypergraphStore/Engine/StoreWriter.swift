import Dispatch

/// The single writer with group commit.
///
/// Concurrency rule: one dedicated thread ("HypergraphStore.writer") owns the write connection and its
/// ``WriteContext``; every write of the store runs on it, so writes have one total order and clock assignment needs
/// no lock. Callers on any thread or task submit jobs to ``queue`` (lock-protected, see ``WorkQueue``) and suspend.
///
/// Group commit: the thread takes *every* job waiting in the queue (up to `maxBatchSize`) and runs them in one
/// `BEGIN IMMEDIATE` transaction, each job inside its own savepoint so a failing job is undone without touching the
/// others. One `COMMIT` (fsync'ed, `synchronous = FULL`) then makes the whole batch durable. Jobs that arrive while a
/// commit is in flight wait in the queue and form the next batch, so the number of fsyncs per second stays bounded
/// while throughput grows with the number of concurrent writers. Only after the commit returns are the committed
/// changes reported to `onCommit` and the callers resumed, in submission order; if the commit fails, every job of the
/// batch fails with that error and nothing of it is visible.
final class StoreWriter: Sendable {
    /// One submitted write: `perform` runs on the writer thread and returns how to resume the caller on success;
    /// `fail` resumes the caller with an error.
    private struct Job: Sendable {
        let perform: @Sendable (WriteContext) throws -> @Sendable () -> Void
        let fail: @Sendable (StoreError) -> Void
    }

    private let queue = WorkQueue<Job>()
    private let finished = DispatchGroup()

    private init() {}

    /// Opens the write connection on a new writer thread, migrates the schema and starts taking jobs.
    static func start(configuration: SQLiteStoreConfiguration) async throws -> StoreWriter {
        let writer = StoreWriter()
        try await startOwningThread(
            name: "HypergraphStore.writer",
            finished: writer.finished,
            setUp: {
                let connection = try SQLiteConnection(
                    path: configuration.path, role: .writer,
                    busyTimeoutMilliseconds: configuration.busyTimeoutMilliseconds)
                try Migrator.migrate(connection)
                return WriteContext(connection: connection, clock: configuration.clock)
            },
            run: { [queue = writer.queue] context in
                while let batch = queue.take(upTo: configuration.maxBatchSize) {
                    runBatch(batch, in: context, onCommit: configuration.onCommit)
                }
            }
        )
        return writer
    }

    /// Runs `body` on the writer thread inside the next batch and returns its result once the batch is durably
    /// committed. If `body` throws, its writes are undone and the error is rethrown as a ``StoreError``.
    func write<Result: Sendable>(_ body: @escaping @Sendable (WriteContext) throws -> Result) async throws -> Result {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Result, any Error>) in
            let job = Job(
                perform: { context in
                    let result = try body(context)
                    return { continuation.resume(returning: result) }
                },
                fail: { continuation.resume(throwing: $0) }
            )
            if !queue.submit(job) {
                continuation.resume(throwing: StoreError.closed)
            }
        }
    }

    /// Refuses new writes; the writer thread finishes the jobs already submitted and then closes the connection.
    func shutDown() {
        queue.close()
    }

    /// ``shutDown()``, then waits until the writer thread has ended.
    func close() async {
        shutDown()
        await finished.waitUntilEmpty()
    }

    private static func runBatch(
        _ batch: [Job], in context: WriteContext, onCommit: (@Sendable ([CommittedChange]) -> Void)?
    ) {
        var outcomes: [Result<@Sendable () -> Void, StoreError>] = []
        outcomes.reserveCapacity(batch.count)
        let changes: [CommittedChange]
        do {
            try context.beginBatch()
            for job in batch {
                try context.beginJob()
                do {
                    let resume = try job.perform(context)
                    try context.endJob()
                    outcomes.append(.success(resume))
                } catch {
                    // A failed rollback escapes to the outer catch: the transaction is then in doubt, so the batch is
                    // abandoned as a whole.
                    try context.rollBackJob()
                    outcomes.append(.failure(StoreError.wrapping(error)))
                }
            }
            changes = try context.commitBatch()
        } catch {
            context.abortBatch()
            let batchFailure = StoreError.wrapping(error)
            for (index, job) in batch.enumerated() {
                // A job that had already failed on its own keeps its own, more precise error.
                if index < outcomes.count, case .failure(let jobFailure) = outcomes[index] {
                    job.fail(jobFailure)
                } else {
                    job.fail(batchFailure)
                }
            }
            return
        }
        if !changes.isEmpty {
            onCommit?(changes)
        }
        for (job, outcome) in zip(batch, outcomes) {
            switch outcome {
            case .success(let resume): resume()
            case .failure(let error): job.fail(error)
            }
        }
    }
}
