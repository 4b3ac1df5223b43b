// Changes other server nodes committed to a shared PostgreSQL database, delivered to this node's connections.
//
// Concurrency: the store's change feed calls `deliver` from one task, one change at a time, in commit order; `seen`
// is guarded by its Mutex because the commit hook (`noteCommitted`) runs on the writers' tasks.
import HypergraphProtocol
import HypergraphStore
import Synchronization

/// Turns ``RemoteChange``s into the broadcasts the node that made each change sent to its own connections
/// (PROTOCOL.md §6): `updates-notification` and `space-event` to the space's subscribers, the invitee's
/// `list-invitations` push, `space-inbox-message` to the space's subscribers, `account-inbox` and
/// `account-inbox-message` to the account's connections. Sender exclusion needs nothing here: the sender's
/// connection is on the node that made the change.
///
/// Space changes take their place in the ``CommitSequencer`` as they arrive (the feed reports them in the
/// database's commit order, interleaved with this node's own commits), so subscribers get every space's updates in
/// clock order and events in counter order whichever node wrote them. After the feed lost notifications
/// (``RemoteChange/resumed``) the missed changes of every space with subscribers here are read from the store
/// before newer ones are delivered; a change that arrives again is dropped, so each is delivered once.
final class RemoteDelivery: Sendable {
    private let registry: ConnectionRegistry
    private let sequencer: CommitSequencer
    private let broadcaster: any Broadcaster
    private let behavior: any ServerBehavior
    private let logger: ServerLogger
    private let storage = Mutex<(any HypergraphStorage)?>(nil)
    /// Per space, the newest change given a place in the sequencer (this node's and remote ones), so a change read
    /// again after a gap is not delivered twice. Only spaces with subscribers here are entered (a change of a space
    /// without them removes its entry), and every gap prunes it to the subscribed spaces, so it stays about as large
    /// as the set of subscribed spaces whatever the number of spaces written.
    private let seen = Mutex([String: ConnectionRegistry.SpaceProgress]())

    init(
        registry: ConnectionRegistry, sequencer: CommitSequencer, broadcaster: any Broadcaster,
        behavior: any ServerBehavior, logger: ServerLogger
    ) {
        self.registry = registry
        self.sequencer = sequencer
        self.broadcaster = broadcaster
        self.behavior = behavior
        self.logger = logger
    }

    /// The store to read missed changes and invitations from, once it is open.
    func attach(_ storage: any HypergraphStorage) {
        self.storage.withLock { $0 = storage }
    }

    /// This node's own commits, as the store reports them: remembered so that a gap's re-read skips them.
    func noteCommitted(_ changes: [CommittedChange]) {
        for change in changes { _ = record(change) }
    }

    /// Records that `change` got its place in the sequencer; false when it already had one (read again after a gap).
    private func record(_ change: CommittedChange) -> Bool {
        let (spaceId, position) = change.place
        let subscribed = registry.hasReceivers(.subscribers(spaceId: spaceId))
        return seen.withLock { seen in
            guard subscribed else {
                seen[spaceId] = nil
                return true
            }
            guard !(seen[spaceId]?.includes(position) ?? false) else { return false }
            seen[spaceId, default: .init()].advance(to: position)
            return true
        }
    }

    /// Delivers one change another node committed (the store's `onRemoteChange`).
    func deliver(_ change: RemoteChange) async {
        switch change {
        case .update(let update):
            deliverSpaceChange(.update(update))
        case .spaceEvent(let event):
            deliverSpaceChange(.spaceEvent(event))
        case .spaceInboxMessage(let spaceId, let inboxId, let message):
            let response = SpaceInboxMessageResponse(spaceId: spaceId, inboxId: inboxId, message: InboxMessage(message))
            broadcaster.publish(
                Broadcast(
                    audience: .subscribers(spaceId: spaceId), message: behavior.encode(.spaceInboxMessage(response))))
        case .accountInboxMessage(let accountAddress, let inboxId, let message):
            let response = AccountInboxMessageResponse(
                accountAddress: accountAddress, inboxId: inboxId, message: InboxMessage(message))
            broadcaster.publish(
                Broadcast(
                    audience: .account(address: accountAddress),
                    message: behavior.encode(.accountInboxMessage(response))))
        case .accountInbox(let record):
            guard let inbox = AccountInbox(record) else { return }
            broadcaster.publish(
                Broadcast(
                    audience: .account(address: record.accountAddress),
                    message: behavior.encode(.accountInbox(AccountInboxResponse(inbox: inbox)))))
        case .resumed:
            await catchUp()
        }
    }

