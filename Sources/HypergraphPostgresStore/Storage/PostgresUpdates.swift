import HypergraphPostgres
import HypergraphStore

extension PostgresHypergraphStorage {
    /// Stores an update under the space's next clock; see
    /// ``HypergraphStorage/appendUpdate(spaceId:accountAddress:update:signature:updateId:)``.
    public func appendUpdate(
        spaceId: String, accountAddress: String, update: [UInt8], signature: SignatureRecord, updateId: String
    ) async throws -> UpdateAppendResult {
        let unlimited = UpdateQuotas(space: .max - Int64(update.count), account: .max - Int64(update.count))
        switch try await appendUpdate(
            spaceId: spaceId, accountAddress: accountAddress, update: update, signature: signature,
            updateId: updateId, quotas: unlimited)
        {
        case .appended(let result): return result
        case .overQuota(let stored): throw StoreError.database("update bytes overflow: \(stored)")
        }
    }

    /// Stores an update under the space's next clock unless it would take the space or the account past its quota;
    /// see ``HypergraphStorage/appendUpdate(spaceId:accountAddress:update:signature:updateId:quotas:)``.
    ///
    /// One statement in one round trip, committed on its own: it takes the space's next clock from
    /// `spaces.next_clock` (locking the space's row until the commit, so clocks are serial per space in every
    /// process), checks and raises the running byte totals (exact for the space, whose row is locked; the account's
    /// total can be passed by concurrent appends to other spaces, as documented in docs/server.md), inserts the
    /// update and sends its notification. A reused update id fails the statement on the `(space_id, update_id)`
    /// unique constraint, which rolls everything back; the original is then read to answer `.duplicate` or
    /// `.conflict`.
    public func appendUpdate(
        spaceId: String, accountAddress: String, update: [UInt8], signature: SignatureRecord, updateId: String,
        quotas: UpdateQuotas
    ) async throws -> QuotaCheckedAppendResult {
        let now = configuration.clock()
        let node = feed.node
        return try await writeReported { token in
            let inserted: PostgresQueryResult
            do {
                inserted = try await pool.query(
                    """
                    WITH next AS (
                        UPDATE spaces SET next_clock = next_clock + 1, stored_bytes = stored_bytes + $11
                        WHERE id = $4 AND stored_bytes + $11 <= $12
                          AND coalesce((SELECT bytes FROM account_update_bytes WHERE account_address = $6), 0) + $11
                              <= $13
                        RETURNING next_clock - 1 AS clock
                    ), stored AS (
                        INSERT INTO updates (space_id, clock, update_id, account_address, content, signature_hex,
                                             signature_recovery, created_at)
                        SELECT $4, clock, $5, $6, $7, $8, $9, $10 FROM next
                        RETURNING clock
                    ), counted AS (
                        INSERT INTO account_update_bytes (account_address, bytes) SELECT $6, $11 FROM stored
                        ON CONFLICT (account_address) DO UPDATE SET bytes = account_update_bytes.bytes + excluded.bytes
                    )
                    SELECT clock, \(ChangeNotification.notifySQL(kind: "u", [("s", "$4::text"), ("c", "clock")]))
                    FROM stored
                    """,
                    ChangeNotification.parameters(node: node, token: token) + [
                        .text(spaceId), .text(updateId), .text(accountAddress), .bytea(update), .text(signature.hex),
                        .int32(Int32(truncatingIfNeeded: signature.recovery)), .int64(now),
                        .int64(Int64(update.count)), .int64(quotas.space), .int64(quotas.account),
                    ])
            } catch let error as PostgresError where error.violatedConstraint == "updates_update_id_key" {
                guard
                    let earlier = try await earlierUpdate(
                        spaceId: spaceId, updateId: updateId, accountAddress: accountAddress, update: update,
                        signature: signature)
                else {
                    throw StoreError.database(
                        "update \(updateId) of space \(spaceId) clashed with an update that is gone")
                }
                return (.appended(earlier), nil)
            } catch {
                throw Self.storeError(error)
            }
            if let clock = try inserted.rows.first.map({ try $0.int64(0) }) {
                let record = UpdateRecord(
                    spaceId: spaceId, clock: clock, updateId: updateId, accountAddress: accountAddress,
                    content: update, signature: signature)
                return (.appended(.stored(clock: clock)), .update(record))
            }
            // Nothing stored: the space is missing, the update is a resend (checked first, as without quotas), or a
            // quota refused it.
            if let earlier = try await earlierUpdate(
                spaceId: spaceId, updateId: updateId, accountAddress: accountAddress, update: update,
                signature: signature)
            {
                return (.appended(earlier), nil)
            }
            let stored = try await storedUpdateBytes(spaceId: spaceId, accountAddress: accountAddress)
            guard try await spaceExists(spaceId) else { throw StoreError.notFound(.space(id: spaceId)) }
            return (.overQuota(stored), nil)
        }
    }

