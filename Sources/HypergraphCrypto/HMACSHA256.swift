/// HMAC-SHA256 (RFC 2104 with SHA-256, FIPS 198-1): the keyed MAC behind RFC 6979 deterministic nonces.
///
/// Use ``authenticationCode(key:message:)`` for a whole message, or create an authenticator for a key, feed it
/// with ``update(_:)`` and call ``finalize()``. An authenticator is a value: copying one after `init(key:)`
/// reuses the key's padded blocks for several messages without hashing them again.
public struct HMACSHA256: Sendable {
    /// The size of an authentication code in bytes.
    public static let byteCount = SHA256.byteCount

    private var inner = SHA256()
    /// The outer hash with the outer padded key already absorbed.
    private var outer = SHA256()

    /// An authenticator for `key`, of any length (keys longer than 64 bytes are hashed first, per RFC 2104).
    public init(key: some Collection<UInt8>) {
        var block: HashBlock = (0, 0, 0, 0, 0, 0, 0, 0)
        withUnsafeMutableBytes(of: &block) { pad in
            if key.count > SHA256.blockByteCount {
                pad.copyBytes(from: SHA256.hash(key))
            } else {
                pad.copyBytes(from: key)
            }
            for index in pad.indices { pad[index] ^= 0x36 }
            inner.update(UnsafeRawBufferPointer(pad))
            for index in pad.indices { pad[index] ^= 0x36 ^ 0x5c }
            outer.update(UnsafeRawBufferPointer(pad))
        }
    }

    /// Absorbs `bytes` as the next part of the message.
    public mutating func update(_ bytes: some Collection<UInt8>) {
        inner.update(bytes)
    }

    /// The 32-byte authentication code of everything absorbed.
    public consuming func finalize() -> [UInt8] {
        var outer = outer
        outer.update(inner.finalize())
        return outer.finalize()
    }

    /// The 32-byte HMAC-SHA256 of `message` under `key`.
    public static func authenticationCode(key: some Collection<UInt8>, message: some Collection<UInt8>) -> [UInt8] {
        var authenticator = HMACSHA256(key: key)
        authenticator.update(message)
        return authenticator.finalize()
    }
}
