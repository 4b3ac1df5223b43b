import HypergraphPostgres
import HypergraphStore

extension PostgresHypergraphStorage {
    /// The newest event and state of a space; see ``HypergraphStorage/spaceHead(spaceId:)``.
    public func spaceHead(spaceId: String) async throws -> SpaceHead? {
        try await read { connection in
            try await connection.query(
                """
                SELECT space_id, counter, id, event_json, created_at, state_json, last_event_hash FROM space_events
                WHERE space_id = $1 ORDER BY counter DESC LIMIT 1
                """,
                [.text(spaceId)]
            ).rows.first.map { row in
                SpaceHead(
                    event: try SpaceEventRecord(row: row), stateJSON: try row.string(5),
                    lastEventHash: try row.string(6))
            }
        }
    }

    /// The space as an account and app identity see it; see
    /// ``HypergraphStorage/spaceSnapshot(spaceId:accountAddress:appIdentityAddress:updatesAfterClock:)``.
    public func spaceSnapshot(
        spaceId: String, accountAddress: String, appIdentityAddress: String, updatesAfterClock: Int64?
    ) async throws -> SpaceSnapshot {
        // One REPEATABLE READ transaction: events, key boxes, inboxes and updates come from one snapshot.
        try await readOnlyTransaction { connection in
            try await Self.snapshot(
                spaceId: spaceId, accountAddress: accountAddress, appIdentityAddress: appIdentityAddress,
                updatesAfterClock: updatesAfterClock, connection)
        }
    }

    private static func snapshot(
        spaceId: String, accountAddress: String, appIdentityAddress: String, updatesAfterClock: Int64?,
        _ connection: PostgresConnection
    ) async throws -> SpaceSnapshot {
        guard
            let name = try await connection.query("SELECT name FROM spaces WHERE id = $1", [.text(spaceId)])
                .rows.first.map({ try $0.string(0) })
        else { throw StoreError.notFound(.space(id: spaceId)) }
        guard try await isMember(spaceId: spaceId, accountAddress: accountAddress, connection) else {
            throw StoreError.notMember(spaceId: spaceId, accountAddress: accountAddress)
        }
        let events = try await connection.query(
            "SELECT space_id, counter, id, event_json, created_at FROM space_events WHERE space_id = $1 ORDER BY counter",
            [.text(spaceId)]
        ).rows.map(SpaceEventRecord.init(row:))
        let keyBoxes = try await connection.query(
            """
            SELECT b.key_id, b.account_address, b.app_identity_address, b.ciphertext, b.nonce, b.author_public_key
            FROM space_key_boxes AS b JOIN space_keys AS k ON k.space_id = b.space_id AND k.id = b.key_id
            WHERE b.space_id = $1 AND b.account_address = $2 AND b.app_identity_address = $3
            ORDER BY k.created_at, k.seq
            """,
            [.text(spaceId), .text(accountAddress), .text(appIdentityAddress)]
        ).rows.map { row in
            KeyBoxRecord(
                keyId: try row.string(0), accountAddress: try row.string(1),
                appIdentityAddress: try row.optionalString(2),
                payload: KeyBoxPayload(
                    ciphertext: try row.string(3), nonce: try row.string(4), authorPublicKey: try row.string(5)))
        }
        return SpaceSnapshot(
            id: spaceId, name: name, events: events, keyBoxes: keyBoxes,
            inboxes: try await spaceInboxes(spaceId: spaceId, publicOnly: false, connection),
            updates: try await updates(spaceId: spaceId, after: updatesAfterClock, connection))
    }

    /// Whether an account is a member; see ``HypergraphStorage/isMember(spaceId:accountAddress:)``.
    public func isMember(spaceId: String, accountAddress: String) async throws -> Bool {
        try await read { connection in
            try await Self.isMember(spaceId: spaceId, accountAddress: accountAddress, connection)
        }
    }

    /// The spaces an app identity may list; see
    /// ``HypergraphStorage/spaces(appIdentityAddress:memberAccountAddress:)``.
    public func spaces(appIdentityAddress: String, memberAccountAddress: String) async throws -> [SpaceListing] {
        try await read { connection in
            try await connection.query(
                """
                SELECT s.id, s.name FROM space_app_identities AS l
                JOIN spaces AS s ON s.id = l.space_id
                JOIN space_members AS m ON m.space_id = l.space_id AND m.account_address = $2
                WHERE l.app_identity_address = $1
                ORDER BY s.name COLLATE "C", s.id COLLATE "C"
                """,
                [.text(appIdentityAddress), .text(memberAccountAddress)]
            ).rows.map { row in SpaceListing(id: try row.string(0), name: try row.string(1)) }
        }
    }

    /// How many spaces that listing holds; see
    /// ``HypergraphStorage/spaceCount(appIdentityAddress:memberAccountAddress:)``.
    public func spaceCount(appIdentityAddress: String, memberAccountAddress: String) async throws -> Int {
        try await read { connection in
            let counted = try await connection.query(
                """
                SELECT count(*) FROM space_app_identities AS l
                JOIN space_members AS m ON m.space_id = l.space_id AND m.account_address = $2
                WHERE l.app_identity_address = $1
                """,
                [.text(appIdentityAddress), .text(memberAccountAddress)]
            )
            return Int(try counted.rows.first.map { try $0.int64(0) } ?? 0)
        }
    }

    /// The account's pending invitations; see ``HypergraphStorage/invitations(inviteeAccountAddress:)``.
    public func invitations(inviteeAccountAddress: String) async throws -> [InvitationRecord] {
        try await read { connection in
            try await connection.query(
                """
                SELECT i.id, i.space_id, i.inviter_account_address, i.invitee_account_address, e.last_event_hash,
                       i.created_at
                FROM invitations AS i
                JOIN space_events AS e ON e.space_id = i.space_id
                 AND e.counter = (SELECT max(counter) FROM space_events WHERE space_id = i.space_id)
                WHERE i.invitee_account_address = $1
                ORDER BY i.created_at, i.seq
                """,
                [.text(inviteeAccountAddress)]
            ).rows.map { row in
                InvitationRecord(
                    id: try row.string(0), spaceId: try row.string(1), inviterAccountAddress: try row.string(2),
                    inviteeAccountAddress: try row.string(3), spaceLastEventHash: try row.string(4),
                    createdAt: try row.int64(5))
            }
        }
    }

    static func isMember(spaceId: String, accountAddress: String, _ connection: PostgresConnection) async throws -> Bool
    {
        try await !connection.query(
            "SELECT 1 FROM space_members WHERE space_id = $1 AND account_address = $2",
            [.text(spaceId), .text(accountAddress)]
        ).rows.isEmpty
    }
}

extension SpaceEventRecord {
    /// Reads `space_id, counter, id, event_json, created_at` from the first five columns.
    init(row: PostgresRow) throws {
        self.init(
            spaceId: try row.string(0), counter: try row.int64(1), eventId: try row.string(2),
            eventJSON: try row.string(3), createdAt: try row.int64(4))
    }
}
