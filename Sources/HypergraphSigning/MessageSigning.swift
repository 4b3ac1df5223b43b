// Signatures of protocol messages and models: which payload each one covers (§7.4), recovery and signing.
import HypergraphCrypto
import HypergraphProtocol

/// A value that carries one signature over a payload it holds entirely: the five space-event kinds,
/// `CreateUpdateRequest`, `CreateAccountInboxRequest` and `AccountInbox`.
///
/// Signed values whose payload needs ids from the enclosing message (`SignedUpdate`, `InboxMessage`) have
/// functions taking those ids instead.
public protocol SignedMessage: Hashable, Sendable {
    /// The bytes the signature covers (§7.4).
    var signingPayload: SigningPayload { get }
    /// The signature.
    var signature: SignatureWithRecovery { get set }
}

extension SignedMessage {
    /// The signer's public key recovered from ``signature`` (`0x` + 66 lowercase hex digits; §7.2). Compare it
    /// exactly with a registered `signaturePublicKey`. With `expected`, that key is checked first, for less work
    /// when the signer is that key (see ``SigningPayload/signer(of:expecting:policy:)``).
    ///
    /// - Throws: ``SigningError/invalidSignature(_:)`` when the signature is malformed or unrecoverable, or
    ///   high-S under ``Secp256k1/SignaturePolicy/rejectHighS``.
    public func signer(
        expecting expected: Secp256k1.PreparedPublicKey? = nil, policy: Secp256k1.SignaturePolicy = .acceptHighS
    ) throws(SigningError) -> String {
        try signingPayload.signer(of: signature, expecting: expected, policy: policy)
    }

    /// A copy whose ``signature`` is `key`'s signature of ``signingPayload`` (deterministic, low-S). The account
    /// members are kept as they are: they are not derived from the key (§7.3).
    public func signed(with key: Secp256k1.PrivateKey) -> Self {
        var copy = self
        copy.signature = signingPayload.signature(with: key)
        return copy
    }
}

extension CreateUpdateRequest: SignedMessage {
    /// §7.4.2: `{"accountAddress","spaceId","update","updateId"}` with index-keyed update bytes.
    public var signingPayload: SigningPayload {
        .update(accountAddress: accountAddress, spaceId: spaceId, update: update.bytes, updateId: updateId)
    }
}

extension CreateAccountInboxRequest: SignedMessage {
    /// §7.4.3: `{"accountAddress","encryptionPublicKey","inboxId"}`.
    public var signingPayload: SigningPayload {
        .accountInbox(accountAddress: accountAddress, encryptionPublicKey: encryptionPublicKey, inboxId: inboxId)
    }
}

extension AccountInbox: SignedMessage {
    /// §7.4.3: `{"accountAddress","encryptionPublicKey","inboxId"}`.
    public var signingPayload: SigningPayload {
        .accountInbox(accountAddress: accountAddress, encryptionPublicKey: encryptionPublicKey, inboxId: inboxId)
    }
}

extension SignedUpdate {
    /// §7.4.2 for an update of space `spaceId` (the `spaceId` or `id` of the enclosing `updates-notification` or
    /// `space` message).
    public func signingPayload(spaceId: String) -> SigningPayload {
        .update(accountAddress: accountAddress, spaceId: spaceId, update: update.bytes, updateId: updateId)
    }
}

extension InboxMessage {
    /// §7.4.4 for a message of the space inbox `inboxId` of space `spaceId`.
    public func spaceInboxSigningPayload(spaceId: String, inboxId: String) -> SigningPayload {
        .spaceInboxMessage(
            authorAccountAddress: authorAccountAddress, ciphertext: ciphertext, inboxId: inboxId, spaceId: spaceId)
    }

    /// §7.4.5 for a message of the account inbox `inboxId` owned by `accountAddress`.
    public func accountInboxSigningPayload(accountAddress: String, inboxId: String) -> SigningPayload {
        .accountInboxMessage(
            accountAddress: accountAddress, authorAccountAddress: authorAccountAddress, ciphertext: ciphertext,
            inboxId: inboxId)
    }
}
