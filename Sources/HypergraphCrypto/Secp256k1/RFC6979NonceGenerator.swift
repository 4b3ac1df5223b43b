/// Deterministic ECDSA nonces per RFC 6979 §3.2 with HMAC-SHA256 and no extra entropy, exactly as
/// libsecp256k1's default nonce function: the HMAC-DRBG is seeded with int2octets(key) ‖ bits2octets(digest).
/// The digest is already reduced modulo n by the caller, which is what bits2octets does for 256-bit digests.
struct RFC6979NonceGenerator {
    private var key: [UInt8]
    private var value: [UInt8]
    private var needsReseed = false

    init(privateKey: Scalar, message: Scalar) {
        let seed = privateKey.bigEndianBytes + message.bigEndianBytes
        key = [UInt8](repeating: 0x00, count: 32)
        value = [UInt8](repeating: 0x01, count: 32)
        for separator: UInt8 in [0x00, 0x01] {
            var mac = HMACSHA256(key: key)
            mac.update(value)
            mac.update([separator])
            mac.update(seed)
            key = mac.finalize()
            value = HMACSHA256.authenticationCode(key: key, message: value)
        }
    }

    /// The next candidate of the sequence that lies in 1..<n (RFC 6979 step h.3 skips the others).
    mutating func next() -> Scalar {
        while true {
            if needsReseed {
                var mac = HMACSHA256(key: key)
                mac.update(value)
                mac.update([0x00])
                key = mac.finalize()
                value = HMACSHA256.authenticationCode(key: key, message: value)
            }
            needsReseed = true
            value = HMACSHA256.authenticationCode(key: key, message: value)
            let (candidate, overflowed) = Scalar.reducing(bigEndian: value)
            // Branching here reveals only that a candidate was rejected, which happens with probability ~2^-128.
            if !overflowed && !candidate.isZero { return candidate }
        }
    }
}
