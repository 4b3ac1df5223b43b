// OpenSSL contexts (SSL_CTX): the client's trust settings and the server's certificate, with the settings every
// connection shares — TLS 1.2 minimum (1.3 preferred, OpenSSL's default cipher policy), ALPN http/1.1, buffers
// released while a connection is idle.
//
// Concurrency: an SSL_CTX is safe to use from any thread once configured; `TLSServerContext` swaps its context under
// a Mutex on reload, and each connection keeps a reference to the context it started with.
import COpenSSL
import Synchronization

/// The TLS library in use.
public enum TLSLibrary {
    /// Its name and version, e.g. "OpenSSL 3.0.19 27 Jan 2026".
    public static var version: String { String(cString: OpenSSL_version(OPENSSL_VERSION)) }
}

/// How a client checks the server's certificate.
public struct TLSClientConfiguration: Sendable, Hashable {
    /// Whether certificates are verified.
    public enum Verification: Sendable, Hashable {
        /// The certificate must lead to a trusted CA (the system's trust store plus `additionalTrustRootsFile`)
        /// and be valid for the host name connected to.
        case full
        /// Anything is accepted: the connection is encrypted but the server is not authenticated. For testing only.
        case insecureNoVerification
    }

    /// A PEM file of CA certificates trusted in addition to the system's (e.g. a private CA).
    public var additionalTrustRootsFile: String?
    /// Whether certificates are verified; `.full` unless set otherwise.
    public var verification: Verification = .full

    /// Full verification against the system's trust store.
    public init(additionalTrustRootsFile: String? = nil, verification: Verification = .full) {
        self.additionalTrustRootsFile = additionalTrustRootsFile
        self.verification = verification
    }
}

/// One configured SSL_CTX, freed with its last user.
final class SSLContext: @unchecked Sendable {
    // @unchecked: OpenSSL allows creating connections from a configured SSL_CTX on any thread.
    let pointer: OpaquePointer

    init(server: Bool) throws(TLSError) {
        OpenSSLErrors.clear()
        guard let pointer = SSL_CTX_new(server ? TLS_server_method() : TLS_client_method()) else {
            throw .invalidConfiguration(file: "(none)", detail: "SSL_CTX_new failed: \(OpenSSLErrors.take().text)")
        }
        self.pointer = pointer
        _ = hg_SSL_CTX_set_min_proto_version(pointer, TLS1_2_VERSION)
        hg_SSL_CTX_set_hypergraph_options(pointer)
        _ = hg_SSL_CTX_set_mode(pointer, Int(SSL_MODE_RELEASE_BUFFERS))
        hg_SSL_CTX_set_read_ahead(pointer)
    }

    deinit {
        SSL_CTX_free(pointer)
    }

    /// Fails with the file's name and OpenSSL's reasons unless `status` is 1.
    func check(_ status: Int32, file: String, doing: String) throws(TLSError) {
        guard status == 1 else {
            throw .invalidConfiguration(file: file, detail: "\(doing): \(OpenSSLErrors.take().text)")
        }
    }
}

extension TLSClientConfiguration {
    /// Checks that this configuration can be used (its CA file loads), so a command can refuse it before connecting.
    public func validate() throws(TLSError) {
        _ = try TLSClientContexts.context(for: self)
    }
}

/// The client side: an SSL_CTX per trust configuration, shared by every connection that uses it.
enum TLSClientContexts {
    private static let cache = Mutex<[TLSClientConfiguration: SSLContext]>([:])

