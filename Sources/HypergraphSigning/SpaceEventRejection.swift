import HypergraphCrypto
import HypergraphProtocol

/// Why a space event does not apply to a state (PROTOCOL.md §8.2; the strict cases come from §12 G14 and G20).
public enum SpaceEventRejection: Error, Hashable, Sendable, CustomStringConvertible {
    /// The event's `transaction.type` is not one of the five kinds (§3.10); the TypeScript decoder rejects it.
    case unsupportedKind(String)
    /// An event other than `create-space` was applied to no state: the space does not exist yet.
    case missingState(kind: String)
    /// `transaction.previousEventHash` is not the state's `lastEventHash` (exact comparison).
    case badChainHash(expected: String, got: String)
    /// The author's signature cannot be parsed, or no public key recovers from it (§7.2).
    case malformedSignature(Secp256k1Error)
    /// The signature is high-S, which the strict policy refuses (§12 G20).
    case highSSignature
    /// The identity resolver knows no identity of `accountAddress` with the recovered key.
    case unknownIdentity(accountAddress: String, signaturePublicKey: String)
    /// The resolved identity's `signaturePublicKey` is not the key recovered from the signature.
    case keyMismatch(registered: String, recovered: String)
    /// The author is not an admin of the space, but the kind requires one.
    case notAdmin(accountAddress: String)
    /// `accept-invitation` by an account that is already a member.
    case alreadyMember(accountAddress: String)
    /// `accept-invitation` by an account with no pending invitation.
    case noInvitation(accountAddress: String)
    /// `create-invitation` for an account that is already a member.
    case inviteeAlreadyMember(accountAddress: String)
    /// `create-invitation` for an account that already has the pending invitation `invitationId`.
    case inviteeAlreadyInvited(accountAddress: String, invitationId: String)
    /// `create-space-inbox` with an inbox id the space already has.
    case duplicateInbox(inboxId: String)
    /// Strict policy: a `create-space` whose `creatorAccountAddress` is not the author (§12 G14).
    case creatorMismatch(creator: String, author: String)
    /// Strict policy: a `create-space-inbox` whose `transaction.spaceId` is not the space's id (§12 G14).
    case inboxSpaceMismatch(transactionSpaceId: String, spaceId: String)

    /// A sentence saying what was wrong and what was expected.
    public var description: String {
        switch self {
        case .unsupportedKind(let type):
            "unsupported space event kind \"\(type)\"; expected create-space, delete-space, create-invitation, "
                + "accept-invitation or create-space-inbox"
        case .missingState(let kind):
            "a \(kind) event needs an existing space state; only create-space starts a space"
        case .badChainHash(let expected, let got):
            "previousEventHash is \(got); expected the space's lastEventHash \(expected)"
        case .malformedSignature(let error):
            "the author signature is invalid: \(error)"
        case .highSSignature:
            "the author signature is high-S; the strict policy accepts only low-S signatures"
        case .unknownIdentity(let accountAddress, let key):
            "no identity of account \(accountAddress) has the signing key \(key)"
        case .keyMismatch(let registered, let recovered):
            "the signature was made with \(recovered), but the author's identity has the key \(registered)"
        case .notAdmin(let accountAddress):
            "\(accountAddress) is not an admin of the space; this event kind requires one"
        case .alreadyMember(let accountAddress):
            "\(accountAddress) is already a member of the space and cannot accept an invitation"
        case .noInvitation(let accountAddress):
            "\(accountAddress) has no pending invitation to the space"
        case .inviteeAlreadyMember(let accountAddress):
            "\(accountAddress) is already a member of the space and cannot be invited"
        case .inviteeAlreadyInvited(let accountAddress, let invitationId):
            "\(accountAddress) already has the pending invitation \(invitationId)"
        case .duplicateInbox(let inboxId):
            "the space already has an inbox \(inboxId)"
        case .creatorMismatch(let creator, let author):
            "creatorAccountAddress \(creator) is not the event author \(author); the strict policy requires them equal"
        case .inboxSpaceMismatch(let transactionSpaceId, let spaceId):
            "the inbox's spaceId \(transactionSpaceId) is not the space \(spaceId); the strict policy requires them equal"
        }
    }

    /// The error code a server reports for this rejection (the `error` message extension): a signature or
    /// identity problem is `invalid-signature`, a missing admin role is `forbidden`, anything else
    /// `invalid-event`.
    public var errorCode: ErrorCode {
        switch self {
        case .malformedSignature, .highSSignature, .unknownIdentity, .keyMismatch: .invalidSignature
        case .notAdmin: .forbidden
        case .unsupportedKind, .missingState, .badChainHash, .alreadyMember, .noInvitation, .inviteeAlreadyMember,
            .inviteeAlreadyInvited, .duplicateInbox, .creatorMismatch, .inboxSpaceMismatch:
            .invalidEvent
        }
    }
}
