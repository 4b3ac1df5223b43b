import HypergraphCrypto
import HypergraphJSON

/// Why a signature could not be checked or made.
public enum SigningError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The signature is malformed (`hex` not 128 hex digits, r or s outside 1..<n, recovery id outside 0...3), no
    /// public key fits it, or it is high-S and the strict policy was asked for (§7.2, §12 G20).
    case invalidSignature(Secp256k1Error)
    /// A space event of a kind this library does not know (an `unknown` case of `SpaceEvent`): which members its
    /// transaction has, and so what its author signed, is unknown. `path` locates the event in its message.
    case unknownEventKind(type: String, path: JSONPath)
    /// A private key given as text is not `0x` followed by 64 hex digits, or not a valid secp256k1 key.
    case invalidPrivateKey(reason: String)

    /// A sentence naming the problem and what was expected.
    public var description: String {
        switch self {
        case .invalidSignature(let error):
            "invalid signature: \(error)"
        case .unknownEventKind(let type, let path):
            "\(path): unknown space event kind \"\(type)\"; expected one of "
                + "create-space, delete-space, create-invitation, accept-invitation, create-space-inbox"
        case .invalidPrivateKey(let reason):
            "invalid private key: \(reason)"
        }
    }
}

extension Secp256k1.PrivateKey {
    /// Parses a private key written as in PROTOCOL.md Appendix A: `0x` followed by 64 hex digits (either case; the
    /// prefix may be left out).
    ///
    /// - Throws: ``SigningError/invalidPrivateKey(reason:)`` naming what is wrong.
    public init(hex text: String) throws(SigningError) {
        let digits = text.hasPrefix("0x") ? text.dropFirst(2) : Substring(text)
        guard digits.utf8.count == 64 else {
            throw .invalidPrivateKey(
                reason: "got \(digits.utf8.count) hex digits; expected 0x followed by 64 hex digits")
        }
        do {
            try self.init(bytes: Hex.decode(digits))
        } catch let error as HexError {
            throw .invalidPrivateKey(reason: "\(error); expected 0x followed by 64 hex digits")
        } catch {
            throw .invalidPrivateKey(reason: "\(error)")
        }
    }

    /// The key as `0x` followed by 64 lowercase hex digits, the form ``init(hex:)`` reads.
    public var hex: String { "0x" + Hex.encode(bytes) }
}
