// The bytes a protocol signature covers (PROTOCOL.md §7.4), and the two operations on them: sign and recover.
import HypergraphCrypto
import HypergraphJSON
import HypergraphProtocol

/// The exact bytes one protocol signature covers: the canonical JSON (PROTOCOL.md §7.1) of the signed object.
///
/// The signed digest is SHA-256 of these bytes (§7.2). Build a payload with one of the builders below, one per
/// row of the §7.4 table, or from a message: ``SignedMessage/signingPayload`` for messages that carry everything
/// the payload needs, `SignedUpdate.signingPayload(spaceId:)` and the `InboxMessage` functions for values whose
/// payload takes ids from the enclosing message.
public struct SigningPayload: Hashable, Sendable {
    /// The canonical JSON as UTF-8: exactly what is hashed with SHA-256 and signed.
    public let bytes: [UInt8]

    /// Canonicalises any JSON value (§7.1), for payloads this library has no builder for.
    ///
    /// - Throws: a `JSONError` of kind `.invalidValue` when the value holds a NaN or infinite number.
    public init(canonicalizing value: JSONValue) throws(JSONError) {
        bytes = try value.canonicalUTF8()
    }

    /// Canonicalises an object built by this library from strings, booleans and byte values.
    init(signedObject members: JSONObject) {
        do {
            bytes = try JSONValue.object(members).canonicalUTF8()
        } catch {
            // Canonicalisation fails only for non-finite numbers; the builders put none into a payload.
            preconditionFailure("signed payloads hold no non-finite numbers: \(error)")
        }
    }

    /// An object written member by member, in canonical key order, by `writeMembers`: for payloads with byte
    /// members, which go straight into the text (`JSONWriter.indexKeyedBytes`) instead of through a tree of one
    /// index key per byte that would then be sorted (a 1 MiB update cost 0.4 s of CPU that way).
    private init(orderedObject writeMembers: (inout JSONWriter) -> Void) {
        var writer = JSONWriter()
        writer.beginObject()
        writeMembers(&writer)
        writer.endObject()
        bytes = writer.bytes
    }

    /// The canonical JSON as a string (what `hypergraph message verify` prints as `payload`).
    public var string: String { String(decoding: bytes, as: UTF8.self) }

    /// SHA-256 of ``bytes``: the 32-byte digest that is signed and recovered from (§7.2).
    public var digest: [UInt8] { SHA256.hash(bytes) }

    /// Recovers the signer of `signature` over this payload (§7.2): its compressed public key as `0x` + 66
    /// lowercase hex digits, the form identities register and compare exactly (§7.3).
    ///
    /// - Parameter expected: a key the signer usually is (a server's connection identity), checked first with
    ///   `Secp256k1.isSigner`, which costs about half a recovery; the result is the same either way, and the
    ///   signer is recovered only when it is not that key.
    /// - Parameter policy: ``Secp256k1/SignaturePolicy/acceptHighS`` (the default) recovers from high-S
    ///   signatures as the TypeScript peers do; ``Secp256k1/SignaturePolicy/rejectHighS`` refuses them (§12 G20).
    /// - Throws: ``SigningError/invalidSignature(_:)`` when `hex` is not 128 hex digits, r or s is outside
    ///   1..<n, the recovery id is outside 0...3, no key fits the signature, or it is high-S under the strict policy.
    public func signer(
        of signature: SignatureWithRecovery, expecting expected: Secp256k1.PreparedPublicKey? = nil,
        policy: Secp256k1.SignaturePolicy = .acceptHighS
    ) throws(SigningError) -> String {
        do {
            return try recoverSigner(of: signature, expecting: expected, policy: policy)
        } catch {
            throw .invalidSignature(error)
        }
    }

    /// ``signer(of:expecting:policy:)`` with the secp256k1 error unwrapped; the payload is hashed once.
    func recoverSigner(
        of signature: SignatureWithRecovery, expecting expected: Secp256k1.PreparedPublicKey? = nil,
        policy: Secp256k1.SignaturePolicy
    ) throws(Secp256k1Error) -> String {
        let parsed = try Secp256k1.RecoverableSignature(compactHex: signature.hex, recoveryID: signature.recovery)
        let digest = digest
        if let expected, Secp256k1.isSigner(expected, of: parsed, digest: digest, policy: policy) {
            return expected.publicKey.signaturePublicKeyHex
        }
        return try Secp256k1.recover(parsed, digest: digest, policy: policy).signaturePublicKeyHex
    }

