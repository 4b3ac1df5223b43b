import HypergraphEventLoop
import Synchronization
// The server and client together on loopback: messages, HTTP routing, upgrade decisions, close codes, protocol
// errors provoked with raw frames, limits, timeouts, broadcast and graceful shutdown.
import XCTest

@_spi(Testing) @testable import HypergraphWebSocket

final class ServerClientTests: XCTestCase {
    // MARK: Messages

    func testEchoesTextAndBinaryOfEverySize() async throws {
        let (server, port) = try await startServer()
        let socket = try await WebSocketClient.connect(to: "ws://127.0.0.1:\(port)/")
        var events = socket.events.makeAsyncIterator()
        for size in [0, 1, 125, 126, 65535, 65536, 1 << 20, 16 << 20] {
            let text = String(repeating: "é", count: size / 2) + String(repeating: "a", count: size % 2)
            socket.send(text: text)
            let echoedText = await events.next()
            XCTAssertEqual(echoedText, .text(text), "text of \(size) bytes")
            let bytes = (0..<size).map { UInt8(truncatingIfNeeded: $0) }
            socket.send(binary: bytes)
            let echoedBytes = await events.next()
            XCTAssertEqual(echoedBytes, .binary(bytes), "binary of \(size) bytes")
        }
        socket.close()
        let closed = await events.next()
        XCTAssertEqual(closed, .closed(.normalClosure, reason: ""))
        let end = await events.next()
        XCTAssertNil(end)
        await server.shutdown()
    }

    func testHandlersCanRunOnTheEventLoops() async throws {
        var configuration = WebSocketServerConfiguration()
        configuration.runsHandlersOnEventLoops = true
        let (server, port) = try await startServer(configuration: configuration)
        let socket = try await WebSocketClient.connect(to: "ws://127.0.0.1:\(port)/")
        var events = socket.events.makeAsyncIterator()
        for size in [0, 125, 65536, 1 << 20] {
            let bytes = (0..<size).map { UInt8(truncatingIfNeeded: $0 &* 7) }
            socket.send(binary: bytes)
            let echoed = await events.next()
            XCTAssertEqual(echoed, .binary(bytes))
        }
        let key = WebSocketMaskingKey(1, 1, 2, 3)
        socket.sendRawBytes(
            WebSocketFrame(opcode: .text, maskingKey: key, payload: Array("last".utf8)).encoded()
                + WebSocketFrame(reservedBits: 1, opcode: .text, maskingKey: key).encoded())
        let rest = await collect(socket)
        XCTAssertEqual(
            rest,
            [
                .text("last"),
                .closed(.protocolError, reason: "frame has reserved bits 1 set, but no extension was negotiated"),
            ])
        await server.shutdown()
    }

    func testFragmentedMessageWithInterleavedPingFromRawFrames() async throws {
        let (server, port) = try await startServer()
        let socket = try await WebSocketClient.connect(to: "ws://127.0.0.1:\(port)/")
        socket.sendFrame(WebSocketFrame(fin: false, opcode: .text, maskingKey: .random(), payload: Array("Hel".utf8)))
        socket.sendFrame(WebSocketFrame(opcode: .ping, maskingKey: .random(), payload: [1, 2, 3]))
        socket.sendFrame(WebSocketFrame(opcode: .continuation, maskingKey: .random(), payload: Array("lo".utf8)))
        socket.ping([9])
        // The pongs come straight from the server's event loop, the echo from its application task: any order.
        let events = await collect(socket, count: 3)
        XCTAssertEqual(Set(events), [.pong([1, 2, 3]), .text("Hello"), .pong([9])])
        await server.shutdown()
    }

    // MARK: Protocol errors seen from the client

    private func closeEvent(
        afterSending bytes: [UInt8], configuration: WebSocketServerConfiguration = WebSocketServerConfiguration()
    ) async throws -> WebSocketEvent? {
        let (server, port) = try await startServer(configuration: configuration)
        defer { Task { await server.shutdown() } }
        let socket = try await WebSocketClient.connect(to: "ws://127.0.0.1:\(port)/")
        socket.sendRawBytes(bytes)
        return await collect(socket).last
    }

