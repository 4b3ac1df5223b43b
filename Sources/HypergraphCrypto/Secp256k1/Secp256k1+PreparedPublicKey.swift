extension Secp256k1 {
    /// A public key prepared for checking many signatures against it (see ``isSigner(_:of:digest:policy:)``): tables
    /// of the odd multiples of it, 2^32, 2^64 and 2^96 times it, with their endomorphism images (128 points, 10 KiB),
    /// computed once for about the cost of three checks.
    public struct PreparedPublicKey: Sendable {
        /// The key.
        public let publicKey: PublicKey
        private let tables: VariableTimeMultiplication.SplitTables

        /// Width of the NAF digits the tables serve: one addition of the key's per 7 bits of each part-scalar.
        private static let window = 6

        /// Prepares `publicKey`.
        public init(_ publicKey: PublicKey) {
            self.publicKey = publicKey
            tables = VariableTimeMultiplication.SplitTables(AffineCoordinates(publicKey.point), window: Self.window)
        }

        /// generatorScalar·G + pointScalar·key.
        func linearCombination(generatorScalar: Scalar, pointScalar: Scalar) -> JacobianPoint {
            VariableTimeMultiplication.linearCombination(
                generatorScalar: generatorScalar, splitTables: tables, pointScalar: pointScalar)
        }
    }

    /// Whether `signature` of `digest` recovers to `key`: exactly `(try? recover(signature, digest:, policy:)) ==
    /// key.publicKey`, for about half the cost when `key` is known beforehand.
    ///
    /// It is ECDSA verification against the key, R′ = s⁻¹·(e·G + r·key), followed by the check that R′ is the point
    /// R the recovery id names (x = r, or r + n for ids 2 and 3; y parity = bit 0). R′ = R holds exactly when
    /// r⁻¹·(s·R − e·G) = key, so no square root (to find R) is needed, and the key's tables halve the doublings.
    public static func isSigner(
        _ key: PreparedPublicKey, of signature: RecoverableSignature, digest: [UInt8],
        policy: SignaturePolicy = .acceptHighS
    ) -> Bool {
        guard let message = try? digestScalar(digest), let x = try? recoveryPointX(signature, policy: policy) else {
            return false
        }
        let sInverse = signature.sScalar.invertedVariableTime()
        let result = key.linearCombination(
            generatorScalar: message * sInverse, pointScalar: signature.rScalar * sInverse)
        guard let point = result.affine else { return false }
        return point.x == VariableTimeFieldElement(x) && point.y.isOdd == (signature.recoveryID & 1 == 1)
    }
}
