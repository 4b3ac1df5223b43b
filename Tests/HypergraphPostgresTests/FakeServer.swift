import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A one-connection TCP server on 127.0.0.1 that reads the client's first bytes, answers with fixed bytes and
/// keeps the connection open for two seconds: enough to script a misbehaving PostgreSQL server.
final class FakeServer: Sendable {
    let port: UInt16

    init(reply: [UInt8]) throws {
        let (listener, port) = try Self.makeListener()
        self.port = port
        Thread {
            defer { close(listener) }
            let client = accept(listener, nil, nil)
            guard client >= 0 else { return }
            defer { close(client) }
            var buffer = [UInt8](repeating: 0, count: 1024)
            _ = recv(client, &buffer, buffer.count, 0)
            if !reply.isEmpty { _ = send(client, reply, reply.count, 0) }
            sleep(2)
        }.start()
    }

    /// A port nothing listens on (bound and released).
    static func unusedPort() throws -> UInt16 {
        let (listener, port) = try makeListener()
        close(listener)
        return port
    }

    private static func makeListener() throws -> (Int32, UInt16) {
        #if os(Linux)
            let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        #else
            let fd = socket(AF_INET, SOCK_STREAM, 0)
        #endif
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let ok = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, length) == 0 && listen(fd, 1) == 0 && getsockname(fd, $0, &length) == 0
            }
        }
        guard fd >= 0, ok else { throw POSIXError(.EADDRINUSE) }
        return (fd, UInt16(bigEndian: address.sin_port))
    }
}