    func testServerFailsTheConnectionWithTheRightCode() async throws {
        let key = WebSocketMaskingKey(1, 2, 3, 4)
        let reserved = WebSocketFrame(reservedBits: 0b100, opcode: .text, maskingKey: key, payload: [0x61]).encoded()
        let event = try await closeEvent(afterSending: reserved)
        XCTAssertEqual(
            event, .closed(.protocolError, reason: "frame has reserved bits 4 set, but no extension was negotiated"))

        let unmasked = WebSocketFrame(opcode: .text, payload: [0x61]).encoded()
        let unmaskedEvent = try await closeEvent(afterSending: unmasked)
        XCTAssertEqual(unmaskedEvent, .closed(.protocolError, reason: "client frame is not masked"))

        let badText = WebSocketFrame(opcode: .text, maskingKey: key, payload: [0xC0, 0xAF]).encoded()
        let badTextEvent = try await closeEvent(afterSending: badText)
        XCTAssertEqual(badTextEvent, .closed(.invalidPayloadData, reason: "text message is not valid UTF-8"))

        var small = WebSocketServerConfiguration()
        small.webSocket.maximumMessageSize = 100
        let big = WebSocketFrame(opcode: .binary, maskingKey: key, payload: [UInt8](repeating: 0, count: 101)).encoded()
        let bigEvent = try await closeEvent(afterSending: big, configuration: small)
        XCTAssertEqual(bigEvent, .closed(.messageTooBig, reason: "message exceeds the limit of 100 bytes"))

        let badClose = WebSocketFrame(opcode: .close, maskingKey: key, payload: [0x03, 0xED]).encoded() // 1005
        let badCloseEvent = try await closeEvent(afterSending: badClose)
        XCTAssertEqual(
            badCloseEvent, .closed(.protocolError, reason: "close code 1005 is not allowed in a close frame"))
    }

    func testMessagesBeforeAProtocolErrorAreAnsweredFirst() async throws {
        let (server, port) = try await startServer()
        let socket = try await WebSocketClient.connect(to: "ws://127.0.0.1:\(port)/")
        let key = WebSocketMaskingKey(9, 8, 7, 6)
        // One write: a valid message, then a frame with a reserved opcode.
        socket.sendRawBytes(
            WebSocketFrame(opcode: .text, maskingKey: key, payload: Array("first".utf8)).encoded()
                + WebSocketFrame(opcode: .unknown(5), maskingKey: key).encoded())
        let events = await collect(socket)
        XCTAssertEqual(events, [.text("first"), .closed(.protocolError, reason: "frame uses reserved opcode 5")])
        await server.shutdown()
    }

    // MARK: Closing

    func testCloseCodesBothWays() async throws {
        let seenByServer = Mailbox<WebSocketEvent>()
        let (server, port) = try await startServer { request in
            .accept { socket in
                if request.path == "/server-closes" { socket.close(code: .unknown(4001), reason: "bye from server") }
                for await event in socket.events { if case .closed = event { await seenByServer.put(event) } }
            }
        }
        let client = try await WebSocketClient.connect(to: "ws://127.0.0.1:\(port)/")
        client.close(code: .unknown(4000), reason: "bye from client")
        let clientSaw = await collect(client)
        XCTAssertEqual(clientSaw, [.closed(.unknown(4000), reason: "bye from client")])
        let serverSaw = await seenByServer.take()
        XCTAssertEqual(serverSaw, .closed(.unknown(4000), reason: "bye from client"))

        let closedByServer = try await WebSocketClient.connect(to: "ws://127.0.0.1:\(port)/server-closes")
        let events = await collect(closedByServer)
        XCTAssertEqual(events, [.closed(.unknown(4001), reason: "bye from server")])
        await server.shutdown()
    }

    func testHandlerReturningClosesWithNormalClosure() async throws {
        let (server, port) = try await startServer { _ in .accept { _ in } }
        let socket = try await WebSocketClient.connect(to: "ws://127.0.0.1:\(port)/")
        let events = await collect(socket)
        XCTAssertEqual(events, [.closed(.normalClosure, reason: "")])
        await server.shutdown()
    }

