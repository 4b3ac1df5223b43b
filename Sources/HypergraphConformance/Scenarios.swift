// Building blocks of the cases: spaces with members, inboxes, updates, inbox messages posted over HTTP, and
// deliberately broken signatures. Each step that must succeed fails the case with "setup" in its expectation.
import HypergraphClient
import HypergraphCrypto
import HypergraphJSON
import HypergraphProtocol
import HypergraphSigning

extension CaseContext {
    /// `owner` creates a space and returns the `space` reply (§4.4 with the §12 G1 fix).
    public func createSpace(by owner: Peer, name: String = "Conformance space") async throws -> SpaceResponse {
        try await expect("setup: \(owner.label)'s create-space-event answered with space (§4.4)") {
            () throws(HypergraphClientError) in
            try await owner.session.createSpace(owner.identity.createSpaceEvent(name: name), timeout: timeout)
        }
    }

    /// `inviter` invites `invitee` to `space` (a snapshot whose last event is the space's latest) and returns the
    /// inviter's new snapshot.
    public func invite(_ invitee: HypergraphIdentity, to space: SpaceResponse, by inviter: Peer) async throws
        -> SpaceResponse
    {
        guard
            let request = inviter.identity.createInvitationEvent(
                in: space, inviteeAccountAddress: invitee.accountAddress)
        else {
            throw CaseFailure(expected: "setup: a space snapshot with events", observed: "\(space.events.count) events")
        }
        return try await expect("setup: create-invitation-event answered with space (§4.5)") {
            () throws(HypergraphClientError) in try await inviter.session.createInvitation(request, timeout: timeout)
        }
    }

    /// `invitee` accepts its pending invitation to `spaceId` (chained as `list-invitations` says) and returns the
    /// `space` reply.
    public func accept(_ spaceId: String, by invitee: Peer) async throws -> SpaceResponse {
        let invitation = try await pendingInvitation(spaceId, of: invitee)
        let request = invitee.identity.acceptInvitationEvent(
            spaceId: spaceId, previousEventHash: invitation.previousEventHash)
        return try await expect("setup: accept-invitation-event answered with space (§4.6)") {
            () throws(HypergraphClientError) in try await invitee.session.acceptInvitation(request, timeout: timeout)
        }
    }

    /// `invitee`'s invitation to `spaceId` as `list-invitations` reports it.
    public func pendingInvitation(_ spaceId: String, of invitee: Peer) async throws -> Invitation {
        let list = try await expect("setup: list-invitations answered (§4.3)") { () throws(HypergraphClientError) in
            try await invitee.session.listInvitations(timeout: timeout)
        }
        guard let invitation = list.invitations.first(where: { $0.spaceId == spaceId }) else {
            throw CaseFailure(
                expected: "\(invitee.label)'s list-invitations to hold the invitation to \(spaceId)",
                observed: "\(list.invitations)")
        }
        return invitation
    }

    /// A space of `owner` that `member` was invited to and joined; returns the latest snapshot (the member's).
    public func sharedSpace(owner: Peer, member: Peer) async throws -> SpaceResponse {
        let space = try await createSpace(by: owner)
        _ = try await invite(member.identity, to: space, by: owner)
        return try await accept(space.id, by: member)
    }

    /// `peer` subscribes to `spaceId` and returns the snapshot.
    @discardableResult
    public func subscribe(_ peer: Peer, to spaceId: String, lastKnownUpdateClock: Int? = nil) async throws
        -> SpaceResponse
    {
        try await expect("\(peer.label)'s subscribe-space answered with space (§4.1)") {
            () throws(HypergraphClientError) in
            try await peer.session.subscribe(
                spaceId: spaceId, lastKnownUpdateClock: lastKnownUpdateClock, timeout: timeout)
        }
    }

    /// `peer` appends `bytes` to `spaceId` and returns the confirmation.
    @discardableResult
    public func createUpdate(
        by peer: Peer, in spaceId: String, _ bytes: [UInt8] = [1, 2, 3], updateId: String = RandomIdentifiers.uuid()
    ) async throws -> UpdateConfirmedResponse {
        let request = peer.identity.createUpdate(spaceId: spaceId, update: bytes, updateId: updateId)
        return try await expect("\(peer.label)'s create-update answered with update-confirmed (§4.12)") {
            () throws(HypergraphClientError) in try await peer.session.createUpdate(request, timeout: timeout)
        }
    }

