extension Secp256k1 {
    /// A public key prepared for checking many signatures against it (see
    /// ``isSigner(_:of:digest:policy:)``): its odd multiples and their endomorphism images, computed once (32 points,
    /// about 2.5 KiB).
    public struct PreparedPublicKey: Sendable {
        /// The key.
        public let publicKey: PublicKey
        private let entries: [AffineCoordinates]
        private let commonZ: VariableTimeFieldElement

        /// Width of the NAF digits the table serves: one addition of the key's per 7 bits of each half-scalar,
        /// against 6 for the table recovery builds per call.
        private static let window = 6

        /// Prepares `publicKey`.
        public init(_ publicKey: PublicKey) {
            self.publicKey = publicKey
            var commonZ = VariableTimeFieldElement.one
            entries = [AffineCoordinates](
                unsafeUninitializedCapacity: VariableTimeMultiplication.PointTable.entryCount(Self.window)
            ) { buffer, count in
                commonZ = VariableTimeMultiplication.PointTable.write(AffineCoordinates(publicKey.point), into: buffer)
                count = buffer.count
            }
            self.commonZ = commonZ
        }

        /// generatorScalar·G + pointScalar·key.
        func linearCombination(generatorScalar: Scalar, pointScalar: Scalar) -> JacobianPoint {
            entries.withUnsafeBufferPointer { entries in
                VariableTimeMultiplication.linearCombination(
                    generatorScalar: generatorScalar,
                    pointTable: .init(entries: entries, commonZ: commonZ, window: Self.window),
                    pointScalar: pointScalar)
            }
        }
    }

    /// Whether `signature` of `digest` recovers to `key`: exactly `(try? recover(signature, digest:, policy:)) ==
    /// key.publicKey`, for about two thirds of the cost when `key` is known beforehand.
    ///
    /// It is ECDSA verification against the key, R′ = s⁻¹·(e·G + r·key), followed by the check that R′ is the point
    /// R the recovery id names (x = r, or r + n for ids 2 and 3; y parity = bit 0). R′ = R holds exactly when
    /// r⁻¹·(s·R − e·G) = key, so no square root (to find R) is needed, and the key's table is reused.
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
