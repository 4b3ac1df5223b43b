/// Everything the Hypergraph server persists, behind one narrow interface so that another database (for example
/// PostgreSQL, see docs/storage.md) can replace the SQLite implementation without touching request handling.
///
/// The store speaks plain records: ids and addresses are strings compared exactly, times are ``UnixMilliseconds``,
/// event and state JSON are opaque text the server produced, updates are opaque bytes. It validates nothing about
/// the protocol (signatures, event rules); it guarantees atomicity, uniqueness and durability:
///
/// - Every method that writes is atomic: on any error nothing of it is persisted, and the error is a
///   ``StoreError`` that names what clashed or was missing.
/// - A write returns only after it is durably committed (it survives `kill -9` and power loss).
/// - Writes are applied in one total order; reads see the last committed state.
///
/// Errors are always ``StoreError``.
public protocol HypergraphStorage: Sendable {
    // MARK: Identities

    /// Stores a new app identity. Fails with a conflict if its address, its (account, appId), its
    /// (account, signature key) or its session token is taken.
    func createIdentity(_ identity: IdentityRecord) async throws

    /// Gives an identity a new session token (the refresh path of §12 G18).
    func renewSessionToken(
        appIdentityAddress: String, sessionToken: String, expiresAt: UnixMilliseconds
    ) async throws

    /// Finds the identity holding `sessionToken` and checks its expiry against the store's clock.
    func identity(sessionToken: String) async throws -> SessionTokenLookup

    /// Finds the account's identity with this signature key (§9.8); with `linkedToSpace`, only if the identity is
    /// linked to that space.
    func identity(
        accountAddress: String, signaturePublicKey: String, linkedToSpace spaceId: String?
    ) async throws -> IdentityRecord?

    /// Finds the account's identity for this app (§9.8, `GET /identity?appId=`).
    func identity(accountAddress: String, appId: String) async throws -> IdentityRecord?

    /// Every identity, oldest first.
    func identities() async throws -> [IdentityRecord]

    // MARK: Spaces and events

    /// Creates a space with its first event (counter 0), the creator as member, its first key with the creator's
    /// key box, and the creator's app identity linked (§12 G1), all at once. Returns the stored event.
    func createSpace(_ space: NewSpace) async throws -> SpaceEventRecord

    /// Appends an event at `event.counter` together with its side effects, all at once. Returns the stored event.
    func appendSpaceEvent(_ event: NewSpaceEvent, effect: SpaceEventEffect) async throws -> SpaceEventRecord

    /// The newest event of a space and the state after it, or nil when the space does not exist.
    func spaceHead(spaceId: String) async throws -> SpaceHead?

    /// The space as (account, app identity) sees it; only updates with a clock greater than
    /// `updatesAfterClock` are included (all when nil; none with `Int64.max`, which is how the server reads the
    /// snapshot of a space whose updates it then reads in slices, see
    /// ``updates(spaceId:afterClock:throughClock:maximumBytes:maximumCount:)``). Throws ``StoreError/notFound(_:)``
    /// for a missing space and ``StoreError/notMember(spaceId:accountAddress:)`` when the account is not a member.
    func spaceSnapshot(
        spaceId: String, accountAddress: String, appIdentityAddress: String, updatesAfterClock: Int64?
    ) async throws -> SpaceSnapshot

    /// Whether the account is a member of the space (false when the space does not exist).
    func isMember(spaceId: String, accountAddress: String) async throws -> Bool

    /// The spaces the app identity is linked to **and** the account is a member of (§12 G17), by name.
    func spaces(appIdentityAddress: String, memberAccountAddress: String) async throws -> [SpaceListing]

    /// How many spaces ``spaces(appIdentityAddress:memberAccountAddress:)`` would list, without reading them (the
    /// server's room check before a space is created or joined). The default counts that listing.
    func spaceCount(appIdentityAddress: String, memberAccountAddress: String) async throws -> Int

    /// The account's pending invitations from every space, each with its space's current `lastEventHash`.
    func invitations(inviteeAccountAddress: String) async throws -> [InvitationRecord]

    // MARK: Updates

