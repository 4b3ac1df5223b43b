import Dispatch

/// The read side: a fixed number of threads, each owning one read-only connection.
///
/// Concurrency rule: each connection is confined to its thread; callers submit read jobs to the shared ``queue``
/// (lock-protected, see ``WorkQueue``) and suspend until one of the threads has run the job. In WAL mode these
/// connections read the last committed state while the writer is writing, so reads never wait for writes, and blocking
/// SQLite calls never run on Swift's cooperative thread pool.
final class ReaderPool: Sendable {
    private typealias Job = @Sendable (SQLiteConnection) -> Void

    private let queue = WorkQueue<Job>()
    private let finished = DispatchGroup()

    private init() {}

    /// Opens `configuration.readerCount` read connections, each on its own thread. The schema must already exist.
    static func start(configuration: SQLiteStoreConfiguration) async throws -> ReaderPool {
        let pool = ReaderPool()
        do {
            for index in 0..<configuration.readerCount {
                try await startOwningThread(
                    name: "HypergraphStore.reader.\(index)",
                    finished: pool.finished,
                    setUp: {
                        try SQLiteConnection(
                            path: configuration.path, role: .reader,
                            busyTimeoutMilliseconds: configuration.busyTimeoutMilliseconds)
                    },
                    run: { [queue = pool.queue] connection in
                        while let jobs = queue.take(upTo: 1) {
                            for job in jobs { job(connection) }
                        }
                    }
                )
            }
        } catch {
            await pool.close()
            throw error
        }
        return pool
    }

    /// Runs `body` on a read connection and returns its result; errors are rethrown as ``StoreError``.
    /// `body` should run several queries inside `connection.transaction(immediate: false)` when they must agree.
    func read<Result: Sendable>(_ body: @escaping @Sendable (SQLiteConnection) throws -> Result) async throws -> Result
    {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Result, any Error>) in
            let submitted = queue.submit { connection in
                do {
                    continuation.resume(returning: try body(connection))
                } catch {
                    continuation.resume(throwing: StoreError.wrapping(error))
                }
            }
            if !submitted {
                continuation.resume(throwing: StoreError.closed)
            }
        }
    }

    /// Refuses new reads; the threads finish the reads already submitted and close their connections.
    func shutDown() {
        queue.close()
    }

    /// ``shutDown()``, then waits until every reader thread has ended.
    func close() async {
        shutDown()
        await finished.waitUntilEmpty()
    }
}
