// applyEvent of PROTOCOL.md §8.2: the pure function servers and clients run to validate a space event and compute
// the next state.
import HypergraphCrypto
import HypergraphJSON
import HypergraphProtocol

/// How strictly events are checked.
public enum EventRulePolicy: Hashable, Sendable {
    /// Exactly the TypeScript `applyEvent` (§8.2): replaying any history the TypeScript client accepts gives the
    /// same states. The default.
    case compatible
    /// `compatible` plus the server-side checks of §12: reject high-S signatures (G20), a `create-space` whose
    /// `creatorAccountAddress` is not the author, and a `create-space-inbox` whose `spaceId` is not the space (G14).
    /// Honest clients never produce such events, and the state computed for accepted events is unchanged.
    case strict

    /// The signature policy this rule policy implies.
    public var signaturePolicy: Secp256k1.SignaturePolicy {
        switch self {
        case .compatible: .acceptHighS
        case .strict: .rejectHighS
        }
    }
}

/// The identity an author resolves to (§8.1): the part of an identity the rules look at.
public struct SignerIdentity: Hashable, Sendable {
    /// The identity's account.
    public var accountAddress: String
    /// The identity's secp256k1 key as `0x` + 66 hex digits (§7.3), compared exactly with the recovered key.
    public var signaturePublicKey: String

    /// Creates an identity.
    public init(accountAddress: String, signaturePublicKey: String) {
        self.accountAddress = accountAddress
        self.signaturePublicKey = signaturePublicKey
    }
}

/// The space-event rules (PROTOCOL.md §8.2).
public enum SpaceEventRules {
    /// Looks up the identity of an author: given the event's `author.accountAddress` and the public key recovered
    /// from its signature (`0x` + 66 lowercase hex digits), returns the identity, or nil when there is none. A
    /// thrown error (say, a database failure) propagates out of ``apply(_:to:policy:resolveIdentity:)`` unchanged.
    public typealias IdentityResolver = (_ accountAddress: String, _ signaturePublicKey: String) throws ->
        SignerIdentity?

    /// Applies `event` to `state` (nil when the space has no events yet), as the TypeScript `applyEvent` does.
    ///
    /// The steps, in order: reject an unknown kind; for any kind but `create-space`, require a state and
    /// `previousEventHash == state.lastEventHash`; recover the author's key from the signature; resolve the
    /// identity and require its key to be the recovered one; check the kind's rule (admin, membership,
    /// invitation, inbox id); set `lastEventHash` to the event's hash (§7.5). `create-space` ignores `state`.
    ///
    /// - Returns: the new state, or why the event was rejected.
    /// - Throws: only what `resolveIdentity` throws.
    public static func apply(
        _ event: SpaceEvent, to state: SpaceEventState?, policy: EventRulePolicy = .compatible,
        resolveIdentity: IdentityResolver
    ) rethrows -> Result<SpaceEventState, SpaceEventRejection> {
        guard let known = event.knownEvent else { return .failure(.unsupportedKind(event.type)) }
        var next: SpaceEventState
        if case .createSpace(let createSpace) = event {
            if let rejection = try verifyAuthor(of: known, policy: policy, resolveIdentity: resolveIdentity) {
                return .failure(rejection)
            }
            let creator = createSpace.transaction.creatorAccountAddress
            let author = createSpace.author.accountAddress
            if policy == .strict && !creator.isExactly(author) {
                return .failure(.creatorMismatch(creator: creator, author: author))
            }
            next = SpaceEventState(id: createSpace.transaction.id, lastEventHash: "")
            next.members[creator] = SpaceMember(accountAddress: creator, role: .admin)
        } else {
            guard let state else { return .failure(.missingState(kind: event.type)) }
            if let claimed = event.previousEventHash, !claimed.isExactly(state.lastEventHash) {
                return .failure(.badChainHash(expected: state.lastEventHash, got: claimed))
            }
            if let rejection = try verifyAuthor(of: known, policy: policy, resolveIdentity: resolveIdentity) {
                return .failure(rejection)
            }
            next = state
            if let rejection = applyToExistingSpace(event, by: known.author.accountAddress, to: &next, policy: policy) {
                return .failure(rejection)
            }
        }
        next.lastEventHash = known.eventHash
        return .success(next)
    }

