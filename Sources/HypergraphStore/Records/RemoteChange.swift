/// A change committed by *another* server process sharing the database, reported by a store that can see them (the
/// PostgreSQL store's change feed; docs/scaling.md). The server turns each into the broadcasts the process that made
/// the change sent to its own connections. Space changes arrive in commit order, which per space is clock order
/// for updates and counter order for events (§12 G8).
public enum RemoteChange: Hashable, Sendable {
    /// An update was stored.
    case update(UpdateRecord)
    /// An event was appended to a space (or a space was created, with its counter-0 event).
    case spaceEvent(SpaceEventRecord)
    /// A message was posted to a space inbox.
    case spaceInboxMessage(spaceId: String, inboxId: String, message: InboxMessageRecord)
    /// A message was posted to an account inbox.
    case accountInboxMessage(accountAddress: String, inboxId: String, message: InboxMessageRecord)
    /// An account inbox was created.
    case accountInbox(AccountInboxRecord)
    /// The feed lost its connection and is listening again: changes committed in between were not reported, so a
    /// receiver reads what it needs (for example the updates of the spaces it serves) from the store.
    case resumed
}
