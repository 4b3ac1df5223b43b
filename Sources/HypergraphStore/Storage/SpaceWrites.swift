// Concurrency: the closures passed to `writer.write` run on the writer thread (see StoreWriter) inside a group-commit
// batch, those passed to `readers.read` on a reader thread (see ReaderPool); they capture only immutable values.

extension SQLiteHypergraphStorage {
    /// Creates a space with everything that comes with it; see ``HypergraphStorage/createSpace(_:)``.
    public func createSpace(_ space: NewSpace) async throws -> SpaceEventRecord {
        try await writer.write { context in
            let connection = context.connection
            let now = context.now()
            try Self.requireAppIdentity(space.creatorAppIdentityAddress, connection)
            let inserted = try connection.execute(
                "INSERT INTO spaces (id, name, created_at) VALUES (?1, ?2, ?3) ON CONFLICT DO NOTHING",
                [.text(space.spaceId), .text(space.name), .integer(now)])
            guard inserted == 1 else { throw StoreError.conflict(.space(id: space.spaceId)) }
            try connection.execute(
                "INSERT INTO space_members (space_id, account_address, joined_at) VALUES (?1, ?2, ?3)",
                [.text(space.spaceId), .text(space.creatorAccountAddress), .integer(now)])
            try Self.link(space.creatorAppIdentityAddress, to: space.spaceId, at: now, connection)
            let event = NewSpaceEvent(
                spaceId: space.spaceId, eventId: space.spaceId, counter: 0, eventJSON: space.eventJSON,
                stateJSON: space.stateJSON, lastEventHash: space.lastEventHash)
            let record = try Self.insert(event, at: now, connection)
            try connection.execute(
                "INSERT INTO space_keys (space_id, id, created_at) VALUES (?1, ?2, ?3)",
                [.text(space.spaceId), .text(space.keyId), .integer(now)])
            try Self.insertKeyBox(
                KeyBoxRecord(
                    keyId: space.keyId, accountAddress: space.creatorAccountAddress,
                    appIdentityAddress: space.creatorAppIdentityAddress, payload: space.creatorKeyBox),
                spaceId: space.spaceId, at: now, connection)
            context.didAppend(record)
            return record
        }
    }

    /// Appends an event and applies its effect; see ``HypergraphStorage/appendSpaceEvent(_:effect:)``.
    public func appendSpaceEvent(_ event: NewSpaceEvent, effect: SpaceEventEffect) async throws -> SpaceEventRecord {
        try await writer.write { context in
            let connection = context.connection
            let now = context.now()
            let head = try connection.queryFirst(
                "SELECT (SELECT max(counter) FROM space_events WHERE space_id = ?1) FROM spaces WHERE id = ?1",
                [.text(event.spaceId)]
            ) { row in try row.optionalInt64(0) }
            guard let head else { throw StoreError.notFound(.space(id: event.spaceId)) }
            let nextCounter = (head ?? -1) + 1
            guard event.counter == nextCounter else {
                throw StoreError.conflict(
                    .spaceEventCounter(spaceId: event.spaceId, counter: event.counter, nextCounter: nextCounter))
            }
            let record = try Self.insert(event, at: now, connection)
            switch effect {
            case .createInvitation(let inviter, let invitee, let keyBoxes):
                try Self.createInvitation(
                    id: event.eventId, spaceId: event.spaceId, inviter: inviter, invitee: invitee,
                    keyBoxes: keyBoxes, at: now, connection)
            case .acceptInvitation(let accountAddress, let appIdentityAddress):
                try Self.acceptInvitation(
                    spaceId: event.spaceId, accountAddress: accountAddress, appIdentityAddress: appIdentityAddress,
                    at: now, connection)
            case .createSpaceInbox(let inbox):
                let inserted = try connection.execute(
                    """
                    INSERT INTO space_inboxes (space_id, id, is_public, auth_policy, encryption_public_key,
                                               encrypted_secret_key, creation_event_id, created_at)
                    VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) ON CONFLICT DO NOTHING
                    """,
                    [
                        .text(event.spaceId), .text(inbox.inboxId), .boolean(inbox.isPublic), .text(inbox.authPolicy),
                        .text(inbox.encryptionPublicKey), .text(inbox.encryptedSecretKey), .text(event.eventId),
                        .integer(now),
                    ])
                guard inserted == 1 else {
                    throw StoreError.conflict(.spaceInbox(spaceId: event.spaceId, inboxId: inbox.inboxId))
                }
            }
            context.didAppend(record)
            return record
        }
    }