    /// Steps 3 and 4 of §8.2: recover the key, resolve the identity, compare the keys.
    private static func verifyAuthor(
        of event: any SignedSpaceEvent, policy: EventRulePolicy, resolveIdentity: IdentityResolver
    ) rethrows -> SpaceEventRejection? {
        let key: String
        do {
            key = try event.signingPayload.recoverSigner(of: event.signature, policy: policy.signaturePolicy)
        } catch .highS {
            return .highSSignature
        } catch {
            return .malformedSignature(error)
        }
        let accountAddress = event.author.accountAddress
        guard let identity = try resolveIdentity(accountAddress, key) else {
            return .unknownIdentity(accountAddress: accountAddress, signaturePublicKey: key)
        }
        guard identity.signaturePublicKey.isExactly(key) else {
            return .keyMismatch(registered: identity.signaturePublicKey, recovered: key)
        }
        return nil
    }

    /// Step 5 of §8.2 for every kind but `create-space`: the author's role and the kind's own checks.
    private static func applyToExistingSpace(
        _ event: SpaceEvent, by author: String, to state: inout SpaceEventState, policy: EventRulePolicy
    ) -> SpaceEventRejection? {
        if case .acceptInvitation = event {
            if state.members[author] != nil { return .alreadyMember(accountAddress: author) }
            guard let invitation = state.invitations.first(where: { $0.value.inviteeAccountAddress.isExactly(author) })
            else { return .noInvitation(accountAddress: author) }
            let invitee = invitation.value.inviteeAccountAddress
            state.members[invitee] = SpaceMember(accountAddress: invitee, role: .member)
            state.invitations[invitation.key] = nil
            state.removedMembers[author] = nil
            return nil
        }
        guard state.members[author]?.role == .admin else { return .notAdmin(accountAddress: author) }
        switch event {
        case .deleteSpace:
            // `removedMembers` is replaced, not extended (§8.2; §12 G14 keeps this for compatibility).
            state.removedMembers = state.members
            state.members = InsertionOrderedMap()
            state.invitations = InsertionOrderedMap()
        case .createInvitation(let createInvitation):
            let invitee = createInvitation.transaction.inviteeAccountAddress
            if state.members[invitee] != nil { return .inviteeAlreadyMember(accountAddress: invitee) }
            if let pending = state.invitations.first(where: { $0.value.inviteeAccountAddress.isExactly(invitee) }) {
                return .inviteeAlreadyInvited(accountAddress: invitee, invitationId: pending.key)
            }
            state.invitations[createInvitation.transaction.id] = SpaceStateInvitation(inviteeAccountAddress: invitee)
        case .createSpaceInbox(let createInbox):
            let transaction = createInbox.transaction
            if policy == .strict && !transaction.spaceId.isExactly(state.id) {
                return .inboxSpaceMismatch(transactionSpaceId: transaction.spaceId, spaceId: state.id)
            }
            if state.inboxes[transaction.inboxId] != nil { return .duplicateInbox(inboxId: transaction.inboxId) }
            state.inboxes[transaction.inboxId] = SpaceInbox(
                inboxId: transaction.inboxId, isPublic: transaction.isPublic, authPolicy: transaction.authPolicy,
                encryptionPublicKey: transaction.encryptionPublicKey, secretKey: transaction.secretKey)
        case .createSpace, .acceptInvitation, .unknown:
            // Handled before: `apply` treats create-space and unknown kinds itself, and accept-invitation is above.
            return .unsupportedKind(event.type)
        }
        return nil
    }
}

extension SpaceEvent {
    /// `transaction.previousEventHash`, which every kind but `create-space` carries (§7.5).
    var previousEventHash: String? {
        switch self {
        case .createSpace, .unknown: nil
        case .deleteSpace(let event): event.transaction.previousEventHash
        case .createInvitation(let event): event.transaction.previousEventHash
        case .acceptInvitation(let event): event.transaction.previousEventHash
        case .createSpaceInbox(let event): event.transaction.previousEventHash
        }
    }
}

extension String {
    /// Exact equality of code units, as JavaScript's `===` compares strings (Swift's `==` also equates
    /// canonically equivalent Unicode sequences).
    func isExactly(_ other: String) -> Bool {
        utf8.elementsEqual(other.utf8)
    }
}
