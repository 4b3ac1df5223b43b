// The protocol state machine of one PostgreSQL connection, driven by an event loop: startup and authentication,
// then one request at a time (extended or simple query, or a bare Sync), with asynchronous messages
// (NotificationResponse, NoticeResponse, ParameterStatus) absorbed whenever they arrive.
//
// Concurrency: a PostgresChannel and everything it owns (the request queue, the statement cache, the inbound
// buffer) belong to its event loop's thread (see HypergraphEventLoop/EventLoop.swift). PostgresConnection
// reaches it only through `loop.execute`; what other threads may read (closed, transaction status) is published
// through the Mutex-guarded `ConnectionStatus`.
import Foundation
import HypergraphEventLoop

/// A request waiting for, or being answered by, the server. `results` gets one result per statement.
struct PostgresRequest: Sendable {
    enum Kind: Sendable {
        /// Parse (if not cached) / Bind / Describe / Execute / Sync.
        case extended(sql: String, parameters: [PostgresValue])
        /// Query: one or more statements in the simple protocol.
        case simple(sql: String)
        /// A bare Sync: a round trip that proves the connection alive.
        case sync
    }

    let kind: Kind
    let continuation: CheckedContinuation<Result<[PostgresQueryResult], PostgresError>, Never>
}

extension PostgresRequest.Kind {
    /// The largest request sent (the server's own limit for a message is 1 GiB).
    static let maximumSize = 1 << 30

    /// Refuses requests the protocol cannot carry, before anything is sent: SQL with NUL characters, more than
    /// 65,535 parameters, or more than 1 GiB of parameter data.
    func checkEncodable() throws(PostgresError) {
        let sql: String
        switch self {
        case .sync:
            return
        case .simple(let text):
            sql = text
        case .extended(let text, let parameters):
            sql = text
            guard parameters.count <= Int(UInt16.max) else {
                throw .protocolViolation("a query may have at most 65535 parameters, this one has \(parameters.count)")
            }
            var size = sql.utf8.count
            for parameter in parameters {
                switch parameter {
                case .text(let text): size += text.utf8.count
                case .bytea(let bytes): size += bytes.count
                default: size += 8
                }
            }
            guard size <= Self.maximumSize else {
                throw .protocolViolation(
                    "a query with its parameters takes \(size) bytes; at most \(Self.maximumSize) can be sent")
            }
        }
        guard !sql.utf8.contains(0) else { throw .protocolViolation("SQL text cannot contain NUL characters") }
        guard sql.utf8.count <= Self.maximumSize else {
            throw .protocolViolation("SQL text of \(sql.utf8.count) bytes is longer than \(Self.maximumSize) bytes")
        }
    }
}

final class PostgresChannel: ConnectionHandler, @unchecked Sendable {
    // @unchecked: confined to `loop`'s thread, see the header comment.

    /// The largest backend message accepted.
    static let maximumMessageSize = 1 << 30
    /// How many prepared statements a connection keeps; the least recently used one is closed beyond that.
    static let statementCacheCapacity = 256

    private enum Phase {
        case connecting
        case authenticating
        case ready
        case closed
    }

    private struct StatementKey: Hashable {
        var sql: String
        var parameterTypes: [UInt32]
    }

    private struct CachedStatement {
        var name: String
        /// The result formats to request; nil until the first execution described the result columns.
        var resultFormats: [Int16]?
        var lastUse: UInt64
    }

    /// The description and rows of one statement's result, as they arrive.
    private struct ResultSet {
        var columns: [PostgresColumn] = []
        var columnNames = ColumnNames([])
        var formats: [Int16] = []
        var rows: [PostgresRow] = []
        /// A value failed to decode: the request fails, later rows are skipped.
        var failed = false
        /// A RowDescription announced the columns.
        var isDescribed = false
    }

