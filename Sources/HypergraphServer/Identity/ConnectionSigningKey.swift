import HypergraphCrypto
import HypergraphSigning
import Synchronization

/// The signing key of the identity a connection authenticated as, prepared (``Secp256k1/PreparedPublicKey``) on
/// the connection's first signed update, so that its updates are checked against the key they are expected to come
/// from instead of recovering their signer each time. Connections that never send one never pay for it.
///
/// Concurrency rule: the prepared key is behind a `Mutex`; it is built at most once (a race builds it twice and
/// keeps one).
final class ConnectionSigningKey: Sendable {
    private let signaturePublicKey: String
    /// Nil until first asked for; then the prepared key, or nil inside when the identity's key does not parse.
    private let prepared = Mutex<Secp256k1.PreparedPublicKey??>(nil)

    init(signaturePublicKey: String) {
        self.signaturePublicKey = signaturePublicKey
    }

    /// The prepared key, or nil when the identity's `signaturePublicKey` is not a key (then every signer is
    /// recovered).
    var key: Secp256k1.PreparedPublicKey? {
        if let known = prepared.withLock({ $0 }) { return known }
        let key = Secp256k1.PublicKey(signaturePublicKeyHex: signaturePublicKey).map(Secp256k1.PreparedPublicKey.init)
        prepared.withLock { $0 = key }
        return key
    }
}
