// Fresh identifiers in the formats the protocol uses (PROTOCOL.md §2.6), from the system's secure generator.
import Foundation
import HypergraphCrypto
import HypergraphProtocol

/// New random identifiers and opaque values in protocol formats.
public enum RandomIdentifiers {
    /// A lowercase hyphenated UUID v4: space ids, event ids, key ids, update ids.
    public static func uuid() -> String {
        UUID().uuidString.lowercased()
    }

    /// `0x` followed by `byteCount` random bytes in lowercase hex (an inbox id is `hex(byteCount: 32)`).
    public static func hex(byteCount: Int) -> String {
        "0x" + Hex.encode(SecureRandom.bytes(byteCount))
    }
}

extension KeyBoxWithKeyId {
    /// A key box of random bytes shaped like a real one (48-byte ciphertext, 24-byte nonce, 32-byte author key).
    ///
    /// Servers store and return key boxes without opening them, so this is enough to create spaces and invitations
    /// on a server, e.g. in conformance tests and load tools. No client can decrypt it: a real client encrypts the
    /// space key to the recipient's X25519 key (PROTOCOL.md §7.7).
    public static func opaque(keyId: String = RandomIdentifiers.uuid(), accountAddress: String) -> KeyBoxWithKeyId {
        KeyBoxWithKeyId(
            id: keyId, accountAddress: accountAddress, ciphertext: RandomIdentifiers.hex(byteCount: 48),
            nonce: RandomIdentifiers.hex(byteCount: 24), authorPublicKey: RandomIdentifiers.hex(byteCount: 32))
    }
}
