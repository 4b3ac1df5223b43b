// Concurrency: the closures passed to `writer.write` run on the writer thread (see StoreWriter) inside a group-commit
// batch, those passed to `readers.read` on a reader thread (see ReaderPool); they capture only immutable values.

extension SQLiteHypergraphStorage {
    /// Stores an update under the space's next clock; see
    /// ``HypergraphStorage/appendUpdate(spaceId:accountAddress:update:signature:updateId:)``.
    ///
    /// Runs on the writer thread inside a group-commit batch, so clocks are assigned one after the other per space
    /// (from the writer's cache, see ``WriteContext/nextUpdateClock(spaceId:)``) and the result is returned only after
    /// the batch's fsync'ed commit.
    public func appendUpdate(
        spaceId: String, accountAddress: String, update: [UInt8], signature: SignatureRecord, updateId: String
    ) async throws -> UpdateAppendResult {
        try await writer.write { context in
            try Self.append(
                spaceId: spaceId, accountAddress: accountAddress, update: update, signature: signature,
                updateId: updateId, in: context)
        }
    }

    /// Stores an update after checking the quotas in the same write transaction, so they hold exactly however many
    /// writers append at once; see
    /// ``HypergraphStorage/appendUpdate(spaceId:accountAddress:update:signature:updateId:quotas:)``.
    public func appendUpdate(
        spaceId: String, accountAddress: String, update: [UInt8], signature: SignatureRecord, updateId: String,
        quotas: UpdateQuotas
    ) async throws -> QuotaCheckedAppendResult {
        try await writer.write { context in
            let stored = try context.storedUpdateBytes(spaceId: spaceId, accountAddress: accountAddress)
            if stored.wouldPass(quotas, adding: update.count) { return .overQuota(stored) }
            return .appended(
                try Self.append(
                    spaceId: spaceId, accountAddress: accountAddress, update: update, signature: signature,
                    updateId: updateId, in: context))
        }
    }

    /// The append itself, on the writer thread.
    private static func append(
        spaceId: String, accountAddress: String, update: [UInt8], signature: SignatureRecord, updateId: String,
        in context: WriteContext
    ) throws -> UpdateAppendResult {
        guard let clock = try context.nextUpdateClock(spaceId: spaceId) else {
            throw StoreError.notFound(.space(id: spaceId))
        }
        // A repeated update id inserts nothing; only then is the earlier update read (the rare path).
        let inserted = try context.connection.execute(
            """
            INSERT INTO updates (space_id, clock, update_id, account_address, content, signature_hex,
                                 signature_recovery, created_at)
            VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
            ON CONFLICT (space_id, update_id) DO NOTHING
            """,
            [
                .text(spaceId), .integer(clock), .text(updateId), .text(accountAddress), .blob(update),
                .text(signature.hex), .integer(signature.recovery), .integer(context.now()),
            ])
        guard inserted == 1 else {
            return try earlierAppend(
                spaceId: spaceId, accountAddress: accountAddress, update: update, signature: signature,
                updateId: updateId, context.connection)
        }
        context.didStore(
            UpdateRecord(
                spaceId: spaceId, clock: clock, updateId: updateId, accountAddress: accountAddress,
                content: update, signature: signature))
        return .stored(clock: clock)
    }

    /// The outcome of appending an update whose id the space already has: a duplicate when the author and content
    /// are the same, else a conflict.
    private static func earlierAppend(
        spaceId: String, accountAddress: String, update: [UInt8], signature: SignatureRecord, updateId: String,
        _ connection: SQLiteConnection
    ) throws -> UpdateAppendResult {
        let earlier = try connection.queryFirst(
            """
            SELECT clock, account_address, content = ?3 AND signature_hex = ?4 AND signature_recovery = ?5
            FROM updates WHERE space_id = ?1 AND update_id = ?2
            """,
            [.text(spaceId), .text(updateId), .blob(update), .text(signature.hex), .integer(signature.recovery)]
        ) { row in (clock: try row.int64(0), author: try row.text(1), isSame: try row.boolean(2)) }
        guard let earlier else {
            throw StoreError.database(
                "update \(updateId) of space \(spaceId) was refused as a repeat but is not stored")
        }
        return try .repeated(spaceId: spaceId, updateId: updateId, accountAddress: accountAddress, earlier: earlier)
    }

