// Space events: the transaction signature (§7.4.1) and the event hash (§7.5), for each kind and for the union.
import HypergraphCrypto
import HypergraphJSON
import HypergraphProtocol

/// The transaction of one space-event kind (the five generated `…Transaction` types).
public protocol SpaceEventTransaction: Hashable, Sendable {
    /// The transaction as a JSON object with exactly the members of its kind, `type` included (§3.10): the
    /// object the author signs (§7.4.1) and the `transaction` the event hash covers (§7.5).
    var signedMembers: JSONObject { get }
}

/// A space event of a known kind (the five generated `…Event` types the `SpaceEvent` cases carry).
public protocol SignedSpaceEvent: SignedMessage {
    /// The transaction type of this kind.
    associatedtype Transaction: SpaceEventTransaction
    /// What the author signed.
    var transaction: Transaction { get set }
    /// Who signed, and the signature.
    var author: EventAuthor { get set }
}

extension SignedSpaceEvent {
    /// §7.4.1: the canonical transaction, exactly the members of its kind.
    public var signingPayload: SigningPayload { SigningPayload(signedObject: transaction.signedMembers) }

    /// The author's signature (`author.signature`).
    public var signature: SignatureWithRecovery {
        get { author.signature }
        set { author.signature = newValue }
    }

    /// The canonical JSON (§7.1) of the whole event as UTF-8, what the event hash covers:
    /// `{"author":{"accountAddress":…,"signature":{"hex":…,"recovery":…}},"transaction":{…}}`, with the
    /// signature as written (a high-S or uppercase-hex variant is a different event).
    public var canonicalEventUTF8: [UInt8] {
        let event: JSONObject = [
            "transaction": .object(transaction.signedMembers),
            "author": [
                "accountAddress": .string(author.accountAddress),
                "signature": [
                    "hex": .string(author.signature.hex), "recovery": .number(Double(author.signature.recovery)),
                ],
            ],
        ]
        return SigningPayload(signedObject: event).bytes
    }

    /// The event hash of §7.5: `0x` + lowercase hex of BLAKE3-256 over ``canonicalEventUTF8``.
    public var eventHash: String {
        "0x" + Hex.encode(BLAKE3.hash(canonicalEventUTF8))
    }
}

// MARK: - The five kinds

extension CreateSpaceTransaction: SpaceEventTransaction {
    /// `{"creatorAccountAddress","id","type"}`.
    public var signedMembers: JSONObject {
        ["type": .string(Self.type), "id": .string(id), "creatorAccountAddress": .string(creatorAccountAddress)]
    }
}

extension DeleteSpaceTransaction: SpaceEventTransaction {
    /// `{"id","previousEventHash","type"}`.
    public var signedMembers: JSONObject {
        ["type": .string(Self.type), "id": .string(id), "previousEventHash": .string(previousEventHash)]
    }
}

extension CreateInvitationTransaction: SpaceEventTransaction {
    /// `{"id","inviteeAccountAddress","previousEventHash","type"}`.
    public var signedMembers: JSONObject {
        [
            "type": .string(Self.type), "id": .string(id), "inviteeAccountAddress": .string(inviteeAccountAddress),
            "previousEventHash": .string(previousEventHash),
        ]
    }
}

extension AcceptInvitationTransaction: SpaceEventTransaction {
    /// `{"id","previousEventHash","type"}`.
    public var signedMembers: JSONObject {
        ["type": .string(Self.type), "id": .string(id), "previousEventHash": .string(previousEventHash)]
    }
}

extension CreateSpaceInboxTransaction: SpaceEventTransaction {
    /// `{"authPolicy","encryptionPublicKey","id","inboxId","isPublic","previousEventHash","secretKey","spaceId","type"}`.
    public var signedMembers: JSONObject {
        [
            "type": .string(Self.type), "id": .string(id), "spaceId": .string(spaceId), "inboxId": .string(inboxId),
            "encryptionPublicKey": .string(encryptionPublicKey), "secretKey": .string(secretKey),
            "isPublic": .bool(isPublic), "authPolicy": .string(authPolicy.rawValue),
            "previousEventHash": .string(previousEventHash),
        ]
    }
}

extension CreateSpaceEvent: SignedSpaceEvent {}
extension DeleteSpaceEvent: SignedSpaceEvent {}
extension CreateInvitationEvent: SignedSpaceEvent {}
extension AcceptInvitationEvent: SignedSpaceEvent {}
extension CreateSpaceInboxEvent: SignedSpaceEvent {}

// MARK: - The union

extension SpaceEvent {
    /// The event of a known kind, or nil for `unknown`.
    public var knownEvent: (any SignedSpaceEvent)? {
        switch self {
        case .createSpace(let event): event
        case .deleteSpace(let event): event
        case .createInvitation(let event): event
        case .acceptInvitation(let event): event
        case .createSpaceInbox(let event): event
        case .unknown: nil
        }
    }

    /// §7.4.1: the canonical transaction, exactly the members of its kind.
    ///
    /// - Throws: ``SigningError/unknownEventKind(type:path:)`` for an `unknown` event.
    public func signingPayload() throws(SigningError) -> SigningPayload {
        try known().signingPayload
    }

    /// The event author's public key recovered from the signature (`0x` + 66 lowercase hex digits; §7.2).
    ///
    /// - Throws: ``SigningError/unknownEventKind(type:path:)`` or ``SigningError/invalidSignature(_:)``.
    public func signer(policy: Secp256k1.SignaturePolicy = .acceptHighS) throws(SigningError) -> String {
        try known().signer(policy: policy)
    }

    /// The event hash of §7.5 (`0x` + 64 lowercase hex digits).
    ///
    /// - Throws: ``SigningError/unknownEventKind(type:path:)`` for an `unknown` event.
    public func eventHash() throws(SigningError) -> String {
        try known().eventHash
    }

    /// The event with `author.signature` replaced by `key`'s signature of the transaction. `author.accountAddress`
    /// is kept: the account is not derived from the key (§7.3).
    ///
    /// - Throws: ``SigningError/unknownEventKind(type:path:)`` for an `unknown` event.
    public func signed(with key: Secp256k1.PrivateKey) throws(SigningError) -> SpaceEvent {
        switch self {
        case .createSpace(let event): .createSpace(event.signed(with: key))
        case .deleteSpace(let event): .deleteSpace(event.signed(with: key))
        case .createInvitation(let event): .createInvitation(event.signed(with: key))
        case .acceptInvitation(let event): .acceptInvitation(event.signed(with: key))
        case .createSpaceInbox(let event): .createSpaceInbox(event.signed(with: key))
        case .unknown(let type, _): throw .unknownEventKind(type: type, path: .root)
        }
    }

    private func known() throws(SigningError) -> any SignedSpaceEvent {
        guard let event = knownEvent else { throw .unknownEventKind(type: type, path: .root) }
        return event
    }
}
