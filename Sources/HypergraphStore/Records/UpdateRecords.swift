/// A stored update (PROTOCOL.md §3.4, §9.5).
public struct UpdateRecord: Hashable, Sendable {
    /// The space.
    public var spaceId: String
    /// The update's position in the space: 0, 1, 2, … without gaps.
    public var clock: Int64
    /// The client-chosen id; unique within the space (§12 G9).
    public var updateId: String
    /// The author account.
    public var accountAddress: String
    /// The encrypted update, opaque to the store.
    public var content: [UInt8]
    /// The author's signature.
    public var signature: SignatureRecord

    /// Creates an update record.
    public init(
        spaceId: String, clock: Int64, updateId: String, accountAddress: String, content: [UInt8],
        signature: SignatureRecord
    ) {
        self.spaceId = spaceId
        self.clock = clock
        self.updateId = updateId
        self.accountAddress = accountAddress
        self.content = content
        self.signature = signature
    }
}

/// The result of appending an update. Either way the update is durable when the result is returned.
public enum UpdateAppendResult: Hashable, Sendable {
    /// The update was stored under this clock.
    case stored(clock: Int64)
    /// The same account already stored an update with this id in this space, under `originalClock`; nothing was
    /// written. The server confirms with the original clock and does not broadcast again (§12 G9).
    case duplicate(originalClock: Int64)

    /// The outcome of appending an update whose id the space already has (stored at `clock` by `author`, `isSame`
    /// when its content and signature equal the new one's), as every store decides it: a duplicate when the author
    /// and content are the same, else a conflict.
    package static func repeated(
        spaceId: String, updateId: String, accountAddress: String, earlier: (clock: Int64, author: String, isSame: Bool)
    ) throws(StoreError) -> UpdateAppendResult {
        guard earlier.author == accountAddress else {
            throw .conflict(.updateId(spaceId: spaceId, updateId: updateId, storedBy: earlier.author))
        }
        guard earlier.isSame else {
            throw .conflict(.updateIdContent(spaceId: spaceId, updateId: updateId, storedClock: earlier.clock))
        }
        return .duplicate(originalClock: earlier.clock)
    }
}

/// A change that subscribers are notified of, reported by the store after it is durably committed, in commit order.
/// Per space, updates arrive in clock order and events in counter order (§12 G8).
public enum CommittedChange: Hashable, Sendable {
    /// An update was stored (not reported for ``UpdateAppendResult/duplicate(originalClock:)``).
    case update(UpdateRecord)
    /// An event was appended to a space (or a space was created, with its counter-0 event).
    case spaceEvent(SpaceEventRecord)
}

/// A run of a space's updates read within a byte budget (see
/// ``HypergraphStorage/updates(spaceId:afterClock:throughClock:maximumBytes:maximumCount:)``).
public struct UpdateSlice: Hashable, Sendable {
    /// Consecutive updates, ascending by clock; empty when none is in the requested range.
    public var updates: [UpdateRecord]
    /// The space's highest clock when the slice was read (nil when it has no update), whatever the range asked.
    public var latestClock: Int64?

    /// Creates a slice from its members.
    public init(updates: [UpdateRecord], latestClock: Int64?) {
        self.updates = updates
        self.latestClock = latestClock
    }
}

/// The most update content bytes a space and an account may hold (see
/// ``HypergraphStorage/appendUpdate(spaceId:accountAddress:update:signature:updateId:quotas:)``).
public struct UpdateQuotas: Hashable, Sendable {
    /// The most content bytes of all the space's updates.
    public var space: Int64
    /// The most content bytes of all the updates the account wrote, in every space.
    public var account: Int64

    /// Creates a value from its members.
    public init(space: Int64, account: Int64) {
        self.space = space
        self.account = account
    }
}

/// The outcome of an append with quotas.
public enum QuotaCheckedAppendResult: Hashable, Sendable {
    /// The quotas allowed the append; its outcome.
    case appended(UpdateAppendResult)
    /// Nothing was stored: the update would have taken the space or the account past its quota. The bytes stored
    /// when the quotas were checked.
    case overQuota(StoredUpdateBytes)
}

/// Bytes of update content stored, for quotas (see ``HypergraphStorage/storedUpdateBytes(spaceId:accountAddress:)``).
public struct StoredUpdateBytes: Hashable, Sendable {
    /// The content bytes of every update of the space.
    public var space: Int64
    /// The content bytes of every update the account wrote, in every space.
    public var account: Int64

    /// Creates a value from its members.
    public init(space: Int64, account: Int64) {
        self.space = space
        self.account = account
    }
}
