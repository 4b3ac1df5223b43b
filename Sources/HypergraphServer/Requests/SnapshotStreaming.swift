// Sending a space snapshot in parts that each fit a reply (docs/server.md, "Large snapshots"): `space` with the
// events and the first updates, then the other updates as `updates-notification` messages in clock order, read
// from the store one slice at a time and sent at the pace the peer reads.
import HypergraphProtocol
import HypergraphStore

/// How far a snapshot got, and the updates still to send after its `space` message.
struct SnapshotProgress: Sendable {
    let spaceId: String
    /// The highest update clock the peer has (sent, or known from `lastKnownUpdateClock`); nil: none.
    var lastClock: Int64?
    /// The counter of the snapshot's last event.
    let lastEventCounter: Int64
    /// The last clock of the snapshot (`snapshotLastUpdateClock`); nil when the `space` message held everything.
    let lastSnapshotClock: Int64?

    /// Where the snapshot ends, for the broadcasts held back while it was sent.
    var horizon: ConnectionRegistry.SnapshotHorizon {
        ConnectionRegistry.SnapshotHorizon(lastClock: lastClock, lastEventCounter: lastEventCounter)
    }
}

extension RequestContext {
    /// Reads the space as (A, I) sees it and sends `space` with its events, key boxes, inboxes and as many updates
    /// after `updatesAfterClock` as fit in ``ServerLimits/maximumReplyBytes``; when more follow, the message says
    /// up to which clock (`snapshotLastUpdateClock`) and ``sendRemainingUpdates(_:)`` sends them. Refuses
    /// (`forbidden`) when I has no key box, because the client reads `keyBoxes[0]` (§5.3), and (`too-large`) when
    /// the message would still pass the limit (events, inboxes and the one update it must carry; see
    /// ``ServerLimits/replyBoundProblems``).
    func sendSpaceHead(_ spaceId: String, updatesAfterClock: Int64? = nil) async throws -> SnapshotProgress {
        let snapshot = try await storage.spaceSnapshot(
            spaceId: spaceId, accountAddress: accountAddress, appIdentityAddress: appIdentityAddress,
            updatesAfterClock: Int64.max)
        guard !snapshot.keyBoxes.isEmpty else {
            throw RequestRejection.forbidden(
                "space \(spaceId) has no key box for app identity \(appIdentityAddress), so it cannot be sent to "
                    + "this connection (a key box is stored for the app identity it was encrypted to, §12 G1)")
        }
        try requireOpenConnection()
        var response = try SpaceResponse(snapshot, accountAddress: accountAddress)
        let headBytes = server.encode(.space(response)).count
        let slice = try await readUpdates(
            of: spaceId, after: updatesAfterClock, through: nil, replyBytes: server.limits.maximumReplyBytes - headBytes
        )
        response.updates = Updates(slice.updates)
        let lastSent = slice.updates.last?.clock
        var lastSnapshotClock: Int64?
        if let lastSent, let latest = slice.latestClock, latest > lastSent {
            lastSnapshotClock = latest
            response.snapshotLastUpdateClock = Int(latest)
        }
        try requireOpenConnection()
        try replyWithinLimit(.space(response))
        return SnapshotProgress(
            spaceId: spaceId, lastClock: lastSent ?? updatesAfterClock,
            lastEventCounter: snapshot.events.last?.counter ?? -1, lastSnapshotClock: lastSnapshotClock)
    }

    /// Sends the updates after the `space` message up to its `snapshotLastUpdateClock`, each message within
    /// ``ServerLimits/maximumReplyBytes``. Before reading the next slice it waits until at most one reply's worth
    /// is still queued for the peer, so a subscriber costs the server about two replies however large the space;
    /// one that reads nothing for ``ServerLimits/slowReaderTimeout`` is closed with 1013.
    func sendRemainingUpdates(_ progress: inout SnapshotProgress) async throws {
        guard let through = progress.lastSnapshotClock else { return }
        while let last = progress.lastClock, last < through {
            try await waitForPeerToRead()
            let slice = try await readUpdates(
                of: progress.spaceId, after: last, through: through, replyBytes: server.limits.maximumReplyBytes)
            guard let updates = Updates(slice.updates), let sliceEnd = slice.updates.last?.clock else { return }
            try requireOpenConnection()
            reply(.updatesNotification(UpdatesNotificationResponse(spaceId: progress.spaceId, updates: updates)))
            progress.lastClock = sliceEnd
        }
    }

    /// The updates that fit in a message of `replyBytes`: half of it for their content at its worst-case JSON size
    /// (4 characters per byte) and half for the members around each (``ServerLimits/updateOverheadBytes``, with the
    /// update id at its worst-case escaped size).
    private func readUpdates(
        of spaceId: String, after: Int64?, through: Int64?, replyBytes: Int
    ) async throws -> UpdateSlice {
        let room = max(replyBytes - 1_024, 0) / 2
        return try await storage.updates(
            spaceId: spaceId, afterClock: after, throughClock: through, maximumBytes: room / 4,
            maximumCount: max(room / server.limits.updateOverheadBytes, 1))
    }

    /// Returns once at most one reply's worth is queued for the peer; throws ``ConnectionGone`` when the connection
    /// closed meanwhile, and closes it with 1013 when the peer has not read that far within the slow-reader timeout.
    private func waitForPeerToRead() async throws {
        let socket = self.socket
        let timeout = server.limits.slowReaderTimeout
        let watchdog = Task {
            guard (try? await Task.sleep(for: timeout)) != nil else { return }
            socket.close(code: .tryAgainLater, reason: "peer reads too slowly: a snapshot part waited \(timeout)")
        }
        defer { watchdog.cancel() }
        guard await socket.sendQueueDrained(toAtMost: server.limits.maximumReplyBytes) else { throw ConnectionGone() }
        try requireOpenConnection()
    }
}
