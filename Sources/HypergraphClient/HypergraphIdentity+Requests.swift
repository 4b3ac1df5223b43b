// Signing helpers: requests built and signed by an identity exactly as the TypeScript client builds them (§4, §7.4).
import HypergraphProtocol
import HypergraphSigning

extension HypergraphIdentity {
    /// A `create-space-event` request (§4.4): a create-space event by this account, signed, with `keyBox` (by
    /// default an opaque one for this account; see `KeyBoxWithKeyId.opaque`). `spaceId` is both the request's
    /// `spaceId` and the transaction id.
    public func createSpaceEvent(
        spaceId: String = RandomIdentifiers.uuid(), name: String, keyBox: KeyBoxWithKeyId? = nil
    ) -> CreateSpaceEventRequest {
        let transaction = CreateSpaceTransaction(id: spaceId, creatorAccountAddress: accountAddress)
        let event = CreateSpaceEvent(transaction: transaction, author: unsignedAuthor).signed(with: signatureKey)
        return CreateSpaceEventRequest(
            spaceId: spaceId, event: event, keyBox: keyBox ?? .opaque(accountAddress: accountAddress), name: name)
    }

    /// A `create-invitation-event` request (§4.5) inviting `inviteeAccountAddress`, chained to `previousEventHash`
    /// (the hash of the space's last event; see `SpaceResponse.lastEventHash`). `keyBoxes` must hold one box per
    /// space key, addressed to the invitee.
    public func createInvitationEvent(
        spaceId: String, previousEventHash: String, inviteeAccountAddress: String, keyBoxes: [KeyBoxWithKeyId],
        eventId: String = RandomIdentifiers.uuid()
    ) -> CreateInvitationEventRequest {
        let transaction = CreateInvitationTransaction(
            id: eventId, inviteeAccountAddress: inviteeAccountAddress, previousEventHash: previousEventHash)
        let event = CreateInvitationEvent(transaction: transaction, author: unsignedAuthor).signed(with: signatureKey)
        return CreateInvitationEventRequest(spaceId: spaceId, event: event, keyBoxes: keyBoxes)
    }

    /// A `create-invitation-event` request inviting `inviteeAccountAddress` to `space`, chained to its last event,
    /// with one opaque key box per key of the snapshot. Nil when the snapshot has no event this library can hash.
    public func createInvitationEvent(
        in space: SpaceResponse, inviteeAccountAddress: String, eventId: String = RandomIdentifiers.uuid()
    ) -> CreateInvitationEventRequest? {
        guard let previousEventHash = space.lastEventHash else { return nil }
        let keyBoxes = space.keyBoxes.map { box in
            KeyBoxWithKeyId.opaque(keyId: box.id, accountAddress: inviteeAccountAddress)
        }
        return createInvitationEvent(
            spaceId: space.id, previousEventHash: previousEventHash, inviteeAccountAddress: inviteeAccountAddress,
            keyBoxes: keyBoxes, eventId: eventId)
    }

    /// An `accept-invitation-event` request (§4.6) by this account, chained to `previousEventHash` (the
    /// `previousEventHash` of the invitation as `list-invitations` reports it).
    public func acceptInvitationEvent(
        spaceId: String, previousEventHash: String, eventId: String = RandomIdentifiers.uuid()
    ) -> AcceptInvitationEventRequest {
        let transaction = AcceptInvitationTransaction(id: eventId, previousEventHash: previousEventHash)
        let event = AcceptInvitationEvent(transaction: transaction, author: unsignedAuthor).signed(with: signatureKey)
        return AcceptInvitationEventRequest(spaceId: spaceId, event: event)
    }

    /// A `create-space-inbox-event` request (§4.7) chained to `previousEventHash`. The inbox id, its X25519 public
    /// key and its encrypted secret key default to random values of the right shape (servers never open them).
    public func createSpaceInboxEvent(
        spaceId: String, previousEventHash: String, isPublic: Bool, authPolicy: InboxSenderAuthPolicy,
        inboxId: String = RandomIdentifiers.hex(byteCount: 32),
        encryptionPublicKey: String = RandomIdentifiers.hex(byteCount: 32),
        secretKey: String = RandomIdentifiers.hex(byteCount: 72), eventId: String = RandomIdentifiers.uuid()
    ) -> CreateSpaceInboxEventRequest {
        let transaction = CreateSpaceInboxTransaction(
            id: eventId, spaceId: spaceId, inboxId: inboxId, encryptionPublicKey: encryptionPublicKey,
            secretKey: secretKey, isPublic: isPublic, authPolicy: authPolicy, previousEventHash: previousEventHash)
        let event = CreateSpaceInboxEvent(transaction: transaction, author: unsignedAuthor).signed(with: signatureKey)
        return CreateSpaceInboxEventRequest(spaceId: spaceId, event: event)
    }

    /// A `create-update` request (§4.12) by this account, signed over `{accountAddress, spaceId, update, updateId}`
    /// (§7.4.2). `update` is opaque to servers (a real client sends nonce ‖ XChaCha20-Poly1305 ciphertext).
    public func createUpdate(
        spaceId: String, update: [UInt8], updateId: String = RandomIdentifiers.uuid()
    ) -> CreateUpdateRequest {
        CreateUpdateRequest(
            accountAddress: accountAddress, spaceId: spaceId, updateId: updateId, update: Bytes(update),
            signature: Self.unsigned
        ).signed(with: signatureKey)
    }

    /// A `create-account-inbox` request (§4.8) for this account, signed over `{accountAddress,
    /// encryptionPublicKey, inboxId}` (§7.4.3). The encryption key defaults to this identity's, else a random one.
    public func createAccountInbox(
        isPublic: Bool, authPolicy: InboxSenderAuthPolicy, inboxId: String = RandomIdentifiers.hex(byteCount: 32),
        encryptionPublicKey: String? = nil
    ) -> CreateAccountInboxRequest {
        let key = encryptionPublicKey ?? self.encryptionPublicKey ?? RandomIdentifiers.hex(byteCount: 32)
        return CreateAccountInboxRequest(
            accountAddress: accountAddress, inboxId: inboxId, isPublic: isPublic, authPolicy: authPolicy,
            encryptionPublicKey: key, signature: Self.unsigned
        ).signed(with: signatureKey)
    }

    /// This account as an event author, before `signed(with:)` fills in the signature.
    private var unsignedAuthor: EventAuthor {
        EventAuthor(accountAddress: accountAddress, signature: Self.unsigned)
    }

    /// The placeholder every builder replaces by signing.
    private static let unsigned = SignatureWithRecovery(hex: "", recovery: 0)
}

extension SpaceResponse {
    /// The hash of the space's last event (§7.5): the `previousEventHash` the next event must carry. Nil when there
    /// are no events or the last one is of a kind this library does not know.
    public var lastEventHash: String? {
        guard let last = events.last else { return nil }
        return try? last.eventHash()
    }
}
