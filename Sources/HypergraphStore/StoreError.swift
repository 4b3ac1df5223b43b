/// Every error the store reports.
public enum StoreError: Error, Hashable, Sendable, CustomStringConvertible {
    /// A write clashed with stored data; nothing of the write was persisted.
    case conflict(StoreConflict)
    /// A write or read referred to something that does not exist; nothing was persisted.
    case notFound(StoreEntity)
    /// The account is not a member of the space.
    case notMember(spaceId: String, accountAddress: String)
    /// An invitation did not carry a key box for every key of the space (§12 G16); these keys had none.
    case missingKeyBoxes(spaceId: String, keyIds: [String])
    /// The database was written by a newer version of this code.
    case schemaTooNew(path: String, found: Int, supported: Int)
    /// The file is an SQLite database of some other application.
    case notAHypergraphDatabase(path: String, applicationID: Int32)
    /// A schema migration failed; the database stayed at the previous version.
    case migrationFailed(path: String, version: Int, summary: String, underlying: String)
    /// A configuration value is out of range.
    case invalidConfiguration(String)
    /// The store was closed before the request was submitted.
    case closed
    /// SQLite reported an error (I/O, disk full, a lock held longer than the busy timeout, …).
    case sqlite(SQLiteError)
    /// The database server cannot be reached (refused, dropped, restarting, no free connection in time, login
    /// refused). Nothing of the failed write was persisted unless the connection dropped during its commit, in which
    /// case it may have been; retrying an update with the same id is safe (§12 G9).
    case unavailable(String)
    /// The database server reported an error that is not a conflict or a missing reference.
    case database(String)
    /// The database belongs to another application: it has tables but no Hypergraph schema version.
    case foreignDatabase(location: String, reason: String)

    static func migrationFailed(
        path: String, version: Int, summary: String, underlying: any Error
    ) -> StoreError {
        .migrationFailed(path: path, version: version, summary: summary, underlying: "\(underlying)")
    }

    /// `error` as a `StoreError`: store errors unchanged, SQLite errors wrapped.
    static func wrapping(_ error: any Error) -> StoreError {
        switch error {
        case let error as StoreError: return error
        case let error as SQLiteError: return .sqlite(error)
        default: return .sqlite(SQLiteError(code: 1, message: "\(error)"))
        }
    }

    /// A one-line explanation of what went wrong and where.
    public var description: String {
        switch self {
        case .conflict(let conflict):
            return "conflict: \(conflict)"
        case .notFound(let entity):
            return "not found: \(entity)"
        case .notMember(let spaceId, let accountAddress):
            return "account \(accountAddress) is not a member of space \(spaceId)"
        case .missingKeyBoxes(let spaceId, let keyIds):
            return "space \(spaceId): no key box was given for key(s) \(keyIds.joined(separator: ", ")); "
                + "an invitation needs one box for every key of the space"
        case .schemaTooNew(let path, let found, let supported):
            return "\(path) has schema version \(found), but this program supports versions up to \(supported); "
                + "use a newer program"
        case .notAHypergraphDatabase(let path, let applicationID):
            return "\(path) is not a Hypergraph database (application_id \(applicationID), or foreign tables)"
        case .migrationFailed(let path, let version, let summary, let underlying):
            return "\(path): migration to schema version \(version) (\(summary)) failed, nothing was changed: "
                + underlying
        case .invalidConfiguration(let detail):
            return "invalid store configuration: \(detail)"
        case .closed:
            return "the store is closed"
        case .sqlite(let error):
            return error.description
        case .unavailable(let reason):
            return "the store is unavailable: \(reason)"
        case .database(let detail):
            return "the database failed: \(detail)"
        case .foreignDatabase(let location, let reason):
            return "\(location) is not a Hypergraph database: \(reason)"
        }
    }
}

