import CSQLite

/// One SQLite connection with a cache of prepared statements.
///
/// Concurrency rule: a connection and its statements are confined to the thread that opened it (the store opens
/// every connection on the worker thread that then owns it), so this type is deliberately not `Sendable`. It is
/// opened with `SQLITE_OPEN_NOMUTEX` because of that confinement.
final class SQLiteConnection {
    /// How a connection is set up.
    enum Role {
        /// The one connection that writes: WAL mode is switched on and verified, `synchronous = FULL`.
        case writer
        /// A connection that only reads (`query_only`); it sees the last committed state.
        case reader
    }

    /// The database file.
    let path: String
    private let handle: OpaquePointer
    /// Prepared statements by SQL text. A statement that is in use when the same SQL is needed again (a nested
    /// query) is not shared: the nested use gets a fresh statement.
    private var cachedStatements: [String: SQLiteStatement] = [:]
    private var statementsInUse: Set<String> = []

    /// Opens (creating if needed) the database at `path`.
    init(path: String, role: Role, busyTimeoutMilliseconds: Int32) throws {
        var opened: OpaquePointer?
        let flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX
        let code = sqlite3_open_v2(path, &opened, flags, nil)
        guard code == SQLITE_OK, let opened else {
            let error = SQLiteError.from(code: code, database: opened, statement: nil)
            sqlite3_close_v2(opened)
            throw SQLiteError(code: error.code, message: "cannot open \(path): \(error.message)")
        }
        self.path = path
        self.handle = opened
        sqlite3_extended_result_codes(opened, 1)
        sqlite3_busy_timeout(opened, busyTimeoutMilliseconds)
        try executeScript("PRAGMA foreign_keys = ON")
        switch role {
        case .writer:
            let mode = try queryFirst("PRAGMA journal_mode = WAL") { try $0.text(0) }
            guard mode?.lowercased() == "wal" else {
                throw SQLiteError(
                    code: SQLITE_CANTOPEN,
                    message: "cannot switch \(path) to WAL mode (journal_mode is \(mode ?? "unknown"))")
            }
            // FULL: in WAL mode every commit is fsync'ed before it returns, so a commit survives power loss.
            try executeScript("PRAGMA synchronous = FULL")
            // Checkpoint every 10,000 WAL pages (about 40 MiB) rather than SQLite's 1,000: a checkpoint copies each
            // page changed since the last one once, and the pages updates touch (each space's index leaves) change
            // again and again, so checkpointing a tenth as often copies far less (docs/storage.md).
            try executeScript("PRAGMA wal_autocheckpoint = \(Self.checkpointPages)")
            // A page cache of up to 64 MiB instead of SQLite's 2 MiB: appends touch the index leaves of every active
            // space, and with the default about 1.5 pages per update were read back from the WAL or the file.
            try executeScript("PRAGMA cache_size = -\(Self.writerCacheKiB)")
        case .reader:
            try executeScript("PRAGMA query_only = ON")
        }
    }

    /// The WAL size, in pages, past which a commit also checkpoints.
    static let checkpointPages = 10_000

    /// The most memory, in KiB, the writer's page cache may hold (it grows only as pages are used).
    static let writerCacheKiB = 65_536

    deinit {
        cachedStatements.removeAll()
        sqlite3_close_v2(handle)
    }

    /// Runs one or more SQL statements that take no parameters (schema scripts, pragmas); rows are discarded.
    func executeScript(_ sql: String) throws(SQLiteError) {
        var errorMessage: UnsafeMutablePointer<CChar>?
        let code = sqlite3_exec(handle, sql, nil, nil, &errorMessage)
        defer { sqlite3_free(errorMessage) }
        guard code == SQLITE_OK else {
            var error = SQLiteError.from(code: code, database: handle, statement: sql)
            if let errorMessage { error.message = String(cString: errorMessage) }
            throw error
        }
    }

    /// Runs one statement to completion with `arguments` bound to `?1`, `?2`, …; returns the number of rows it
    /// inserted, updated or deleted.
    @discardableResult
    func execute(_ sql: String, _ arguments: [SQLiteValue] = []) throws -> Int {
        try withStatement(sql, arguments) { statement in
            while try statement.step() {}
        }
        return Int(sqlite3_changes64(handle))
    }

    /// Runs one query and maps every row.
    func query<Row>(
        _ sql: String, _ arguments: [SQLiteValue] = [], _ map: (SQLiteRow) throws -> Row
    ) throws -> [Row] {
        try withStatement(sql, arguments) { statement in
            var rows: [Row] = []
            while try statement.step() {
                rows.append(try map(statement.row))
            }
            return rows
        }
    }

    /// Runs one query and maps rows until `map` returns nil; the rows after that one are never read.
    func query<Row>(
        _ sql: String, _ arguments: [SQLiteValue] = [], mapWhile map: (SQLiteRow) throws -> Row?
    ) throws -> [Row] {
        try withStatement(sql, arguments) { statement in
            var rows: [Row] = []
            while try statement.step(), let row = try map(statement.row) {
                rows.append(row)
            }
            return rows
        }
    }

    /// Runs one query and maps its first row, if any.
    func queryFirst<Row>(
        _ sql: String, _ arguments: [SQLiteValue] = [], _ map: (SQLiteRow) throws -> Row
    ) throws -> Row? {
        try withStatement(sql, arguments) { statement in
            try statement.step() ? try map(statement.row) : nil
        }
    }

    /// Whether the query returns at least one row.
    func exists(_ sql: String, _ arguments: [SQLiteValue] = []) throws -> Bool {
        try queryFirst(sql, arguments) { _ in true } ?? false
    }

    /// Runs `body` in a transaction: committed when `body` returns, rolled back when it throws.
    /// `immediate` takes the write lock at the start (waiting up to the busy timeout) so that a write transaction
    /// never fails half-way on a lock upgrade.
    func transaction<Result>(immediate: Bool, _ body: () throws -> Result) throws -> Result {
        try execute(immediate ? "BEGIN IMMEDIATE" : "BEGIN")
        do {
            let result = try body()
            try execute("COMMIT")
            return result
        } catch {
            rollback()
            throw error
        }
    }

    /// Rolls back the open transaction, if there is one. A failure here leaves nothing more to undo.
    func rollback() {
        if sqlite3_get_autocommit(handle) == 0 {
            _ = try? execute("ROLLBACK")
        }
    }

    /// The number of changes committed to the database by *other* connections changes this value
    /// (`PRAGMA data_version`); the writer uses it to notice foreign writers and drop its caches.
    func dataVersion() throws -> Int64 {
        try queryFirst("PRAGMA data_version") { try $0.int64(0) } ?? 0
    }

    private func withStatement<Result>(
        _ sql: String, _ arguments: [SQLiteValue], _ body: (SQLiteStatement) throws -> Result
    ) throws -> Result {
        let statement: SQLiteStatement
        let isShared = !statementsInUse.contains(sql)
        if isShared, let cached = cachedStatements[sql] {
            statement = cached
        } else {
            statement = try SQLiteStatement(sql: sql, database: handle)
            if isShared { cachedStatements[sql] = statement }
        }
        if isShared { statementsInUse.insert(sql) }
        defer {
            statement.reset()
            if isShared { statementsInUse.remove(sql) }
        }
        try statement.bind(arguments)
        return try body(statement)
    }
}
