extension Secp256k1 {
    /// A secp256k1 private key: an integer in 1..<n.
    ///
    /// Its description never shows the key, so it cannot leak into logs by accident; read ``bytes`` explicitly.
    public struct PrivateKey: Sendable, CustomStringConvertible {
        let scalar: Scalar

        /// The key with these 32 big-endian bytes.
        ///
        /// - Throws: ``Secp256k1Error/invalidPrivateKeyLength(_:)`` unless there are 32 bytes, and
        ///   ``Secp256k1Error/privateKeyOutOfRange`` when the value is zero or not below n.
        public init(bytes: [UInt8]) throws(Secp256k1Error) {
            guard bytes.count == 32 else { throw .invalidPrivateKeyLength(bytes.count) }
            let (scalar, overflowed) = Scalar.reducing(bigEndian: bytes)
            guard !overflowed, !scalar.isZero else { throw .privateKeyOutOfRange }
            self.scalar = scalar
        }

        /// A new key from the system's cryptographically secure random number generator.
        public static func random() -> PrivateKey {
            while true {
                let bytes = SecureRandom.bytes(32)
                // Fails only for values ≥ n or zero (probability about 2^-128); draw again.
                if let key = try? PrivateKey(bytes: bytes) { return key }
            }
        }

        /// The 32 big-endian bytes of the key.
        public var bytes: [UInt8] { scalar.bigEndianBytes }

        /// The public key k·G, computed in constant time.
        public var publicKey: PublicKey {
            // scalar is never zero, so the product is a finite point.
            guard let point = GeneratorMultiplication.multiply(scalar) else {
                preconditionFailure("a private key in 1..<n has a finite public key")
            }
            return PublicKey(point: point)
        }

        /// A placeholder that does not reveal the key.
        public var description: String { "Secp256k1.PrivateKey(<redacted>)" }
    }
}
