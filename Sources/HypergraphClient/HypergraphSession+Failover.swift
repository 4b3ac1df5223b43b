// Reconnecting after a lost connection: to the next URL, with the same token, resubscribing every space with
// `lastKnownUpdateClock` and delivering what was missed exactly once and in order (docs/client.md, "Failover").
//
// Concurrency: the state (`Failover`) is isolated to the `HypergraphSession` actor like the rest of its state. The
// reconnection runs as one task that holds the session weakly while it waits and connects, so a released session
// stops reconnecting.
import HypergraphProtocol
import HypergraphWebSocket

/// Where a reconnecting session connects and what it has delivered of each subscribed space.
struct Failover: Sendable {
    /// The nodes, used in turn.
    let urls: [String]
    /// The session token, sent again on every connection.
    let token: String?
    /// The index (modulo the count) of the URL to try next.
    var nextIndex: Int
    /// What has been delivered of every space the session subscribed, by space id.
    var spaces: [String: SpaceDelivery] = [:]

    init(urls: [String], token: String?, nextIndex: Int) {
        self.urls = urls
        self.token = token
        self.nextIndex = nextIndex
    }

    /// Drops the messages held back during resubscriptions: the connection they came on is lost, and the next
    /// resubscription's snapshot carries them again.
    mutating func releaseHeldMessages() {
        for id in spaces.keys { spaces[id]?.held = nil }
    }

    /// The URL to try next; moves on to the one after it.
    mutating func takeNextURL() -> String {
        defer { nextIndex += 1 }
        return urls[nextIndex % urls.count]
    }
}

/// What the application has been given of one subscribed space, to give it nothing twice.
struct SpaceDelivery: Sendable {
    /// Every update up to this clock was delivered (or is the session's own, confirmed); -1 for none.
    private(set) var lastClock: Int
    /// Clocks above `lastClock` of the session's own updates (`update-confirmed`): the resubscription's snapshot
    /// carries them, the application already has them.
    private(set) var confirmedClocks: Set<Int> = []
    /// The space events delivered (from snapshots and `space-event` messages).
    private(set) var events: Set<SpaceEvent>
    /// While the space is being resubscribed: the live `updates-notification` and `space-event` messages held back
    /// until what was missed before them has been delivered.
    var held: [HypergraphSessionEvent]?

    /// The state after the application received `snapshot`, the reply to a subscription that asked for updates after
    /// `lastKnownUpdateClock` (so it already had those).
    init(snapshot: SpaceResponse, lastKnownUpdateClock: Int?) {
        lastClock = max(lastKnownUpdateClock ?? -1, -1)
        events = []
        record(snapshot)
    }

    /// Counts `snapshot`'s events and updates as delivered (a reply to one of the session's requests).
    mutating func record(_ snapshot: SpaceResponse) {
        events.formUnion(snapshot.events)
        lastClock = max(lastClock, snapshot.snapshotLastUpdateClock ?? snapshot.updates?.lastUpdateClock ?? -1)
        absorbConfirmedClocks()
    }

    /// Notes the session's own update at `clock`.
    mutating func confirm(clock: Int) {
        guard clock > lastClock else { return }
        confirmedClocks.insert(clock)
        absorbConfirmedClocks()
    }

    /// The updates of `updates` not delivered yet, as runs of consecutive clocks, now counted as delivered.
    mutating func undelivered(_ updates: Updates) -> [Updates] {
        var runs: [Updates] = []
        for (offset, update) in updates.updates.enumerated() {
            let clock = updates.firstUpdateClock + offset
            guard clock > lastClock, !confirmedClocks.contains(clock) else { continue }
            if let last = runs.last, last.lastUpdateClock + 1 == clock {
                runs[runs.count - 1].updates.append(update)
                runs[runs.count - 1].lastUpdateClock = clock
            } else {
                runs.append(Updates(updates: [update], firstUpdateClock: clock, lastUpdateClock: clock))
            }
        }
        lastClock = max(lastClock, updates.lastUpdateClock)
        absorbConfirmedClocks()
        return runs
    }

    /// Whether `event` is new; it is counted as delivered.
    mutating func isNew(_ event: SpaceEvent) -> Bool {
        events.insert(event).inserted
    }

    /// Moves `lastClock` over own updates that directly follow it and forgets the confirmations it passed.
    private mutating func absorbConfirmedClocks() {
        while confirmedClocks.remove(lastClock + 1) != nil { lastClock += 1 }
        confirmedClocks = confirmedClocks.filter { $0 > lastClock }
    }
}

extension HypergraphSession {
    // MARK: Tracking what was delivered

    /// What of `event` the application has not been given yet, recording it as given. Sessions that do not reconnect
    /// pass everything through untouched (conformance checks must see duplicates a server sends).
    func newlyDelivered(_ event: HypergraphSessionEvent) -> [HypergraphSessionEvent] {
        guard failover != nil, case .message(let message) = event else { return [event] }
        switch message {
        case .updatesNotification(let notification):
            let spaceId = notification.spaceId
            return newlyDelivered(event, of: spaceId) { space in
                space.undelivered(notification.updates).map { updates in
                    .message(.updatesNotification(UpdatesNotificationResponse(spaceId: spaceId, updates: updates)))
                }
            }
        case .spaceEvent(let spaceEvent):
            return newlyDelivered(event, of: spaceEvent.spaceId) { space in
                space.isNew(spaceEvent.event) ? [event] : []
            }
        case .updateConfirmed(let confirmation):
            failover?.spaces[confirmation.spaceId]?.confirm(clock: confirmation.clock)
            return [event]
        default:
            return [event]
        }
    }

