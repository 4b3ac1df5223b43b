// Concurrency: `holders` is guarded by its Mutex; waiters are resumed outside the lock.
import Synchronization

/// Runs the operations of one key (a space id) one after the other, in arrival order, while operations of other keys
/// run in parallel.
///
/// The database already serialises a space's appends (the row lock on `spaces`); this keeps *this process* from
/// reporting two commits of one space to `onCommit` in the wrong order when their replies arrive on different
/// connections. A key with no operation running or waiting has no entry, so memory is bounded by the number of
/// spaces being written at the moment.
final class SpaceSerializer: Sendable {
    /// Per key in use: the operations waiting behind the running one.
    private let holders = Mutex([String: [CheckedContinuation<Void, Never>]]())

    /// Runs `operation` once every earlier operation of `key` has finished.
    func run<T>(_ key: String, _ operation: () async throws -> T) async throws -> T {
        await acquire(key)
        defer { release(key) }
        return try await operation()
    }

    private func acquire(_ key: String) async {
        let acquired = holders.withLock { holders in
            guard holders[key] == nil else { return false }
            holders[key] = []
            return true
        }
        if acquired { return }
        await withCheckedContinuation { (waiter: CheckedContinuation<Void, Never>) in
            let acquiredMeanwhile = holders.withLock { holders in
                guard holders[key] != nil else {
                    holders[key] = []
                    return true
                }
                holders[key]!.append(waiter)
                return false
            }
            if acquiredMeanwhile { waiter.resume() }
        }
    }

    /// Hands the key to the next waiter, or forgets it when nobody waits.
    private func release(_ key: String) {
        let next = holders.withLock { holders -> CheckedContinuation<Void, Never>? in
            guard var waiters = holders[key], !waiters.isEmpty else {
                holders[key] = nil
                return nil
            }
            let first = waiters.removeFirst()
            holders[key] = waiters
            return first
        }
        next?.resume()
    }
}
