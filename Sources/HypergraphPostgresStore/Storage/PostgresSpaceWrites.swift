import HypergraphPostgres
import HypergraphStore

extension PostgresHypergraphStorage {
    /// Creates a space with everything that comes with it; see ``HypergraphStorage/createSpace(_:)``.
    public func createSpace(_ space: NewSpace) async throws -> SpaceEventRecord {
        let now = configuration.clock()
        let node = feed.node
        return try await writeReported { token in
            let record = try await transaction { connection in
                try await Self.requireAppIdentity(space.creatorAppIdentityAddress, connection)
                let inserted = try await connection.query(
                    "INSERT INTO spaces (id, name, created_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
                    [.text(space.spaceId), .text(space.name), .int64(now)])
                guard inserted.affectedRows == 1 else { throw StoreError.conflict(.space(id: space.spaceId)) }
                _ = try await connection.query(
                    "INSERT INTO space_members (space_id, account_address, joined_at) VALUES ($1, $2, $3)",
                    [.text(space.spaceId), .text(space.creatorAccountAddress), .int64(now)])
                try await Self.link(space.creatorAppIdentityAddress, to: space.spaceId, at: now, connection)
                let event = NewSpaceEvent(
                    spaceId: space.spaceId, eventId: space.spaceId, counter: 0, eventJSON: space.eventJSON,
                    stateJSON: space.stateJSON, lastEventHash: space.lastEventHash)
                let record = try await Self.insert(event, at: now, connection)
                _ = try await connection.query(
                    "INSERT INTO space_keys (space_id, id, created_at) VALUES ($1, $2, $3)",
                    [.text(space.spaceId), .text(space.keyId), .int64(now)])
                try await Self.insertKeyBox(
                    KeyBoxRecord(
                        keyId: space.keyId, accountAddress: space.creatorAccountAddress,
                        appIdentityAddress: space.creatorAppIdentityAddress, payload: space.creatorKeyBox),
                    spaceId: space.spaceId, at: now, connection)
                try await ChangeNotification.send(
                    kind: "e", [("s", .text(record.spaceId)), ("c", .int64(record.counter))], node: node, token: token,
                    on: connection)
                return record
            }
            return (record, .spaceEvent(record))
        }
    }

    /// Appends an event and applies its effect; see ``HypergraphStorage/appendSpaceEvent(_:effect:)``.
    ///
    /// The space's row is locked first, so the counter check and the insert see the same head in every process.
    public func appendSpaceEvent(_ event: NewSpaceEvent, effect: SpaceEventEffect) async throws -> SpaceEventRecord {
        let now = configuration.clock()
        let node = feed.node
        return try await writeReported { token in
            let record = try await transaction { connection in
                // Lock first, then read the head in a new statement: in READ COMMITTED each statement sees what
                // was committed when it started, so the head is read after the previous appender committed.
                guard
                    try await !connection.query(
                        "SELECT 1 FROM spaces WHERE id = $1 FOR UPDATE", [.text(event.spaceId)]
                    ).rows.isEmpty
                else { throw StoreError.notFound(.space(id: event.spaceId)) }
                let head = try await connection.query(
                    "SELECT max(counter) FROM space_events WHERE space_id = $1", [.text(event.spaceId)])
                let nextCounter = (try head.rows[0].optionalInt64(0) ?? -1) + 1
                guard event.counter == nextCounter else {
                    throw StoreError.conflict(
                        .spaceEventCounter(spaceId: event.spaceId, counter: event.counter, nextCounter: nextCounter))
                }
                let record = try await Self.insert(event, at: now, connection)
                try await Self.apply(effect, of: event, at: now, connection)
                try await ChangeNotification.send(
                    kind: "e", [("s", .text(record.spaceId)), ("c", .int64(record.counter))], node: node, token: token,
                    on: connection)
                return record
            }
            return (record, .spaceEvent(record))
        }
    }

    private static func apply(
        _ effect: SpaceEventEffect, of event: NewSpaceEvent, at now: UnixMilliseconds, _ connection: PostgresConnection
    ) async throws {
        switch effect {
        case .createInvitation(let inviter, let invitee, let keyBoxes):
            try await createInvitation(
                id: event.eventId, spaceId: event.spaceId, inviter: inviter, invitee: invitee, keyBoxes: keyBoxes,
                at: now, connection)
        case .acceptInvitation(let accountAddress, let appIdentityAddress):
            try await acceptInvitation(
                spaceId: event.spaceId, accountAddress: accountAddress, appIdentityAddress: appIdentityAddress,
                at: now, connection)
        case .createSpaceInbox(let inbox):
            let inserted = try await connection.query(
                """
                INSERT INTO space_inboxes (space_id, id, is_public, auth_policy, encryption_public_key,
                                           encrypted_secret_key, creation_event_id, created_at)
                VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT DO NOTHING
                """,
                [
                    .text(event.spaceId), .text(inbox.inboxId), .bool(inbox.isPublic), .text(inbox.authPolicy),
                    .text(inbox.encryptionPublicKey), .text(inbox.encryptedSecretKey), .text(event.eventId),
                    .int64(now),
                ])
            guard inserted.affectedRows == 1 else {
                throw StoreError.conflict(.spaceInbox(spaceId: event.spaceId, inboxId: inbox.inboxId))
            }
        }
    }