    /// Stores an update under the space's next clock. Returns after the update is durable. Clocks are assigned
    /// serially per space (§12 G8).
    ///
    /// When the space already holds an update with this `updateId` (§12 G9) nothing is stored, and the store
    /// compares, byte for byte, the stored update's content, signature hex and recovery with the given ones:
    /// - same account, all identical: returns ``UpdateAppendResult/duplicate(originalClock:)`` (an idempotent
    ///   resend);
    /// - same account, anything different: throws ``StoreError/conflict(_:)`` with
    ///   ``StoreConflict/updateIdContent(spaceId:updateId:storedClock:)``;
    /// - another account: throws a conflict with ``StoreConflict/updateId(spaceId:updateId:storedBy:)``.
    func appendUpdate(
        spaceId: String, accountAddress: String, update: [UInt8], signature: SignatureRecord, updateId: String
    ) async throws -> UpdateAppendResult

    /// Reads the space's updates with `afterClock < clock <= throughClock` (nil: no bound on that side) in ascending
    /// clock order, within a budget: at most `maximumCount` updates, added while the sum of their content bytes
    /// stays at most `maximumBytes`, except that the first one in the range is always included (an update is never
    /// split), so a slice is empty only when the range holds no update. The updates are consecutive (clocks have no gaps). One
    /// read transaction: `latestClock` is the space's highest clock at that moment (nil: no update yet). Reading
    /// stops at the budget, so the store never loads more than one update past it. Membership is not checked.
    /// Throws ``StoreError/notFound(_:)`` for a missing space.
    func updates(
        spaceId: String, afterClock: Int64?, throughClock: Int64?, maximumBytes: Int, maximumCount: Int
    ) async throws -> UpdateSlice

    /// ``appendUpdate(spaceId:accountAddress:update:signature:updateId:)`` after checking the quotas: when the space's
    /// stored update bytes plus `update.count` would pass `quotas.space`, or the account's would pass
    /// `quotas.account`, nothing is stored and the result is ``QuotaCheckedAppendResult/overQuota(_:)`` with the
    /// bytes found (this check comes first, as it came before the append when they were two calls). A store that
    /// checks inside the append's transaction keeps the quotas exactly; the default implementation reads
    /// ``storedUpdateBytes(spaceId:accountAddress:)`` and then appends, so concurrent writers can each pass the check.
    func appendUpdate(
        spaceId: String, accountAddress: String, update: [UInt8], signature: SignatureRecord, updateId: String,
        quotas: UpdateQuotas
    ) async throws -> QuotaCheckedAppendResult

    /// The content bytes (the `update` field only, not signatures or ids) of every update stored in the space, and
    /// of every update the account wrote in any space, from one read transaction; 0 for an unknown space or
    /// account. Quotas compare these with their limits before ``appendUpdate(spaceId:accountAddress:update:signature:updateId:)``;
    /// check and append are separate calls, so concurrent writers can each pass the check (see docs/server.md).
    func storedUpdateBytes(spaceId: String, accountAddress: String) async throws -> StoredUpdateBytes

    // MARK: Inboxes

    /// Stores an account inbox; fails with a conflict when the account already has one with that id (§12 G13:
    /// never overwritten). Returns the stored record.
    func createAccountInbox(_ inbox: AccountInboxRecord) async throws -> AccountInboxRecord

    /// One inbox of the account, or nil.
    func accountInbox(accountAddress: String, inboxId: String) async throws -> AccountInboxRecord?

    /// The account's inboxes (only the public ones when `publicOnly`), oldest first.
    func accountInboxes(accountAddress: String, publicOnly: Bool) async throws -> [AccountInboxRecord]

    /// One inbox **of this space** (§12 G11), or nil.
    func spaceInbox(spaceId: String, inboxId: String) async throws -> SpaceInboxRecord?

    /// The space's inboxes (only the public ones when `publicOnly`), oldest first.
    func spaceInboxes(spaceId: String, publicOnly: Bool) async throws -> [SpaceInboxRecord]

