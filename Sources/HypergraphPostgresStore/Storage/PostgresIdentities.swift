import HypergraphPostgres
import HypergraphStore

extension PostgresHypergraphStorage {
    private static let identityColumns = """
        account_address, app_identity_address, app_id, signature_public_key, encryption_public_key, account_proof,
        key_proof, session_token, session_token_expires_at, created_at
        """

    /// Stores a new app identity; see ``HypergraphStorage/createIdentity(_:)``.
    public func createIdentity(_ identity: IdentityRecord) async throws {
        try await transaction { connection in
            let inserted = try await connection.query(
                "INSERT INTO identities (\(Self.identityColumns)) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) "
                    + "ON CONFLICT DO NOTHING",
                [
                    .text(identity.accountAddress), .text(identity.appIdentityAddress), .text(identity.appId),
                    .text(identity.signaturePublicKey), .text(identity.encryptionPublicKey),
                    .optionalText(identity.accountProof), .optionalText(identity.keyProof),
                    .text(identity.sessionToken), .int64(identity.sessionTokenExpiresAt), .int64(identity.createdAt),
                ])
            if inserted.affectedRows == 0 {
                throw StoreError.conflict(try await Self.identityConflict(identity, connection))
            }
        }
    }

    /// Gives an identity a new session token; see
    /// ``HypergraphStorage/renewSessionToken(appIdentityAddress:sessionToken:expiresAt:)``.
    public func renewSessionToken(
        appIdentityAddress: String, sessionToken: String, expiresAt: UnixMilliseconds
    ) async throws {
        try await transaction { connection in
            let updated: PostgresQueryResult
            do {
                updated = try await connection.query(
                    "UPDATE identities SET session_token = $2, session_token_expires_at = $3 "
                        + "WHERE app_identity_address = $1",
                    [.text(appIdentityAddress), .text(sessionToken), .int64(expiresAt)])
            } catch let error as PostgresError where error.violatedConstraint == "identities_session_token_key" {
                throw StoreError.conflict(.sessionToken)
            }
            if updated.affectedRows == 0 {
                throw StoreError.notFound(.appIdentity(address: appIdentityAddress))
            }
        }
    }

    /// Finds the identity holding a session token; see ``HypergraphStorage/identity(sessionToken:)``.
    public func identity(sessionToken: String) async throws -> SessionTokenLookup {
        let now = configuration.clock()
        let found = try await read { connection in
            try await connection.query(
                "SELECT \(Self.identityColumns) FROM identities WHERE session_token = $1", [.text(sessionToken)]
            ).rows.first.map(IdentityRecord.init(row:))
        }
        guard let found else { return .unknown }
        return found.sessionTokenExpiresAt < now ? .expired(found) : .valid(found)
    }

    /// Finds an identity by signature key; see
    /// ``HypergraphStorage/identity(accountAddress:signaturePublicKey:linkedToSpace:)``.
    public func identity(
        accountAddress: String, signaturePublicKey: String, linkedToSpace spaceId: String?
    ) async throws -> IdentityRecord? {
        try await read { connection in
            try await connection.query(
                """
                SELECT \(Self.identityColumns) FROM identities
                WHERE account_address = $1 AND signature_public_key = $2
                  AND ($3::text IS NULL OR EXISTS (
                      SELECT 1 FROM space_app_identities
                      WHERE space_id = $3 AND app_identity_address = identities.app_identity_address))
                """,
                [.text(accountAddress), .text(signaturePublicKey), .optionalText(spaceId)]
            ).rows.first.map(IdentityRecord.init(row:))
        }
    }

    /// Finds an identity by app; see ``HypergraphStorage/identity(accountAddress:appId:)``.
    public func identity(accountAddress: String, appId: String) async throws -> IdentityRecord? {
        try await read { connection in
            try await connection.query(
                "SELECT \(Self.identityColumns) FROM identities WHERE account_address = $1 AND app_id = $2",
                [.text(accountAddress), .text(appId)]
            ).rows.first.map(IdentityRecord.init(row:))
        }
    }

    /// Every identity; see ``HypergraphStorage/identities()``.
    public func identities() async throws -> [IdentityRecord] {
        try await read { connection in
            try await connection.query("SELECT \(Self.identityColumns) FROM identities ORDER BY created_at, seq")
                .rows.map(IdentityRecord.init(row:))
        }
    }

    /// Names the unique constraint `identity` clashed with (the insert reported only that one did).
    private static func identityConflict(
        _ identity: IdentityRecord, _ connection: PostgresConnection
    ) async throws -> StoreConflict {
        let checks: [(sql: String, arguments: [PostgresValue], conflict: StoreConflict)] = [
            (
                "SELECT 1 FROM identities WHERE app_identity_address = $1", [.text(identity.appIdentityAddress)],
                .appIdentity(address: identity.appIdentityAddress)
            ),
            (
                "SELECT 1 FROM identities WHERE account_address = $1 AND app_id = $2",
                [.text(identity.accountAddress), .text(identity.appId)],
                .appIdentityForApp(accountAddress: identity.accountAddress, appId: identity.appId)
            ),
            (
                "SELECT 1 FROM identities WHERE account_address = $1 AND signature_public_key = $2",
                [.text(identity.accountAddress), .text(identity.signaturePublicKey)],
                .signaturePublicKey(
                    accountAddress: identity.accountAddress, signaturePublicKey: identity.signaturePublicKey)
            ),
        ]
        for check in checks where try await !connection.query(check.sql, check.arguments).rows.isEmpty {
            return check.conflict
        }
        return .sessionToken
    }
}

extension IdentityRecord {
    /// Reads the columns listed in the identity queries, in their order.
    fileprivate init(row: PostgresRow) throws {
        self.init(
            accountAddress: try row.string(0), appIdentityAddress: try row.string(1), appId: try row.string(2),
            signaturePublicKey: try row.string(3), encryptionPublicKey: try row.string(4),
            accountProof: try row.optionalString(5), keyProof: try row.optionalString(6),
            sessionToken: try row.string(7), sessionTokenExpiresAt: try row.int64(8), createdAt: try row.int64(9))
    }
}