    /// The request being answered and what has arrived for it so far.
    private struct ActiveRequest {
        let request: PostgresRequest
        var results: [PostgresQueryResult] = []
        var error: PostgresError?
        /// The statement this request parses, added to the cache once ParseComplete arrives.
        var parsing: (key: StatementKey, name: String)?
        /// The cached statement this request executes.
        var statement: StatementKey?
    }

    let loop: EventLoop
    private let configuration: PostgresConfiguration
    private let status: ConnectionStatus
    private let onNotice: (@Sendable (PostgresNotice) -> Void)?
    private let notifications: AsyncThrowingStream<PostgresNotification, any Error>.Continuation
    private let notificationLimit: Int

    private var connection: Connection?
    private var phase = Phase.connecting
    private var startupContinuation: CheckedContinuation<Result<Void, PostgresError>, Never>?
    private var startupDeadline: UInt64 = 0
    private var scram: SCRAMClient?
    /// A FATAL error the server sent before closing the connection.
    private var fatalError: PostgresServerError?
    private var closedByClient = false
    private var closeWaiters: [CheckedContinuation<Void, Never>] = []

    private var queue = FIFO<PostgresRequest>()
    private var active: ActiveRequest?
    /// The columns and rows of the active request's current statement, apart from `active` so that appending a
    /// row mutates it in place.
    private var resultSet = ResultSet()
    private var inbound: [UInt8] = []

    private var statements: [StatementKey: CachedStatement] = [:]
    private var statementCounter: UInt64 = 0
    private var useClock: UInt64 = 0
    /// Statements to close with the next request.
    private var pendingCloses: [String] = []

    init(
        loop: EventLoop, configuration: PostgresConfiguration, status: ConnectionStatus,
        notifications: AsyncThrowingStream<PostgresNotification, any Error>.Continuation, notificationLimit: Int,
        onNotice: (@Sendable (PostgresNotice) -> Void)?
    ) {
        self.loop = loop
        self.configuration = configuration
        self.status = status
        self.notifications = notifications
        self.notificationLimit = notificationLimit
        self.onNotice = onNotice
    }

    // MARK: Starting

    /// Connects to `address` and runs the startup; resumes `continuation` once ready for queries or failed.
    func start(address: SocketAddress, continuation: CheckedContinuation<Result<Void, PostgresError>, Never>) {
        startupContinuation = continuation
        startupDeadline = loop.now + configuration.connectTimeout.nanoseconds
        let description = "\(configuration.host):\(configuration.port)"
        do {
            let fd = try Socket.startConnect(to: address, description: description)
            do {
                connection = try Connection(loop: loop, fd: fd, peer: description, connecting: true)
            } catch {
                Socket.closeDescriptor(fd)
                throw error
            }
            connection?.handler = self
            connection?.updateDeadline()
        } catch {
            phase = .closed
            finishStartup(.failure(connectionFailed("\(error)")))
        }
    }

    func connectionEstablished(_ connection: Connection) {
        phase = .authenticating
        var parameters = [
            ("user", configuration.user), ("database", configuration.database), ("client_encoding", "UTF8"),
            ("DateStyle", "ISO"), ("TimeZone", "UTC"),
        ]
        if let name = configuration.applicationName { parameters.append(("application_name", name)) }
        var writer = MessageWriter()
        writer.startup(parameters)
        send(writer)
    }

    private func connectionFailed(_ reason: String) -> PostgresError {
        .connectionFailed(host: configuration.host, port: configuration.port, reason: reason)
    }

    private func finishStartup(_ result: Result<Void, PostgresError>) {
        startupContinuation?.resume(returning: result)
        startupContinuation = nil
    }

    /// Fails the startup and closes the socket.
    private func failStartup(_ error: PostgresError) {
        finishStartup(.failure(error))
        connection?.disconnect()
    }

    var nextDeadline: UInt64? { startupContinuation == nil ? nil : startupDeadline }

