// A mutex-protected value: the synchronisation primitive of this module besides task confinement.
import Foundation

/// A value that is only read or written while its lock is held.
///
/// `Synchronization.Mutex` would do the same but needs macOS 15; this keeps the package building on macOS 13.
final class Locked<State>: @unchecked Sendable {
    // @unchecked: `state` is only touched inside `withLock`, which holds `lock`.
    private let lock = NSLock()
    private var state: State

    init(_ state: State) {
        self.state = state
    }

    /// Runs `body` with exclusive access to the value. Keep `body` short; never await or wait for another
    /// thread inside it.
    func withLock<Result>(_ body: (inout State) throws -> Result) rethrows -> Result {
        lock.lock()
        defer { lock.unlock() }
        return try body(&state)
    }
}
