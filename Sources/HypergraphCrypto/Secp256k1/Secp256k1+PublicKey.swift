extension Secp256k1 {
    /// A secp256k1 public key: a finite point on the curve.
    public struct PublicKey: Hashable, Sendable, CustomStringConvertible {
        let point: AffinePoint

        init(point: AffinePoint) {
            self.point = point
        }

        /// Parses a SEC1 encoding: 33 bytes `02|03 ‖ x` (compressed) or 65 bytes `04 ‖ x ‖ y` (uncompressed).
        ///
        /// - Throws: ``Secp256k1Error/publicKeyIsInfinity`` for the one-byte encoding `00`;
        ///   ``Secp256k1Error/invalidPublicKeyLength(_:)``, ``Secp256k1Error/invalidPublicKeyPrefix(_:length:)``,
        ///   ``Secp256k1Error/publicKeyCoordinateOutOfRange`` (a coordinate ≥ p) or
        ///   ``Secp256k1Error/publicKeyNotOnCurve``.
        public init(sec1 bytes: [UInt8]) throws(Secp256k1Error) {
            switch bytes.count {
            case 1 where bytes[0] == 0x00:
                throw .publicKeyIsInfinity
            case 33:
                guard bytes[0] == 0x02 || bytes[0] == 0x03 else { throw .invalidPublicKeyPrefix(bytes[0], length: 33) }
                guard let x = FieldElement(bigEndian: bytes, from: 1) else { throw .publicKeyCoordinateOutOfRange }
                guard let point = AffinePoint(x: x, yIsOdd: bytes[0] == 0x03) else { throw .publicKeyNotOnCurve }
                self.point = point
            case 65:
                guard bytes[0] == 0x04 else { throw .invalidPublicKeyPrefix(bytes[0], length: 65) }
                guard let x = FieldElement(bigEndian: bytes, from: 1), let y = FieldElement(bigEndian: bytes, from: 33)
                else { throw .publicKeyCoordinateOutOfRange }
                let point = AffinePoint(x: x, y: y)
                guard point.isOnCurve else { throw .publicKeyNotOnCurve }
                self.point = point
            default:
                throw .invalidPublicKeyLength(bytes.count)
            }
        }

        /// The 33-byte SEC1 compressed form: `02` (even y) or `03` (odd y), then x.
        public var compressed: [UInt8] { [point.y.isOdd ? 0x03 : 0x02] + point.x.bigEndianBytes }

        /// The 65-byte SEC1 uncompressed form: `04 ‖ x ‖ y`.
        public var uncompressed: [UInt8] { [0x04] + point.x.bigEndianBytes + point.y.bigEndianBytes }

        /// The compressed form as lowercase hex with a `0x` prefix, the protocol's `signaturePublicKey` (§7.3).
        public var description: String { "0x" + Hex.encode(compressed) }
    }
}