    func connection(_ connection: Connection, deadlinePassed now: UInt64) {
        guard startupContinuation != nil, now >= startupDeadline else { return }
        let stage = phase == .connecting ? "connecting" : "waiting for the server to finish authentication"
        failStartup(connectionFailed("timed out after \(configuration.connectTimeout) \(stage)"))
    }

    // MARK: Requests

    /// Queues `request`; it is sent once the requests before it are answered.
    func submit(_ request: PostgresRequest) {
        guard phase != .closed else {
            return request.continuation.resume(
                returning: .failure(.connectionClosed("before the request was sent (\(closeReason))")))
        }
        queue.append(request)
        sendNextRequest()
    }

    private func sendNextRequest() {
        guard phase == .ready, active == nil, let request = queue.popFirst() else { return }
        var state = ActiveRequest(request: request)
        var writer = MessageWriter()
        for name in pendingCloses { writer.closeStatement(name) }
        pendingCloses = []
        switch request.kind {
        case .simple(let sql):
            writer.query(sql)
        case .sync:
            writer.sync()
        case .extended(let sql, let parameters):
            let key = StatementKey(sql: sql, parameterTypes: parameters.map(PostgresType.oid(of:)))
            useClock += 1
            if var cached = statements[key] {
                cached.lastUse = useClock
                statements[key] = cached
                state.statement = key
                writer.bind(statement: cached.name, parameters: parameters, resultFormats: cached.resultFormats ?? [])
            } else {
                if statements.count >= Self.statementCacheCapacity,
                    let oldest = statements.min(by: { $0.value.lastUse < $1.value.lastUse })
                {
                    statements[oldest.key] = nil
                    writer.closeStatement(oldest.value.name)
                }
                statementCounter += 1
                let name = "hg\(statementCounter)"
                state.parsing = (key, name)
                writer.parse(name: name, sql: sql, parameterTypes: key.parameterTypes)
                writer.bind(statement: name, parameters: parameters, resultFormats: [])
            }
            writer.describePortal()
            writer.execute()
            writer.sync()
        }
        active = state
        send(writer)
    }

    private func send(_ writer: MessageWriter) {
        connection?.enqueue(OutboundBytes(count: writer.bytes.count) { $0.copyBytes(from: writer.bytes) })
    }

    // MARK: Closing

    /// Sends Terminate and closes the connection; `continuation` resumes once the socket is closed.
    func close(continuation: CheckedContinuation<Void, Never>?) {
        if let continuation { closeWaiters.append(continuation) }
        guard phase != .closed, let connection else {
            for waiter in closeWaiters { waiter.resume() }
            closeWaiters = []
            return
        }
        closedByClient = true
        guard phase == .ready else { return connection.disconnect() } // still starting: nothing to say goodbye to
        var writer = MessageWriter()
        writer.terminate()
        send(writer)
        connection.finish(shutdownWrite: true, timeout: 2_000_000_000)
    }

    func connectionReachedEndOfInput(_ connection: Connection) {
        connection.disconnect()
    }

    /// Why the connection ended, for errors.
    private var closeReason: String {
        if closedByClient { return "the client closed the connection" }
        if let fatalError { return "the server ended the connection: \(fatalError)" }
        return "the server or the network ended the connection"
    }

    func connectionClosed(_ connection: Connection, error: SocketError?) {
        let previous = phase
        phase = .closed
        var reason = closeReason
        if let error, !closedByClient { reason += " (\(error))" }
        switch previous {
        case .connecting:
            finishStartup(.failure(connectionFailed(error.map { "\($0)" } ?? "the connection closed")))
        case .authenticating:
            finishStartup(.failure(fatalError.map(startupError) ?? connectionFailed("\(reason) during startup")))
        case .ready, .closed:
            break
        }
        let closed = PostgresError.connectionClosed(reason)
        status.markClosed(closed)
        if let active {
            self.active = nil
            active.request.continuation.resume(
                returning: .failure(.connectionClosed("while a request was running (\(reason))")))
        }
        while let request = queue.popFirst() {
            request.continuation.resume(
                returning: .failure(.connectionClosed("before the request was sent (\(reason))")))
        }
        if closedByClient { notifications.finish() } else { notifications.finish(throwing: closed) }
        for waiter in closeWaiters { waiter.resume() }
        closeWaiters = []
        inbound = []
        self.connection = nil
    }