    private static func insert(
        _ event: NewSpaceEvent, at now: UnixMilliseconds, _ connection: PostgresConnection
    ) async throws -> SpaceEventRecord {
        // The counter was checked under the space's row lock (or is 0 in a new space), so only the id can clash.
        let inserted = try await connection.query(
            """
            INSERT INTO space_events (space_id, counter, id, event_json, state_json, last_event_hash, created_at)
            VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (space_id, id) DO NOTHING
            """,
            [
                .text(event.spaceId), .int64(event.counter), .text(event.eventId), .text(event.eventJSON),
                .text(event.stateJSON), .text(event.lastEventHash), .int64(now),
            ])
        guard inserted.affectedRows == 1 else {
            throw StoreError.conflict(.spaceEvent(spaceId: event.spaceId, eventId: event.eventId))
        }
        return SpaceEventRecord(
            spaceId: event.spaceId, counter: event.counter, eventId: event.eventId, eventJSON: event.eventJSON,
            createdAt: now)
    }

    private static func createInvitation(
        id: String, spaceId: String, inviter: String, invitee: String, keyBoxes: [InviteeKeyBox],
        at now: UnixMilliseconds, _ connection: PostgresConnection
    ) async throws {
        let inserted = try await connection.query(
            """
            INSERT INTO invitations (space_id, id, inviter_account_address, invitee_account_address, created_at)
            VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING
            """,
            [.text(spaceId), .text(id), .text(inviter), .text(invitee), .int64(now)])
        guard inserted.affectedRows == 1 else {
            throw StoreError.conflict(.invitation(spaceId: spaceId, inviteeAccountAddress: invitee))
        }
        let spaceKeys = Set(
            try await connection.query("SELECT id FROM space_keys WHERE space_id = $1", [.text(spaceId)])
                .rows.map { try $0.string(0) })
        try keyBoxes.checkCoverage(of: spaceKeys, spaceId: spaceId)
        for box in keyBoxes {
            if let appIdentityAddress = box.appIdentityAddress {
                try await requireAppIdentity(appIdentityAddress, connection)
            }
            try await insertKeyBox(
                KeyBoxRecord(
                    keyId: box.keyId, accountAddress: invitee, appIdentityAddress: box.appIdentityAddress,
                    payload: box.payload),
                spaceId: spaceId, at: now, connection)
        }
    }

    private static func acceptInvitation(
        spaceId: String, accountAddress: String, appIdentityAddress: String, at now: UnixMilliseconds,
        _ connection: PostgresConnection
    ) async throws {
        try await requireAppIdentity(appIdentityAddress, connection)
        let deleted = try await connection.query(
            "DELETE FROM invitations WHERE space_id = $1 AND invitee_account_address = $2",
            [.text(spaceId), .text(accountAddress)])
        guard deleted.affectedRows == 1 else {
            throw StoreError.notFound(.invitation(spaceId: spaceId, inviteeAccountAddress: accountAddress))
        }
        let inserted = try await connection.query(
            "INSERT INTO space_members (space_id, account_address, joined_at) VALUES ($1, $2, $3) "
                + "ON CONFLICT DO NOTHING",
            [.text(spaceId), .text(accountAddress), .int64(now)])
        guard inserted.affectedRows == 1 else {
            throw StoreError.conflict(.member(spaceId: spaceId, accountAddress: accountAddress))
        }
        try await link(appIdentityAddress, to: spaceId, at: now, connection)
    }

    private static func insertKeyBox(
        _ box: KeyBoxRecord, spaceId: String, at now: UnixMilliseconds, _ connection: PostgresConnection
    ) async throws {
        let inserted = try await connection.query(
            """
            INSERT INTO space_key_boxes (space_id, key_id, account_address, app_identity_address, ciphertext, nonce,
                                         author_public_key, created_at)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT DO NOTHING
            """,
            [
                .text(spaceId), .text(box.keyId), .text(box.accountAddress), .optionalText(box.appIdentityAddress),
                .text(box.payload.ciphertext), .text(box.payload.nonce), .text(box.payload.authorPublicKey),
                .int64(now),
            ])
        guard inserted.affectedRows == 1 else {
            throw StoreError.conflict(
                .keyBox(
                    spaceId: spaceId, keyId: box.keyId, accountAddress: box.accountAddress,
                    appIdentityAddress: box.appIdentityAddress))
        }
    }

    /// Links an app identity to a space; linking it again changes nothing.
    private static func link(
        _ appIdentityAddress: String, to spaceId: String, at now: UnixMilliseconds, _ connection: PostgresConnection
    ) async throws {
        _ = try await connection.query(
            "INSERT INTO space_app_identities (space_id, app_identity_address, linked_at) VALUES ($1, $2, $3) "
                + "ON CONFLICT DO NOTHING",
            [.text(spaceId), .text(appIdentityAddress), .int64(now)])
    }

    private static func requireAppIdentity(_ address: String, _ connection: PostgresConnection) async throws {
        guard
            try await !connection.query(
                "SELECT 1 FROM identities WHERE app_identity_address = $1", [.text(address)]
            ).rows.isEmpty
        else {
            throw StoreError.notFound(.appIdentity(address: address))
        }
    }
}
