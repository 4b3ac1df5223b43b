import HypergraphPostgres
import HypergraphStore

extension PostgresHypergraphStorage {
    private static let accountInboxColumns = """
        account_address, id, is_public, auth_policy, encryption_public_key, signature_hex, signature_recovery,
        created_at
        """

    // MARK: Account inboxes

    /// Stores an account inbox; see ``HypergraphStorage/createAccountInbox(_:)``.
    public func createAccountInbox(_ inbox: AccountInboxRecord) async throws -> AccountInboxRecord {
        var stored = inbox
        stored.createdAt = configuration.clock()
        let node = feed.node
        try await transaction { [stored] connection in
            let inserted = try await connection.query(
                "INSERT INTO account_inboxes (\(Self.accountInboxColumns)) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) "
                    + "ON CONFLICT DO NOTHING",
                [
                    .text(stored.accountAddress), .text(stored.inboxId), .bool(stored.isPublic),
                    .text(stored.authPolicy), .text(stored.encryptionPublicKey), .text(stored.signature.hex),
                    .int32(Int32(truncatingIfNeeded: stored.signature.recovery)), .int64(stored.createdAt),
                ]
            ).affectedRows
            guard inserted == 1 else {
                throw StoreError.conflict(.accountInbox(accountAddress: inbox.accountAddress, inboxId: inbox.inboxId))
            }
            try await ChangeNotification.send(
                kind: "ai", [("a", .text(stored.accountAddress)), ("i", .text(stored.inboxId))], node: node, token: 0,
                on: connection)
        }
        return stored
    }

    /// One inbox of an account; see ``HypergraphStorage/accountInbox(accountAddress:inboxId:)``.
    public func accountInbox(accountAddress: String, inboxId: String) async throws -> AccountInboxRecord? {
        try await read { connection in
            try await connection.query(
                "SELECT \(Self.accountInboxColumns) FROM account_inboxes WHERE account_address = $1 AND id = $2",
                [.text(accountAddress), .text(inboxId)]
            ).rows.first.map(AccountInboxRecord.init(row:))
        }
    }

    /// An account's inboxes; see ``HypergraphStorage/accountInboxes(accountAddress:publicOnly:)``.
    public func accountInboxes(accountAddress: String, publicOnly: Bool) async throws -> [AccountInboxRecord] {
        try await read { connection in
            try await connection.query(
                """
                SELECT \(Self.accountInboxColumns) FROM account_inboxes
                WHERE account_address = $1 AND (is_public OR NOT $2) ORDER BY created_at, seq
                """,
                [.text(accountAddress), .bool(publicOnly)]
            ).rows.map(AccountInboxRecord.init(row:))
        }
    }

    // MARK: Space inboxes

    /// One inbox of a space; see ``HypergraphStorage/spaceInbox(spaceId:inboxId:)``.
    public func spaceInbox(spaceId: String, inboxId: String) async throws -> SpaceInboxRecord? {
        try await read { connection in
            try await Self.spaceInboxes(spaceId: spaceId, inboxId: inboxId, publicOnly: false, connection).first
        }
    }

    /// A space's inboxes; see ``HypergraphStorage/spaceInboxes(spaceId:publicOnly:)``.
    public func spaceInboxes(spaceId: String, publicOnly: Bool) async throws -> [SpaceInboxRecord] {
        try await read { connection in
            try await Self.spaceInboxes(spaceId: spaceId, publicOnly: publicOnly, connection)
        }
    }

    /// The space's inboxes (one of them when `inboxId` is given), oldest first, with their creation events.
    static func spaceInboxes(
        spaceId: String, inboxId: String? = nil, publicOnly: Bool, _ connection: PostgresConnection
    ) async throws -> [SpaceInboxRecord] {
        try await connection.query(
            """
            SELECT i.id, i.is_public, i.auth_policy, i.encryption_public_key, i.encrypted_secret_key, e.event_json,
                   i.created_at
            FROM space_inboxes AS i JOIN space_events AS e ON e.space_id = i.space_id AND e.id = i.creation_event_id
            WHERE i.space_id = $1 AND ($2::text IS NULL OR i.id = $2) AND (i.is_public OR NOT $3)
            ORDER BY i.created_at, i.seq
            """,
            [.text(spaceId), .optionalText(inboxId), .bool(publicOnly)]
        ).rows.map { row in
            SpaceInboxRecord(
                spaceId: spaceId,
                inbox: NewSpaceInbox(
                    inboxId: try row.string(0), isPublic: try row.bool(1), authPolicy: try row.string(2),
                    encryptionPublicKey: try row.string(3), encryptedSecretKey: try row.string(4)),
                creationEventJSON: try row.string(5), createdAt: try row.int64(6))
        }
    }

