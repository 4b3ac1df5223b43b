// Concurrency: the closures passed to `writer.write` run on the writer thread (see StoreWriter) inside a group-commit
// batch, those passed to `readers.read` on a reader thread (see ReaderPool); they capture only immutable values.

extension SQLiteHypergraphStorage {
    private static let accountInboxColumns = """
        account_address, id, is_public, auth_policy, encryption_public_key, signature_hex, signature_recovery,
        created_at
        """

    // MARK: Account inboxes

    /// Stores an account inbox; see ``HypergraphStorage/createAccountInbox(_:)``.
    public func createAccountInbox(_ inbox: AccountInboxRecord) async throws -> AccountInboxRecord {
        try await writer.write { context in
            var stored = inbox
            stored.createdAt = context.now()
            let inserted = try context.connection.execute(
                "INSERT INTO account_inboxes (\(Self.accountInboxColumns)) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) "
                    + "ON CONFLICT DO NOTHING",
                [
                    .text(stored.accountAddress), .text(stored.inboxId), .boolean(stored.isPublic),
                    .text(stored.authPolicy), .text(stored.encryptionPublicKey), .text(stored.signature.hex),
                    .integer(stored.signature.recovery), .integer(stored.createdAt),
                ])
            guard inserted == 1 else {
                throw StoreError.conflict(.accountInbox(accountAddress: inbox.accountAddress, inboxId: inbox.inboxId))
            }
            return stored
        }
    }

    /// One inbox of an account; see ``HypergraphStorage/accountInbox(accountAddress:inboxId:)``.
    public func accountInbox(accountAddress: String, inboxId: String) async throws -> AccountInboxRecord? {
        try await readers.read { connection in
            try connection.queryFirst(
                "SELECT \(Self.accountInboxColumns) FROM account_inboxes WHERE account_address = ?1 AND id = ?2",
                [.text(accountAddress), .text(inboxId)], AccountInboxRecord.init(row:))
        }
    }

    /// An account's inboxes; see ``HypergraphStorage/accountInboxes(accountAddress:publicOnly:)``.
    public func accountInboxes(accountAddress: String, publicOnly: Bool) async throws -> [AccountInboxRecord] {
        try await readers.read { connection in
            try connection.query(
                """
                SELECT \(Self.accountInboxColumns) FROM account_inboxes
                WHERE account_address = ?1 AND (is_public = 1 OR ?2 = 0) ORDER BY created_at, rowid
                """,
                [.text(accountAddress), .boolean(publicOnly)], AccountInboxRecord.init(row:))
        }
    }

    // MARK: Space inboxes

    /// One inbox of a space; see ``HypergraphStorage/spaceInbox(spaceId:inboxId:)``.
    public func spaceInbox(spaceId: String, inboxId: String) async throws -> SpaceInboxRecord? {
        try await readers.read { connection in
            try Self.spaceInboxes(spaceId: spaceId, inboxId: inboxId, publicOnly: false, connection).first
        }
    }

    /// A space's inboxes; see ``HypergraphStorage/spaceInboxes(spaceId:publicOnly:)``.
    public func spaceInboxes(spaceId: String, publicOnly: Bool) async throws -> [SpaceInboxRecord] {
        try await readers.read { connection in
            try Self.spaceInboxes(spaceId: spaceId, publicOnly: publicOnly, connection)
        }
    }

    /// The space's inboxes (one of them when `inboxId` is given), oldest first, with their creation events.
    static func spaceInboxes(
        spaceId: String, inboxId: String? = nil, publicOnly: Bool, _ connection: SQLiteConnection
    ) throws -> [SpaceInboxRecord] {
        try connection.query(
            """
            SELECT i.id, i.is_public, i.auth_policy, i.encryption_public_key, i.encrypted_secret_key, e.event_json,
                   i.created_at
            FROM space_inboxes AS i JOIN space_events AS e ON e.space_id = i.space_id AND e.id = i.creation_event_id
            WHERE i.space_id = ?1 AND (?2 IS NULL OR i.id = ?2) AND (i.is_public = 1 OR ?3 = 0)
            ORDER BY i.created_at, i.rowid
            """,
            [.text(spaceId), .text(inboxId), .boolean(publicOnly)]
        ) { row in
            SpaceInboxRecord(
                spaceId: spaceId,
                inbox: NewSpaceInbox(
                    inboxId: try row.text(0), isPublic: try row.boolean(1), authPolicy: try row.text(2),
                    encryptionPublicKey: try row.text(3), encryptedSecretKey: try row.text(4)),
                creationEventJSON: try row.text(5), createdAt: try row.int64(6))
        }
    }

