// A WebSocket client on a plain blocking socket, for the tests that need what a well-behaved client never does:
// pipelining without reading and then vanishing with a TCP reset.
import HypergraphWebSocket

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// An upgraded connection to a loopback server that writes frames and never reads.
final class RawConnection {
    /// The socket; -1 once reset.
    private var fd: Int32

    /// Connects to 127.0.0.1:`port` and upgrades with `token`; throws when the server does not answer 101.
    init(port: UInt16, token: String?) throws {
        fd = socket(AF_INET, Self.streamType, 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard connected == 0 else { throw RawConnectionError(description: "connect failed: errno \(errno)") }
        write(
            Array(
                ("GET /?token=\(token ?? "") HTTP/1.1\r\nHost: test\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                    + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n").utf8))
        var head: [UInt8] = []
        var byte: UInt8 = 0
        while head.suffix(4) != [13, 10, 13, 10] { // One byte at a time, so nothing after the head is consumed.
            guard recv(fd, &byte, 1, 0) == 1 else { throw RawConnectionError(description: "no upgrade response") }
            head.append(byte)
        }
        guard head.starts(with: Array("HTTP/1.1 101".utf8)) else {
            throw RawConnectionError(description: "upgrade refused: \(String(decoding: head, as: UTF8.self))")
        }
    }

    deinit { if fd >= 0 { close(fd) } }

    /// Sends each message as a masked text frame, all in one write.
    func sendFrames(_ messages: [String]) {
        write(
            messages.flatMap {
                WebSocketFrame(opcode: .text, maskingKey: .random(), payload: Array($0.utf8)).encoded()
            })
    }

    /// Ends the connection with a TCP reset (`SO_LINGER` 0), leaving every reply unread.
    func reset() {
        var option = linger(l_onoff: 1, l_linger: 0)
        setsockopt(fd, SOL_SOCKET, SO_LINGER, &option, socklen_t(MemoryLayout<linger>.size))
        close(fd)
        fd = -1
    }

    private func write(_ bytes: [UInt8]) {
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Self.sendFlags) }
            guard written > 0 else { return }
            offset += written
        }
    }

    #if os(Linux)
        private static let streamType = Int32(SOCK_STREAM.rawValue)
        private static let sendFlags = Int32(MSG_NOSIGNAL)
    #else
        private static let streamType = SOCK_STREAM
        private static let sendFlags: Int32 = 0
    #endif
}

/// A raw connection that could not be opened.
struct RawConnectionError: Error, CustomStringConvertible {
    var description: String
}
