// Thin wrappers over the POSIX socket calls the engine needs, with errors that name the failing call.
// Stateless: every function works on a descriptor owned by its caller.
#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A failed socket system call.
public struct SocketError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The call and its subject, e.g. `connect(127.0.0.1:9001)`.
    public var operation: String
    /// `errno` after the call (or the `getaddrinfo` error code for name resolution).
    public var code: Int32
    /// Human-readable text for `code`.
    public var reason: String

    package init(_ operation: String, code: Int32 = errno) {
        self.operation = operation
        self.code = code
        reason = String(cString: strerror(code))
    }

    package init(resolving host: String, code: Int32) {
        operation = "getaddrinfo(\(host))"
        self.code = code
        reason = String(cString: gai_strerror(code))
    }

    /// The failed call and the system's explanation.
    public var description: String { "\(operation) failed: \(reason) (\(code))" }
}

/// A resolved address to connect to.
package struct SocketAddress {
    var storage: sockaddr_storage
    var length: socklen_t
}

/// The outcome of one non-blocking read or write.
enum IOResult: Equatable {
    /// This many bytes were transferred (more than zero).
    case transferred(Int)
    /// Nothing can be transferred until the selector reports readiness.
    case wouldBlock
    /// The peer closed its sending side (reads only).
    case endOfFile
    /// The connection failed with this `errno`.
    case failed(Int32)
}

