// One TLS connection over a non-blocking socket. OpenSSL reads the socket itself (through a small BIO of ours that
// calls recv), and everything it writes — handshake messages, records, alerts — is appended to `pendingOutput`,
// which the owner sends when the socket is writable. So encrypting never blocks and never has to be retried with
// the same bytes; the owner decides when to send, and readiness (SSL_ERROR_WANT_READ) drives the handshake.
//
// Concurrency: a TLSStream belongs to the thread of its connection (an event loop, or the one thread of a blocking
// exchange); OpenSSL's error queue is per thread, so each call clears it first.
import COpenSSL

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The outcome of reading or writing through TLS.
package enum TLSResult: Equatable {
    /// This many plaintext bytes were read, or all the bytes given were encrypted into `pendingOutput`.
    case transferred(Int)
    /// More input from the peer is needed first (the handshake is under way, or a record is incomplete).
    case wantRead
    /// The peer ended its side (close_notify, or the end of the TCP stream).
    case endOfInput
    /// The connection failed; it cannot be used any more.
    case failed(TLSError)
}

/// A TLS session on one socket; see the header comment.
package final class TLSStream {
    private let ssl: OpaquePointer
    private let io: SocketIO
    /// The context the connection started with, kept alive as long as the connection.
    private let context: SSLContext
    /// "host:port" of the peer, for errors.
    package let peer: String
    private let expectedHost: String?
    private var failure: TLSError?
    /// `read` returned bytes and held back the end of input or a failure that came right after them.
    private var endHeldBack = false

    /// Starts the client side on the connected (or connecting) socket `fd`, for `host` (a name is sent as SNI and
    /// checked against the certificate; an address is only checked).
    package init(clientOn fd: Int32, host: String, peer: String, configuration: TLSClientConfiguration) throws(TLSError)
    {
        let context = try TLSClientContexts.context(for: configuration)
        let (ssl, io) = try Self.makeSession(context: context, fd: fd, peer: peer)
        SSL_set_connect_state(ssl)
        let isAddress = Self.isAddressLiteral(host)
        if !isAddress { _ = hg_SSL_set_tlsext_host_name(ssl, host) }
        if configuration.verification == .full {
            let parameters = SSL_get0_param(ssl)
            let accepted = isAddress ? X509_VERIFY_PARAM_set1_ip_asc(parameters, host) : SSL_set1_host(ssl, host)
            guard accepted == 1 else {
                SSL_free(ssl)
                throw .invalidConfiguration(file: host, detail: "it cannot be checked against a certificate")
            }
        }
        self.context = context
        self.ssl = ssl
        self.io = io
        self.peer = peer
        expectedHost = host
    }

    /// Starts the server side on the accepted socket `fd` with the server's current certificate.
    package init(serverOn fd: Int32, peer: String, context server: TLSServerContext) throws(TLSError) {
        context = server.context
        (ssl, io) = try Self.makeSession(context: context, fd: fd, peer: peer)
        self.peer = peer
        expectedHost = nil
        SSL_set_accept_state(ssl)
    }

    deinit {
        SSL_free(ssl)
    }

    private static func makeSession(context: SSLContext, fd: Int32, peer: String) throws(TLSError) -> (
        OpaquePointer, SocketIO
    ) {
        OpenSSLErrors.clear()
        guard let ssl = SSL_new(context.pointer) else {
            throw .handshakeFailed(peer: peer, detail: "cannot create a TLS session: \(OpenSSLErrors.take().text)")
        }
        guard let bio = BIO_new(SocketIO.method) else {
            SSL_free(ssl)
            throw .handshakeFailed(peer: peer, detail: "cannot create a TLS session: \(OpenSSLErrors.take().text)")
        }
        let io = SocketIO(fd: fd)
        BIO_set_data(bio, Unmanaged.passUnretained(io).toOpaque())
        SSL_set_bio(ssl, bio, bio)
        return (ssl, io)
    }

    private static func isAddressLiteral(_ host: String) -> Bool {
        var scratch = in6_addr()
        return inet_pton(AF_INET, host, &scratch) == 1 || inet_pton(AF_INET6, host, &scratch) == 1
    }

    /// Whether the handshake has completed.
    package var isEstablished: Bool { SSL_is_init_finished(ssl) != 0 }

    /// Advances the handshake: `.transferred(0)` once it is complete.
    package func handshake() -> TLSResult {
        if let failure { return .failed(failure) }
        OpenSSLErrors.clear()
        let status = SSL_do_handshake(ssl)
        return status == 1 ? .transferred(0) : outcome(of: status)
    }

    // MARK: Plaintext

    /// Reads plaintext into `buffer` until it is full or nothing more is available, advancing the handshake as
    /// needed. Anything OpenSSL wants to send meanwhile lands in `pendingOutput`.
    package func read(into buffer: UnsafeMutableRawBufferPointer) -> TLSResult {
        endHeldBack = false
        if let failure { return .failed(failure) }
        var total = 0
        while total < buffer.count {
            OpenSSLErrors.clear()
            let count = SSL_read(ssl, buffer.baseAddress! + total, Int32(min(buffer.count - total, Int(Int32.max))))
            if count > 0 {
                total += Int(count)
                continue
            }
            let outcome = outcome(of: count)
            guard total > 0 else { return outcome }
            endHeldBack = outcome != .wantRead
            return .transferred(total)
        }
        return .transferred(total)
    }

    /// Encrypts all of `bytes` into `pendingOutput`, or returns `.wantRead` while the handshake waits for the peer.
    package func write(_ bytes: UnsafeRawBufferPointer) -> TLSResult {
        if let failure { return .failed(failure) }
        guard bytes.count > 0 else { return .transferred(0) }
        OpenSSLErrors.clear()
        let count = SSL_write(ssl, bytes.baseAddress, Int32(min(bytes.count, Int(Int32.max))))
        return count > 0 ? .transferred(Int(count)) : outcome(of: count)
    }

    /// Queues close_notify, telling the peer no more data follows (sent with `pendingOutput`).
    package func close() {
        guard failure == nil, isEstablished else { return }
        OpenSSLErrors.clear()
        _ = SSL_shutdown(ssl)
        OpenSSLErrors.clear()
    }

    /// Whether decrypted or received bytes wait inside OpenSSL, which socket readiness will not announce.
    package var hasBufferedInput: Bool {
        endHeldBack || (failure == nil && (SSL_pending(ssl) > 0 || SSL_has_pending(ssl) == 1))
    }

    private func outcome(of returned: Int32) -> TLSResult {
        switch SSL_get_error(ssl, returned) {
        case SSL_ERROR_WANT_READ, SSL_ERROR_WANT_WRITE:
            // Writes never block (they go to `pendingOutput`), so only reading can be what OpenSSL waits for.
            return .wantRead
        case SSL_ERROR_ZERO_RETURN:
            return .endOfInput
        case SSL_ERROR_SYSCALL where io.readError == 0 && OpenSSLErrors.isEmpty:
            return .endOfInput
        default:
            let error = TLSError.classify(ssl: ssl, peer: peer, expectedHost: expectedHost, socketError: io.readError)
            failure = error
            return .failed(error)
        }
    }

    // MARK: Ciphertext

    /// Bytes OpenSSL produced that the socket has not taken yet.
    package var pendingOutputCount: Int { io.output.count - io.outputSent }

    /// Sends as much of the pending output as the socket takes now (without raising SIGPIPE).
    package func sendPendingOutput() -> PendingOutputResult {
        while pendingOutputCount > 0 {
            let sent = io.output[io.outputSent...].withUnsafeBytes {
                send(io.fd, $0.baseAddress, $0.count, SocketIO.sendFlags)
            }
            if sent > 0 {
                io.outputSent += sent
                continue
            }
            switch errno {
            case EINTR: continue
            case EAGAIN, EWOULDBLOCK: return .wouldBlock
            default: return .failed(errno)
            }
        }
        io.output = [] // released, so idle connections hold no output buffer
        io.outputSent = 0
        return .sent
    }

    /// The outcome of `sendPendingOutput`.
    package enum PendingOutputResult: Equatable {
        /// Everything went out.
        case sent
        /// The socket's buffer is full; wait for writability.
        case wouldBlock
        /// The socket failed with this `errno`.
        case failed(Int32)
    }
}

