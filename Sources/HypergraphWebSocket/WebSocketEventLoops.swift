// How many event-loop threads the engine runs. Every server and client in a process shares one set of loops;
// its size is fixed when the first server or client starts (see EventLoopGroup in EventLoop.swift).
import HypergraphEventLoop

/// The event-loop threads that every WebSocket server and client in this process runs on.
///
/// By default there is one loop per core, at most four. Fewer loops leave cores to the application (a server
/// that verifies signatures on the global executor and writes to a database from threads of its own) or to a
/// load generator on the same machine; more do not help beyond the core count.
public enum WebSocketEventLoops {
    /// The loop counts `configure(count:)` accepts.
    public static let allowedCounts = 1...64

    /// The number of loops when none is configured: one per core, at most four.
    public static var defaultCount: Int { EventLoopGroup.defaultCount }

    /// The number of loops: those running, else the configured count, else `defaultCount`.
    public static var count: Int { EventLoopGroup.count }

    /// Sets how many loops (one thread each) the engine starts. Call it before the first server or client
    /// starts; afterwards only the count already running is accepted.
    /// - Throws: `WebSocketEventLoopsError` when `count` is outside `allowedCounts`, or the loops already run
    ///   with a different count.
    public static func configure(count: Int) throws(WebSocketEventLoopsError) {
        guard allowedCounts.contains(count) else { throw .countOutOfRange(count) }
        guard EventLoopGroup.configure(count: count) else { throw .alreadyRunning(count: EventLoopGroup.count) }
    }
}

/// Why `WebSocketEventLoops.configure(count:)` refused.
public enum WebSocketEventLoopsError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The count is outside `WebSocketEventLoops.allowedCounts`.
    case countOutOfRange(Int)
    /// The loops already run, this many of them; their number cannot change.
    case alreadyRunning(count: Int)

    /// A sentence saying what went wrong.
    public var description: String {
        switch self {
        case .countOutOfRange(let count):
            "\(count) event loops requested; expected \(WebSocketEventLoops.allowedCounts.lowerBound)...\(WebSocketEventLoops.allowedCounts.upperBound)"
        case .alreadyRunning(let count):
            "the event loops already run (\(count) of them); set their number before the first server or client starts"
        }
    }
}