    /// Ends the connection because of `error` (a protocol violation, or an authentication that cannot go on),
    /// failing the startup or the running request with it.
    private func fail(_ error: PostgresError) {
        if startupContinuation != nil { return failStartup(error) }
        if let active {
            self.active = nil
            active.request.continuation.resume(returning: .failure(error))
        }
        connection?.disconnect()
    }

    // MARK: Inbound

    func connection(_ connection: Connection, received bytes: UnsafeMutableRawBufferPointer) {
        if inbound.isEmpty {
            let consumed = handleMessages(in: UnsafeRawBufferPointer(bytes))
            if phase != .closed, consumed < bytes.count { inbound.append(contentsOf: bytes[consumed...]) }
        } else {
            inbound.append(contentsOf: bytes)
            let consumed = inbound.withUnsafeBytes { handleMessages(in: $0) }
            if phase == .closed { return }
            if consumed == inbound.count {
                inbound.removeAll(keepingCapacity: inbound.capacity <= 1 << 20)
            } else {
                inbound.removeFirst(consumed)
            }
        }
    }

    /// Handles every complete message in `bytes` and returns how many bytes they took.
    private func handleMessages(in bytes: UnsafeRawBufferPointer) -> Int {
        var offset = 0
        while phase != .closed, bytes.count - offset >= 5 {
            let type = bytes[offset]
            let length = Int(Int32(bigEndian: bytes.loadUnaligned(fromByteOffset: offset + 1, as: Int32.self)))
            guard length >= 4, length <= Self.maximumMessageSize else {
                fail(
                    .protocolViolation(
                        "a backend message of type \(Character(Unicode.Scalar(type))) claims \(length) bytes (allowed: 4 to \(Self.maximumMessageSize))"
                    ))
                return offset
            }
            guard bytes.count - offset - 1 >= length else { break }
            let body = UnsafeRawBufferPointer(rebasing: bytes[offset + 5..<offset + 1 + length])
            offset += 1 + length
            do {
                try handleMessage(type: type, body: body)
            } catch {
                fail(error)
            }
        }
        return offset
    }

    private func handleMessage(type: UInt8, body: UnsafeRawBufferPointer) throws(PostgresError) {
        switch type {
        case UInt8(ascii: "D"): try dataRow(body)
        case UInt8(ascii: "R"): try authentication(body)
        case UInt8(ascii: "S"): break // ParameterStatus: nothing here depends on server parameters
        case UInt8(ascii: "K"):
            var reader = MessageReader(body)
            status.setProcessID(try reader.readInt32())
        case UInt8(ascii: "Z"): try readyForQuery(body)
        case UInt8(ascii: "E"): errorResponse(try PostgresServerError(fields: body))
        case UInt8(ascii: "N"): onNotice?(PostgresNotice(fields: try PostgresServerError(fields: body)))
        case UInt8(ascii: "A"): try notification(body)
        case UInt8(ascii: "1"): parseComplete()
        case UInt8(ascii: "T"): try rowDescription(body)
        case UInt8(ascii: "n"): describeResult(columns: [], formats: [])
        case UInt8(ascii: "C"):
            var reader = MessageReader(body)
            commandComplete(tag: try reader.readCString())
        case UInt8(ascii: "I"): commandComplete(tag: "")
        case UInt8(ascii: "G"):
            var writer = MessageWriter()
            writer.copyFail("COPY FROM STDIN is not supported by this client")
            send(writer)
        case UInt8(ascii: "2"), UInt8(ascii: "3"), UInt8(ascii: "t"), UInt8(ascii: "s"), UInt8(ascii: "v"),
            UInt8(ascii: "H"), UInt8(ascii: "d"), UInt8(ascii: "c"):
            // BindComplete, CloseComplete, ParameterDescription, PortalSuspended, NegotiateProtocolVersion,
            // COPY TO STDOUT data (dropped)
            break
        default:
            throw .protocolViolation(
                "unexpected backend message type \(String(reflecting: Character(Unicode.Scalar(type))))")
        }
    }