    /// Stores a message in a space inbox with a new UUID v4 id and the current time, moved forward when needed so
    /// that it is 1 ms or more after every message already in the inbox: no two messages of one inbox share a
    /// `createdAt`, which makes `since` an exact cursor (docs/server.md, "Large lists"). A signed message is stored
    /// once per inbox: when the inbox already holds a message whose signature hex is equal (byte for byte) to
    /// `message.signature.hex`, nothing is stored and ``StoreError/conflict(_:)`` with
    /// ``StoreConflict/inboxMessageSignature(inbox:signatureHex:)`` is thrown; the check and the insert are
    /// atomic. Unsigned messages are never compared.
    func addSpaceInboxMessage(
        spaceId: String, inboxId: String, message: NewInboxMessage
    ) async throws -> InboxMessageRecord

    /// Stores a message in an account inbox with a new UUID v7 id and the current time (unique in the inbox, as for
    /// space inboxes). Signed messages are stored once per inbox, exactly as for
    /// ``addSpaceInboxMessage(spaceId:inboxId:message:)``.
    func addAccountInboxMessage(
        accountAddress: String, inboxId: String, message: NewInboxMessage
    ) async throws -> InboxMessageRecord

    /// The oldest messages of the space's inbox created at or after `since` (inclusive, §4.9), oldest first (equal
    /// times, possible only in data written before times were unique, in insertion order), within a budget: at most
    /// `maximumCount` messages, added while the sum of their `ciphertext` lengths (UTF-8 bytes) stays at most
    /// `maximumBytes`, except that the first one is always included, so the result is empty only when no message is
    /// that recent. Reading stops at the budget: the store never loads more than one message past it. Throws
    /// ``StoreError/notFound(_:)`` when the space has no such inbox.
    func spaceInboxMessages(
        spaceId: String, inboxId: String, since: UnixMilliseconds, maximumBytes: Int, maximumCount: Int
    ) async throws -> [InboxMessageRecord]

    /// The oldest messages of the account's inbox created at or after `since` (inclusive, §4.10), within a budget,
    /// exactly as ``spaceInboxMessages(spaceId:inboxId:since:maximumBytes:maximumCount:)``.
    func accountInboxMessages(
        accountAddress: String, inboxId: String, since: UnixMilliseconds, maximumBytes: Int, maximumCount: Int
    ) async throws -> [InboxMessageRecord]

    // MARK: Lifecycle

    /// Nil when the store can serve requests now; otherwise why not, in words (for health checks).
    func health() async -> String?

    /// Finishes every write already submitted, then releases the database. Later calls fail with
    /// ``StoreError/closed``. Calling it again does nothing.
    func close() async
}

extension HypergraphStorage {
    /// An embedded store is healthy while it is open: there is no server to lose.
    public func health() async -> String? { nil }

    /// Counts the listing; stores override this with a count query.
    public func spaceCount(appIdentityAddress: String, memberAccountAddress: String) async throws -> Int {
        try await spaces(appIdentityAddress: appIdentityAddress, memberAccountAddress: memberAccountAddress).count
    }

    /// The quota check as a read before the append (two calls: concurrent writers can each pass it); see
    /// ``HypergraphStorage/appendUpdate(spaceId:accountAddress:update:signature:updateId:quotas:)``.
    public func appendUpdate(
        spaceId: String, accountAddress: String, update: [UInt8], signature: SignatureRecord, updateId: String,
        quotas: UpdateQuotas
    ) async throws -> QuotaCheckedAppendResult {
        let stored = try await storedUpdateBytes(spaceId: spaceId, accountAddress: accountAddress)
        if stored.wouldPass(quotas, adding: update.count) { return .overQuota(stored) }
        return .appended(
            try await appendUpdate(
                spaceId: spaceId, accountAddress: accountAddress, update: update, signature: signature,
                updateId: updateId))
    }
}

extension StoredUpdateBytes {
    /// Whether `bytes` more would take the space or the account past its quota.
    public func wouldPass(_ quotas: UpdateQuotas, adding bytes: Int) -> Bool {
        space + Int64(bytes) > quotas.space || account + Int64(bytes) > quotas.account
    }
}