    // MARK: Messages

    /// Stores a space inbox message; see ``HypergraphStorage/addSpaceInboxMessage(spaceId:inboxId:message:)``.
    public func addSpaceInboxMessage(
        spaceId: String, inboxId: String, message: NewInboxMessage
    ) async throws -> InboxMessageRecord {
        try await writer.write { context in
            let time = try Self.newMessageTime(in: .space, owner: spaceId, inboxId: inboxId, context)
            let record = InboxMessageRecord(id: UUIDv4.random(), message: message, createdAt: time)
            try Self.insert(record, into: .space, owner: spaceId, inboxId: inboxId, context.connection)
            return record
        }
    }

    /// Stores an account inbox message; see
    /// ``HypergraphStorage/addAccountInboxMessage(accountAddress:inboxId:message:)``.
    public func addAccountInboxMessage(
        accountAddress: String, inboxId: String, message: NewInboxMessage
    ) async throws -> InboxMessageRecord {
        try await writer.write { context in
            let time = try Self.newMessageTime(in: .account, owner: accountAddress, inboxId: inboxId, context)
            let record = InboxMessageRecord(id: context.newUUIDv7(at: time), message: message, createdAt: time)
            try Self.insert(record, into: .account, owner: accountAddress, inboxId: inboxId, context.connection)
            return record
        }
    }

    /// The oldest messages of a space inbox since a time, within a budget; see
    /// ``HypergraphStorage/spaceInboxMessages(spaceId:inboxId:since:maximumBytes:maximumCount:)``.
    public func spaceInboxMessages(
        spaceId: String, inboxId: String, since: UnixMilliseconds, maximumBytes: Int, maximumCount: Int
    ) async throws -> [InboxMessageRecord] {
        let budget = MessageBudget(since: since, maximumBytes: maximumBytes, maximumCount: maximumCount)
        return try await readers.read { connection in
            try Self.messages(in: .space, owner: spaceId, inboxId: inboxId, budget, connection)
        }
    }

    /// The oldest messages of an account inbox since a time, within a budget; see
    /// ``HypergraphStorage/accountInboxMessages(accountAddress:inboxId:since:maximumBytes:maximumCount:)``.
    public func accountInboxMessages(
        accountAddress: String, inboxId: String, since: UnixMilliseconds, maximumBytes: Int, maximumCount: Int
    ) async throws -> [InboxMessageRecord] {
        let budget = MessageBudget(since: since, maximumBytes: maximumBytes, maximumCount: maximumCount)
        return try await readers.read { connection in
            try Self.messages(in: .account, owner: accountAddress, inboxId: inboxId, budget, connection)
        }
    }

    /// The time of a message inserted now: after the inbox's newest one (runs on the writer thread, so no other
    /// insert comes in between).
    private static func newMessageTime(
        in kind: InboxKind, owner: String, inboxId: String, _ context: WriteContext
    ) throws -> UnixMilliseconds {
        let latest =
            try context.connection.queryFirst(
                kind.latestMessageTimeQuery { "?\($0)" }, [.text(owner), .text(inboxId)]
            ) { row in try row.optionalInt64(0) } ?? nil
        return InboxKind.messageTime(now: context.now(), latestInInbox: latest)
    }

