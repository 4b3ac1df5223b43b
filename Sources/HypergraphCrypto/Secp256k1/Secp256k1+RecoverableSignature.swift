extension Secp256k1 {
    /// An ECDSA signature (r, s) with the recovery id that selects the signer's key among the candidates.
    ///
    /// Construction validates everything libsecp256k1's `recoverable_signature_parse_compact` validates:
    /// 1 ≤ r, s < n and a recovery id in 0...3.
    public struct RecoverableSignature: Hashable, Sendable, CustomStringConvertible {
        let rScalar: Scalar
        let sScalar: Scalar
        /// 0...3: bit 0 is the parity of R's y, bit 1 says R's x is r + n rather than r.
        public let recoveryID: Int

        init(r: Scalar, s: Scalar, validatedRecoveryID: Int) {
            rScalar = r
            sScalar = s
            recoveryID = validatedRecoveryID
        }

        /// Parses the 64-byte compact form r ‖ s (each 32 bytes, big-endian).
        ///
        /// - Throws: ``Secp256k1Error/invalidSignatureLength(_:)``,
        ///   ``Secp256k1Error/signatureComponentIsZero(_:)``, ``Secp256k1Error/signatureComponentNotBelowOrder(_:)``
        ///   or ``Secp256k1Error/invalidRecoveryID(_:)``.
        public init(compact: [UInt8], recoveryID: Int) throws(Secp256k1Error) {
            guard compact.count == 64 else { throw .invalidSignatureLength(compact.count) }
            rScalar = try Self.component(compact, from: 0, .r)
            sScalar = try Self.component(compact, from: 32, .s)
            guard (0...3).contains(recoveryID) else { throw .invalidRecoveryID(recoveryID) }
            self.recoveryID = recoveryID
        }

        /// Parses the protocol's `hex` form (§7.2): exactly 128 hex digits, either case, no `0x` prefix.
        ///
        /// - Throws: ``Secp256k1Error/invalidSignatureHexLength(_:)`` (counting characters),
        ///   ``Secp256k1Error/invalidSignatureHexCharacter(_:offset:)``, and the errors of
        ///   ``init(compact:recoveryID:)``.
        public init(compactHex: String, recoveryID: Int) throws(Secp256k1Error) {
            guard compactHex.count == 128 else { throw .invalidSignatureHexLength(compactHex.count) }
            let bytes: [UInt8]
            do {
                bytes = try Hex.decode(compactHex)
            } catch {
                switch error {
                case .invalidCharacter(let character, let offset):
                    throw .invalidSignatureHexCharacter(character, offset: offset)
                case .oddLength(let count):
                    throw .invalidSignatureHexLength(count)
                }
            }
            try self.init(compact: bytes, recoveryID: recoveryID)
        }

        private static func component(
            _ bytes: [UInt8], from start: Int, _ name: Secp256k1Error.SignatureComponent
        ) throws(Secp256k1Error) -> Scalar {
            let (scalar, overflowed) = Scalar.reducing(bigEndian: bytes, from: start)
            guard !overflowed else { throw .signatureComponentNotBelowOrder(name) }
            guard !scalar.isZero else { throw .signatureComponentIsZero(name) }
            return scalar
        }

        /// r as 32 big-endian bytes.
        public var r: [UInt8] { rScalar.bigEndianBytes }

        /// s as 32 big-endian bytes.
        public var s: [UInt8] { sScalar.bigEndianBytes }

        /// The 64-byte compact form r ‖ s.
        public var compact: [UInt8] { r + s }

        /// The compact form as 128 lowercase hex digits without prefix, the protocol's `hex` field.
        public var compactHex: String { Hex.encode(compact) }

        /// Whether s ≤ n/2, the form libsecp256k1 and noble produce and the strict policy requires.
        public var isLowS: Bool { !sScalar.isHigh }

        /// The equivalent signature with s replaced by n − s and the y-parity bit of the recovery id flipped.
        /// Both recover the same key; exactly one of the pair is low-S.
        public var withNegatedS: RecoverableSignature {
            RecoverableSignature(r: rScalar, s: -sScalar, validatedRecoveryID: recoveryID ^ 1)
        }

        /// `compactHex` followed by the recovery id, for diagnostics.
        public var description: String { "\(compactHex) (recovery id \(recoveryID))" }
    }
}
