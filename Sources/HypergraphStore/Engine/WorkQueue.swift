import Dispatch
import Foundation

/// A first-in first-out queue of jobs between any number of submitting threads and the worker threads that drain it.
///
/// Concurrency rule: `jobs` and `isClosed` are only touched while holding `condition`; that lock is what makes the
/// `@unchecked Sendable` conformance true. Workers block in ``take(upTo:)`` until there is work or the queue is
/// closed.
final class WorkQueue<Job: Sendable>: @unchecked Sendable {
    private let condition = NSCondition()
    private var jobs: [Job] = []
    private var isClosed = false

    /// Adds a job; returns false (and drops it) once the queue is closed.
    func submit(_ job: Job) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        guard !isClosed else { return false }
        jobs.append(job)
        condition.signal()
        return true
    }

    /// Waits for work and removes up to `limit` jobs, oldest first. Returns nil when the queue is closed and empty:
    /// jobs submitted before ``close()`` are still handed out.
    func take(upTo limit: Int) -> [Job]? {
        condition.lock()
        defer { condition.unlock() }
        while jobs.isEmpty && !isClosed {
            condition.wait()
        }
        guard !jobs.isEmpty else { return nil }
        let count = min(limit, jobs.count)
        let taken = Array(jobs.prefix(count))
        jobs.removeFirst(count)
        if !jobs.isEmpty {
            condition.signal() // Another idle worker can take the rest.
        }
        return taken
    }

    /// Refuses new jobs and wakes every waiting worker.
    func close() {
        condition.lock()
        isClosed = true
        condition.broadcast()
        condition.unlock()
    }
}

/// Starts a thread that owns a resource (an SQLite connection) for its whole life: `setUp` creates the resource on
/// the new thread, `run` then uses it there until it returns, and the resource is released on that thread. So the
/// resource never crosses threads and need not be `Sendable`.
///
/// Returns once `setUp` succeeded, or rethrows its error (the thread has then ended). `finished` is entered before the
/// thread starts and left when it ends, so callers can wait for the thread.
func startOwningThread<Resource>(
    name: String,
    finished: DispatchGroup,
    setUp: @escaping @Sendable () throws -> Resource,
    run: @escaping @Sendable (Resource) -> Void
) async throws {
    try await withCheckedThrowingContinuation { (started: CheckedContinuation<Void, any Error>) in
        finished.enter()
        let thread = Thread {
            defer { finished.leave() }
            let resource: Resource
            do {
                resource = try setUp()
            } catch {
                started.resume(throwing: error)
                return
            }
            started.resume()
            run(resource)
        }
        thread.name = name
        thread.start()
    }
}

extension DispatchGroup {
    /// Suspends until every `enter()` has been matched by a `leave()`.
    func waitUntilEmpty() async {
        await withCheckedContinuation { (done: CheckedContinuation<Void, Never>) in
            notify(queue: .global()) { done.resume() }
        }
    }
}
