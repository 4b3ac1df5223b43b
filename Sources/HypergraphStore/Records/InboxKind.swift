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
}
