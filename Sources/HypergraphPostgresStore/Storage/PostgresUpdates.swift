import HypergraphPostgres
import HypergraphStore

extension PostgresHypergraphStorage {
    /// Stores an update under the space's next clock; see
    /// ``HypergraphStorage/appendUpdate(spaceId:accountAddress:update:signature:updateId:)``.
    ///
    /// One statement in one round trip, committed on its own: it takes the space's next clock from
    /// `spaces.next_clock` (locking the space's row until the commit, so clocks are serial per space in every
    /// process) and inserts the update. A reused update id fails the statement on the `(space_id, update_id)` unique
    /// constraint, which rolls the clock back; the original is then read to answer `.duplicate` or `.conflict`.
    public func appendUpdate(
        spaceId: String, accountAddress: String, update: [UInt8], signature: SignatureRecord, updateId: String
    ) async throws -> UpdateAppendResult {
        let now = configuration.clock()
        return try await writeSpace(spaceId) {
            let inserted: PostgresQueryResult
            do {
                inserted = try await pool.query(
                    """
                    WITH next AS (
                        UPDATE spaces SET next_clock = next_clock + 1 WHERE id = $1 RETURNING next_clock - 1 AS clock
                    )
                    INSERT INTO updates (space_id, clock, update_id, account_address, content, signature_hex,
                                         signature_recovery, created_at)
                    SELECT $1, clock, $2, $3, $4, $5, $6, $7 FROM next
                    RETURNING clock
                    """,
                    [
                        .text(spaceId), .text(updateId), .text(accountAddress), .bytea(update), .text(signature.hex),
                        .int32(Int32(truncatingIfNeeded: signature.recovery)), .int64(now),
                    ])
            } catch let error as PostgresError where error.violatedConstraint == "updates_update_id_key" {
                return (try await earlierUpdate(spaceId: spaceId, updateId: updateId, accountAddress: accountAddress),
                        nil)
            } catch {
                throw Self.storeError(error)
            }
            guard let clock = try inserted.rows.first.map({ try $0.int64(0) }) else {
                throw StoreError.notFound(.space(id: spaceId))
            }
            let record = UpdateRecord(
                spaceId: spaceId, clock: clock, updateId: updateId, accountAddress: accountAddress, content: update,
                signature: signature)
            return (.stored(clock: clock), .update(record))
        }
    }

    /// The answer to a reused update id: the original clock for the same author (§12 G9), a conflict for another.
    private func earlierUpdate(
        spaceId: String, updateId: String, accountAddress: String
    ) async throws -> UpdateAppendResult {
        let earlier = try await read { connection in
            try await connection.query(
                "SELECT clock, account_address FROM updates WHERE space_id = $1 AND update_id = $2",
                [.text(spaceId), .text(updateId)]
            ).rows.first.map { row in (clock: try row.int64(0), author: try row.string(1)) }
        }
        guard let earlier else {
            throw StoreError.database("update \(updateId) of space \(spaceId) clashed with an update that is gone")
        }
        guard earlier.author == accountAddress else {
            throw StoreError.conflict(.updateId(spaceId: spaceId, updateId: updateId, storedBy: earlier.author))
        }
        return .duplicate(originalClock: earlier.clock)
    }

    /// The space's updates with a clock greater than `after` (all when nil), ascending.
    static func updates(
        spaceId: String, after: Int64?, _ connection: PostgresConnection
    ) async throws -> [UpdateRecord] {
        try await connection.query(
            """
            SELECT clock, update_id, account_address, content, signature_hex, signature_recovery FROM updates
            WHERE space_id = $1 AND clock > $2 ORDER BY clock
            """,
            [.text(spaceId), .int64(after ?? -1)]
        ).rows.map { row in
            UpdateRecord(
                spaceId: spaceId, clock: try row.int64(0), updateId: try row.string(1),
                accountAddress: try row.string(2), content: try row.bytes(3),
                signature: SignatureRecord(hex: try row.string(4), recovery: Int(try row.int64(5))))
        }
    }
}
