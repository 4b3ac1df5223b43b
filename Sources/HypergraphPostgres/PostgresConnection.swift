// One connection to a PostgreSQL server.
//
// Concurrency: the protocol runs on an event-loop thread of HypergraphEventLoop's shared group (see
// PostgresChannel). Every call hands a request to that loop with `loop.execute` and suspends on a continuation
// the loop resumes: no call blocks a thread of Swift's cooperative pool. Requests on one connection are answered
// strictly in the order they were made (a FIFO queue in the channel; one request on the wire at a time).
// `ConnectionStatus` is the only state shared across threads, guarded by its Mutex.
import Foundation
import HypergraphEventLoop
import Synchronization

/// What other threads may read about a connection: written by its event loop, read by callers and the pool.
final class ConnectionStatus: Sendable {
    private struct State {
        var closedError: PostgresError?
        var transactionStatus = UInt8(ascii: "I")
        var processID: Int32 = 0
        var lastReady = ContinuousClock.now
    }

    private let state = Mutex(State())

    func markClosed(_ error: PostgresError) {
        state.withLock { if $0.closedError == nil { $0.closedError = error } }
    }

    func setTransactionStatus(_ status: UInt8) {
        state.withLock {
            $0.transactionStatus = status
            $0.lastReady = .now
        }
    }

    func setProcessID(_ processID: Int32) {
        state.withLock { $0.processID = processID }
    }

    var closedError: PostgresError? { state.withLock { $0.closedError } }
    var transactionStatus: UInt8 { state.withLock { $0.transactionStatus } }
    var processID: Int32 { state.withLock { $0.processID } }
    var lastReady: ContinuousClock.Instant { state.withLock { $0.lastReady } }
}

/// A connection to a PostgreSQL server (protocol 3.0, no TLS).
///
/// Calls may come from any task; they are queued and answered one after the other in call order. A transaction
/// (`transaction(_:)`) does not keep other callers of the same connection out: give each concurrent user its
/// own connection (`PostgresConnectionPool` does).
public final class PostgresConnection: Sendable {
    /// How many notifications wait for the listener before the sequence ends with `notificationBufferOverflow`.
    public static let notificationBufferLimit = 10_000

    private let channel: PostgresChannel
    let status: ConnectionStatus
    /// The asynchronous notifications (NOTIFY) received after LISTEN; see `PostgresNotifications`.
    public let notifications: PostgresNotifications

    private init(channel: PostgresChannel, status: ConnectionStatus, notifications: PostgresNotifications) {
        self.channel = channel
        self.status = status
        self.notifications = notifications
    }

    deinit {
        let channel = self.channel
        channel.loop.execute { channel.close(continuation: nil) }
    }

    /// Connects, authenticates (trust, cleartext password, MD5 or SCRAM-SHA-256) and waits until the server is
    /// ready for queries. Each address the host resolves to is tried in turn. `onNotice` is called on the
    /// connection's event-loop thread for every NoticeResponse (keep it short).
    public static func connect(
        _ configuration: PostgresConfiguration, onNotice: (@Sendable (PostgresNotice) -> Void)? = nil
    ) async throws(PostgresError) -> PostgresConnection {
        let failure = { (reason: String) in
            PostgresError.connectionFailed(host: configuration.host, port: configuration.port, reason: reason)
        }
        let group: EventLoopGroup
        let addresses: [SocketAddress]
        do {
            group = try EventLoopGroup.shared()
            addresses = try Socket.resolve(host: configuration.host, port: configuration.port)
        } catch {
            throw failure("\(error)")
        }
        var lastError = failure("the host has no address")
        for address in addresses {
            let status = ConnectionStatus()
            let (stream, continuation) = AsyncThrowingStream<PostgresNotification, any Error>.makeStream(
                bufferingPolicy: .bufferingOldest(notificationBufferLimit))
            let loop = group.next()
            let channel = PostgresChannel(
                loop: loop, configuration: configuration, status: status, notifications: continuation,
                notificationLimit: notificationBufferLimit, onNotice: onNotice)
            let connection = PostgresConnection(
                channel: channel, status: status, notifications: PostgresNotifications(stream: stream))
            let result = await withCheckedContinuation { started in
                loop.execute { channel.start(address: address, continuation: started) }
            }
            switch result {
            case .success:
                return connection
            case .failure(let error):
                guard case .connectionFailed = error else { throw error }
                lastError = error
            }
        }
        throw lastError
    }

    /// Runs one statement with the extended query protocol in one round trip: Parse (only the first time this
    /// connection sees `sql` with these parameter types; the prepared statement is cached), Bind, Describe,
    /// Execute, Sync. Parameters are sent in binary with their types (`.null` untyped). The first execution
    /// receives its results in text; later ones in binary for the supported types.
    @discardableResult
    public func query(_ sql: String, _ parameters: [PostgresValue] = []) async throws(PostgresError)
        -> PostgresQueryResult
    {
        let results = try await perform(.extended(sql: sql, parameters: parameters))
        guard let result = results.first else {
            throw .protocolViolation("an extended query completed without a result")
        }
        return result
    }