    /// The context for `configuration`, created (and the trust store loaded) on first use.
    static func context(for configuration: TLSClientConfiguration) throws(TLSError) -> SSLContext {
        if let cached = cache.withLock({ $0[configuration] }) { return cached }
        let context = try SSLContext(server: false)
        switch configuration.verification {
        case .full:
            try context.check(
                SSL_CTX_set_default_verify_paths(context.pointer), file: "the system trust store", doing: "loading it")
            if let file = configuration.additionalTrustRootsFile {
                try context.check(
                    SSL_CTX_load_verify_locations(context.pointer, file, nil), file: file,
                    doing: "loading CA certificates (PEM) from it")
            }
            SSL_CTX_set_verify(context.pointer, SSL_VERIFY_PEER, nil)
        case .insecureNoVerification:
            SSL_CTX_set_verify(context.pointer, SSL_VERIFY_NONE, nil)
        }
        let alpn = ALPN.offer
        // SSL_CTX_set_alpn_protos returns 0 on success, unlike the rest of the API.
        guard
            alpn.withUnsafeBufferPointer({ SSL_CTX_set_alpn_protos(context.pointer, $0.baseAddress, UInt32($0.count)) })
                == 0
        else {
            throw .invalidConfiguration(file: "(ALPN)", detail: OpenSSLErrors.take().text)
        }
        return cache.withLock { cache in
            if let raced = cache[configuration] { return raced }
            cache[configuration] = context
            return context
        }
    }
}

/// A server's certificate chain and private key, read from PEM files; `reload()` re-reads them (e.g. on SIGHUP) for
/// the connections accepted afterwards, while open connections keep the certificate they started with.
public final class TLSServerContext: Sendable {
    /// The certificate chain file: the server's certificate first, then the intermediates.
    public let certificateChainFile: String
    /// The private key file.
    public let privateKeyFile: String
    private let current: Mutex<SSLContext>

    /// Loads the certificate chain and key; throws ``TLSError/invalidConfiguration(file:detail:)`` when a file is
    /// missing or malformed or the key does not belong to the certificate.
    public init(certificateChainFile: String, privateKeyFile: String) throws(TLSError) {
        self.certificateChainFile = certificateChainFile
        self.privateKeyFile = privateKeyFile
        current = Mutex(try Self.load(certificateChainFile: certificateChainFile, privateKeyFile: privateKeyFile))
    }

    /// Re-reads both files. On failure the previous certificate stays in use and the error is thrown.
    public func reload() throws(TLSError) {
        let context = try Self.load(certificateChainFile: certificateChainFile, privateKeyFile: privateKeyFile)
        current.withLock { $0 = context }
    }

    /// The context new connections use.
    var context: SSLContext { current.withLock { $0 } }

    private static func load(certificateChainFile: String, privateKeyFile: String) throws(TLSError) -> SSLContext {
        let context = try SSLContext(server: true)
        try context.check(
            SSL_CTX_use_certificate_chain_file(context.pointer, certificateChainFile), file: certificateChainFile,
            doing: "loading a PEM certificate chain")
        try context.check(
            SSL_CTX_use_PrivateKey_file(context.pointer, privateKeyFile, SSL_FILETYPE_PEM), file: privateKeyFile,
            doing: "loading a PEM private key")
        try context.check(
            SSL_CTX_check_private_key(context.pointer), file: privateKeyFile,
            doing: "the key does not belong to the certificate in \(certificateChainFile)")
        SSL_CTX_set_alpn_select_cb(context.pointer, ALPN.select, nil)
        return context
    }
}

/// Application-layer protocol negotiation: both sides speak HTTP/1.1 (which carries the WebSocket upgrade).
enum ALPN {
    /// The client's offer in wire format: a length byte, then the name.
    static let offer: [UInt8] = [8] + Array("http/1.1".utf8)

    /// The server's choice: http/1.1 when offered; otherwise no ALPN answer (the handshake goes on).
    static let select:
        @convention(c) (
            OpaquePointer?, UnsafeMutablePointer<UnsafePointer<UInt8>?>?, UnsafeMutablePointer<UInt8>?,
            UnsafePointer<UInt8>?, UInt32, UnsafeMutableRawPointer?
        ) -> Int32 = { _, out, outLength, offered, offeredLength, _ in
            guard let offered, let out, let outLength else { return SSL_TLSEXT_ERR_NOACK }
            var index = 0
            while index < Int(offeredLength) {
                let length = Int(offered[index])
                let start = index + 1
                guard start + length <= Int(offeredLength) else { break }
                if UnsafeBufferPointer(start: offered + start, count: length).elementsEqual(offer.dropFirst()) {
                    out.pointee = offered + start
                    outLength.pointee = UInt8(length)
                    return SSL_TLSEXT_ERR_OK
                }
                index = start + length
            }
            return SSL_TLSEXT_ERR_NOACK
        }
}