    func testGracefulShutdownSendsGoingAwayAndStopsAccepting() async throws {
        let (server, port) = try await startServer()
        let sockets = try await withThrowingTaskGroup(of: WebSocket.self) { group in
            for _ in 0..<5 { group.addTask { try await WebSocketClient.connect(to: "ws://127.0.0.1:\(port)/") } }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        await server.shutdown()
        for socket in sockets {
            let events = await collect(socket)
            XCTAssertEqual(events, [.closed(.goingAway, reason: "server is shutting down")])
        }
        XCTAssertEqual(server.connectionCount, 0)
        do {
            _ = try await WebSocketClient.connect(to: "ws://127.0.0.1:\(port)/")
            XCTFail("connected after shutdown")
        } catch let error as WebSocketClientError {
            guard case .connectionFailed = error else { return XCTFail("\(error)") }
        }
    }

    // MARK: Handshake and HTTP

    func testUpgradeDecisionSeesTheRequestAndCanReject() async throws {
        let (server, port) = try await startServer { request in
            guard request.queryValue("token") == "secret" else {
                return .reject(.text("bad token", status: 401))
            }
            let user = request.headers["X-User"] ?? "?"
            return .accept(headers: ["X-Greeting": "hi"]) { socket in socket.send(text: "hello \(user)") }
        }
        do {
            _ = try await WebSocketClient.connect(to: "ws://127.0.0.1:\(port)/sync?token=wrong")
            XCTFail("upgrade was not rejected")
        } catch let error as WebSocketClientError {
            guard case .handshakeRejected(let status, _, _, let body) = error else { return XCTFail("\(error)") }
            XCTAssertEqual(status, 401)
            XCTAssertEqual(String(decoding: body, as: UTF8.self), "bad token")
        }
        let socket = try await WebSocketClient.connect(
            to: "ws://127.0.0.1:\(port)/sync?token=secret", headers: ["X-User": "ada"])
        let events = await collect(socket)
        XCTAssertEqual(events, [.text("hello ada"), .closed(.normalClosure, reason: "")])
        await server.shutdown()
    }

    func testARejectionWithAnOversizedBodyStillReportsItsStatus() async throws {
        let (server, port) = try await startServer { _ in
            .reject(.text(String(repeating: "x", count: 100_000), status: 403))
        }
        do {
            _ = try await WebSocketClient.connect(to: "ws://127.0.0.1:\(port)/")
            XCTFail("upgrade was not rejected")
        } catch let error as WebSocketClientError {
            guard case .handshakeRejected(let status, let reason, _, let body) = error else {
                return XCTFail("\(error)")
            }
            XCTAssertEqual(status, 403)
            XCTAssertEqual(reason, "Forbidden")
            XCTAssertEqual(body, [], "a body over 64 KiB is dropped")
        }
        await server.shutdown()
    }

    func testPlainHTTPRequestsWithBodiesAndKeepAlive() async throws {
        let (server, port) = try await startServer(httpHandler: { request in
            .text("\(request.method) \(request.path) \(String(decoding: request.body, as: UTF8.self))")
        })
        do {
            let raw = try RawSocket(port: port)
            raw.transmit("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello")
            let first = String(
                decoding: raw.receive { String(decoding: $0, as: UTF8.self).hasSuffix("hello") }, as: UTF8.self)
            XCTAssertTrue(first.hasPrefix("HTTP/1.1 200 OK\r\n"), first)
            XCTAssertTrue(first.hasSuffix("\r\n\r\nPOST /echo hello"), first)
            raw.transmit("GET /again HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            let second = String(decoding: raw.receive(), as: UTF8.self)
            XCTAssertTrue(second.contains("Connection: close\r\n"), second)
            XCTAssertTrue(second.hasSuffix("GET /again "), second)
        }
        await server.shutdown()
    }

    func testMalformedRequestsGetErrorStatuses() async throws {
        var configuration = WebSocketServerConfiguration()
        configuration.maximumRequestBodySize = 10
        configuration.maximumRequestHeadSize = 1024
        let (server, port) = try await startServer(configuration: configuration)
        let cases: [(String, String)] = [
            ("GARBAGE\r\n\r\n", "HTTP/1.1 400 "),
            ("POST / HTTP/1.1\r\nContent-Length: 11\r\n\r\n", "HTTP/1.1 413 "),
            ("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n", "HTTP/1.1 501 "),
            ("GET / HTTP/1.1\r\nX: \(String(repeating: "a", count: 2000))\r\n\r\n", "HTTP/1.1 431 "),
            (rawUpgradeRequest.replacingOccurrences(of: "Version: 13", with: "Version: 8"), "HTTP/1.1 426 "),
            (rawUpgradeRequest.replacingOccurrences(of: "GET", with: "PUT"), "HTTP/1.1 405 "),
            ("GET /nothing HTTP/1.1\r\nHost: x\r\n\r\n", "HTTP/1.1 404 "),
        ]
        for (request, expected) in cases {
            let raw = try RawSocket(port: port)
            raw.transmit(request)
            let head = raw.receiveHead()
            XCTAssertTrue(head.hasPrefix(expected), "\(request.prefix(40)) → \(head)")
        }
        await server.shutdown()
    }

    func testServerStartsOnce() async throws {
        let (server, port) = try await startServer()
        do {
            try await server.start()
            XCTFail("started twice")
        } catch let error as WebSocketServerError {
            XCTAssertEqual(error, .alreadyStarted(port: port))
        }
        await server.shutdown()
        do {
            try await server.start()
            XCTFail("started after shutdown")
        } catch let error as WebSocketServerError {
            XCTAssertEqual(error, .shutDown)
        }
    }

    func testClientReportsConnectionFailures() async throws {
        let (server, port) = try await startServer()
        await server.shutdown()
        do {
            _ = try await WebSocketClient.connect(to: "ws://127.0.0.1:\(port)/")
            XCTFail("connected to a closed port")
        } catch let error as WebSocketClientError {
            guard case .connectionFailed(let cause) = error else { return XCTFail("\(error)") }
            XCTAssertEqual(cause.code, ECONNREFUSED)
        }
    }

    // MARK: Limits and timeouts

    func testHandshakeTimeoutDropsSilentConnections() async throws {
        var configuration = WebSocketServerConfiguration()
        configuration.webSocket.handshakeTimeout = .milliseconds(200)
        let (server, port) = try await startServer(configuration: configuration)
        let raw = try RawSocket(port: port)
        raw.transmit("GET / HTTP/1.1\r\n") // never finished
        XCTAssertTrue(raw.peerClosed())
        await server.shutdown()
    }

    func testDeadPeerIsDroppedAfterPingTimeout() async throws {
        var configuration = WebSocketServerConfiguration()
        configuration.webSocket.pingInterval = .milliseconds(100)
        configuration.webSocket.pongTimeout = .seconds(1) // generous: a live peer must never miss it on a busy machine
        let seen = Mailbox<WebSocketEvent>()
        let (server, port) = try await startServer(configuration: configuration) { _ in
            .accept { socket in for await event in socket.events { await seen.put(event) } }
        }
        let raw = try RawSocket(port: port)
        raw.transmit(rawUpgradeRequest)
        _ = raw.receiveHead()
        // The raw socket never answers the ping.
        let event = await seen.take()
        XCTAssertEqual(event, .closed(.abnormalClosure, reason: "no answer to a ping within 1.0 seconds"))

        // A live client answers pings and stays connected across many intervals.
        let live = try await WebSocketClient.connect(to: "ws://127.0.0.1:\(port)/")
        try await Task.sleep(for: .milliseconds(1500))
        live.send(text: "still here")
        live.close()
        let liveEvent = await seen.take()
        XCTAssertEqual(liveEvent, .text("still here"))
        await server.shutdown()
    }

    func testSlowReaderIsClosedWithTryAgainLater() async throws {
        var configuration = WebSocketServerConfiguration()
        configuration.webSocket.outboundHighWaterMark = 256 * 1024
        configuration.webSocket.closeTimeout = .milliseconds(200)
        let seen = Mailbox<WebSocketEvent>()
        let (server, port) = try await startServer(configuration: configuration) { _ in
            .accept { socket in
                let chunk = [UInt8](repeating: 7, count: 64 * 1024)
                for _ in 0..<2000 { socket.send(binary: chunk) } // 128 MiB to a peer that never reads
                for await event in socket.events { await seen.put(event) }
            }
        }
        let raw = try RawSocket(port: port)
        raw.transmit(rawUpgradeRequest)
        let event = await seen.take()
        guard case .closed(.tryAgainLater, _) = event else { return XCTFail("\(event)") }
        await server.shutdown()
    }

    func testSlowConsumerPausesReadingWithoutLosingMessages() async throws {
        let (server, port) = try await startServer { _ in
            .accept { socket in
                for index in 0..<200 { socket.send(text: "\(index):" + String(repeating: "x", count: 16 * 1024)) }
                socket.close()
            }
        }
        var configuration = WebSocketConfiguration()
        configuration.inboundBufferLimit = 32 * 1024
        let socket = try await WebSocketClient.connect(to: "ws://127.0.0.1:\(port)/", configuration: configuration)
        var indices: [Int] = []
        for await event in socket.events {
            guard case .text(let text) = event else { continue }
            indices.append(Int(text.prefix { $0 != ":" }) ?? -1)
            if indices.count % 50 == 0 { try await Task.sleep(for: .milliseconds(20)) }
        }
        XCTAssertEqual(indices, Array(0..<200))
        await server.shutdown()
    }

    // MARK: Broadcast

    func testBroadcastReachesEverySubscriber() async throws {
        let subscribers = Mutex<[WebSocket]>([])
        let ready = Mailbox<Int>()
        let (server, port) = try await startServer { _ in
            .accept { socket in
                let count = subscribers.withLock { list -> Int in
                    list.append(socket)
                    return list.count
                }
                await ready.put(count)
                for await _ in socket.events {}
            }
        }
        let clients = try await withThrowingTaskGroup(of: WebSocket.self) { group in
            for _ in 0..<20 { group.addTask { try await WebSocketClient.connect(to: "ws://127.0.0.1:\(port)/") } }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        for _ in 0..<20 { _ = await ready.take() }
        let frame = SharedWebSocketFrame(text: "to everyone")
        WebSocket.broadcast(frame, to: subscribers.withLock { $0 })
        WebSocket.broadcast(SharedWebSocketFrame(binary: [1, 2, 3]), to: subscribers.withLock { $0 })
        for client in clients {
            let events = await collect(client, count: 2)
            XCTAssertEqual(events, [.text("to everyone"), .binary([1, 2, 3])])
        }
        await server.shutdown()
    }
}