    /// `event` of space `spaceId`: held back while the space is resubscribed, else what `newPart` picks out of it;
    /// passed through when the session does not track the space.
    private func newlyDelivered(
        _ event: HypergraphSessionEvent, of spaceId: String,
        _ newPart: (inout SpaceDelivery) -> [HypergraphSessionEvent]
    ) -> [HypergraphSessionEvent] {
        guard var space = failover?.spaces[spaceId] else { return [event] }
        defer { failover?.spaces[spaceId] = space }
        if space.held != nil {
            space.held?.append(event)
            return []
        }
        return newPart(&space)
    }

    /// Records a `space` reply as delivered; `subscription` is the request when it answers `subscribe-space`, which
    /// starts tracking the space. Called on the actor as the reply is delivered, so no later frame is judged before
    /// it.
    func noteSpaceReply(_ space: SpaceResponse, subscription: SubscribeSpaceRequest?) {
        guard failover != nil else { return }
        if var delivery = failover?.spaces[space.id] {
            guard delivery.held == nil else { return } // A resubscription: `resubscribe` delivers what is new.
            delivery.record(space)
            failover?.spaces[space.id] = delivery
        } else if let subscription {
            failover?.spaces[space.id] = SpaceDelivery(
                snapshot: space, lastKnownUpdateClock: subscription.lastKnownUpdateClock)
        }
    }

    /// Whether the session resubscribes `spaceId` when it reconnects.
    func isTracking(spaceId: String) -> Bool {
        failover?.spaces[spaceId] != nil
    }

    /// Stops tracking `spaceId` (its subscription did not complete).
    func stopTracking(spaceId: String) {
        failover?.spaces[spaceId] = nil
    }

    // MARK: Reconnecting

    /// The connection was lost with `status`: fails the requests in flight and, unless a reconnection is already
    /// under way (which notices by itself), reports `.disconnected` and starts one.
    func connectionLost(_ status: CloseStatus) {
        lostConnection = status
        let error = HypergraphClientError.connectionLost(code: status.code, reason: status.reason)
        failRequests(with: error)
        failSnapshotAssemblies(with: error)
        failover?.releaseHeldMessages()
        guard reconnection == nil else { return }
        deliver(.disconnected(code: status.code, reason: status.reason))
        let policy = configuration.reconnect
        reconnection = Task { [weak self] in
            var attempt = 1
            var lastFailure = status.description
            while policy.allows(attempt: attempt) {
                var generator = SystemRandomNumberGenerator()
                do {
                    try await Task.sleep(for: policy.delay(beforeAttempt: attempt, using: &generator))
                } catch {
                    return // Cancelled: the session was closed.
                }
                guard let outcome = await self?.attemptReconnection() else { return }
                switch outcome {
                case .reconnected, .closed: return
                case .failed(let reason): lastFailure = reason
                }
                attempt += 1
            }
            await self?.giveUpReconnecting(after: attempt - 1, lastFailure: lastFailure)
        }
    }

    /// How one reconnection attempt ended.
    enum ReconnectionOutcome: Sendable {
        /// Connected, resubscribed, caught up.
        case reconnected
        /// The session was closed meanwhile.
        case closed
        /// This attempt failed; the reason is reported if the session gives up.
        case failed(String)
    }

    /// Connects to the next URL, resubscribes every tracked space and delivers what was missed, then `.reconnected`.
    private func attemptReconnection() async -> ReconnectionOutcome {
        guard requestedClose == nil, var plan = failover else { return .closed }
        let url = plan.takeNextURL()
        failover?.nextIndex = plan.nextIndex
        let socket: WebSocket
        do {
            socket = try await HypergraphClient.openSocket(url: url, token: plan.token, configuration: configuration)
        } catch {
            return .failed("\(url): \(error)")
        }
        guard requestedClose == nil else {
            socket.close(code: .goingAway)
            return .closed
        }
        replaceSocket(with: socket)
        for spaceId in failover?.spaces.keys.sorted() ?? [] {
            do {
                try await resubscribe(spaceId)
            } catch {
                if requestedClose != nil { return .closed }
                if lostConnection == nil {
                    abandonSocket(CloseStatus(code: .goingAway, reason: "resubscribing \(spaceId) failed: \(error)"))
                }
                return .failed("\(url): resubscribing space \(spaceId) failed: \(error)")
            }
        }
        reconnection = nil
        deliver(.reconnected(url: url))
        return .reconnected
    }

    /// Subscribes to `spaceId` again from the last clock delivered; delivers the events and updates missed, then the
    /// live messages that arrived meanwhile.
    private func resubscribe(_ spaceId: String) async throws(HypergraphClientError) {
        guard let lastClock = failover?.spaces[spaceId]?.lastClock else { return }
        failover?.spaces[spaceId]?.held = []
        let snapshot = try await subscribe(spaceId: spaceId, lastKnownUpdateClock: lastClock >= 0 ? lastClock : nil)
        let held = failover?.spaces[spaceId]?.held ?? []
        failover?.spaces[spaceId]?.held = nil
        for event in snapshot.events {
            deliver(.message(.spaceEvent(SpaceEventResponse(spaceId: spaceId, event: event))))
        }
        if let updates = snapshot.updates {
            deliver(.message(.updatesNotification(UpdatesNotificationResponse(spaceId: spaceId, updates: updates))))
        }
        for event in held { deliver(event) }
    }

    /// Ends the session after `attempts` failed reconnection attempts.
    private func giveUpReconnecting(after attempts: Int, lastFailure: String) {
        guard requestedClose == nil, closeStatus == nil, let lost = lostConnection else { return }
        let reason = "gave up reconnecting after \(attempts) attempt(s); last: \(lastFailure)"
        finish(CloseStatus(code: lost.code, reason: reason))
    }
}