    /// Gives a space change its place in the sequencer and its broadcasts at once (the record is at hand).
    private func deliverSpaceChange(_ change: CommittedChange) {
        guard record(change) else { return }
        let (spaceId, position) = change.place
        sequencer.committed([change])
        sequencer.release(spaceId: spaceId, position: position, broadcasts: broadcasts(for: change))
    }

    private func broadcasts(for change: CommittedChange) -> [Broadcast] {
        switch change {
        case .update(let update):
            guard behavior.sendsUpdateNotifications, let updates = Updates([update]) else { return [] }
            let notification = UpdatesNotificationResponse(spaceId: update.spaceId, updates: updates)
            return [
                Broadcast(
                    audience: .subscribers(spaceId: update.spaceId), position: .update(clock: update.clock),
                    message: behavior.encode(.updatesNotification(notification)))
            ]
        case .spaceEvent(let record):
            guard let event = try? SpaceEvent(json: record.eventJSON) else {
                logger.log(
                    .warn, "remote.event_unreadable", [("space", record.spaceId), ("counter", String(record.counter))])
                return []
            }
            if case .createInvitation(let invitation) = event, behavior.pushesInvitationsToInvitee {
                pushInvitations(to: invitation.transaction.inviteeAccountAddress)
            }
            return [
                Broadcast(
                    audience: .subscribers(spaceId: record.spaceId), position: .event(counter: record.counter),
                    message: behavior.encode(.spaceEvent(SpaceEventResponse(spaceId: record.spaceId, event: event))))
            ]
        }
    }

    /// Sends the invitee's connections on this node their pending invitations (§6), read after the invitation.
    private func pushInvitations(to invitee: String) {
        guard let storage = storage.withLock({ $0 }) else { return }
        let broadcaster = broadcaster
        let behavior = behavior
        let logger = logger
        Task {
            do {
                let invitations = try await ServerContext.pendingInvitations(of: invitee, in: storage)
                broadcaster.publish(
                    Broadcast(
                        audience: .account(address: invitee), message: behavior.encode(.listInvitations(invitations))))
            } catch {
                logger.log(.warn, "invitations.push_skipped", [("account", invitee), ("reason", "\(error)")])
            }
        }
    }

    /// Reads and delivers, in order, what the subscribed spaces missed while notifications were lost.
    private func catchUp() async {
        guard let storage = storage.withLock({ $0 }) else { return }
        let subscribed = registry.subscribedProgress()
        let known = seen.withLock { seen -> [String: ConnectionRegistry.SpaceProgress] in
            seen = seen.filter { subscribed[$0.key] != nil }
            return seen
        }
        logger.log(.info, "remote.catch_up", [("spaces", String(subscribed.count))])
        for (spaceId, delivered) in subscribed {
            let from = known[spaceId].map { delivered.merged(with: $0) } ?? delivered
            do {
                if let head = try await storage.spaceHead(spaceId: spaceId), head.event.counter > (from.counter ?? -1) {
                    // Events are few; the snapshot of a member is the one read that lists them all.
                    if let member = registry.anySubscriberAccount(of: spaceId) {
                        let events = try await storage.spaceSnapshot(
                            spaceId: spaceId, accountAddress: member, appIdentityAddress: "",
                            updatesAfterClock: Int64.max
                        ).events
                        for event in events where event.counter > (from.counter ?? -1) {
                            deliverSpaceChange(.spaceEvent(event))
                        }
                    }
                }
                var after = from.clock
                while true {
                    let slice = try await storage.updates(
                        spaceId: spaceId, afterClock: after, throughClock: nil, maximumBytes: 4 << 20,
                        maximumCount: 1_000)
                    guard let last = slice.updates.last else { break }
                    slice.updates.forEach { deliverSpaceChange(.update($0)) }
                    after = last.clock
                }
            } catch {
                logger.log(.warn, "remote.catch_up_failed", [("space", spaceId), ("reason", "\(error)")])
            }
        }
    }
}

extension CommittedChange {
    /// The change's space and its place in the space's history.
    var place: (spaceId: String, position: SpacePosition) {
        switch self {
        case .update(let update): (update.spaceId, .update(clock: update.clock))
        case .spaceEvent(let event): (event.spaceId, .event(counter: event.counter))
        }
    }
}

extension ConnectionRegistry.SpaceProgress {
    /// The later of two progresses, member by member.
    func merged(with other: Self) -> Self {
        Self(
            clock: [clock, other.clock].compactMap { $0 }.max(),
            counter: [counter, other.counter].compactMap { $0 }.max())
    }
}