    // MARK: Messages

    /// Stores a space inbox message; see ``HypergraphStorage/addSpaceInboxMessage(spaceId:inboxId:message:)``.
    public func addSpaceInboxMessage(
        spaceId: String, inboxId: String, message: NewInboxMessage
    ) async throws -> InboxMessageRecord {
        try await insert(message, into: .space, owner: spaceId, inboxId: inboxId) { _ in UUIDv4.random() }
    }

    /// Stores an account inbox message; see
    /// ``HypergraphStorage/addAccountInboxMessage(accountAddress:inboxId:message:)``.
    public func addAccountInboxMessage(
        accountAddress: String, inboxId: String, message: NewInboxMessage
    ) async throws -> InboxMessageRecord {
        try await insert(message, into: .account, owner: accountAddress, inboxId: inboxId) { [self] time in
            self.accountMessageIds.withLock { $0.next(at: time) }
        }
    }

    /// The oldest messages of a space inbox since a time, within a budget; see
    /// ``HypergraphStorage/spaceInboxMessages(spaceId:inboxId:since:maximumBytes:maximumCount:)``.
    public func spaceInboxMessages(
        spaceId: String, inboxId: String, since: UnixMilliseconds, maximumBytes: Int, maximumCount: Int
    ) async throws -> [InboxMessageRecord] {
        try await messages(
            in: .space, owner: spaceId, inboxId: inboxId,
            MessageBudget(since: since, maximumBytes: maximumBytes, maximumCount: maximumCount))
    }

    /// The oldest messages of an account inbox since a time, within a budget; see
    /// ``HypergraphStorage/accountInboxMessages(accountAddress:inboxId:since:maximumBytes:maximumCount:)``.
    public func accountInboxMessages(
        accountAddress: String, inboxId: String, since: UnixMilliseconds, maximumBytes: Int, maximumCount: Int
    ) async throws -> [InboxMessageRecord] {
        try await messages(
            in: .account, owner: accountAddress, inboxId: inboxId,
            MessageBudget(since: since, maximumBytes: maximumBytes, maximumCount: maximumCount))
    }

    /// Inserts a message if its inbox exists and, for a signed message, holds no message with the same signature,
    /// with a time after the inbox's newest message and the id `makeId` gives for that time. The inbox's row is
    /// locked first, so two copies of one signed message cannot both pass the check and inserts into one inbox
    /// commit in the order of their times (a reader continuing from a time never misses a message committed later).
    private func insert(
        _ message: NewInboxMessage, into kind: InboxKind, owner: String, inboxId: String,
        makeId: @escaping @Sendable (UnixMilliseconds) -> String
    ) async throws -> InboxMessageRecord {
        let node = feed.node
        let clock = configuration.clock
        return try await transaction { connection in
            guard
                try await !connection.query(
                    "SELECT 1 FROM \(kind.inboxTable) WHERE \(kind.ownerColumn) = $1 AND id = $2 FOR UPDATE",
                    [.text(owner), .text(inboxId)]
                ).rows.isEmpty
            else { throw kind.missingInbox(owner: owner, inboxId: inboxId) }
            let latest = try await connection.query(
                kind.latestMessageTimeQuery { "$\($0)" }, [.text(owner), .text(inboxId)]
            ).rows.first?.optionalInt64(0)
            let time = InboxKind.messageTime(now: clock(), latestInInbox: latest ?? nil)
            let record = InboxMessageRecord(id: makeId(time), message: message, createdAt: time)
            if let signature = record.message.signature {
                let replayed = try await !connection.query(
                    """
                    SELECT 1 FROM \(kind.messageTable)
                    WHERE \(kind.ownerColumn) = $1 AND inbox_id = $2 AND signature_hex = $3 LIMIT 1
                    """,
                    [.text(owner), .text(inboxId), .text(signature.hex)]
                ).rows.isEmpty
                if replayed {
                    throw StoreError.conflict(
                        .inboxMessageSignature(
                            inbox: kind.inbox(owner: owner, inboxId: inboxId), signatureHex: signature.hex))
                }
            }
            _ = try await connection.query(
                """
                INSERT INTO \(kind.messageTable) (id, \(kind.ownerColumn), inbox_id, ciphertext, signature_hex,
                                                  signature_recovery, author_account_address, created_at)
                VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
                """,
                [
                    .text(record.id), .text(owner), .text(inboxId), .text(record.message.ciphertext),
                    .optionalText(record.message.signature?.hex), .optionalInt32(record.message.signature?.recovery),
                    .optionalText(record.message.authorAccountAddress), .int64(record.createdAt),
                ])
            // Other processes deliver it to their connections; this one publishes it itself (token 0: no echo).
            try await ChangeNotification.send(
                kind: kind == .space ? "sm" : "am",
                [(kind == .space ? "s" : "a", .text(owner)), ("i", .text(inboxId)), ("m", .text(record.id))],
                node: node, token: 0, on: connection)
            return record
        }
    }

