// Loopback helpers for integration tests: a blocking raw TCP client (to speak malformed HTTP or stop reading),
// a server factory, and event collection with a safety timeout.
import HypergraphEventLoop
import HypergraphHTTP
import XCTest

@testable import HypergraphWebSocket

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A blocking TCP client on 127.0.0.1 with a receive timeout, so a broken server fails a test instead of hanging it.
final class RawSocket {
    let fd: Int32

    init(port: UInt16) throws {
        fd = socket(AF_INET, Socket.streamType, 0)
        var timeout = timeval(tv_sec: 5, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard result == 0 else { throw SocketError("connect", code: errno) }
    }

    deinit { close(fd) }

    func transmit(_ text: String) {
        transmit(Array(text.utf8))
    }

    func transmit(_ bytes: [UInt8]) {
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Socket.sendFlags) }
            guard written > 0 else { return }
            offset += written
        }
    }

    /// Reads until `done` says the bytes so far are enough, the peer closes, or the timeout passes.
    func receive(until done: ([UInt8]) -> Bool = { _ in false }) -> [UInt8] {
        var received: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        while !done(received) {
            let count = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            guard count > 0 else { break }
            received += chunk[..<count]
        }
        return received
    }

    /// Reads one HTTP response head (and whatever followed it in the same reads).
    func receiveHead() -> String {
        String(decoding: receive { HTTPParser.endOfHead(in: $0, searchingFrom: 0) != nil }, as: UTF8.self)
    }

    /// Whether the peer closed the connection (read returns 0) within the timeout, discarding any data.
    func peerClosed() -> Bool {
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if count == 0 { return true }
            if count < 0 { return errno == ECONNRESET }
        }
    }
}

/// A minimal upgrade request for raw sockets.
let rawUpgradeRequest =
    "GET / HTTP/1.1\r\nHost: test\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n"

/// An echo handler: returns every message, and records the close event it saw.
@Sendable func echo(_ socket: WebSocket) async {
    for await event in socket.events {
        switch event {
        case .text(let text): socket.send(text: text)
        case .binary(let bytes): socket.send(binary: bytes)
        default: break
        }
    }
}

/// Starts a server on a free loopback port.
func startServer(
    configuration: WebSocketServerConfiguration = WebSocketServerConfiguration(),
    upgradeHandler: @escaping @Sendable (HTTPRequest) async -> WebSocketUpgradeDecision = { _ in .accept(handler: echo)
    },
    httpHandler: @escaping @Sendable (HTTPRequest) async -> HTTPResponse = { _ in .text("Not Found\n", status: 404) }
) async throws -> (WebSocketServer, UInt16) {
    let server = WebSocketServer(configuration: configuration, httpHandler: httpHandler, upgradeHandler: upgradeHandler)
    let port = try await server.start()
    return (server, port)
}

/// Collects events until `.closed` or until `count` events arrived.
func collect(_ socket: WebSocket, count: Int = .max) async -> [WebSocketEvent] {
    var events: [WebSocketEvent] = []
    for await event in socket.events {
        events.append(event)
        if events.count == count { break }
    }
    return events
}

/// Passes values from a server handler to the test.
actor Mailbox<Value: Sendable> {
    private var values: [Value] = []
    private var waiters: [CheckedContinuation<Value, Never>] = []

    func put(_ value: Value) {
        if waiters.isEmpty { values.append(value) } else { waiters.removeFirst().resume(returning: value) }
    }

    func take() async -> Value {
        if !values.isEmpty { return values.removeFirst() }
        return await withCheckedContinuation { waiters.append($0) }
    }
}
