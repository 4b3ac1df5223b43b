/// The encrypted part of a key box (PROTOCOL.md §3.3), stored as given.
public struct KeyBoxPayload: Hashable, Sendable {
    /// `0x…` hex crypto_box output.
    public var ciphertext: String
    /// `0x…` hex 24-byte nonce.
    public var nonce: String
    /// `0x…` hex X25519 public key of the box's author.
    public var authorPublicKey: String

    /// Creates a key box payload.
    public init(ciphertext: String, nonce: String, authorPublicKey: String) {
        self.ciphertext = ciphertext
        self.nonce = nonce
        self.authorPublicKey = authorPublicKey
    }
}

/// A stored key box: one space key encrypted to one account and app identity.
public struct KeyBoxRecord: Hashable, Sendable {
    /// The space key id (the `id` of `KeyBoxWithKeyId`).
    public var keyId: String
    /// The recipient account.
    public var accountAddress: String
    /// The app identity whose encryption key the box is encrypted to, when known (§12 G1).
    public var appIdentityAddress: String?
    /// The encrypted key.
    public var payload: KeyBoxPayload

    /// Creates a key box record.
    public init(keyId: String, accountAddress: String, appIdentityAddress: String?, payload: KeyBoxPayload) {
        self.keyId = keyId
        self.accountAddress = accountAddress
        self.appIdentityAddress = appIdentityAddress
        self.payload = payload
    }
}

/// Everything `create-space-event` persists (PROTOCOL.md §4.4 with the §12 G1 fix), written in one transaction.
public struct NewSpace: Hashable, Sendable {
    /// The space id, which is also the id of its `create-space` event.
    public var spaceId: String
    /// The plain-text space name.
    public var name: String
    /// The creating account; it becomes the first member.
    public var creatorAccountAddress: String
    /// The creating app identity; it is linked to the space and receives the first key box.
    public var creatorAppIdentityAddress: String
    /// The decoded `create-space` event as JSON text.
    public var eventJSON: String
    /// The space state after the event as JSON text.
    public var stateJSON: String
    /// The state's `lastEventHash`.
    public var lastEventHash: String
    /// The id of the space's first key.
    public var keyId: String
    /// That key, encrypted to the creator's app identity.
    public var creatorKeyBox: KeyBoxPayload

    /// Creates the description of a new space.
    public init(
        spaceId: String, name: String, creatorAccountAddress: String, creatorAppIdentityAddress: String,
        eventJSON: String, stateJSON: String, lastEventHash: String, keyId: String, creatorKeyBox: KeyBoxPayload
    ) {
        self.spaceId = spaceId
        self.name = name
        self.creatorAccountAddress = creatorAccountAddress
        self.creatorAppIdentityAddress = creatorAppIdentityAddress
        self.eventJSON = eventJSON
        self.stateJSON = stateJSON
        self.lastEventHash = lastEventHash
        self.keyId = keyId
        self.creatorKeyBox = creatorKeyBox
    }
}

/// An event to append to an existing space's chain.
public struct NewSpaceEvent: Hashable, Sendable {
    /// The space.
    public var spaceId: String
    /// The event's `transaction.id`; unique within the space.
    public var eventId: String
    /// The counter the event takes: the counter of the head it was validated against, plus one. If another event
    /// took that counter first, the append fails with ``StoreConflict/spaceEventCounter(spaceId:counter:nextCounter:)``.
    public var counter: Int64
    /// The decoded event as JSON text.
    public var eventJSON: String
    /// The space state after the event as JSON text.
    public var stateJSON: String
    /// The new state's `lastEventHash`.
    public var lastEventHash: String

    /// Creates an event to append.
    public init(
        spaceId: String, eventId: String, counter: Int64, eventJSON: String, stateJSON: String, lastEventHash: String
    ) {
        self.spaceId = spaceId
        self.eventId = eventId
        self.counter = counter
        self.eventJSON = eventJSON
        self.stateJSON = stateJSON
        self.lastEventHash = lastEventHash
    }
}

/// The table changes that come with an appended event (PROTOCOL.md §4.5–§4.7), applied in the same transaction.
public enum SpaceEventEffect: Hashable, Sendable {
    /// `create-invitation`: record the invitation (its id is the event id) and the invitee's key boxes, one for
    /// every key of the space (§12 G16).
    case createInvitation(inviterAccountAddress: String, inviteeAccountAddress: String, keyBoxes: [InviteeKeyBox])
    /// `accept-invitation`: delete the account's invitation to the space, make it a member and link the app identity
    /// it accepted with, so that identity can subscribe (§12 G2).
    case acceptInvitation(accountAddress: String, appIdentityAddress: String)
    /// `create-space-inbox`: record the inbox, created by this event.
    case createSpaceInbox(NewSpaceInbox)
}

/// A key box sent with an invitation, for the invitee.
public struct InviteeKeyBox: Hashable, Sendable {
    /// The space key id; it must be a key of the space.
    public var keyId: String
    /// The invitee's app identity the box is encrypted to (the one with the inviter's appId, §12 G1), if it exists.
    public var appIdentityAddress: String?
    /// The encrypted key.
    public var payload: KeyBoxPayload

    /// Creates an invitee key box.
    public init(keyId: String, appIdentityAddress: String?, payload: KeyBoxPayload) {
        self.keyId = keyId
        self.appIdentityAddress = appIdentityAddress
        self.payload = payload
    }
}

