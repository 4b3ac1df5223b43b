// A read-only view of the engine's Selector (epoll on Linux, kqueue on Darwin) for this package's programs outside
// the engine that watch many descriptors themselves, such as the benchmark's blocking subscribers (`package`, not
// public API). Like the Selector it wraps, a watcher belongs to the one thread that calls `wait`; it is deliberately
// not Sendable.

/// Waits for any of many descriptors to become readable, at a cost that grows with the number of ready
/// descriptors rather than the number watched (unlike `poll`).
package final class ReadinessWatcher {
    private let selector: Selector

    /// Creates an empty watcher.
    /// - Throws: `SocketError` when the system refuses a new epoll/kqueue descriptor.
    package init() throws {
        selector = try Selector()
    }

    /// Starts reporting when `descriptor` can be read (or its peer hung up), under `id`.
    /// - Throws: `SocketError` when the descriptor cannot be watched (for example, it is not open).
    package func watch(_ descriptor: Int32, id: UInt64) throws {
        try selector.register(descriptor, id: id, interest: .read)
    }

    /// Stops watching `descriptor`; call before closing it.
    package func unwatch(_ descriptor: Int32) {
        selector.deregister(descriptor)
    }

    /// Waits up to `timeoutMilliseconds` (-1: forever) and calls `body` with the id of each descriptor that
    /// is readable or has failed; returns early, reporting nothing, when a signal interrupts the wait.
    /// - Throws: `SocketError` when the wait itself fails.
    package func wait(timeoutMilliseconds: Int32, _ body: (UInt64) -> Void) throws {
        try selector.wait(timeoutMilliseconds: timeoutMilliseconds) { event in
            if event.readable || event.failed { body(event.id) }
        }
    }
}
