/// The two kinds of inbox whose message tables share their shape; they differ in the owner column and table names.
/// Shared by the storage implementations, which use the same table names.
package enum InboxKind: Sendable {
    /// A space's inbox, owned by a space id.
    case space
    /// An account's inbox, owned by an account address.
    case account

    /// The table of the kind's messages.
    package var messageTable: String { self == .space ? "space_inbox_messages" : "account_inbox_messages" }
    /// The table of the kind's inboxes.
    package var inboxTable: String { self == .space ? "space_inboxes" : "account_inboxes" }
    /// The column naming the owner in both tables.
    package var ownerColumn: String { self == .space ? "space_id" : "account_address" }

    /// The inbox of this kind with this owner and id.
    package func inbox(owner: String, inboxId: String) -> StoreEntity {
        switch self {
        case .space: return .spaceInbox(spaceId: owner, inboxId: inboxId)
        case .account: return .accountInbox(accountAddress: owner, inboxId: inboxId)
        }
    }

    /// The error for an inbox of this kind that does not exist.
    package func missingInbox(owner: String, inboxId: String) -> StoreError {
        .notFound(inbox(owner: owner, inboxId: inboxId))
    }

    /// The `createdAt` of a message stored at `now` in an inbox whose newest message has `latestInInbox` (nil: none):
    /// `now`, or 1 ms after the newest message when that is not earlier. So the messages of one inbox have distinct,
    /// increasing times and a reader that continues with `since` = the last time it got misses and repeats nothing
    /// but that last message (`since` is inclusive, §4.9). Under more than 1,000 messages a second to one inbox the
    /// times run ahead of the clock.
    package static func messageTime(now: UnixMilliseconds, latestInInbox: UnixMilliseconds?) -> UnixMilliseconds {
        guard let latestInInbox, latestInInbox >= now else { return now }
        return latestInInbox + 1
    }

    /// The query for the newest message time of one inbox; its parameters are the owner and the inbox id.
    package func latestMessageTimeQuery(parameter: (Int) -> String) -> String {
        "SELECT max(created_at) FROM \(messageTable) WHERE \(ownerColumn) = \(parameter(1)) AND inbox_id = \(parameter(2))"
    }
}

/// Where a read of inbox messages starts and how much it may return (the arguments of
/// ``HypergraphStorage/spaceInboxMessages(spaceId:inboxId:since:maximumBytes:maximumCount:)``), shared by the
/// storage implementations.
package struct MessageBudget: Sendable {
    /// The oldest `createdAt` read (inclusive).
    package var since: UnixMilliseconds
    /// The most ciphertext bytes, except that the first message is always read.
    package var maximumBytes: Int
    /// The most messages (at least one).
    package var maximumCount: Int

    package init(since: UnixMilliseconds, maximumBytes: Int, maximumCount: Int) {
        self.since = since
        self.maximumBytes = maximumBytes
        self.maximumCount = max(maximumCount, 1)
    }
}
