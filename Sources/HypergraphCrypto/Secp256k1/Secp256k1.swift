/// ECDSA over secp256k1, byte-compatible with libsecp256k1 and `@noble/curves` (PROTOCOL.md §7.2–§7.3).
///
/// Signing is deterministic (RFC 6979 nonces, low-S) and constant-time with respect to the private key and nonce.
/// Verification and public-key recovery handle only public data and run in variable time. The protocol verifies
/// by recovery: ``recover(_:digest:policy:)`` followed by a comparison of ``PublicKey/compressed``.
public enum Secp256k1 {
    /// Whether high-S signatures (s > n/2) are accepted.
    public enum SignaturePolicy: Sendable {
        /// Accept both forms, as the TypeScript client and server do (§7.2); for replaying existing histories.
        case acceptHighS
        /// Accept only low-S signatures (§12 G20). Honest clients always produce low-S, so this only rejects
        /// malleated copies.
        case rejectHighS
    }

    /// Signs a 32-byte digest (normally SHA-256 of the message) with an RFC 6979 deterministic nonce, normalised
    /// to low-S. The result, including the recovery id, is identical to libsecp256k1's `ecdsa_sign_recoverable`.
    ///
    /// - Throws: ``Secp256k1Error/invalidDigestLength(_:)`` when `digest` is not 32 bytes.
    public static func sign(digest: [UInt8], with key: PrivateKey) throws(Secp256k1Error) -> RecoverableSignature {
        let message = try digestScalar(digest)
        var nonces = RFC6979NonceGenerator(privateKey: key.scalar, message: message)
        while true {
            let nonce = nonces.next()
            // Nonces are never zero, so k·G is finite. A zero r or s (probability about 2^-128) moves on to the next
            // nonce of the deterministic sequence, as libsecp256k1 does.
            guard let point = GeneratorMultiplication.multiply(nonce) else { continue }
            let xBytes = point.x.bigEndianBytes
            let (r, xOverflowed) = Scalar.reducing(bigEndian: xBytes)
            let s = nonce.inverted() * (message + r * key.scalar)
            guard !r.isZero, !s.isZero else { continue }
            let highMask = s.isHighMask
            let parity = point.y.isOdd ? 1 : 0
            let recoveryID = ((xOverflowed ? 2 : 0) | parity) ^ Int(highMask & 1)
            return RecoverableSignature(r: r, s: s.negated(if: highMask), validatedRecoveryID: recoveryID)
        }
    }

    /// Recovers the public key that produced `signature` over `digest`, as libsecp256k1's `ecdsa_recover` does.
    ///
    /// - Throws: ``Secp256k1Error/invalidDigestLength(_:)``; ``Secp256k1Error/highS`` under
    ///   ``SignaturePolicy/rejectHighS``; ``Secp256k1Error/recoveryCoordinateOutOfRange``,
    ///   ``Secp256k1Error/recoveryPointNotOnCurve`` or ``Secp256k1Error/recoveredPointAtInfinity`` when no key
    ///   fits the signature.
    public static func recover(
        _ signature: RecoverableSignature, digest: [UInt8], policy: SignaturePolicy = .acceptHighS
    ) throws(Secp256k1Error) -> PublicKey {
        let message = try digestScalar(digest)
        let x = try recoveryPointX(signature, policy: policy)
        let yIsOdd = signature.recoveryID & 1 == 1
        guard let point = AffineCoordinates(x: VariableTimeFieldElement(x), yIsOdd: yIsOdd) else {
            throw .recoveryPointNotOnCurve
        }
        // Q = r⁻¹·(s·R − e·G)
        let rInverse = signature.rScalar.invertedVariableTime()
        let result = VariableTimeMultiplication.linearCombination(
            generatorScalar: -(message * rInverse), point: point, pointScalar: signature.sScalar * rInverse)
        guard let publicKey = result.affine else { throw .recoveredPointAtInfinity }
        return PublicKey(point: AffinePoint(publicKey))
    }

    /// Whether `signature` (its r and s; the recovery id is ignored) is a valid ECDSA signature of `digest` by
    /// `publicKey`. Under ``SignaturePolicy/rejectHighS`` a high-S signature is invalid, as in libsecp256k1's
    /// `ecdsa_verify`. A digest that is not 32 bytes long verifies nothing.
    public static func verify(
        _ signature: RecoverableSignature, digest: [UInt8], publicKey: PublicKey,
        policy: SignaturePolicy = .acceptHighS
    ) -> Bool {
        guard let message = try? digestScalar(digest) else { return false }
        if policy == .rejectHighS && !signature.isLowS { return false }
        let sInverse = signature.sScalar.invertedVariableTime()
        let result = VariableTimeMultiplication.linearCombination(
            generatorScalar: message * sInverse, point: AffineCoordinates(publicKey.point),
            pointScalar: signature.rScalar * sInverse)
        // Valid when x(result) ≡ r (mod n): x is r or, if r + n < p, r + n. Compare in Jacobian form (X = x·Z²)
        // to avoid an inversion.
        guard !result.isInfinity else { return false }
        let zSquared = result.z.squared()
        if VariableTimeFieldElement(signature.rScalar.limbs) * zSquared == result.x { return true }
        let (rPlusOrder, carry) = signature.rScalar.limbs.addingReportingCarry(Scalar.order)
        guard carry == 0, rPlusOrder.isLess(than: FieldElement.modulus) else { return false }
        return VariableTimeFieldElement(rPlusOrder) * zSquared == result.x
    }

    /// The x coordinate of the signature's point R: r, or r + n for recovery ids 2 and 3 (R's y parity is the low bit
    /// of the id), after the policy's check of s.
    static func recoveryPointX(
        _ signature: RecoverableSignature, policy: SignaturePolicy
    ) throws(Secp256k1Error) -> UInt256Limbs {
        if policy == .rejectHighS && !signature.isLowS { throw .highS }
        guard signature.recoveryID & 2 != 0 else { return signature.rScalar.limbs }
        let (sum, carry) = signature.rScalar.limbs.addingReportingCarry(Scalar.order)
        guard carry == 0, sum.isLess(than: FieldElement.modulus) else { throw .recoveryCoordinateOutOfRange }
        return sum
    }

    /// The digest as a scalar, reduced modulo n as libsecp256k1 and RFC 6979 (bits2int for 256-bit digests) do.
    static func digestScalar(_ digest: [UInt8]) throws(Secp256k1Error) -> Scalar {
        guard digest.count == 32 else { throw .invalidDigestLength(digest.count) }
        return Scalar.reducing(bigEndian: digest).scalar
    }
}
