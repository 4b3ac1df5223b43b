/// A point in time: milliseconds since 1970-01-01T00:00:00Z. Every time the store keeps has this unit.
public typealias UnixMilliseconds = Int64

/// A recoverable secp256k1 signature as the protocol carries it (PROTOCOL.md §3.1).
public struct SignatureRecord: Hashable, Sendable {
    /// The 64-byte compact signature as 128 hex digits, stored as given.
    public var hex: String
    /// The recovery id, stored as given.
    public var recovery: Int

    /// Creates a signature record.
    public init(hex: String, recovery: Int) {
        self.hex = hex
        self.recovery = recovery
    }
}

/// An app identity: the keys one app uses for one account, and its session token (PROTOCOL.md §9.7).
/// The signature private key is never part of a record and never stored.
public struct IdentityRecord: Hashable, Sendable {
    /// The account the identity belongs to (`0x…` address).
    public var accountAddress: String
    /// The app identity's own address; unique.
    public var appIdentityAddress: String
    /// The app the identity is for; an account has at most one identity per app.
    public var appId: String
    /// The secp256k1 public key that signs for this identity (`0x…` hex); unique per account.
    public var signaturePublicKey: String
    /// The X25519 public key that key boxes for this identity are encrypted to (`0x…` hex).
    public var encryptionPublicKey: String
    /// The ownership proof of the account, when there is one (§7.6); returned by `GET /identity`.
    public var accountProof: String?
    /// The ownership proof of the key, when there is one (§7.6); returned by `GET /identity`.
    public var keyProof: String?
    /// The WebSocket session token; unique across identities.
    public var sessionToken: String
    /// When the session token stops being accepted. A token is expired when this is earlier than now.
    public var sessionTokenExpiresAt: UnixMilliseconds
    /// When the identity was created.
    public var createdAt: UnixMilliseconds

    /// Creates an identity record.
    public init(
        accountAddress: String, appIdentityAddress: String, appId: String, signaturePublicKey: String,
        encryptionPublicKey: String, accountProof: String? = nil, keyProof: String? = nil, sessionToken: String,
        sessionTokenExpiresAt: UnixMilliseconds, createdAt: UnixMilliseconds
    ) {
        self.accountAddress = accountAddress
        self.appIdentityAddress = appIdentityAddress
        self.appId = appId
        self.signaturePublicKey = signaturePublicKey
        self.encryptionPublicKey = encryptionPublicKey
        self.accountProof = accountProof
        self.keyProof = keyProof
        self.sessionToken = sessionToken
        self.sessionTokenExpiresAt = sessionTokenExpiresAt
        self.createdAt = createdAt
    }
}

/// The outcome of looking up a session token.
public enum SessionTokenLookup: Hashable, Sendable {
    /// The token belongs to this identity and has not expired.
    case valid(IdentityRecord)
    /// The token belongs to this identity but expired at `identity.sessionTokenExpiresAt`.
    case expired(IdentityRecord)
    /// No identity has this token.
    case unknown
}