    /// Inserts a message after checking that its inbox exists.
    private static func insert(
        _ record: InboxMessageRecord, into kind: InboxKind, owner: String, inboxId: String,
        _ connection: SQLiteConnection
    ) throws {
        try requireInbox(kind, owner: owner, inboxId: inboxId, connection)
        // Runs on the writer thread, so no other insert comes between this check and the insert below.
        if let signature = record.message.signature,
            try connection.exists(
                """
                SELECT 1 FROM \(kind.messageTable)
                WHERE \(kind.ownerColumn) = ?1 AND inbox_id = ?2 AND signature_hex = ?3
                """,
                [.text(owner), .text(inboxId), .text(signature.hex)])
        {
            throw StoreError.conflict(
                .inboxMessageSignature(
                    inbox: kind.inbox(owner: owner, inboxId: inboxId), signatureHex: signature.hex))
        }
        try connection.execute(
            """
            INSERT INTO \(kind.messageTable) (id, \(kind.ownerColumn), inbox_id, ciphertext, signature_hex,
                                              signature_recovery, author_account_address, created_at)
            VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
            """,
            [
                .text(record.id), .text(owner), .text(inboxId), .text(record.message.ciphertext),
                .text(record.message.signature?.hex), .integer(record.message.signature?.recovery),
                .text(record.message.authorAccountAddress), .integer(record.createdAt),
            ])
    }

    private static func requireInbox(
        _ kind: InboxKind, owner: String, inboxId: String, _ connection: SQLiteConnection
    ) throws {
        guard
            try connection.exists(
                "SELECT 1 FROM \(kind.inboxTable) WHERE \(kind.ownerColumn) = ?1 AND id = ?2",
                [.text(owner), .text(inboxId)])
        else {
            throw kind.missingInbox(owner: owner, inboxId: inboxId)
        }
    }

    private static func messages(
        in kind: InboxKind, owner: String, inboxId: String, _ budget: MessageBudget, _ connection: SQLiteConnection
    ) throws -> [InboxMessageRecord] {
        try connection.transaction(immediate: false) {
            try requireInbox(kind, owner: owner, inboxId: inboxId, connection)
            var bytes = 0
            var taken = 0
            return try connection.query(
                """
                SELECT id, ciphertext, signature_hex, signature_recovery, author_account_address, created_at,
                       length(CAST(ciphertext AS BLOB))
                FROM \(kind.messageTable)
                WHERE \(kind.ownerColumn) = ?1 AND inbox_id = ?2 AND created_at >= ?3
                ORDER BY created_at, rowid
                """,
                [.text(owner), .text(inboxId), .integer(budget.since)],
                mapWhile: { row -> InboxMessageRecord? in
                    // The size column is read first, so the message past the budget is never loaded.
                    let size = Int(truncatingIfNeeded: try row.int64(6))
                    guard taken == 0 || (taken < budget.maximumCount && bytes + size <= budget.maximumBytes) else {
                        return nil
                    }
                    taken += 1
                    bytes += size
                    return try InboxMessageRecord(row: row)
                })
        }
    }
}

extension InboxMessageRecord {
    /// Reads `id, ciphertext, signature_hex, signature_recovery, author_account_address, created_at`.
    fileprivate init(row: SQLiteRow) throws(SQLiteError) {
        let hex = try row.optionalText(2)
        let recovery = try row.optionalInt64(3)
        // A signature is reported only when both of its columns are set (§9.6).
        let signature = hex.flatMap { hex in
            recovery.map { SignatureRecord(hex: hex, recovery: Int(truncatingIfNeeded: $0)) }
        }
        self.init(
            id: try row.text(0),
            message: NewInboxMessage(
                ciphertext: try row.text(1), signature: signature, authorAccountAddress: try row.optionalText(4)),
            createdAt: try row.int64(5))
    }
}

extension AccountInboxRecord {
    /// Reads the account inbox columns, in their order.
    fileprivate init(row: SQLiteRow) throws(SQLiteError) {
        self.init(
            accountAddress: try row.text(0), inboxId: try row.text(1), isPublic: try row.boolean(2),
            authPolicy: try row.text(3), encryptionPublicKey: try row.text(4),
            signature: SignatureRecord(hex: try row.text(5), recovery: Int(truncatingIfNeeded: try row.int64(6))),
            createdAt: try row.int64(7))
    }
}
