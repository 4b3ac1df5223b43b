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
                key = try request.signer(policy: .rejectHighS)
            } catch {
                throw RequestRejection(error, of: "update signature")
            }
            guard
                try await storage.identity(
                    accountAddress: accountAddress, signaturePublicKey: key, linkedToSpace: nil) != nil
            else {
                throw RequestRejection.invalidSignature(
                    "the update is signed with \(key), which is not a key of account \(accountAddress)")
            }
        }
        try await requireMembership(in: request.spaceId)
        try await checkQuotas(adding: request.update.bytes.count, to: request.spaceId)
        let result = try await storage.appendUpdate(
            spaceId: request.spaceId, accountAddress: accountAddress, update: request.update.bytes,
            signature: request.signature.record, updateId: request.updateId)
        switch result {
        case .stored(let clock):
            reply(.updateConfirmed(UpdateConfirmedResponse(updateId: request.updateId, clock: Int(clock), spaceId: request.spaceId)))
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
            reply(.updateConfirmed(UpdateConfirmedResponse(updateId: request.updateId, clock: Int(clock), spaceId: request.spaceId)))
            return [("clock", String(clock)), ("duplicate", "true")]
        }
    }

    /// Throws `too-large` when `bytes` more update content would take the space or the account over its quota.
    /// The check and the append are separate store calls, so concurrent updates can each pass it: a quota can be
    /// exceeded by the updates in flight at that moment, each at most ``ServerLimits/maximumUpdateBytes``.
    private func checkQuotas(adding bytes: Int, to spaceId: String) async throws {
        let limits = server.limits
        let stored = try await storage.storedUpdateBytes(spaceId: spaceId, accountAddress: accountAddress)
        let quotas = [
            ("space \(spaceId)", stored.space, limits.maximumSpaceUpdateBytes),
            ("account \(accountAddress)", stored.account, limits.maximumAccountUpdateBytes),
        ]
        for (owner, used, quota) in quotas where used + Int64(bytes) > quota {
            throw RequestRejection(
                code: .tooLarge,
                message: "\(owner) holds \(used) bytes of updates; \(bytes) more would pass its quota of \(quota) "
                    + "bytes, so the update was not stored", issues: nil)
        }
    }
}