    /// Signs this payload as the TypeScript client does (§7.2): deterministic (RFC 6979), low-S, so the result is
    /// byte-identical to libsecp256k1 and `@noble/curves`. `hex` is lowercase without prefix.
    public func signature(with key: Secp256k1.PrivateKey) -> SignatureWithRecovery {
        do {
            let signature = try Secp256k1.sign(digest: digest, with: key)
            return SignatureWithRecovery(hex: signature.compactHex, recovery: signature.recoveryID)
        } catch {
            // `sign` only rejects digests that are not 32 bytes; a SHA-256 digest always is.
            preconditionFailure("a SHA-256 digest is 32 bytes: \(error)")
        }
    }
}

// MARK: - The payloads of §7.4 from plain values

extension SigningPayload {
    /// §7.4.2 CRDT update: `{"accountAddress","spaceId","update","updateId"}`, with `update` as index-keyed bytes
    /// (`{"0":b0,"1":b1,…}`, §7.1), signed by the update's author.
    public static func update(accountAddress: String, spaceId: String, update: [UInt8], updateId: String) -> Self {
        Self { writer in // "update" sorts before "updateId" (a prefix comes first)
            writer.key("accountAddress")
            writer.string(accountAddress)
            writer.key("spaceId")
            writer.string(spaceId)
            writer.key("update")
            writer.indexKeyedBytes(update)
            writer.key("updateId")
            writer.string(updateId)
        }
    }

    /// §7.4.3 account-inbox creation: `{"accountAddress","encryptionPublicKey","inboxId"}`, signed by the inbox
    /// owner. It does not cover `isPublic` or `authPolicy` (§12 G13).
    public static func accountInbox(accountAddress: String, encryptionPublicKey: String, inboxId: String) -> Self {
        Self(signedObject: [
            "accountAddress": .string(accountAddress),
            "encryptionPublicKey": .string(encryptionPublicKey),
            "inboxId": .string(inboxId),
        ])
    }

    /// §7.4.4 space-inbox message: `{"authorAccountAddress","ciphertext","inboxId","spaceId"}`, signed by the
    /// message author. `spaceId` and `inboxId` are those of the inbox (the URL of the HTTP POST, or the enclosing
    /// message). An absent author is left out of the object, as JavaScript's `canonicalize` omits `undefined`.
    public static func spaceInboxMessage(
        authorAccountAddress: String?, ciphertext: String, inboxId: String, spaceId: String
    ) -> Self {
        var members: JSONObject = [
            "ciphertext": .string(ciphertext), "inboxId": .string(inboxId), "spaceId": .string(spaceId),
        ]
        if let authorAccountAddress { members["authorAccountAddress"] = .string(authorAccountAddress) }
        return Self(signedObject: members)
    }

    /// §7.4.5 account-inbox message: `{"accountAddress","authorAccountAddress","ciphertext","inboxId"}`, where
    /// `accountAddress` is the inbox **owner**, signed by the message author. An absent author is left out.
    public static func accountInboxMessage(
        accountAddress: String, authorAccountAddress: String?, ciphertext: String, inboxId: String
    ) -> Self {
        var members: JSONObject = [
            "accountAddress": .string(accountAddress), "ciphertext": .string(ciphertext), "inboxId": .string(inboxId),
        ]
        if let authorAccountAddress { members["authorAccountAddress"] = .string(authorAccountAddress) }
        return Self(signedObject: members)
    }

    /// §7.4.6 space info (Connect HTTP only; never verified by the server): `{"accountAddress","infoContent",
    /// "spaceId"}`, with `infoContent` as index-keyed bytes, signed by the space creator.
    public static func spaceInfo(accountAddress: String, infoContent: [UInt8], spaceId: String) -> Self {
        Self { writer in
            writer.key("accountAddress")
            writer.string(accountAddress)
            writer.key("infoContent")
            writer.indexKeyedBytes(infoContent)
            writer.key("spaceId")
            writer.string(spaceId)
        }
    }
}

extension Secp256k1.PublicKey {
    /// The protocol's `signaturePublicKey` form (§7.3): `0x` followed by the 66 lowercase hex digits of the
    /// compressed point.
    public var signaturePublicKeyHex: String { "0x" + Hex.encode(compressed) }

    /// Parses the protocol's `signaturePublicKey` form: `0x` and the hex digits of a SEC1 encoding, either case.
    /// Nil when it is not one.
    public init?(signaturePublicKeyHex text: String) {
        guard text.hasPrefix("0x"), let bytes = try? Hex.decode(text.dropFirst(2)),
            let key = try? Secp256k1.PublicKey(sec1: bytes)
        else { return nil }
        self = key
    }
}