    private static func insert(
        _ event: NewSpaceEvent, at now: UnixMilliseconds, _ connection: SQLiteConnection
    ) throws -> SpaceEventRecord {
        // The counter was checked by the caller (or is 0 in a new space), so only the id can clash here.
        let inserted = try connection.execute(
            """
            INSERT INTO space_events (space_id, counter, id, event_json, state_json, last_event_hash, created_at)
            VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) ON CONFLICT DO NOTHING
            """,
            [
                .text(event.spaceId), .integer(event.counter), .text(event.eventId), .text(event.eventJSON),
                .text(event.stateJSON), .text(event.lastEventHash), .integer(now),
            ])
        guard inserted == 1 else {
            throw StoreError.conflict(.spaceEvent(spaceId: event.spaceId, eventId: event.eventId))
        }
        return SpaceEventRecord(
            spaceId: event.spaceId, counter: event.counter, eventId: event.eventId, eventJSON: event.eventJSON,
            createdAt: now)
    }

    private static func createInvitation(
        id: String, spaceId: String, inviter: String, invitee: String, keyBoxes: [InviteeKeyBox],
        at now: UnixMilliseconds, _ connection: SQLiteConnection
    ) throws {
        let inserted = try connection.execute(
            """
            INSERT INTO invitations (space_id, id, inviter_account_address, invitee_account_address, created_at)
            VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT DO NOTHING
            """,
            [.text(spaceId), .text(id), .text(inviter), .text(invitee), .integer(now)])
        guard inserted == 1 else {
            throw StoreError.conflict(.invitation(spaceId: spaceId, inviteeAccountAddress: invitee))
        }
        let spaceKeys = Set(
            try connection.query("SELECT id FROM space_keys WHERE space_id = ?1", [.text(spaceId)]) {
                row in try row.text(0)
            })
        try keyBoxes.checkCoverage(of: spaceKeys, spaceId: spaceId)
        for box in keyBoxes {
            if let appIdentityAddress = box.appIdentityAddress {
                try requireAppIdentity(appIdentityAddress, connection)
            }
            try insertKeyBox(
                KeyBoxRecord(
                    keyId: box.keyId, accountAddress: invitee, appIdentityAddress: box.appIdentityAddress,
                    payload: box.payload),
                spaceId: spaceId, at: now, connection)
        }
    }

    private static func acceptInvitation(
        spaceId: String, accountAddress: String, appIdentityAddress: String, at now: UnixMilliseconds,
        _ connection: SQLiteConnection
    ) throws {
        try requireAppIdentity(appIdentityAddress, connection)
        let deleted = try connection.execute(
            "DELETE FROM invitations WHERE space_id = ?1 AND invitee_account_address = ?2",
            [.text(spaceId), .text(accountAddress)])
        guard deleted == 1 else {
            throw StoreError.notFound(.invitation(spaceId: spaceId, inviteeAccountAddress: accountAddress))
        }
        let inserted = try connection.execute(
            "INSERT INTO space_members (space_id, account_address, joined_at) VALUES (?1, ?2, ?3) "
                + "ON CONFLICT DO NOTHING",
            [.text(spaceId), .text(accountAddress), .integer(now)])
        guard inserted == 1 else {
            throw StoreError.conflict(.member(spaceId: spaceId, accountAddress: accountAddress))
        }
        try link(appIdentityAddress, to: spaceId, at: now, connection)
    }

    private static func insertKeyBox(
        _ box: KeyBoxRecord, spaceId: String, at now: UnixMilliseconds, _ connection: SQLiteConnection
    ) throws {
        let inserted = try connection.execute(
            """
            INSERT INTO space_key_boxes (space_id, key_id, account_address, app_identity_address, ciphertext, nonce,
                                         author_public_key, created_at)
            VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) ON CONFLICT DO NOTHING
            """,
            [
                .text(spaceId), .text(box.keyId), .text(box.accountAddress), .text(box.appIdentityAddress),
                .text(box.payload.ciphertext), .text(box.payload.nonce), .text(box.payload.authorPublicKey),
                .integer(now),
            ])
        guard inserted == 1 else {
            throw StoreError.conflict(
                .keyBox(
                    spaceId: spaceId, keyId: box.keyId, accountAddress: box.accountAddress,
                    appIdentityAddress: box.appIdentityAddress))
        }
    }

    /// Links an app identity to a space; linking it again changes nothing.
    private static func link(
        _ appIdentityAddress: String, to spaceId: String, at now: UnixMilliseconds, _ connection: SQLiteConnection
    ) throws {
        try connection.execute(
            "INSERT INTO space_app_identities (space_id, app_identity_address, linked_at) VALUES (?1, ?2, ?3) "
                + "ON CONFLICT DO NOTHING",
            [.text(spaceId), .text(appIdentityAddress), .integer(now)])
    }

    private static func requireAppIdentity(_ address: String, _ connection: SQLiteConnection) throws {
        guard
            try connection.exists(
                "SELECT 1 FROM identities WHERE app_identity_address = ?1", [.text(address)])
        else {
            throw StoreError.notFound(.appIdentity(address: address))
        }
    }
}
