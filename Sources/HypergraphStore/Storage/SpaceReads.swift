// Concurrency: the closures passed to `writer.write` run on the writer thread (see StoreWriter) inside a group-commit
// batch, those passed to `readers.read` on a reader thread (see ReaderPool); they capture only immutable values.

extension SQLiteHypergraphStorage {
    /// The newest event and state of a space; see ``HypergraphStorage/spaceHead(spaceId:)``.
    public func spaceHead(spaceId: String) async throws -> SpaceHead? {
        try await readers.read { connection in
            try connection.queryFirst(
                """
                SELECT space_id, counter, id, event_json, created_at, state_json, last_event_hash FROM space_events
                WHERE space_id = ?1 ORDER BY counter DESC LIMIT 1
                """,
                [.text(spaceId)]
            ) { row in
                SpaceHead(
                    event: try SpaceEventRecord(row: row), stateJSON: try row.text(5),
                    lastEventHash: try row.text(6))
            }
        }
    }

    /// The space as an account and app identity see it; see
    /// ``HypergraphStorage/spaceSnapshot(spaceId:accountAddress:appIdentityAddress:updatesAfterClock:)``.
    public func spaceSnapshot(
        spaceId: String, accountAddress: String, appIdentityAddress: String, updatesAfterClock: Int64?
    ) async throws -> SpaceSnapshot {
        try await readers.read { connection in
            // One read transaction: events, key boxes, inboxes and updates come from the same committed state.
            try connection.transaction(immediate: false) {
                let name = try connection.queryFirst("SELECT name FROM spaces WHERE id = ?1", [.text(spaceId)]) {
                    row in try row.text(0)
                }
                guard let name else { throw StoreError.notFound(.space(id: spaceId)) }
                guard try Self.isMember(spaceId: spaceId, accountAddress: accountAddress, connection) else {
                    throw StoreError.notMember(spaceId: spaceId, accountAddress: accountAddress)
                }
                let events = try connection.query(
                    """
                    SELECT space_id, counter, id, event_json, created_at FROM space_events
                    WHERE space_id = ?1 ORDER BY counter
                    """,
                    [.text(spaceId)], SpaceEventRecord.init(row:))
                let keyBoxes = try connection.query(
                    """
                    SELECT b.key_id, b.account_address, b.app_identity_address, b.ciphertext, b.nonce,
                           b.author_public_key
                    FROM space_key_boxes AS b JOIN space_keys AS k ON k.space_id = b.space_id AND k.id = b.key_id
                    WHERE b.space_id = ?1 AND b.account_address = ?2 AND b.app_identity_address = ?3
                    ORDER BY k.created_at, k.rowid
                    """,
                    [.text(spaceId), .text(accountAddress), .text(appIdentityAddress)]
                ) { row in
                    KeyBoxRecord(
                        keyId: try row.text(0), accountAddress: try row.text(1),
                        appIdentityAddress: try row.optionalText(2),
                        payload: KeyBoxPayload(
                            ciphertext: try row.text(3), nonce: try row.text(4), authorPublicKey: try row.text(5)))
                }
                return SpaceSnapshot(
                    id: spaceId, name: name, events: events, keyBoxes: keyBoxes,
                    inboxes: try Self.spaceInboxes(spaceId: spaceId, publicOnly: false, connection),
                    updates: try Self.updates(spaceId: spaceId, after: updatesAfterClock, connection))
            }
        }
    }

    /// Whether an account is a member; see ``HypergraphStorage/isMember(spaceId:accountAddress:)``.
    public func isMember(spaceId: String, accountAddress: String) async throws -> Bool {
        try await readers.read { connection in
            try Self.isMember(spaceId: spaceId, accountAddress: accountAddress, connection)
        }
    }

    /// The spaces an app identity may list; see ``HypergraphStorage/spaces(appIdentityAddress:memberAccountAddress:)``.
    public func spaces(appIdentityAddress: String, memberAccountAddress: String) async throws -> [SpaceListing] {
        try await readers.read { connection in
            try connection.query(
                """
                SELECT s.id, s.name FROM space_app_identities AS l
                JOIN spaces AS s ON s.id = l.space_id
                JOIN space_members AS m ON m.space_id = l.space_id AND m.account_address = ?2
                WHERE l.app_identity_address = ?1
                ORDER BY s.name, s.id
                """,
                [.text(appIdentityAddress), .text(memberAccountAddress)]
            ) { row in SpaceListing(id: try row.text(0), name: try row.text(1)) }
        }
    }

    /// How many spaces that listing holds; see
    /// ``HypergraphStorage/spaceCount(appIdentityAddress:memberAccountAddress:)``.
    public func spaceCount(appIdentityAddress: String, memberAccountAddress: String) async throws -> Int {
        try await readers.read { connection in
            try connection.queryFirst(
                """
                SELECT count(*) FROM space_app_identities AS l
                JOIN space_members AS m ON m.space_id = l.space_id AND m.account_address = ?2
                WHERE l.app_identity_address = ?1
                """,
                [.text(appIdentityAddress), .text(memberAccountAddress)]
            ) { row in Int(try row.int64(0)) } ?? 0
        }
    }

    /// The account's pending invitations; see ``HypergraphStorage/invitations(inviteeAccountAddress:)``.
    public func invitations(inviteeAccountAddress: String) async throws -> [InvitationRecord] {
        try await readers.read { connection in
            try connection.query(
                """
                SELECT i.id, i.space_id, i.inviter_account_address, i.invitee_account_address, e.last_event_hash,
                       i.created_at
                FROM invitations AS i
                JOIN space_events AS e ON e.space_id = i.space_id
                 AND e.counter = (SELECT max(counter) FROM space_events WHERE space_id = i.space_id)
                WHERE i.invitee_account_address = ?1
                ORDER BY i.created_at, i.rowid
                """,
                [.text(inviteeAccountAddress)]
            ) { row in
                InvitationRecord(
                    id: try row.text(0), spaceId: try row.text(1), inviterAccountAddress: try row.text(2),
                    inviteeAccountAddress: try row.text(3), spaceLastEventHash: try row.text(4),
                    createdAt: try row.int64(5))
            }
        }
    }

    private static func isMember(
        spaceId: String, accountAddress: String, _ connection: SQLiteConnection
    ) throws -> Bool {
        try connection.exists(
            "SELECT 1 FROM space_members WHERE space_id = ?1 AND account_address = ?2",
            [.text(spaceId), .text(accountAddress)])
    }
}

extension SpaceEventRecord {
    /// Reads `space_id, counter, id, event_json, created_at` from the first five columns.
    init(row: SQLiteRow) throws(SQLiteError) {
        self.init(
            spaceId: try row.text(0), counter: try row.int64(1), eventId: try row.text(2),
            eventJSON: try row.text(3), createdAt: try row.int64(4))
    }
}
