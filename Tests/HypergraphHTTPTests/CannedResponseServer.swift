// A one-shot loopback server for client tests: accepts one connection, reads the request head, writes canned
// response pieces (each its own send, to split the client's reads) and closes.
import Foundation
import HypergraphEventLoop

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Answers one connection on 127.0.0.1 with fixed bytes, then closes it.
final class CannedResponseServer: Sendable {
    /// The bound port.
    let port: UInt16
    private let fd: Int32
    private let finished = DispatchSemaphore(value: 0)

    /// Starts listening and answers the first connection with `pieces`, then keeps it open for `lingerMilliseconds`
    /// before closing; the request head received is passed to `request` before the answer goes out.
    init(
        pieces: [String], lingerMilliseconds: UInt32 = 0, request: @escaping @Sendable ([UInt8]) -> Void = { _ in }
    ) throws {
        let listener = socket(AF_INET, Socket.streamType, 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(listener, $0, length) == 0 && listen(listener, 1) == 0 && getsockname(listener, $0, &length) == 0
            }
        }
        guard bound else {
            close(listener)
            throw POSIXError(.EADDRNOTAVAIL)
        }
        fd = listener
        port = UInt16(bigEndian: address.sin_port)
        let finished = finished
        Thread {
            defer { finished.signal() }
            let connection = accept(listener, nil, nil)
            guard connection >= 0 else { return }
            defer { close(connection) }
            var timeout = timeval(tv_sec: 5, tv_usec: 0)
            setsockopt(connection, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
            var received: [UInt8] = []
            var buffer = [UInt8](repeating: 0, count: 4096)
            while !received.containsEndOfHead {
                let count = buffer.withUnsafeMutableBytes { recv(connection, $0.baseAddress, $0.count, 0) }
                guard count > 0 else { break }
                received += buffer[..<count]
            }
            request(received)
            for piece in pieces {
                _ = Array(piece.utf8).withUnsafeBytes { send(connection, $0.baseAddress, $0.count, Socket.sendFlags) }
                usleep(2000)
            }
            usleep(lingerMilliseconds * 1000)
        }.start()
    }

    /// Stops listening (waking an accept no client came for) and waits for the answer to have gone out.
    func stop() {
        shutdown(fd, Int32(SHUT_RDWR))
        finished.wait()
        close(fd)
    }
}

extension Array where Element == UInt8 {
    /// Whether an empty line (CRLF CRLF) has arrived.
    fileprivate var containsEndOfHead: Bool {
        count >= 4 && (0...(count - 4)).contains { self[$0..<$0 + 4].elementsEqual([13, 10, 13, 10]) }
    }
}
