/// Why secp256k1 input was rejected. Every case names what was wrong and what was expected.
public enum Secp256k1Error: Error, Hashable, Sendable, CustomStringConvertible {
    /// One of the two components of an ECDSA signature.
    public enum SignatureComponent: String, Hashable, Sendable {
        case r
        case s
    }

    /// A private key must be exactly 32 bytes; this many were given.
    case invalidPrivateKeyLength(Int)
    /// The private key is zero or not below the group order n.
    case privateKeyOutOfRange
    /// A SEC1 public key must be 33 (compressed) or 65 (uncompressed) bytes; this many were given.
    case invalidPublicKeyLength(Int)
    /// The SEC1 prefix byte does not match the length (0x02/0x03 for 33 bytes, 0x04 for 65 bytes).
    case invalidPublicKeyPrefix(UInt8, length: Int)
    /// The SEC1 encoding `0x00` of the point at infinity, which is not a valid public key.
    case publicKeyIsInfinity
    /// A public-key coordinate is not below the field prime p.
    case publicKeyCoordinateOutOfRange
    /// The public key's coordinates do not satisfy y² = x³ + 7 (or no y exists for a compressed x).
    case publicKeyNotOnCurve
    /// A compact signature must be exactly 64 bytes (r ‖ s); this many were given.
    case invalidSignatureLength(Int)
    /// A compact signature in hex must be exactly 128 hex digits without prefix; this many characters were given.
    case invalidSignatureHexLength(Int)
    /// The character at this UTF-8 offset of a hex signature is not a hexadecimal digit.
    case invalidSignatureHexCharacter(Character, offset: Int)
    /// A signature component is zero; it must be at least 1.
    case signatureComponentIsZero(SignatureComponent)
    /// A signature component is not below the group order n.
    case signatureComponentNotBelowOrder(SignatureComponent)
    /// A recovery id must be 0, 1, 2 or 3.
    case invalidRecoveryID(Int)
    /// A message digest must be exactly 32 bytes (a SHA-256 output); this many were given.
    case invalidDigestLength(Int)
    /// The signature's s is above n/2, and the strict policy (§12 G20) only accepts the low-S form.
    case highS
    /// Recovery ids 2 and 3 stand for x = r + n, but r + n is not below the field prime p.
    case recoveryCoordinateOutOfRange
    /// No curve point has x-coordinate r (or r + n), so the signature cannot have been produced by any key.
    case recoveryPointNotOnCurve
    /// Recovery produced the point at infinity, which is not a public key.
    case recoveredPointAtInfinity

    /// A sentence naming the problem and what was expected.
    public var description: String {
        switch self {
        case .invalidPrivateKeyLength(let count):
            "secp256k1 private key has \(count) bytes; expected exactly 32"
        case .privateKeyOutOfRange:
            "secp256k1 private key is zero or not below the group order n; expected 1 ≤ key < n"
        case .invalidPublicKeyLength(let count):
            "SEC1 public key has \(count) bytes; expected 33 (compressed) or 65 (uncompressed)"
        case .invalidPublicKeyPrefix(let prefix, let length):
            "SEC1 public key of \(length) bytes starts with 0x\(Hex.encode([prefix])); expected "
                + (length == 33 ? "0x02 or 0x03" : "0x04")
        case .publicKeyIsInfinity:
            "SEC1 public key encodes the point at infinity (0x00); expected a finite curve point"
        case .publicKeyCoordinateOutOfRange:
            "SEC1 public key has a coordinate not below the field prime p"
        case .publicKeyNotOnCurve:
            "SEC1 public key is not a point on secp256k1 (y² ≠ x³ + 7)"
        case .invalidSignatureLength(let count):
            "compact signature has \(count) bytes; expected exactly 64 (r ‖ s)"
        case .invalidSignatureHexLength(let count):
            "compact signature hex has \(count) characters; expected exactly 128 hex digits without 0x prefix"
        case .invalidSignatureHexCharacter(let character, let offset):
            "compact signature hex has \"\(character)\" at offset \(offset); expected a hex digit 0-9, a-f or A-F"
        case .signatureComponentIsZero(let component):
            "signature \(component.rawValue) is zero; expected 1 ≤ \(component.rawValue) < n"
        case .signatureComponentNotBelowOrder(let component):
            "signature \(component.rawValue) is not below the group order n; expected 1 ≤ \(component.rawValue) < n"
        case .invalidRecoveryID(let id):
            "recovery id is \(id); expected 0, 1, 2 or 3"
        case .invalidDigestLength(let count):
            "message digest has \(count) bytes; expected exactly 32 (SHA-256)"
        case .highS:
            "signature s is above n/2 (high-S); the strict policy accepts only low-S signatures"
        case .recoveryCoordinateOutOfRange:
            "recovery id 2 or 3 requires r + n < p, which does not hold for this r"
        case .recoveryPointNotOnCurve:
            "no secp256k1 point has the x-coordinate given by r and the recovery id"
        case .recoveredPointAtInfinity:
            "public-key recovery produced the point at infinity"
        }
    }
}
