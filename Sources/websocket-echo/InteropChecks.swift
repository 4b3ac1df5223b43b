// Interoperability checks of HypergraphWebSocket's client against another implementation's echo server
// (scripts/websocket-interop.py runs them against Python `websockets`). The server must echo text and binary
// messages, and close with CODE and REASON when the path is /close/CODE/REASON.
import HypergraphCommandLine
import HypergraphTLS
@_spi(Testing) import HypergraphWebSocket

struct InteropChecks {
    /// The echo server's base URL, e.g. `ws://127.0.0.1:8765`.
    var url: String
    /// How a wss:// server's certificate is checked.
    var tls: TLSClientConfiguration

    /// Payload sizes from empty through every frame-length boundary to the 16 MiB message limit.
    static let sizes = [0, 1, 125, 126, 127, 65535, 65536, 65537, 1 << 20, 16 << 20]

    func run() async -> Int32 {
        var passed = 0
        var failed = 0
        for (name, check) in checks {
            do {
                try await check()
                passed += 1
            } catch {
                failed += 1
                writeStandardError("FAIL \(name): \(error)\n")
            }
        }
        writeStandardOutput("interop client: \(passed) passed, \(failed) failed\n")
        return failed == 0 ? ExitStatus.success : ExitStatus.failure
    }

    private var checks: [(String, () async throws -> Void)] {
        var checks: [(String, () async throws -> Void)] = []
        for size in InteropChecks.sizes {
            checks.append(("text echo \(size) B", { try await echo(.text(Self.text(byteCount: size))) }))
            checks.append(("binary echo \(size) B", { try await echo(.binary(Self.bytes(count: size))) }))
        }
        checks.append(("fragmented text with an interleaved ping", fragmentedText))
        checks.append(("fragmented binary (3 × 256 KiB)", fragmentedBinary))
        checks.append(("ping and pong", pingPong))
        checks.append(("client-initiated close 4002", clientClose))
        checks.append(("server-initiated close 4001", serverClose))
        checks.append(("oversized message closes with 1009", oversized))
        return checks
    }

    // MARK: Checks

    private func echo(_ message: WebSocketEvent) async throws {
        let socket = try await WebSocketClient.connect(to: url, tls: tls)
        var events = socket.events.makeAsyncIterator()
        switch message {
        case .text(let text): socket.send(text: text)
        case .binary(let bytes): socket.send(binary: bytes)
        default: break
        }
        try expect(await events.next(), message)
        socket.close()
        try expect(await events.next(), .closed(.normalClosure, reason: ""))
    }

    private func fragmentedText() async throws {
        let socket = try await WebSocketClient.connect(to: url, tls: tls)
        var events = socket.events.makeAsyncIterator()
        let parts = ["Hello, ", "wörld ", "— fragmented ✓"]
        socket.sendFrame(
            WebSocketFrame(fin: false, opcode: .text, maskingKey: .random(), payload: Array(parts[0].utf8)))
        socket.sendFrame(WebSocketFrame(opcode: .ping, maskingKey: .random(), payload: [7, 7]))
        socket.sendFrame(
            WebSocketFrame(fin: false, opcode: .continuation, maskingKey: .random(), payload: Array(parts[1].utf8)))
        socket.sendFrame(WebSocketFrame(opcode: .continuation, maskingKey: .random(), payload: Array(parts[2].utf8)))
        try expect(await events.next(), .pong([7, 7]))
        try expect(await events.next(), .text(parts.joined()))
        socket.close()
        try expect(await events.next(), .closed(.normalClosure, reason: ""))
    }

    private func fragmentedBinary() async throws {
        let socket = try await WebSocketClient.connect(to: url, tls: tls)
        var events = socket.events.makeAsyncIterator()
        let whole = Self.bytes(count: 3 * 256 * 1024)
        for (index, start) in stride(from: 0, to: whole.count, by: 256 * 1024).enumerated() {
            socket.sendFrame(
                WebSocketFrame(
                    fin: index == 2, opcode: index == 0 ? .binary : .continuation, maskingKey: .random(),
                    payload: Array(whole[start..<start + 256 * 1024])))
        }
        try expect(await events.next(), .binary(whole))
        socket.close()
        try expect(await events.next(), .closed(.normalClosure, reason: ""))
    }

    private func pingPong() async throws {
        let socket = try await WebSocketClient.connect(to: url, tls: tls)
        var events = socket.events.makeAsyncIterator()
        socket.ping(Array("are you there?".utf8))
        try expect(await events.next(), .pong(Array("are you there?".utf8)))
        socket.close()
        try expect(await events.next(), .closed(.normalClosure, reason: ""))
    }

    private func clientClose() async throws {
        let socket = try await WebSocketClient.connect(to: url, tls: tls)
        var events = socket.events.makeAsyncIterator()
        socket.close(code: .unknown(4002), reason: "client is done")
        try expect(await events.next(), .closed(.unknown(4002), reason: "client is done"))
    }

    private func serverClose() async throws {
        let socket = try await WebSocketClient.connect(to: "\(url)/close/4001/bye", tls: tls)
        var events = socket.events.makeAsyncIterator()
        try expect(await events.next(), .closed(.unknown(4001), reason: "bye"))
    }

    private func oversized() async throws {
        var configuration = WebSocketConfiguration()
        configuration.maximumMessageSize = 1000
        let socket = try await WebSocketClient.connect(to: url, configuration: configuration, tls: tls)
        var events = socket.events.makeAsyncIterator()
        socket.send(binary: Self.bytes(count: 2000))
        guard case .closed(.messageTooBig, _) = await events.next() else {
            throw InteropFailure(message: "expected a 1009 close for a 2000-byte echo over a 1000-byte limit")
        }
    }

    // MARK: Helpers

    private func expect(_ event: WebSocketEvent?, _ expected: WebSocketEvent) throws {
        guard event == expected else {
            throw InteropFailure(message: "expected \(summary(expected)), got \(event.map(summary) ?? "end of events")")
        }
    }

    private func summary(_ event: WebSocketEvent) -> String {
        switch event {
        case .text(let text): "text of \(text.utf8.count) bytes"
        case .binary(let bytes): "binary of \(bytes.count) bytes"
        case .pong(let bytes): "pong \(bytes)"
        case .closed(let code, let reason): "close \(code) '\(reason)'"
        }
    }

    /// Text of exactly `byteCount` UTF-8 bytes mixing one-, two- and three-byte characters.
    static func text(byteCount: Int) -> String {
        var text = String(repeating: "aé€", count: byteCount / 6) // 1 + 2 + 3 bytes
        text += String(repeating: "x", count: byteCount - text.utf8.count)
        return text
    }

    /// Deterministic pseudo-random bytes.
    static func bytes(count: Int) -> [UInt8] {
        var state: UInt32 = 2_463_534_242
        return (0..<count).map { _ in
            state ^= state << 13
            state ^= state >> 17
            state ^= state << 5
            return UInt8(truncatingIfNeeded: state)
        }
    }
}

/// A failed interoperability check.
struct InteropFailure: Error, CustomStringConvertible {
    var message: String
    var description: String { message }
}
