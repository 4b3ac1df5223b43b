// The authenticated connections, indexed by account and by subscribed space, and delivery to them.
//
// Concurrency: all state is guarded by one Mutex. Sends only enqueue onto the connections' event loops (they never
// block), so they happen under the lock: that keeps every connection's messages in the order the registry was asked
// to deliver them, including the messages held back while a subscription's snapshot is being sent.
import HypergraphStore
import HypergraphWebSocket
import Synchronization

/// The connections that may receive broadcasts: only authenticated ones are ever registered (§12 G5).
final class ConnectionRegistry: Sendable {
    /// Where a snapshot sent to a subscriber ends: held-back changes at or before it are already in the snapshot.
    struct SnapshotHorizon: Sendable {
        /// The highest update clock the subscriber has (in the snapshot or, with `lastKnownUpdateClock`, before it).
        var lastClock: Int64?
        /// The counter of the snapshot's last event.
        var lastEventCounter: Int64

        /// Whether a change at `position` is newer than the snapshot.
        func isAfter(_ position: SpacePosition?) -> Bool {
            switch position {
            case .update(let clock): lastClock.map { clock > $0 } ?? true
            case .event(let counter): counter > lastEventCounter
            case nil: true
            }
        }
    }

    private struct HeldMessage {
        let frame: SharedWebSocketFrame
        let position: SpacePosition?
    }

    private enum Subscription {
        /// Broadcasts are sent as they come.
        case active
        /// A snapshot is being read and sent; broadcasts wait in `State.held` until it is out.
        case pending(wasActive: Bool)
    }

    private struct HoldKey: Hashable {
        let connection: ConnectionID
        let spaceId: String
    }

    private struct Entry {
        let socket: WebSocket
        let accountAddress: String
        var subscriptions: [String: Subscription] = [:]
    }

    /// A subscription as delivery sees it, kept in the space's index so that a broadcast looks nothing else up per
    /// subscriber.
    private struct Subscriber {
        let socket: WebSocket
        /// Whether the subscription's snapshot is on its way (its broadcasts are held), mirroring `.pending`.
        var isHolding: Bool
        /// Where the last snapshot sent ends: a change it holds whose broadcast comes only after the subscription
        /// became active (its request had not released it yet) is not sent again.
        var horizon: SnapshotHorizon?
    }

    private struct State {
        var nextID: UInt64 = 1
        var entries: [ConnectionID: Entry] = [:]
        var subscribers: [String: [ConnectionID: Subscriber]] = [:]
        var accounts: [String: Set<ConnectionID>] = [:]
        var held: [HoldKey: [HeldMessage]] = [:]
        var heldBytes: [ConnectionID: Int] = [:]
        /// Per subscribed space, the newest change its subscribers have (sent, or in their snapshot).
        var progress: [String: SpaceProgress] = [:]

        /// Takes the connection out of the space's subscribers, dropping the space's index once it is empty.
        mutating func removeSubscriber(_ id: ConnectionID, of spaceId: String) {
            subscribers[spaceId]?[id] = nil
            if subscribers[spaceId]?.isEmpty == true { subscribers[spaceId] = nil }
        }
    }

    /// How far a space's subscribers on this server are: the newest update clock and event counter they have.
    struct SpaceProgress: Sendable, Equatable {
        var clock: Int64?
        var counter: Int64?

        /// Raises the progress to include `position`.
        mutating func advance(to position: SpacePosition) {
            switch position {
            case .update(let clock): self.clock = max(self.clock ?? clock, clock)
            case .event(let counter): self.counter = max(self.counter ?? counter, counter)
            }
        }

        /// Whether a change at `position` is already included.
        func includes(_ position: SpacePosition) -> Bool {
            switch position {
            case .update(let clock): return self.clock.map { clock <= $0 } ?? false
            case .event(let counter): return self.counter.map { counter <= $0 } ?? false
            }
        }
    }

    private let state = Mutex(State())
    /// The most bytes of broadcasts held back for one connection while its snapshots are sent; a connection that
    /// would pass it (its snapshot is read too slowly for the space's traffic) is closed with 1013.
    private let heldBytesLimit: Int

    /// An empty registry holding back at most `heldBytesLimit` bytes of broadcasts per connection.
    init(heldBytesLimit: Int = .max) {
        self.heldBytesLimit = heldBytesLimit
    }

    /// The number of registered connections.
    var count: Int { state.withLock { $0.entries.count } }

    /// Registers an authenticated connection and returns its id.
    func register(socket: WebSocket, accountAddress: String) -> ConnectionID {
        state.withLock { state in
            let id = ConnectionID(rawValue: state.nextID)
            state.nextID += 1
            state.entries[id] = Entry(socket: socket, accountAddress: accountAddress)
            state.accounts[accountAddress, default: []].insert(id)
            return id
        }
    }

    /// Forgets a connection and its subscriptions.
    func unregister(_ id: ConnectionID) {
        state.withLock { state in
            guard let entry = state.entries.removeValue(forKey: id) else { return }
            Self.remove(id, from: &state.accounts, key: entry.accountAddress)
            state.heldBytes[id] = nil
            for spaceId in entry.subscriptions.keys {
                state.removeSubscriber(id, of: spaceId)
                state.held[HoldKey(connection: id, spaceId: spaceId)] = nil
                Self.advance(&state, spaceId: spaceId, to: nil)
            }
        }
    }

    /// The number of spaces the connection is subscribed to.
    func subscriptionCount(of id: ConnectionID) -> Int {
        state.withLock { $0.entries[id]?.subscriptions.count ?? 0 }
    }

