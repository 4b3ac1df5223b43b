// create-update (§4.12) with the fixes of §12 G8 (serial clocks, notifications in clock order) and G9 (idempotent
// update ids).
import HypergraphProtocol
import HypergraphSigning
import HypergraphStore

extension RequestContext {
    /// Verifies the signature against an identity of A (strict low-S, §12 G20), checks membership, stores the
    /// update durably and confirms it; the other subscribers are notified in clock order. A resent update id is
    /// confirmed with its original clock and not broadcast again when its content and signature are the same, and
    /// refused with `conflict` (nothing stored) when they differ.
    func createUpdate(_ request: CreateUpdateRequest) async throws -> LogFields {
        guard request.accountAddress.isExactly(accountAddress) else {
            throw RequestRejection.forbidden(
                "the update is by \(request.accountAddress), but this connection is account \(accountAddress)")
        }
        if server.behavior.verifiesUpdateSignatures {
            let key: String
            do {
                // Signed by the connection's own identity, the usual case: checked against its prepared key first.
                key = try request.signer(expecting: signingKey.key, policy: .rejectHighS)
            } catch {
                throw RequestRejection(error, of: "update signature")
            }
            guard try await server.facts.isSigningKey(key, ofAccount: accountAddress) else {
                throw RequestRejection.invalidSignature(
                    "the update is signed with \(key), which is not a key of account \(accountAddress)")
            }
        }
        try await requireMembership(in: request.spaceId)
        let limits = server.limits
        let checked = try await storage.appendUpdate(
            spaceId: request.spaceId, accountAddress: accountAddress, update: request.update.bytes,
            signature: request.signature.record, updateId: request.updateId,
            quotas: UpdateQuotas(space: limits.maximumSpaceUpdateBytes, account: limits.maximumAccountUpdateBytes))
        let result: UpdateAppendResult
        switch checked {
        case .appended(let appended): result = appended
        case .overQuota(let stored): throw overQuota(stored, adding: request.update.bytes.count, to: request.spaceId)
        }
        switch result {
        case .stored(let clock):
            reply(
                .updateConfirmed(
                    UpdateConfirmedResponse(updateId: request.updateId, clock: Int(clock), spaceId: request.spaceId)))
            var broadcasts: [Broadcast] = []
            if server.behavior.sendsUpdateNotifications {
                let signed = SignedUpdate(
                    update: request.update, accountAddress: accountAddress, signature: request.signature,
                    updateId: request.updateId)
                let notification = UpdatesNotificationResponse(
                    spaceId: request.spaceId,
                    updates: Updates(updates: [signed], firstUpdateClock: Int(clock), lastUpdateClock: Int(clock)))
                broadcasts.append(
                    Broadcast(
                        audience: .subscribers(spaceId: request.spaceId), excluding: excludedFromBroadcasts,
                        position: .update(clock: clock), message: server.encode(.updatesNotification(notification))))
            }
            server.sequencer.release(spaceId: request.spaceId, position: .update(clock: clock), broadcasts: broadcasts)
            return [("clock", String(clock))]
        case .duplicate(let originalClock):
            let clock = server.behavior.confirmedClock(forDuplicateStoredAt: originalClock)
            reply(
                .updateConfirmed(
                    UpdateConfirmedResponse(updateId: request.updateId, clock: Int(clock), spaceId: request.spaceId)))
            return [("clock", String(clock)), ("duplicate", "true")]
        }
    }

    /// The `too-large` refusal of an update that would take the space or the account (`stored` bytes now) past its
    /// quota. The store checks the quotas in the append's own transaction (the SQLite store does; see
    /// `HypergraphStorage.appendUpdate(…quotas:)` for others).
    private func overQuota(_ stored: StoredUpdateBytes, adding bytes: Int, to spaceId: String) -> RequestRejection {
        let limits = server.limits
        let quotas = [
            ("space \(spaceId)", stored.space, limits.maximumSpaceUpdateBytes),
            ("account \(accountAddress)", stored.account, limits.maximumAccountUpdateBytes),
        ]
        let (owner, used, quota) = quotas.first { $0.1 + Int64(bytes) > $0.2 } ?? quotas[0]
        return RequestRejection(
            code: .tooLarge,
            message: "\(owner) holds \(used) bytes of updates; \(bytes) more would pass its quota of \(quota) "
                + "bytes, so the update was not stored", issues: nil)
    }
}