extension [InviteeKeyBox] {
    /// Checks, as every store does before storing an invitation's boxes, that they cover exactly the space's keys:
    /// each box is for a key of the space (else `notFound(.spaceKey)`, for the first that is not), and every key of
    /// the space has a box (else `missingKeyBoxes`, listing the keys without one).
    package func checkCoverage(of spaceKeys: Set<String>, spaceId: String) throws(StoreError) {
        if let unknown = first(where: { !spaceKeys.contains($0.keyId) }) {
            throw .notFound(.spaceKey(spaceId: spaceId, keyId: unknown.keyId))
        }
        let missing = spaceKeys.subtracting(map(\.keyId))
        guard missing.isEmpty else { throw .missingKeyBoxes(spaceId: spaceId, keyIds: missing.sorted()) }
    }
}

/// A space inbox created by a `create-space-inbox` event.
public struct NewSpaceInbox: Hashable, Sendable {
    /// The inbox id (`transaction.inboxId`); unique within the space.
    public var inboxId: String
    /// Whether the public HTTP listing shows it.
    public var isPublic: Bool
    /// `anonymous`, `optional_auth` or `requires_auth`, stored as given.
    public var authPolicy: String
    /// The inbox's X25519 public key (`0x…` hex).
    public var encryptionPublicKey: String
    /// The inbox private key encrypted under the space key (`transaction.secretKey`).
    public var encryptedSecretKey: String

    /// Creates the description of a space inbox.
    public init(
        inboxId: String, isPublic: Bool, authPolicy: String, encryptionPublicKey: String, encryptedSecretKey: String
    ) {
        self.inboxId = inboxId
        self.isPublic = isPublic
        self.authPolicy = authPolicy
        self.encryptionPublicKey = encryptionPublicKey
        self.encryptedSecretKey = encryptedSecretKey
    }
}

/// A stored event of a space's chain.
public struct SpaceEventRecord: Hashable, Sendable {
    /// The space.
    public var spaceId: String
    /// The event's position in the chain: 0 for `create-space`, then 1, 2, …
    public var counter: Int64
    /// The event's `transaction.id`.
    public var eventId: String
    /// The decoded event as JSON text, as it was stored.
    public var eventJSON: String
    /// When the event was stored.
    public var createdAt: UnixMilliseconds

    /// Creates an event record.
    public init(spaceId: String, counter: Int64, eventId: String, eventJSON: String, createdAt: UnixMilliseconds) {
        self.spaceId = spaceId
        self.counter = counter
        self.eventId = eventId
        self.eventJSON = eventJSON
        self.createdAt = createdAt
    }
}

/// The newest event of a space with the state after it: what the next event is validated against (§8.4).
public struct SpaceHead: Hashable, Sendable {
    /// The newest event.
    public var event: SpaceEventRecord
    /// The space state after it, as JSON text.
    public var stateJSON: String
    /// That state's `lastEventHash`.
    public var lastEventHash: String

    /// Creates a space head.
    public init(event: SpaceEventRecord, stateJSON: String, lastEventHash: String) {
        self.event = event
        self.stateJSON = stateJSON
        self.lastEventHash = lastEventHash
    }
}

/// A space as one account and app identity sees it: the content of a `space` message (PROTOCOL.md §5.3, §9.9.1),
/// read from one consistent snapshot of the database.
public struct SpaceSnapshot: Hashable, Sendable {
    /// The space id.
    public var id: String
    /// The space name.
    public var name: String
    /// Every event, ascending by counter.
    public var events: [SpaceEventRecord]
    /// The key boxes for exactly this account and app identity, one per key that has one (§12 G1: no fallback to
    /// boxes of other app identities). May be empty; the server must not send a `space` message then.
    public var keyBoxes: [KeyBoxRecord]
    /// Every inbox of the space, public and private.
    public var inboxes: [SpaceInboxRecord]
    /// The updates with a clock greater than the requested one (or all), ascending and without gaps.
    public var updates: [UpdateRecord]

    /// Creates a snapshot.
    public init(
        id: String, name: String, events: [SpaceEventRecord], keyBoxes: [KeyBoxRecord],
        inboxes: [SpaceInboxRecord], updates: [UpdateRecord]
    ) {
        self.id = id
        self.name = name
        self.events = events
        self.keyBoxes = keyBoxes
        self.inboxes = inboxes
        self.updates = updates
    }
}

/// A space as the store lists it for a `list-spaces` reply: only its id and name (§12 G17). The wire type is
/// HypergraphProtocol's `SpaceSummary`.
public struct SpaceListing: Hashable, Sendable {
    /// The space id.
    public var id: String
    /// The space name.
    public var name: String

    /// Creates a space listing.
    public init(id: String, name: String) {
        self.id = id
        self.name = name
    }
}

/// A pending invitation as listed to its invitee (PROTOCOL.md §3.5, §9.4).
public struct InvitationRecord: Hashable, Sendable {
    /// The invitation id: the `create-invitation` event's id.
    public var id: String
    /// The space the invitation is for.
    public var spaceId: String
    /// The inviting account.
    public var inviterAccountAddress: String
    /// The invited account.
    public var inviteeAccountAddress: String
    /// The space's *current* `lastEventHash`, the hash an `accept-invitation` must chain to now.
    public var spaceLastEventHash: String
    /// When the invitation was stored.
    public var createdAt: UnixMilliseconds

    /// Creates an invitation record.
    public init(
        id: String, spaceId: String, inviterAccountAddress: String, inviteeAccountAddress: String,
        spaceLastEventHash: String, createdAt: UnixMilliseconds
    ) {
        self.id = id
        self.spaceId = spaceId
        self.inviterAccountAddress = inviterAccountAddress
        self.inviteeAccountAddress = inviteeAccountAddress
        self.spaceLastEventHash = spaceLastEventHash
        self.createdAt = createdAt
    }
}