    /// Subscribes the connection to the space, holding back its broadcasts until ``finishSubscription`` is called.
    /// Returns false (and changes nothing) when the connection already has `limit` other subscriptions.
    func beginSubscription(_ id: ConnectionID, spaceId: String, limit: Int) -> Bool {
        state.withLock { state in
            guard var entry = state.entries[id] else { return false }
            let current = entry.subscriptions[spaceId]
            if current == nil, entry.subscriptions.count >= limit { return false }
            let wasActive: Bool
            switch current {
            case .active: wasActive = true
            case .pending(let previous): wasActive = previous
            case nil: wasActive = false
            }
            entry.subscriptions[spaceId] = .pending(wasActive: wasActive)
            state.entries[id] = entry
            state.subscribers[spaceId, default: [:]][id, default: Subscriber(socket: entry.socket, isHolding: true)]
                .isHolding = true
            return true
        }
    }

    /// Ends the hold of ``beginSubscription``. After a snapshot was sent (`horizon` given) the held broadcasts newer
    /// than the snapshot are sent and the subscription becomes active. When no snapshot was sent (`horizon` nil) a
    /// new subscription is dropped, and an existing one is restored with everything held.
    func finishSubscription(_ id: ConnectionID, spaceId: String, horizon: SnapshotHorizon?) {
        state.withLock { state in
            guard var entry = state.entries[id], case .pending(let wasActive)? = entry.subscriptions[spaceId]
            else { return }
            let held = state.held.removeValue(forKey: HoldKey(connection: id, spaceId: spaceId)) ?? []
            state.heldBytes[id, default: 0] -= held.reduce(0) { $0 + $1.frame.encodedCount }
            if horizon == nil, !wasActive {
                entry.subscriptions[spaceId] = nil
                state.entries[id] = entry
                state.removeSubscriber(id, of: spaceId)
                return
            }
            entry.subscriptions[spaceId] = .active
            state.entries[id] = entry
            state.subscribers[spaceId]?[id]?.isHolding = false
            if let horizon { state.subscribers[spaceId]?[id]?.horizon = horizon }
            if let horizon {
                if let clock = horizon.lastClock { Self.advance(&state, spaceId: spaceId, to: .update(clock: clock)) }
                Self.advance(&state, spaceId: spaceId, to: .event(counter: horizon.lastEventCounter))
            }
            for message in held where horizon?.isAfter(message.position) ?? true {
                entry.socket.send(message.frame)
            }
        }
    }

    /// Sends `broadcast` to each connection of its audience (holding it for subscriptions whose snapshot is on its
    /// way). Each send is independent: a closed or slow connection does not affect the others.
    func deliver(_ broadcast: Broadcast) {
        let frame = SharedWebSocketFrame(text: String(decoding: broadcast.message, as: UTF8.self))
        state.withLock { state in
            var sockets: [WebSocket] = []
            switch broadcast.audience {
            case .subscribers(let spaceId):
                Self.advance(&state, spaceId: spaceId, to: broadcast.position)
                let subscribers = state.subscribers[spaceId] ?? [:]
                sockets.reserveCapacity(subscribers.count)
                for (id, subscriber) in subscribers where id != broadcast.excluding {
                    guard subscriber.isHolding else {
                        if subscriber.horizon?.isAfter(broadcast.position) ?? true { sockets.append(subscriber.socket) }
                        continue
                    }
                    let heldBytes = state.heldBytes[id, default: 0] + frame.encodedCount
                    guard heldBytes <= heldBytesLimit else {
                        subscriber.socket.close(
                            code: .tryAgainLater,
                            reason: "peer reads too slowly: more than \(heldBytesLimit) bytes of broadcasts held")
                        continue
                    }
                    state.heldBytes[id] = heldBytes
                    state.held[HoldKey(connection: id, spaceId: spaceId), default: []].append(
                        HeldMessage(frame: frame, position: broadcast.position))
                }
            case .account(let address):
                for id in state.accounts[address] ?? [] where id != broadcast.excluding {
                    if let entry = state.entries[id] { sockets.append(entry.socket) }
                }
            }
            WebSocket.broadcast(frame, to: sockets)
        }
    }

    /// The progress of every space that has subscribers here (what a change feed that lost notifications must
    /// read again, see ``RemoteDelivery``).
    func subscribedProgress() -> [String: SpaceProgress] {
        state.withLock { state in
            state.subscribers.keys.reduce(into: [:]) { result, spaceId in
                result[spaceId] = state.progress[spaceId] ?? SpaceProgress()
            }
        }
    }

    /// Whether a connection here would receive a broadcast to `audience` (a subscription in progress counts).
    func hasReceivers(_ audience: RemoteChangeAudience) -> Bool {
        state.withLock { state in
            switch audience {
            case .subscribers(let spaceId): state.subscribers[spaceId] != nil
            case .account(let address): state.accounts[address] != nil
            }
        }
    }

    /// The account of one of the space's subscribers here, or nil when it has none (a member: subscribing needs
    /// membership, and membership is never revoked).
    func anySubscriberAccount(of spaceId: String) -> String? {
        state.withLock { state in
            let entries = state.entries
            return state.subscribers[spaceId]?.keys.lazy.compactMap { entries[$0]?.accountAddress }.first
        }
    }

    private static func remove(_ id: ConnectionID, from index: inout [String: Set<ConnectionID>], key: String) {
        index[key]?.remove(id)
        if index[key]?.isEmpty == true { index[key] = nil }
    }

    /// Records that the subscribers of `spaceId` have the change at `position`; forgets spaces nobody subscribes to.
    private static func advance(_ state: inout State, spaceId: String, to position: SpacePosition?) {
        guard state.subscribers[spaceId] != nil else {
            state.progress[spaceId] = nil
            return
        }
        guard let position else { return }
        state.progress[spaceId, default: SpaceProgress()].advance(to: position)
    }
}