    /// Runs `sql` with the simple query protocol: several statements separated by semicolons are allowed (DDL,
    /// LISTEN, BEGIN …); the result has one entry per statement, values in text format decoded as for `query`.
    @discardableResult
    public func simpleQuery(_ sql: String) async throws(PostgresError) -> [PostgresQueryResult] {
        try await perform(.simple(sql: sql))
    }

    /// Runs `body` between BEGIN (as `mode` says) and COMMIT. When `body` throws, the transaction is rolled back
    /// and the error rethrown. A COMMIT that the server turned into a ROLLBACK (an earlier statement failed and the
    /// body caught the error) throws a server error with SQLSTATE 25P02.
    @discardableResult
    public func transaction<T: Sendable>(
        _ mode: PostgresTransactionMode = .readWrite, _ body: @Sendable (PostgresConnection) async throws -> T
    ) async throws -> T {
        try await simpleQuery(mode.beginStatement)
        let value: T
        do {
            value = try await body(self)
        } catch {
            if !isClosed { _ = try? await simpleQuery("ROLLBACK") }
            throw error
        }
        let results = try await simpleQuery("COMMIT")
        if results.last?.commandTag == "ROLLBACK" {
            throw PostgresError.server(
                PostgresServerError(
                    severity: "ERROR", sqlState: "25P02",
                    message: "COMMIT rolled the transaction back because a statement in it had failed"))
        }
        return value
    }

    /// One round trip with nothing to do (a Sync), proving the connection alive.
    func ping() async throws(PostgresError) {
        _ = try await perform(.sync)
    }

    private func perform(_ kind: PostgresRequest.Kind) async throws(PostgresError) -> [PostgresQueryResult] {
        try kind.checkEncodable()
        let channel = self.channel
        let result = await withCheckedContinuation { continuation in
            channel.loop.execute { channel.submit(PostgresRequest(kind: kind, continuation: continuation)) }
        }
        return try result.get()
    }

    /// The event-loop thread this connection's protocol runs on, as a task executor. A task that issues many
    /// requests one after the other can prefer it (`withTaskExecutorPreference(connection.executor) { … }`):
    /// its code then runs on that thread between I/O events, and a request costs no thread switch at all. Keep
    /// such code short and non-blocking, since the thread serves other connections too.
    public var executor: any TaskExecutor { channel.loop }

    /// The server process serving this connection (BackendKeyData), e.g. for `pg_terminate_backend`.
    public var processID: Int32 { status.processID }

    /// Whether the connection has ended (closed by either side or by the network).
    public var isClosed: Bool { status.closedError != nil }

    /// Whether the last request left the session inside a transaction block (open or failed).
    public var isInTransaction: Bool { status.transactionStatus != UInt8(ascii: "I") }

    /// Sends Terminate and closes the socket; requests still queued fail with `connectionClosed`. Returns once
    /// the socket is closed.
    public func close() async {
        let channel = self.channel
        await withCheckedContinuation { continuation in
            channel.loop.execute { channel.close(continuation: continuation) }
        }
    }
}

/// How a transaction starts.
public enum PostgresTransactionMode: Sendable, Hashable {
    /// `BEGIN`: the server's default isolation (READ COMMITTED unless configured otherwise).
    case readWrite
    /// `BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY`: every statement sees the same committed state, and
    /// nothing can be written.
    case readOnlySnapshot

    var beginStatement: String {
        switch self {
        case .readWrite: "BEGIN"
        case .readOnlySnapshot: "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY"
        }
    }
}

/// A NotificationResponse: a NOTIFY on a channel this connection LISTENs to.
public struct PostgresNotification: Sendable, Hashable {
    /// The channel name.
    public var channel: String
    /// The payload (empty when NOTIFY gave none).
    public var payload: String
    /// The server process that sent the NOTIFY.
    public var processID: Int32

    /// Creates a notification.
    public init(channel: String, payload: String, processID: Int32) {
        self.channel = channel
        self.payload = payload
        self.processID = processID
    }
}

/// The notifications of one connection, in arrival order, for a single consumer.
///
/// Up to `PostgresConnection.notificationBufferLimit` notifications wait to be read; one more ends the sequence
/// with `PostgresError.notificationBufferOverflow` (the listener should then re-read the state it follows and
/// listen again on a new connection). The sequence ends when the connection closes: normally after `close()`,
/// else by throwing the `PostgresError` that ended the connection.
public struct PostgresNotifications: AsyncSequence, Sendable {
    /// Each element is a notification.
    public typealias Element = PostgresNotification

    private let stream: AsyncThrowingStream<PostgresNotification, any Error>

    init(stream: AsyncThrowingStream<PostgresNotification, any Error>) {
        self.stream = stream
    }

    /// The iterator; `next()` throws `PostgresError`.
    public struct AsyncIterator: AsyncIteratorProtocol {
        var base: AsyncThrowingStream<PostgresNotification, any Error>.AsyncIterator

        /// The next notification, nil after `close()`, or the error that ended the connection.
        public mutating func next() async throws -> PostgresNotification? {
            try await base.next()
        }
    }

    /// Starts iterating; iterate from one task only.
    public func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(base: stream.makeAsyncIterator())
    }
}
