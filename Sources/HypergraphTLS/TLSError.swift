// Why a TLS connection or a TLS configuration failed, classified from OpenSSL's verification result and error queue.
import COpenSSL

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A TLS failure: a certificate the client refused, a handshake the peers could not complete, or files that could
/// not be loaded.
public enum TLSError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The peer's certificate does not lead to a trusted certificate authority (unknown or self-signed CA).
    case untrustedCertificate(peer: String, detail: String)
    /// The peer's certificate (or one in its chain) has expired.
    case certificateExpired(peer: String, detail: String)
    /// The peer's certificate is not valid for the host name (or address) that was connected to.
    case hostNameMismatch(peer: String, expected: String)
    /// The peer's certificate was refused for another reason (not yet valid, unusable key, …).
    case certificateRejected(peer: String, detail: String)
    /// The peers share no TLS version (this side requires TLS 1.2 or newer).
    case protocolVersion(peer: String, detail: String)
    /// The handshake failed otherwise (including the peer refusing this side's certificate, or a peer that does
    /// not speak TLS).
    case handshakeFailed(peer: String, detail: String)
    /// The established connection failed (a corrupt record, or the socket failed).
    case connectionFailed(peer: String, detail: String)
    /// A certificate, key or CA file could not be used.
    case invalidConfiguration(file: String, detail: String)

    /// A sentence saying what failed, with whom, and what was expected.
    public var description: String {
        switch self {
        case .untrustedCertificate(let peer, let detail):
            "TLS with \(peer): the server's certificate is not signed by a trusted certificate authority (\(detail)); "
                + "add its CA with --ca-file"
        case .certificateExpired(let peer, let detail):
            "TLS with \(peer): the certificate has expired (\(detail))"
        case .hostNameMismatch(let peer, let expected):
            "TLS with \(peer): the certificate is not valid for '\(expected)'"
        case .certificateRejected(let peer, let detail):
            "TLS with \(peer): the certificate was refused (\(detail))"
        case .protocolVersion(let peer, let detail):
            "TLS with \(peer): no common protocol version; TLS 1.2 or newer is required (\(detail))"
        case .handshakeFailed(let peer, let detail):
            "TLS handshake with \(peer) failed: \(detail)"
        case .connectionFailed(let peer, let detail):
            "TLS connection with \(peer) failed: \(detail)"
        case .invalidConfiguration(let file, let detail):
            "TLS: cannot use \(file): \(detail)"
        }
    }

    /// Classifies the failure OpenSSL just reported for `ssl`, consuming the thread's error queue.
    static func classify(
        ssl: OpaquePointer, peer: String, expectedHost: String?, socketError: Int32
    ) -> TLSError {
        let queued = OpenSSLErrors.take()
        if SSL_is_init_finished(ssl) == 0 {
            let verification = SSL_get_verify_result(ssl)
            if verification != X509_V_OK {
                let detail = String(cString: X509_verify_cert_error_string(verification))
                switch Int32(verification) {
                case X509_V_ERR_CERT_HAS_EXPIRED:
                    return .certificateExpired(peer: peer, detail: detail)
                case X509_V_ERR_HOSTNAME_MISMATCH, X509_V_ERR_IP_ADDRESS_MISMATCH:
                    return .hostNameMismatch(peer: peer, expected: expectedHost ?? peer)
                case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT, X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY,
                    X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT, X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN,
                    X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE:
                    return .untrustedCertificate(peer: peer, detail: detail)
                default:
                    return .certificateRejected(peer: peer, detail: detail)
                }
            }
            switch queued.first?.reason {
            case SSL_R_UNSUPPORTED_PROTOCOL, SSL_R_TLSV1_ALERT_PROTOCOL_VERSION, SSL_R_WRONG_VERSION_NUMBER,
                SSL_R_NO_PROTOCOLS_AVAILABLE, SSL_R_VERSION_TOO_LOW:
                return .protocolVersion(peer: peer, detail: queued.text)
            default:
                return .handshakeFailed(peer: peer, detail: queued.text(orSocketError: socketError))
            }
        }
        return .connectionFailed(peer: peer, detail: queued.text(orSocketError: socketError))
    }
}

/// OpenSSL's per-thread error queue.
enum OpenSSLErrors {
    struct Entry {
        var reason: Int32
        var text: String
    }

    /// Empties the queue; called before each OpenSSL call whose failure is classified, since event loops share
    /// their thread's queue between connections.
    static func clear() {
        ERR_clear_error()
    }

    /// The queued errors, oldest first, and an empty queue.
    static func take() -> [Entry] {
        var entries: [Entry] = []
        while true {
            let code = ERR_get_error()
            guard code != 0 else { return entries }
            var text = [CChar](repeating: 0, count: 256)
            ERR_error_string_n(code, &text, text.count)
            let message = String(decoding: text.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            entries.append(Entry(reason: ERR_GET_REASON(code), text: message))
        }
    }
}

extension [OpenSSLErrors.Entry] {
    /// The errors' texts, or a note that OpenSSL gave no reason.
    var text: String { isEmpty ? "no reason given by OpenSSL" : map(\.text).joined(separator: "; ") }

    /// The errors' texts, or the socket's error when OpenSSL queued none (a reset or closed connection).
    func text(orSocketError code: Int32) -> String {
        guard isEmpty else { return text }
        return code == 0 ? "the connection closed" : String(cString: strerror(code))
    }
}