extension OpenSSLErrors {
    /// Whether the thread's error queue is empty (without consuming it).
    static var isEmpty: Bool { ERR_peek_error() == 0 }
}

/// The socket side of a TLSStream: OpenSSL's reads go to `recv` on the descriptor, its writes to `output`.
private final class SocketIO {
    #if os(Linux)
        static let sendFlags = Int32(MSG_NOSIGNAL)
    #else
        static let sendFlags: Int32 = 0
    #endif

    let fd: Int32
    /// Ciphertext waiting for the socket, from `outputSent` on.
    var output: [UInt8] = []
    var outputSent = 0
    /// The `errno` of the last failed `recv`, 0 when none failed.
    var readError: Int32 = 0

    init(fd: Int32) {
        self.fd = fd
    }

    private static func state(of bio: OpaquePointer?) -> SocketIO {
        Unmanaged<SocketIO>.fromOpaque(BIO_get_data(bio)).takeUnretainedValue()
    }

    /// The BIO method: created once, shared by every stream.
    nonisolated(unsafe) static let method: OpaquePointer = {
        // nonisolated(unsafe): written once here, then only read by OpenSSL.
        let method = BIO_meth_new(BIO_get_new_index() | BIO_TYPE_SOURCE_SINK, "hypergraph socket")!
        _ = BIO_meth_set_create(method) { bio in
            BIO_set_init(bio, 1)
            return 1
        }
        _ = BIO_meth_set_read(method) { bio, buffer, length in
            let io = state(of: bio)
            hg_BIO_clear_retry_flags(bio)
            while true {
                let count = recv(io.fd, buffer, Int(length), 0)
                if count >= 0 { return Int32(count) }
                switch errno {
                case EINTR: continue
                case EAGAIN, EWOULDBLOCK:
                    hg_BIO_set_retry_read(bio)
                    return -1
                default:
                    io.readError = errno
                    return -1
                }
            }
        }
        _ = BIO_meth_set_write(method) { bio, bytes, length in
            guard let bytes, length > 0 else { return 0 }
            state(of: bio).output.append(contentsOf: UnsafeRawBufferPointer(start: bytes, count: Int(length)))
            return length
        }
        _ = BIO_meth_set_ctrl(method) { _, command, _, _ in
            command == BIO_CTRL_FLUSH ? 1 : 0
        }
        return method
    }()
}