    /// Stored update bytes for quotas, from the running totals; see
    /// ``HypergraphStorage/storedUpdateBytes(spaceId:accountAddress:)``.
    public func storedUpdateBytes(spaceId: String, accountAddress: String) async throws -> StoredUpdateBytes {
        try await read { connection in
            let row = try await connection.query(
                """
                SELECT coalesce((SELECT stored_bytes FROM spaces WHERE id = $1), 0),
                       coalesce((SELECT bytes FROM account_update_bytes WHERE account_address = $2), 0)
                """,
                [.text(spaceId), .text(accountAddress)]
            ).rows[0]
            return StoredUpdateBytes(space: try row.int64(0), account: try row.int64(1))
        }
    }

    private func spaceExists(_ spaceId: String) async throws -> Bool {
        try await read { connection in
            try await !connection.query("SELECT 1 FROM spaces WHERE id = $1", [.text(spaceId)]).rows.isEmpty
        }
    }

    /// The answer to a reused update id (§12 G9): the original clock for an identical resend by the same author, a
    /// conflict for other content or another author; nil when the space has no update with this id.
    private func earlierUpdate(
        spaceId: String, updateId: String, accountAddress: String, update: [UInt8], signature: SignatureRecord
    ) async throws -> UpdateAppendResult? {
        let earlier = try await read { connection in
            try await connection.query(
                """
                SELECT clock, account_address, content = $3 AND signature_hex = $4 AND signature_recovery = $5
                FROM updates WHERE space_id = $1 AND update_id = $2
                """,
                [
                    .text(spaceId), .text(updateId), .bytea(update), .text(signature.hex),
                    .int32(Int32(truncatingIfNeeded: signature.recovery)),
                ]
            ).rows.first.map { row in (clock: try row.int64(0), author: try row.string(1), isSame: try row.bool(2)) }
        }
        guard let earlier else { return nil }
        return try .repeated(spaceId: spaceId, updateId: updateId, accountAddress: accountAddress, earlier: earlier)
    }

    /// A slice of a space's updates; see
    /// ``HypergraphStorage/updates(spaceId:afterClock:throughClock:maximumBytes:maximumCount:)``.
    ///
    /// The running byte sum is a window over the range in clock order, under `LIMIT maximumCount`, so the server
    /// stops reading after that many rows and only the rows within the budget are sent (contents are not read for
    /// the others).
    public func updates(
        spaceId: String, afterClock: Int64?, throughClock: Int64?, maximumBytes: Int, maximumCount: Int
    ) async throws -> UpdateSlice {
        try await readOnlyTransaction { connection in
            guard
                let space = try await connection.query(
                    "SELECT next_clock FROM spaces WHERE id = $1", [.text(spaceId)]
                ).rows.first
            else { throw StoreError.notFound(.space(id: spaceId)) }
            let nextClock = try space.int64(0)
            let updates = try await connection.query(
                """
                SELECT clock, update_id, account_address, content, signature_hex, signature_recovery FROM (
                    SELECT *, sum(octet_length(content)) OVER (ORDER BY clock) AS running,
                           row_number() OVER (ORDER BY clock) AS position
                    FROM updates WHERE space_id = $1 AND clock > $2 AND clock <= $3 ORDER BY clock LIMIT $4
                ) AS range
                WHERE position = 1 OR running <= $5 ORDER BY clock
                """,
                [
                    .text(spaceId), .int64(afterClock ?? -1), .int64(throughClock ?? Int64.max),
                    .int64(Int64(max(maximumCount, 1))), .int64(Int64(maximumBytes)),
                ]
            ).rows.map { try UpdateRecord(spaceId: spaceId, row: $0) }
            return UpdateSlice(updates: updates, latestClock: nextClock > 0 ? nextClock - 1 : nil)
        }
    }

    /// The space's updates with `after < clock <= through` (no bound when nil), ascending.
    static func updates(
        spaceId: String, after: Int64?, through: Int64? = nil, _ connection: PostgresConnection
    ) async throws -> [UpdateRecord] {
        try await connection.query(
            """
            SELECT clock, update_id, account_address, content, signature_hex, signature_recovery FROM updates
            WHERE space_id = $1 AND clock > $2 AND clock <= $3 ORDER BY clock
            """,
            [.text(spaceId), .int64(after ?? -1), .int64(through ?? Int64.max)]
        ).rows.map { try UpdateRecord(spaceId: spaceId, row: $0) }
    }
}

extension UpdateRecord {
    /// Reads `clock, update_id, account_address, content, signature_hex, signature_recovery`, in that order.
    fileprivate init(spaceId: String, row: PostgresRow) throws {
        self.init(
            spaceId: spaceId, clock: try row.int64(0), updateId: try row.string(1),
            accountAddress: try row.string(2), content: try row.bytes(3),
            signature: SignatureRecord(hex: try row.string(4), recovery: Int(try row.int64(5))))
    }
}
