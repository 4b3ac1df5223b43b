// Validating and appending space events: the rules of §8.2 in their strict form (§12 G14, G20), the server's
// identity resolver (§8.3) and the optimistic append of §8.4.
import HypergraphProtocol
import HypergraphSigning
import HypergraphStore

extension RequestContext {
    /// How often an event is re-validated when other events keep taking the counter it was validated for.
    static let eventAppendAttempts = 8

    /// Applies `event` to `state` (nil for `create-space`) with the strict rules and returns the new state.
    ///
    /// The author must be the connection's account (§8.3); the identity is the author's identity with the recovered
    /// key, linked to `identityScope` when one is given (§9.8).
    func applying(
        _ event: SpaceEvent, to state: SpaceEventState?, identityScope: String?
    ) async throws -> SpaceEventState {
        if let author = event.knownEvent?.author.accountAddress {
            if server.behavior.requiresEventAuthorIsConnectionAccount, !author.isExactly(accountAddress) {
                throw RequestRejection.forbidden(
                    "the event is authored by \(author), but this connection is account \(accountAddress); "
                        + "a connection may only submit its own events (§8.3)")
            }
        }
        // The rules take a synchronous resolver; the one identity they can ask for (the author's, with the key the
        // signature recovers to) is looked up here first.
        var identity: IdentityRecord?
        if let author = event.knownEvent?.author.accountAddress, let key = try? event.signer(policy: .rejectHighS) {
            identity = try await storage.identity(
                accountAddress: author, signaturePublicKey: key, linkedToSpace: identityScope)
        }
        let result = SpaceEventRules.apply(event, to: state, policy: .strict) { accountAddress, key in
            guard let identity, identity.accountAddress.isExactly(accountAddress),
                identity.signaturePublicKey.isExactly(key)
            else { return nil }
            return SignerIdentity(
                accountAddress: identity.accountAddress, signaturePublicKey: identity.signaturePublicKey)
        }
        switch result {
        case .success(let next):
            return next
        case .failure(let rejection):
            var message = rejection.description
            if case .unknownIdentity = rejection, let identityScope {
                message += " that is linked to space \(identityScope)"
            }
            throw RequestRejection(code: rejection.errorCode, message: message, issues: nil)
        }
    }

    /// Validates `event` against the space's newest state and appends it with `effect` (§8.4). When another event
    /// took the next counter first, the head is read again and the event validated again.
    func appendEvent(
        _ event: SpaceEvent, eventId: String, to spaceId: String, identityScope: String?, effect: SpaceEventEffect
    ) async throws -> SpaceEventRecord {
        for _ in 0..<Self.eventAppendAttempts {
            guard let head = try await storage.spaceHead(spaceId: spaceId) else {
                throw RequestRejection.notFound("space \(spaceId) does not exist")
            }
            let state: SpaceEventState
            do {
                state = try SpaceEventState(json: head.stateJSON)
            } catch {
                throw RequestRejection(
                    code: .internal, message: "the stored state of space \(spaceId) is unreadable: \(error)",
                    issues: nil)
            }
            try requireRoom(for: event, in: spaceId, eventCount: head.event.counter + 1, state: state)
            let next = try await applying(event, to: state, identityScope: identityScope)
            let newEvent = NewSpaceEvent(
                spaceId: spaceId, eventId: eventId, counter: head.event.counter + 1, eventJSON: event.jsonString(),
                stateJSON: next.jsonString(), lastEventHash: next.lastEventHash)
            do {
                return try await storage.appendSpaceEvent(newEvent, effect: effect)
            } catch StoreError.conflict(.spaceEventCounter) {
                continue
            }
        }
        throw RequestRejection.conflict(
            "space \(spaceId) changed \(Self.eventAppendAttempts) times while the event was being applied; "
                + "read the space again and resend")
    }

    /// After an event was stored: replies `space` to the requester, runs `beforeBroadcast` (the invitee push),
    /// then hands the `space-event` broadcast to the sequencer (§6: reply first, then the others), then sends the
    /// rest of a snapshot too large for one reply. A failure to
    /// build the reply is logged and does not stop the broadcasts (§12 G23).
    func announce(
        _ record: SpaceEventRecord, event: SpaceEvent, beforeBroadcast: () async -> Void = {}
    ) async -> LogFields {
        var fields: LogFields = [("counter", String(record.counter))]
        var snapshot: SnapshotProgress?
        do {
            snapshot = try await sendSpaceHead(record.spaceId)
        } catch {
            fields.append(("reply", "none"))
            logSkippedReply(of: record.spaceId, error)
        }
        await beforeBroadcast()
        let message = server.encode(.spaceEvent(SpaceEventResponse(spaceId: record.spaceId, event: event)))
        server.sequencer.release(
            spaceId: record.spaceId, position: .event(counter: record.counter),
            broadcasts: [
                Broadcast(
                    audience: .subscribers(spaceId: record.spaceId), excluding: excludedFromBroadcasts,
                    position: .event(counter: record.counter), message: message)
            ])
        // The rest of a large snapshot goes out after the broadcasts are released, so that a slow requester does
        // not hold back the space's broadcasts to everyone else.
        if var snapshot {
            do {
                try await sendRemainingUpdates(&snapshot)
            } catch {
                logSkippedReply(of: record.spaceId, error)
            }
        }
        return fields
    }

    private func logSkippedReply(of spaceId: String, _ error: any Error) {
        server.logger.log(
            .warn, "space.reply_skipped",
            [
                ("conn", connection.description), ("space", spaceId), ("reason", "\(error)"),
            ])
    }
}