/// What a write clashed with.
public enum StoreConflict: Hashable, Sendable, CustomStringConvertible {
    /// An identity with this app identity address exists.
    case appIdentity(address: String)
    /// The account already has an identity for this app.
    case appIdentityForApp(accountAddress: String, appId: String)
    /// The account already has an identity with this signature key.
    case signaturePublicKey(accountAddress: String, signaturePublicKey: String)
    /// Another identity has this session token (the token itself is not repeated here).
    case sessionToken
    /// A space with this id exists.
    case space(id: String)
    /// The space already has an event with this id.
    case spaceEvent(spaceId: String, eventId: String)
    /// The event was validated against an older head: `counter` is not the next counter of the space.
    /// Re-read the head, validate again and retry.
    case spaceEventCounter(spaceId: String, counter: Int64, nextCounter: Int64)
    /// The recipient already has a box for this key.
    case keyBox(spaceId: String, keyId: String, accountAddress: String, appIdentityAddress: String?)
    /// The account already has a pending invitation to the space.
    case invitation(spaceId: String, inviteeAccountAddress: String)
    /// The account is already a member of the space.
    case member(spaceId: String, accountAddress: String)
    /// The space already has an inbox with this id.
    case spaceInbox(spaceId: String, inboxId: String)
    /// The account already has an inbox with this id.
    case accountInbox(accountAddress: String, inboxId: String)
    /// Another account already used this update id in the space (a resend by the same account is not a conflict:
    /// see ``UpdateAppendResult/duplicate(originalClock:)``).
    case updateId(spaceId: String, updateId: String, storedBy: String)
    /// The same account already stored an update with this id in the space, with other content or another
    /// signature: confirming it would tell the client that content was saved when it was not.
    case updateIdContent(spaceId: String, updateId: String, storedClock: Int64)
    /// The inbox already holds a message with this signature: a signed message carries no nonce, so a second
    /// copy is a replay (or a retry of a message that was stored).
    case inboxMessageSignature(inbox: StoreEntity, signatureHex: String)

    /// What clashed, in words.
    public var description: String {
        switch self {
        case .appIdentity(let address):
            return "an app identity with address \(address) already exists"
        case .appIdentityForApp(let accountAddress, let appId):
            return "account \(accountAddress) already has an app identity for app \(appId)"
        case .signaturePublicKey(let accountAddress, let key):
            return "account \(accountAddress) already has an app identity with signature key \(key)"
        case .sessionToken:
            return "another app identity already has this session token"
        case .space(let id):
            return "a space with id \(id) already exists"
        case .spaceEvent(let spaceId, let eventId):
            return "space \(spaceId) already has an event with id \(eventId)"
        case .spaceEventCounter(let spaceId, let counter, let nextCounter):
            return "space \(spaceId): event counter \(counter) is not the next counter (\(nextCounter)); "
                + "the space changed since its head was read"
        case .keyBox(let spaceId, let keyId, let accountAddress, let appIdentityAddress):
            return "space \(spaceId): account \(accountAddress)"
                + (appIdentityAddress.map { " (app identity \($0))" } ?? "")
                + " already has a box for key \(keyId)"
        case .invitation(let spaceId, let invitee):
            return "account \(invitee) already has a pending invitation to space \(spaceId)"
        case .member(let spaceId, let accountAddress):
            return "account \(accountAddress) is already a member of space \(spaceId)"
        case .spaceInbox(let spaceId, let inboxId):
            return "space \(spaceId) already has an inbox with id \(inboxId)"
        case .accountInbox(let accountAddress, let inboxId):
            return "account \(accountAddress) already has an inbox with id \(inboxId)"
        case .updateId(let spaceId, let updateId, let storedBy):
            return "space \(spaceId): update id \(updateId) was already used by account \(storedBy)"
        case .updateIdContent(let spaceId, let updateId, let storedClock):
            return "space \(spaceId): update id \(updateId) is already stored at clock \(storedClock) with "
                + "other content; a resend must repeat the update and signature exactly, new content needs a new id"
        case .inboxMessageSignature(let inbox, let signatureHex):
            return "\(inbox) already holds a message with signature \(signatureHex.prefix(18))…; a signed "
                + "message is stored once"
        }
    }
}

/// What a request referred to that does not exist.
public enum StoreEntity: Hashable, Sendable, CustomStringConvertible {
    /// An app identity.
    case appIdentity(address: String)
    /// A space.
    case space(id: String)
    /// A key of a space.
    case spaceKey(spaceId: String, keyId: String)
    /// A pending invitation of an account to a space.
    case invitation(spaceId: String, inviteeAccountAddress: String)
    /// An inbox of a space.
    case spaceInbox(spaceId: String, inboxId: String)
    /// An inbox of an account.
    case accountInbox(accountAddress: String, inboxId: String)

    /// The missing thing, in words.
    public var description: String {
        switch self {
        case .appIdentity(let address): return "app identity \(address)"
        case .space(let id): return "space \(id)"
        case .spaceKey(let spaceId, let keyId): return "key \(keyId) of space \(spaceId)"
        case .invitation(let spaceId, let invitee): return "invitation of account \(invitee) to space \(spaceId)"
        case .spaceInbox(let spaceId, let inboxId): return "inbox \(inboxId) of space \(spaceId)"
        case .accountInbox(let accountAddress, let inboxId): return "inbox \(inboxId) of account \(accountAddress)"
        }
    }
}