    /// A slice of a space's updates; see
    /// ``HypergraphStorage/updates(spaceId:afterClock:throughClock:maximumBytes:maximumCount:)``.
    public func updates(
        spaceId: String, afterClock: Int64?, throughClock: Int64?, maximumBytes: Int, maximumCount: Int
    ) async throws -> UpdateSlice {
        try await readers.read { connection in
            try connection.transaction(immediate: false) {
                guard try connection.exists("SELECT 1 FROM spaces WHERE id = ?1", [.text(spaceId)]) else {
                    throw StoreError.notFound(.space(id: spaceId))
                }
                let latest =
                    try connection.queryFirst(
                        "SELECT max(clock) FROM updates WHERE space_id = ?1", [.text(spaceId)]
                    ) { row in try row.optionalInt64(0) } ?? nil
                var bytes = 0
                var taken = 0
                let updates = try connection.query(
                    """
                    SELECT clock, update_id, account_address, content, signature_hex, signature_recovery,
                           length(content)
                    FROM updates WHERE space_id = ?1 AND clock > ?2 AND clock <= ?3 ORDER BY clock
                    """,
                    [.text(spaceId), .integer(afterClock ?? -1), .integer(throughClock ?? Int64.max)],
                    mapWhile: { row -> UpdateRecord? in
                        // The size column is read first, so the update past the budget is never loaded.
                        let size = Int(truncatingIfNeeded: try row.int64(6))
                        let fits = taken < maximumCount && bytes + size <= maximumBytes
                        guard taken == 0 || fits else { return nil }
                        taken += 1
                        bytes += size
                        return try UpdateRecord(spaceId: spaceId, row: row)
                    })
                return UpdateSlice(updates: updates, latestClock: latest)
            }
        }
    }

    /// Stored update bytes for quotas; see ``HypergraphStorage/storedUpdateBytes(spaceId:accountAddress:)``.
    public func storedUpdateBytes(spaceId: String, accountAddress: String) async throws -> StoredUpdateBytes {
        try await readers.read { connection in
            try connection.transaction(immediate: false) {
                try Self.storedBytes(spaceId: spaceId, accountAddress: accountAddress, connection)
            }
        }
    }

    /// The running totals kept by triggers (schema version 3): two key lookups, however many updates are stored.
    private static func storedBytes(
        spaceId: String, accountAddress: String, _ connection: SQLiteConnection
    ) throws -> StoredUpdateBytes {
        StoredUpdateBytes(
            space: try spaceUpdateBytes(spaceId, connection),
            account: try accountUpdateBytes(accountAddress, connection))
    }

    /// The content bytes of every update of the space (schema version 3's running total).
    static func spaceUpdateBytes(_ spaceId: String, _ connection: SQLiteConnection) throws -> Int64 {
        try connection.queryFirst("SELECT bytes FROM space_update_bytes WHERE space_id = ?1", [.text(spaceId)]) {
            row in try row.int64(0)
        } ?? 0
    }

    /// The content bytes of every update the account wrote (schema version 3's running total).
    static func accountUpdateBytes(_ accountAddress: String, _ connection: SQLiteConnection) throws -> Int64 {
        try connection.queryFirst(
            "SELECT bytes FROM account_update_bytes WHERE account_address = ?1", [.text(accountAddress)]
        ) { row in try row.int64(0) } ?? 0
    }

    /// The space's updates with a clock greater than `after` (all when nil), ascending.
    static func updates(spaceId: String, after: Int64?, _ connection: SQLiteConnection) throws -> [UpdateRecord] {
        try connection.query(
            """
            SELECT clock, update_id, account_address, content, signature_hex, signature_recovery FROM updates
            WHERE space_id = ?1 AND clock > ?2 ORDER BY clock
            """,
            [.text(spaceId), .integer(after ?? -1)]
        ) { row in try UpdateRecord(spaceId: spaceId, row: row) }
    }
}

extension UpdateRecord {
    /// Reads `clock, update_id, account_address, content, signature_hex, signature_recovery`, in that order.
    fileprivate init(spaceId: String, row: SQLiteRow) throws(SQLiteError) {
        self.init(
            spaceId: spaceId, clock: try row.int64(0), updateId: try row.text(1),
            accountAddress: try row.text(2), content: try row.blob(3),
            signature: SignatureRecord(hex: try row.text(4), recovery: Int(truncatingIfNeeded: try row.int64(5))))
    }
}