    /// One message by id, for the change feed.
    static func message(
        id: String, in kind: InboxKind, _ connection: PostgresConnection
    ) async throws -> InboxMessageRecord? {
        try await connection.query(
            """
            SELECT id, ciphertext, signature_hex, signature_recovery, author_account_address, created_at
            FROM \(kind.messageTable) WHERE id = $1
            """,
            [.text(id)]
        ).rows.first.map(InboxMessageRecord.init(row:))
    }

    /// One account inbox, for the change feed.
    static func accountInbox(
        accountAddress: String, inboxId: String, _ connection: PostgresConnection
    ) async throws -> AccountInboxRecord? {
        try await connection.query(
            "SELECT \(accountInboxColumns) FROM account_inboxes WHERE account_address = $1 AND id = $2",
            [.text(accountAddress), .text(inboxId)]
        ).rows.first.map(AccountInboxRecord.init(row:))
    }

    /// The running byte sum is a window over the messages in order, under `LIMIT maximumCount`, so the server stops
    /// reading after that many rows and sends only those within the budget (as for updates).
    private func messages(
        in kind: InboxKind, owner: String, inboxId: String, _ budget: MessageBudget
    ) async throws -> [InboxMessageRecord] {
        // One statement answers both questions: whether the inbox exists (the outer row) and its messages.
        let rows = try await read { connection in
            try await connection.query(
                """
                SELECT m.id, m.ciphertext, m.signature_hex, m.signature_recovery, m.author_account_address,
                       m.created_at
                FROM \(kind.inboxTable) AS i
                LEFT JOIN LATERAL (
                    SELECT * FROM (
                        SELECT *, sum(octet_length(ciphertext)) OVER (ORDER BY created_at, seq) AS running,
                               row_number() OVER (ORDER BY created_at, seq) AS position
                        FROM \(kind.messageTable)
                        WHERE \(kind.ownerColumn) = i.\(kind.ownerColumn) AND inbox_id = i.id AND created_at >= $3
                        ORDER BY created_at, seq LIMIT $4
                    ) AS range
                    WHERE position = 1 OR running <= $5
                ) AS m ON true
                WHERE i.\(kind.ownerColumn) = $1 AND i.id = $2
                ORDER BY m.created_at, m.seq
                """,
                [
                    .text(owner), .text(inboxId), .int64(budget.since), .int64(Int64(budget.maximumCount)),
                    .int64(Int64(budget.maximumBytes)),
                ]
            ).rows
        }
        guard !rows.isEmpty else { throw kind.missingInbox(owner: owner, inboxId: inboxId) }
        return try rows.filter { !$0.isNull(0) }.map(InboxMessageRecord.init(row:))
    }
}

extension InboxMessageRecord {
    /// Reads `id, ciphertext, signature_hex, signature_recovery, author_account_address, created_at`.
    fileprivate init(row: PostgresRow) throws {
        let hex = try row.optionalString(2)
        let recovery = try row.optionalInt64(3)
        // A signature is reported only when both of its columns are set (§9.6).
        let signature = hex.flatMap { hex in recovery.map { SignatureRecord(hex: hex, recovery: Int($0)) } }
        self.init(
            id: try row.string(0),
            message: NewInboxMessage(
                ciphertext: try row.string(1), signature: signature, authorAccountAddress: try row.optionalString(4)),
            createdAt: try row.int64(5))
    }
}

extension AccountInboxRecord {
    /// Reads the account inbox columns, in their order.
    fileprivate init(row: PostgresRow) throws {
        self.init(
            accountAddress: try row.string(0), inboxId: try row.string(1), isPublic: try row.bool(2),
            authPolicy: try row.string(3), encryptionPublicKey: try row.string(4),
            signature: SignatureRecord(hex: try row.string(5), recovery: Int(try row.int64(6))),
            createdAt: try row.int64(7))
    }
}