    private func authentication(_ body: UnsafeRawBufferPointer) throws(PostgresError) {
        guard phase == .authenticating else { throw .protocolViolation("an authentication request after startup") }
        var reader = MessageReader(body)
        let code = try reader.readInt32()
        var writer = MessageWriter()
        switch code {
        case 0:
            return // AuthenticationOk; ReadyForQuery follows
        case 3:
            writer.password(try password(for: "cleartext password"))
        case 5:
            let salt = try reader.readBytes(4)
            writer.password(md5PasswordAnswer(user: configuration.user, password: try password(for: "MD5"), salt: salt))
        case 10:
            var mechanisms: [String] = []
            while reader.remaining > 1 { mechanisms.append(try reader.readCString()) }
            guard mechanisms.contains(SCRAMClient.mechanism) else {
                throw Self.unsupported("SASL with \(mechanisms.joined(separator: ", ")) only")
            }
            let client = SCRAMClient(password: try password(for: SCRAMClient.mechanism))
            writer.saslInitialResponse(mechanism: SCRAMClient.mechanism, data: client.clientFirstMessage)
            scram = client
        case 11:
            guard var client = scram else { throw .protocolViolation("AuthenticationSASLContinue without SASL") }
            writer.saslResponse(try client.clientFinalMessage(serverFirst: reader.readRest()))
            scram = client
        case 12:
            guard let client = scram else { throw .protocolViolation("AuthenticationSASLFinal without SASL") }
            try client.verify(serverFinal: reader.readRest())
            scram = nil
            return
        default:
            let names: [Int32: String] = [2: "Kerberos V5", 6: "SCM credentials", 7: "GSSAPI", 8: "GSSAPI", 9: "SSPI"]
            throw Self.unsupported("\(names[code] ?? "unknown method") (code \(code))")
        }
        send(writer)
    }

    private static func unsupported(_ method: String) -> PostgresError {
        .authenticationUnsupported(method)
    }

    private func password(for method: String) throws(PostgresError) -> String {
        guard let password = configuration.password else {
            throw .authenticationFailed("the server asks for a password (\(method)) but the configuration has none")
        }
        return password
    }

    /// The error a startup ErrorResponse means: wrong credentials are authentication failures.
    private func startupError(_ error: PostgresServerError) -> PostgresError {
        ["28P01", "28000"].contains(error.sqlState) ? .authenticationFailed(error.message) : .server(error)
    }

    private func errorResponse(_ error: PostgresServerError) {
        if phase == .authenticating { return failStartup(startupError(error)) }
        if ["FATAL", "PANIC"].contains(error.severity) {
            fatalError = error // the server closes the connection next
            return
        }
        guard var active else { return }
        if active.error == nil { active.error = .server(error) }
        // A cached statement the server no longer accepts (its result type changed, or it was deallocated):
        // prepare it afresh next time.
        if let key = active.statement, ["0A000", "26000", "08P01"].contains(error.sqlState),
            let stale = statements.removeValue(forKey: key)
        {
            pendingCloses.append(stale.name)
        }
        self.active = active
    }

    private func readyForQuery(_ body: UnsafeRawBufferPointer) throws(PostgresError) {
        var reader = MessageReader(body)
        status.setTransactionStatus(try reader.readByte())
        if phase == .authenticating {
            phase = .ready
            finishStartup(.success(()))
        } else if let finished = active {
            active = nil
            resultSet = ResultSet()
            finished.request.continuation.resume(
                returning: finished.error.map { .failure($0) } ?? .success(finished.results))
        }
        sendNextRequest()
    }