/// Socket system calls.
package enum Socket {
    #if os(Linux)
        /// `SOCK_STREAM` as `socket` takes it.
        package static let streamType = Int32(SOCK_STREAM.rawValue)
        /// The flags every `send` uses (on Linux, MSG_NOSIGNAL: no SIGPIPE when the peer has gone).
        package static let sendFlags = Int32(MSG_NOSIGNAL)
    #else
        /// `SOCK_STREAM` as `socket` takes it.
        package static let streamType = SOCK_STREAM
        /// The flags every `send` uses (on Linux, MSG_NOSIGNAL: no SIGPIPE when the peer has gone).
        package static let sendFlags: Int32 = 0
    #endif

    /// Resolves `host` (a name or numeric IPv4/IPv6 address) to socket addresses for `port`.
    package static func resolve(host: String, port: UInt16) throws -> [SocketAddress] {
        var hints = addrinfo()
        hints.ai_socktype = streamType
        hints.ai_flags = AI_NUMERICSERV
        var list: UnsafeMutablePointer<addrinfo>?
        let status = getaddrinfo(host, String(port), &hints, &list)
        guard status == 0, let first = list else { throw SocketError(resolving: host, code: status) }
        defer { freeaddrinfo(first) }
        var addresses: [SocketAddress] = []
        var cursor: UnsafeMutablePointer<addrinfo>? = first
        while let entry = cursor {
            if let address = entry.pointee.ai_addr {
                var storage = sockaddr_storage()
                let length = min(Int(entry.pointee.ai_addrlen), MemoryLayout<sockaddr_storage>.size)
                withUnsafeMutableBytes(of: &storage) {
                    $0.copyMemory(from: UnsafeRawBufferPointer(start: address, count: length))
                }
                addresses.append(SocketAddress(storage: storage, length: socklen_t(length)))
            }
            cursor = entry.pointee.ai_next
        }
        guard !addresses.isEmpty else { throw SocketError(resolving: host, code: EAI_NONAME) }
        guard !addresses.isEmpty else { throw SocketError(resolving: host, code: EAI_NONAME) }
        return addresses
    }

    /// A non-blocking listening socket bound to `host:port` (port 0 picks a free one). Returns it and its port.
    package static func makeListener(host: String, port: UInt16, backlog: Int32) throws -> (fd: Int32, port: UInt16) {
        let endpoint = "\(host):\(port)"
        let address = try resolve(host: host, port: port)[0]
        let fd = try makeSocket(family: Int32(address.storage.ss_family), for: endpoint)
        do {
            var enable: Int32 = 1
            setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &enable, socklen_t(MemoryLayout<Int32>.size))
            var bound = address.storage
            let result = withUnsafePointer(to: &bound) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, address.length) }
            }
            guard result == 0 else { throw SocketError("bind(\(endpoint))") }
            guard listen(fd, backlog) == 0 else { throw SocketError("listen(\(endpoint))") }
            return (fd, try localPort(of: fd))
        } catch {
            close(fd)
            throw error
        }
    }

    /// Accepts one pending connection as a non-blocking, close-on-exec socket, or returns nil when none is pending.
    package static func acceptConnection(from listener: Int32) throws -> Int32? {
        while true {
            let fd = acceptNonBlocking(listener)
            if fd >= 0 {
                configureConnected(fd)
                return fd
            }
            switch errno {
            case EINTR, ECONNABORTED: continue
            case EAGAIN, EWOULDBLOCK: return nil
            default: throw SocketError("accept")
            }
        }
    }

    /// Starts a non-blocking connect to `address`. Returns the socket; completion is reported by writability,
    /// after which `pendingError` tells whether it succeeded.
    package static func startConnect(to address: SocketAddress, description: String) throws -> Int32 {
        let fd = try makeSocket(family: Int32(address.storage.ss_family), for: description)
        var target = address.storage
        let result = withUnsafePointer(to: &target) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, address.length) }
        }
        if result != 0 && errno != EINPROGRESS && errno != EINTR {
            let error = SocketError("connect(\(description))")
            close(fd)
            throw error
        }
        configureConnected(fd)
        return fd
    }

    /// The error a non-blocking connect ended with (0 for success).
    static func pendingError(of fd: Int32) -> Int32 {
        var code: Int32 = 0
        var length = socklen_t(MemoryLayout<Int32>.size)
        guard getsockopt(fd, SOL_SOCKET, SO_ERROR, &code, &length) == 0 else { return errno }
        return code
    }

    /// Reads what is available into `buffer`.
    static func read(_ fd: Int32, into buffer: UnsafeMutableRawBufferPointer) -> IOResult {
        while true {
            let count = recv(fd, buffer.baseAddress, buffer.count, 0)
            if count > 0 { return .transferred(count) }
            if count == 0 { return .endOfFile }
            switch errno {
            case EINTR: continue
            case EAGAIN, EWOULDBLOCK: return .wouldBlock
            default: return .failed(errno)
            }
        }
    }

    /// Writes the gathered buffers `vectors[0..<count]` in one call, without raising SIGPIPE.
    static func write(_ fd: Int32, vectors: UnsafeMutablePointer<iovec>, count: Int) -> IOResult {
        var message = msghdr()
        message.msg_iov = vectors
        #if os(Linux)
            message.msg_iovlen = count
        #else
            message.msg_iovlen = Int32(count)
        #endif
        while true {
            let written = sendmsg(fd, &message, sendFlags)
            if written >= 0 { return written == 0 ? .wouldBlock : .transferred(written) }
            switch errno {
            case EINTR: continue
            case EAGAIN, EWOULDBLOCK: return .wouldBlock
            default: return .failed(errno)
            }
        }
    }

    /// Releases a descriptor.
    package static func closeDescriptor(_ fd: Int32) {
        close(fd)
    }

    /// Sends FIN: the peer reads end-of-file once it has read everything sent before.
    static func shutdownWrite(_ fd: Int32) {
        shutdown(fd, Int32(SHUT_WR))
    }

    /// The local port a socket is bound to.
    static func localPort(of fd: Int32) throws -> UInt16 {
        var storage = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        let result = withUnsafeMutablePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        guard result == 0 else { throw SocketError("getsockname") }
        return port(of: storage)
    }

    /// "host:port" of the peer, for logs and the application.
    package static func peerDescription(of fd: Int32) -> String {
        var storage = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        let result = withUnsafeMutablePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getpeername(fd, $0, &length) }
        }
        guard result == 0 else { return "unknown" }
        var host = [CChar](repeating: 0, count: Int(NI_MAXHOST))
        let named = withUnsafePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                getnameinfo($0, length, &host, socklen_t(host.count), nil, 0, NI_NUMERICHOST)
            }
        }
        let address =
            named == 0
            ? String(decoding: host.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self) : "unknown"
        let text = storage.ss_family == sa_family_t(AF_INET6) ? "[\(address)]" : address
        return "\(text):\(port(of: storage))"
    }

    private static func port(of storage: sockaddr_storage) -> UInt16 {
        var copy = storage
        return withUnsafePointer(to: &copy) { pointer in
            pointer.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { UInt16(bigEndian: $0.pointee.sin_port) }
        }
    }

    private static func makeSocket(family: Int32, for description: String) throws -> Int32 {
        let fd = socket(family, streamType, 0)
        guard fd >= 0 else { throw SocketError("socket(\(description))") }
        setNonBlockingAndCloseOnExec(fd)
        return fd
    }

    /// Options every connected socket gets: no Nagle delay (frames are already batched per loop iteration),
    /// and on Darwin no SIGPIPE (Linux passes MSG_NOSIGNAL per send instead).
    private static func configureConnected(_ fd: Int32) {
        var enable: Int32 = 1
        setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &enable, socklen_t(MemoryLayout<Int32>.size))
        #if canImport(Darwin)
            setsockopt(fd, SOL_SOCKET, SO_NOSIGPIPE, &enable, socklen_t(MemoryLayout<Int32>.size))
        #endif
    }

    private static func setNonBlockingAndCloseOnExec(_ fd: Int32) {
        _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
        _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
    }

    #if os(Linux)
        private typealias Accept4Function =
            @convention(c) (Int32, UnsafeMutablePointer<sockaddr>?, UnsafeMutablePointer<socklen_t>?, Int32) -> Int32
        /// `accept4` sets non-blocking and close-on-exec in the same call, but Glibc's Swift overlay does not export
        /// it, so it is looked up once by name.
        private static let accept4: Accept4Function? = dlsym(nil, "accept4").map {
            unsafeBitCast($0, to: Accept4Function.self)
        }
        private static let acceptFlags = Int32(SOCK_NONBLOCK.rawValue | SOCK_CLOEXEC.rawValue)
    #endif

    private static func acceptNonBlocking(_ listener: Int32) -> Int32 {
        #if os(Linux)
            if let accept4 { return accept4(listener, nil, nil, acceptFlags) }
        #endif
        let fd = accept(listener, nil, nil)
        if fd >= 0 { setNonBlockingAndCloseOnExec(fd) }
        return fd
    }
}
