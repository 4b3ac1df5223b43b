// The four event requests (§4.4–4.7) with the fixes of §12 G1, G2, G14, G15, G16.
import HypergraphProtocol
import HypergraphSigning
import HypergraphStore

extension RequestContext {
    /// §4.4 with §12 G1: the creator's key box is stored for I, I is linked to the space, and `space` is sent.
    func createSpace(_ request: CreateSpaceEventRequest) async throws -> LogFields {
        let transaction = request.event.transaction
        guard request.spaceId.isExactly(transaction.id) else {
            throw RequestRejection.invalidEvent(
                "spaceId \(request.spaceId) is not the create-space event's transaction.id \(transaction.id)")
        }
        let event = SpaceEvent.createSpace(request.event)
        let state = try await applying(event, to: nil, identityScope: nil)
        try await requireRoomForSpace()
        let record = try await storage.createSpace(
            NewSpace(
                spaceId: transaction.id, name: request.name, creatorAccountAddress: accountAddress,
                creatorAppIdentityAddress: appIdentityAddress, eventJSON: event.jsonString(),
                stateJSON: state.jsonString(), lastEventHash: state.lastEventHash, keyId: request.keyBox.id,
                creatorKeyBox: KeyBoxPayload(request.keyBox)))
        server.facts.memberJoined(spaceId: transaction.id, accountAddress: accountAddress)
        return await announce(record, event: event)
    }

    /// §4.5 with §12 G1 and G16: the invitee's boxes are stored for the invitee's app identity of the inviter's
    /// app (when it exists) and must cover exactly the space's keys; the invitee's connections get the full
    /// `list-invitations`, the other subscribers `space-event`.
    func createInvitation(_ request: CreateInvitationEventRequest) async throws -> LogFields {
        try await requireMembership(in: request.spaceId)
        let invitee = request.event.transaction.inviteeAccountAddress
        try requireRoom(
            existing: try await storage.invitations(inviteeAccountAddress: invitee).count,
            limit: server.limits.maximumPendingInvitationsPerAccount, limitName: "maximumPendingInvitationsPerAccount",
            "account \(invitee) (pending invitations)")
        let inviteeIdentity = try await storage.identity(accountAddress: invitee, appId: identity.appId)
        let keyBoxes = request.keyBoxes.map { box in
            InviteeKeyBox(
                keyId: box.id, appIdentityAddress: inviteeIdentity?.appIdentityAddress, payload: KeyBoxPayload(box))
        }
        let event = SpaceEvent.createInvitation(request.event)
        let record = try await appendEvent(
            event, eventId: request.event.transaction.id, to: request.spaceId, identityScope: request.spaceId,
            effect: .createInvitation(
                inviterAccountAddress: accountAddress, inviteeAccountAddress: invitee, keyBoxes: keyBoxes))
        return await announce(record, event: event) {
            guard server.behavior.pushesInvitationsToInvitee else { return }
            do {
                let invitations = try await pendingInvitations(of: invitee)
                let message = server.encode(.listInvitations(invitations))
                try server.requireWithinReplyLimit(message, of: "list-invitations")
                server.broadcaster.publish(Broadcast(audience: .account(address: invitee), message: message))
            } catch {
                server.logger.log(.warn, "invitations.push_skipped", [("account", invitee), ("reason", "\(error)")])
            }
        }
    }

    /// §4.6 with §12 G2 and G15: the invitation must be to this space; the author's identity is resolved without
    /// space scope, and I is linked to the space on success.
    func acceptInvitation(_ request: AcceptInvitationEventRequest) async throws -> LogFields {
        let pending = try await storage.invitations(inviteeAccountAddress: accountAddress)
        guard pending.contains(where: { $0.spaceId.isExactly(request.spaceId) }) else {
            if try await storage.spaceHead(spaceId: request.spaceId) == nil {
                throw RequestRejection.notFound("space \(request.spaceId) does not exist")
            }
            throw RequestRejection.notFound(
                "account \(accountAddress) has no pending invitation to space \(request.spaceId)")
        }
        try await requireRoomForSpace()
        let event = SpaceEvent.acceptInvitation(request.event)
        let record = try await appendEvent(
            event, eventId: request.event.transaction.id, to: request.spaceId, identityScope: nil,
            effect: .acceptInvitation(accountAddress: accountAddress, appIdentityAddress: appIdentityAddress))
        server.facts.memberJoined(spaceId: request.spaceId, accountAddress: accountAddress)
        return await announce(record, event: event)
    }

    /// §4.7 with §12 G14: the inbox's `spaceId` must be the space (checked by the strict rules).
    func createSpaceInbox(_ request: CreateSpaceInboxEventRequest) async throws -> LogFields {
        try await requireMembership(in: request.spaceId)
        let transaction = request.event.transaction
        let event = SpaceEvent.createSpaceInbox(request.event)
        let record = try await appendEvent(
            event, eventId: transaction.id, to: request.spaceId, identityScope: request.spaceId,
            effect: .createSpaceInbox(
                NewSpaceInbox(
                    inboxId: transaction.inboxId, isPublic: transaction.isPublic,
                    authPolicy: transaction.authPolicy.rawValue, encryptionPublicKey: transaction.encryptionPublicKey,
                    encryptedSecretKey: transaction.secretKey)))
        server.behavior.spaceInboxCreated(spaceId: request.spaceId, inboxId: transaction.inboxId)
        return await announce(record, event: event)
    }
}

extension KeyBoxPayload {
    /// The encrypted part of a key box from a request (its `accountAddress` is ignored: the recipient is known).
    init(_ box: KeyBoxWithKeyId) {
        self.init(ciphertext: box.ciphertext, nonce: box.nonce, authorPublicKey: box.authorPublicKey)
    }
}
