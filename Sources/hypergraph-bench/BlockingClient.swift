// Plain blocking sockets, written as a C program would: the baselines of the transport benchmarks (a blocking
// WebSocket client, and the kernel's own fan-out floor in BroadcastBenchmark.swift).
#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A blocking WebSocket client written as a C program would: one socket, `send` and `recv` in a loop.
final class BlockingClient: @unchecked Sendable {
    // @unchecked: used by one thread at a time (the benchmark hands each client to a single thread).
    let fd: Int32
    private var buffer: [UInt8] = []

    init(port: UInt16, path: String) throws {
        fd = try connectLoopback(port: port)
        send(
            Array(
                "GET \(path) HTTP/1.1\r\nHost: bench\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n"
                    .utf8))
        while true {
            if let end = buffer.firstRange(of: [13, 10, 13, 10]) {
                guard buffer.starts(with: Array("HTTP/1.1 101".utf8)) else { throw BenchmarkError("upgrade refused") }
                buffer.removeSubrange(..<end.upperBound)
                return
            }
            guard receive(flags: 0) > 0 else { throw BenchmarkError("connection closed during the handshake") }
        }
    }

    deinit { close(fd) }

    /// Makes the close at release a reset (RST, `SO_LINGER` 0), as when a client process dies with unread data.
    func resetOnClose() {
        var option = linger(l_onoff: 1, l_linger: 0)
        setsockopt(fd, SOL_SOCKET, SO_LINGER, &option, socklen_t(MemoryLayout<linger>.size))
    }

    func send(_ bytes: [UInt8]) {
        sendAll(fd, bytes)
    }

    /// Blocks until one whole frame arrived and returns its payload, or nil at end of stream.
    func readFrame() -> [UInt8]? {
        while true {
            var payload: [UInt8]?
            takeFrames(limit: 1) { payload = Array($0) }
            if let payload { return payload }
            guard receive(flags: 0) > 0 else { return nil }
        }
    }

    /// Reads what the socket has now (the reader thread calls this once it is readable) and hands over whole
    /// frames. Returns false when the read found the end of the stream or an error instead of bytes.
    @discardableResult
    func readAvailableFrames(_ body: (ArraySlice<UInt8>) -> Void) -> Bool {
        let count = receive(flags: Int32(MSG_DONTWAIT))
        guard count > 0 else { return count < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) }
        takeFrames(limit: .max, body)
        return true
    }

    /// Appends what one `recv` returns to the buffer (through uninitialised scratch space, so nothing is zeroed) and
    /// returns its result: the bytes read, 0 at the end of the stream, −1 on an error.
    private func receive(flags: Int32) -> Int {
        withUnsafeTemporaryAllocation(byteCount: 65536, alignment: 16) { scratch in
            let count = recv(fd, scratch.baseAddress, scratch.count, flags)
            if count > 0 { buffer.append(contentsOf: UnsafeRawBufferPointer(rebasing: scratch[..<count])) }
            return count
        }
    }

    /// Passes up to `limit` complete unmasked server frames' payloads to `body` and drops them from the buffer.
    private func takeFrames(limit: Int, _ body: (ArraySlice<UInt8>) -> Void) {
        var offset = 0
        var taken = 0
        while taken < limit, buffer.count - offset >= 2 {
            let short = Int(buffer[offset + 1] & 0x7F)
            let headerSize = short == 126 ? 4 : short == 127 ? 10 : 2
            guard buffer.count - offset >= headerSize else { break }
            let length =
                short < 126 ? short : buffer[(offset + 2)..<(offset + headerSize)].reduce(0) { $0 << 8 | Int($1) }
            guard buffer.count - offset >= headerSize + length else { break }
            body(buffer[(offset + headerSize)..<(offset + headerSize + length)])
            offset += headerSize + length
            taken += 1
        }
        buffer.removeSubrange(..<offset)
    }
}

/// A blocking TCP socket connected to 127.0.0.1:`port`, with `TCP_NODELAY`.
func connectLoopback(port: UInt16) throws -> Int32 {
    let fd = socket(AF_INET, streamType, 0)
    let connected = withLoopbackAddress(port: port) { connect(fd, $0, $1) }
    disableNagle(fd)
    guard connected == 0 else {
        let code = errno
        close(fd)
        throw BenchmarkError("connect to 127.0.0.1:\(port) failed: errno \(code)")
    }
    return fd
}

/// Writes all of `bytes` to a blocking socket with `send(2)` (without SIGPIPE); stops early if the peer is gone.
func sendAll(_ fd: Int32, _ bytes: [UInt8]) {
    var offset = 0
    while offset < bytes.count {
        let written = bytes[offset...].withUnsafeBytes { send(fd, $0.baseAddress, $0.count, sendFlags) }
        guard written > 0 else { return }
        offset += written
    }
}

/// Calls `body` with 127.0.0.1:`port` as a `sockaddr` (for `connect` and `bind`).
func withLoopbackAddress<T>(port: UInt16, _ body: (UnsafePointer<sockaddr>, socklen_t) -> T) -> T {
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = port.bigEndian
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    return withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { body($0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
    }
}

/// Sends small writes at once (`TCP_NODELAY`), as the engine does on its own sockets.
func disableNagle(_ fd: Int32) {
    var enable: Int32 = 1
    setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &enable, socklen_t(MemoryLayout<Int32>.size))
}

#if os(Linux)
    let streamType = Int32(SOCK_STREAM.rawValue)
    private let sendFlags = Int32(MSG_NOSIGNAL)
#else
    let streamType = SOCK_STREAM
    private let sendFlags: Int32 = 0
#endif