    /// `admin` creates an inbox in `space` and returns the new snapshot and the inbox id.
    public func createSpaceInbox(
        by admin: Peer, in space: SpaceResponse, isPublic: Bool = true, authPolicy: InboxSenderAuthPolicy = .anonymous
    ) async throws -> (space: SpaceResponse, inboxId: String) {
        let request = try inboxEvent(by: admin.identity, in: space, isPublic: isPublic, authPolicy: authPolicy)
        let reply = try await expect("setup: create-space-inbox-event answered with space (§4.7)") {
            () throws(HypergraphClientError) in try await admin.session.createSpaceInbox(request, timeout: timeout)
        }
        return (reply, request.event.transaction.inboxId)
    }

    /// A signed `create-space-inbox-event` for `space`, chained to its last event.
    public func inboxEvent(
        by author: HypergraphIdentity, in space: SpaceResponse, isPublic: Bool = true,
        authPolicy: InboxSenderAuthPolicy = .anonymous
    ) throws -> CreateSpaceInboxEventRequest {
        author.createSpaceInboxEvent(
            spaceId: space.id, previousEventHash: try lastHash(space), isPublic: isPublic, authPolicy: authPolicy)
    }

    /// The hash of `space`'s last event.
    public func lastHash(_ space: SpaceResponse) throws -> String {
        guard let hash = space.lastEventHash else {
            throw CaseFailure(expected: "a snapshot whose last event can be hashed (§7.5)", observed: "\(space.events)")
        }
        return hash
    }

    /// `owner` creates an account inbox and returns the `account-inbox` it receives.
    public func createAccountInbox(
        by owner: Peer, isPublic: Bool = true, authPolicy: InboxSenderAuthPolicy = .anonymous
    ) async throws -> AccountInboxResponse {
        let request = owner.identity.createAccountInbox(isPublic: isPublic, authPolicy: authPolicy)
        return try await expect("setup: create-account-inbox answered with account-inbox (§4.8)") {
            () throws(HypergraphClientError) in try await owner.session.createAccountInbox(request, timeout: timeout)
        }
    }

    /// Posts a message to a space inbox (§10.1), signed by `author` when given.
    public func postSpaceInboxMessage(
        spaceId: String, inboxId: String, author: HypergraphIdentity? = nil,
        ciphertext: String = RandomIdentifiers.hex(byteCount: 48)
    ) async throws -> HypergraphHTTPResponse {
        try await http(
            "POST", "/spaces/\(spaceId)/inboxes/\(inboxId)/messages",
            json: HypergraphHTTPClient.spaceInboxMessageBody(
                spaceId: spaceId, inboxId: inboxId, ciphertext: ciphertext, author: author))
    }

    /// Posts a message to an account inbox (§10.2), signed by `author` when given.
    public func postAccountInboxMessage(
        accountAddress: String, inboxId: String, author: HypergraphIdentity? = nil,
        ciphertext: String = RandomIdentifiers.hex(byteCount: 48)
    ) async throws -> HypergraphHTTPResponse {
        try await http(
            "POST", "/accounts/\(accountAddress)/inboxes/\(inboxId)/messages",
            json: HypergraphHTTPClient.accountInboxMessageBody(
                accountAddress: accountAddress, inboxId: inboxId, ciphertext: ciphertext, author: author))
    }

    /// Requires an HTTP status in `statuses`.
    public func requireStatus(_ response: HypergraphHTTPResponse, _ statuses: Set<Int>, _ requirement: String) throws {
        try require(
            statuses.contains(response.status), requirement,
            observed: "HTTP \(response.status) \(response.text.prefix(300))")
    }
}

/// Signatures that must not verify.
enum BrokenSignatures {
    /// A valid-looking signature by a random key over the same payload.
    static func foreign(_ payload: SigningPayload) -> SignatureWithRecovery {
        payload.signature(with: .random())
    }

    /// The high-S twin of `signature` (s → n − s, recovery flipped): recovers to the same key, but §12 G20 asks
    /// servers to refuse it.
    static func highS(_ signature: SignatureWithRecovery) -> SignatureWithRecovery {
        let bytes = (try? Hex.decode(signature.hex)) ?? []
        guard bytes.count == 64 else { return signature }
        let order: [UInt8] = [
            0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFE,
            0xBA, 0xAE, 0xDC, 0xE6, 0xAF, 0x48, 0xA0, 0x3B, 0xBF, 0xD2, 0x5E, 0x8C, 0xD0, 0x36, 0x41, 0x41,
        ]
        var s = Array(bytes[32...])
        var borrow = 0
        for index in stride(from: 31, through: 0, by: -1) {
            let difference = Int(order[index]) - Int(s[index]) - borrow
            s[index] = UInt8((difference + 256) % 256)
            borrow = difference < 0 ? 1 : 0
        }
        return SignatureWithRecovery(hex: Hex.encode(Array(bytes[..<32]) + s), recovery: 1 - signature.recovery)
    }
}