    private func notification(_ body: UnsafeRawBufferPointer) throws(PostgresError) {
        var reader = MessageReader(body)
        let processID = try reader.readInt32()
        let channel = try reader.readCString()
        let payload = try reader.readCString()
        let result = notifications.yield(PostgresNotification(channel: channel, payload: payload, processID: processID))
        if case .dropped = result {
            notifications.finish(throwing: PostgresError.notificationBufferOverflow(limit: notificationLimit))
        }
    }

    private func parseComplete() {
        guard var active, let parsing = active.parsing else { return }
        statements[parsing.key] = CachedStatement(name: parsing.name, resultFormats: nil, lastUse: useClock)
        active.statement = parsing.key
        active.parsing = nil
        self.active = active
    }

    private func rowDescription(_ body: UnsafeRawBufferPointer) throws(PostgresError) {
        var reader = MessageReader(body)
        let count = Int(try reader.readInt16())
        var columns: [PostgresColumn] = []
        var formats: [Int16] = []
        columns.reserveCapacity(count)
        formats.reserveCapacity(count)
        for _ in 0..<count {
            let name = try reader.readCString()
            _ = try reader.readBytes(6) // table OID, column number
            let type = UInt32(bitPattern: try reader.readInt32())
            _ = try reader.readBytes(6) // type size, type modifier
            columns.append(PostgresColumn(name: name, typeOID: type))
            formats.append(try reader.readInt16())
        }
        describeResult(columns: columns, formats: formats)
    }

    /// RowDescription or NoData: the columns of the next rows; a new statement learns its result formats.
    private func describeResult(columns: [PostgresColumn], formats: [Int16]) {
        guard let active else { return }
        resultSet = ResultSet(
            columns: columns, columnNames: ColumnNames(columns.map(\.name)), formats: formats, isDescribed: true)
        if let key = active.statement, statements[key]?.resultFormats == nil {
            statements[key]?.resultFormats = columns.map { PostgresType.hasBinaryDecoding($0.typeOID) ? 1 : 0 }
        }
    }

    private func dataRow(_ body: UnsafeRawBufferPointer) throws(PostgresError) {
        // `active` is not touched per row (copying the optional request costs more than decoding a row), and
        // the result set is read once: each access to a class property is checked for exclusivity at run time.
        guard resultSet.isDescribed else { throw .protocolViolation("a DataRow before its RowDescription") }
        let columns = resultSet.columns
        let formats = resultSet.formats
        guard !resultSet.failed else { return }
        var reader = MessageReader(body)
        let count = Int(try reader.readInt16())
        guard count == columns.count else {
            throw .protocolViolation("a DataRow has \(count) values for \(columns.count) columns")
        }
        var values: [PostgresValue] = []
        values.reserveCapacity(count)
        for index in 0..<count {
            let length = Int(try reader.readInt32())
            guard length >= 0 else {
                values.append(.null)
                continue
            }
            let bytes = try reader.readBytes(length)
            let oid = columns[index].typeOID
            do {
                values.append(
                    try formats[index] == 1
                        ? PostgresBinary.decode(bytes, oid: oid) : PostgresText.decode(bytes, oid: oid))
            } catch {
                active?.error = .decoding("column \(index) (\(columns[index].name)): \(error)")
                resultSet.failed = true
                return
            }
        }
        resultSet.rows.append(PostgresRow(values: values, columnNames: resultSet.columnNames))
    }

    private func commandComplete(tag: String) {
        guard active != nil else { return }
        active?.results.append(PostgresQueryResult(columns: resultSet.columns, rows: resultSet.rows, commandTag: tag))
        resultSet = ResultSet()
    }
}
