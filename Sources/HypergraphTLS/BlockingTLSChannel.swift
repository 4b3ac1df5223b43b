// A TLS client session for one blocking request/response exchange (the HTTP client's): the socket is made
// non-blocking and each step waits with poll() for at most the exchange's timeout.
//
// Concurrency: used by the one thread that runs the exchange.
#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A client TLS session that blocks the calling thread (see the header comment).
package struct BlockingTLSChannel {
    private let stream: TLSStream
    private let fd: Int32
    private let timeoutMilliseconds: Int32

    /// Performs the handshake on the connected socket `fd` for `host`.
    package init(fd: Int32, host: String, peer: String, configuration: TLSClientConfiguration, timeoutSeconds: Int)
        throws(TLSError)
    {
        _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
        stream = try TLSStream(clientOn: fd, host: host, peer: peer, configuration: configuration)
        self.fd = fd
        timeoutMilliseconds = Int32(clamping: timeoutSeconds * 1000)
        while true {
            let result = stream.handshake()
            try sendPendingOutput()
            switch result {
            case .transferred: return
            case .failed(let error): throw error
            case .endOfInput: throw .handshakeFailed(peer: peer, detail: "the server closed the connection")
            case .wantRead: try wait(for: Int16(POLLIN), doing: "waiting for the TLS handshake")
            }
        }
    }

    /// Encrypts and sends `bytes`.
    package func send(_ bytes: [UInt8]) throws(TLSError) {
        if case .failed(let error) = bytes.withUnsafeBytes({ stream.write($0) }) { throw error }
        try sendPendingOutput()
    }

    /// Reads decrypted bytes into `buffer`; 0 at the end of input.
    package func receive(into buffer: UnsafeMutableRawBufferPointer) throws(TLSError) -> Int {
        while true {
            let result = stream.read(into: buffer)
            try sendPendingOutput()
            switch result {
            case .transferred(let count): return count
            case .endOfInput: return 0
            case .failed(let error): throw error
            case .wantRead: try wait(for: Int16(POLLIN), doing: "waiting for the response")
            }
        }
    }

    private func sendPendingOutput() throws(TLSError) {
        while true {
            switch stream.sendPendingOutput() {
            case .sent: return
            case .wouldBlock: try wait(for: Int16(POLLOUT), doing: "sending")
            case .failed(let code):
                throw .connectionFailed(peer: stream.peer, detail: "send: \(String(cString: strerror(code)))")
            }
        }
    }

    private func wait(for events: Int16, doing what: String) throws(TLSError) {
        var descriptor = pollfd(fd: fd, events: events, revents: 0)
        while true {
            let ready = poll(&descriptor, 1, timeoutMilliseconds)
            if ready > 0 { return }
            if ready < 0 && errno == EINTR { continue }
            throw .connectionFailed(
                peer: stream.peer, detail: "no progress within \(timeoutMilliseconds / 1000) s \(what)")
        }
    }
}
