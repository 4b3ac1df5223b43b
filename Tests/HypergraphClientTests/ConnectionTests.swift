import HypergraphClient
import HypergraphProtocol
import HypergraphWebSocket
import XCTest

final class ConnectionTests: XCTestCase {
    func testTheTokenIsAppendedPercentEncoded() throws {
        XCTAssertEqual(
            try HypergraphClient.authenticatedURL("ws://127.0.0.1:3030", token: "abc"), "ws://127.0.0.1:3030?token=abc")
        XCTAssertEqual(
            try HypergraphClient.authenticatedURL("ws://h/path?x=1", token: "a b+c&d=é"),
            "ws://h/path?x=1&token=a%20b%2Bc%26d%3D%C3%A9")
        XCTAssertEqual(try HypergraphClient.authenticatedURL("ws://h/?", token: "-._~"), "ws://h/?token=-._~")
        XCTAssertEqual(
            try HypergraphClient.authenticatedURL("ws://h/?token=a&token=b", token: nil), "ws://h/?token=a&token=b")
        XCTAssertThrowsError(try HypergraphClient.authenticatedURL("ws://h/#frag", token: "t")) { error in
            guard case .invalidURL(_, let reason) = error as? HypergraphClientError else {
                return XCTFail("expected invalidURL, got \(error)")
            }
            XCTAssertTrue(reason.contains("fragment"), reason)
        }
    }

    func testTheServerReceivesTheTokenDecoded() async throws {
        let token = "séssion token+/&=?"
        let server = try await FakeServer.start(acceptedTokens: [token])
        let session = try await HypergraphClient.connect(url: server.url, token: token)
        _ = try await session.listSpaces()
        let tokens = await server.log.tokens
        XCTAssertEqual(tokens, [token])
        await session.close()
        await server.shutdown()
    }

    func testAnHTTPRejectionIsAConnectionFailureWithTheStatus() async throws {
        let server = try await FakeServer.start(refusal: .httpUnauthorized)
        do {
            _ = try await HypergraphClient.connect(url: server.url, token: "wrong")
            XCTFail("connected with a wrong token")
        } catch .connectionFailed(.handshakeRejected(let status, _, _, let body)) {
            XCTAssertEqual(status, 401)
            XCTAssertEqual(String(decoding: body, as: UTF8.self), "unknown token\n")
        } catch {
            XCTFail("expected a rejected handshake, got \(error)")
        }
        await server.shutdown()
    }

    func testACloseAfterTheUpgradeFailsRequestsWithTheCloseCode() async throws {
        let server = try await FakeServer.start(refusal: .closeWith4401)
        let session = try await HypergraphClient.connect(url: server.url, token: "wrong")
        let status = try await session.waitForClose(timeout: .seconds(10))
        XCTAssertEqual(status.code, .unknown(4401))
        XCTAssertEqual(status.reason, "unauthorized")
        do {
            _ = try await session.listSpaces()
            XCTFail("a closed session answered")
        } catch {
            XCTAssertEqual(error, .closed(code: .unknown(4401), reason: "unauthorized"))
        }
        do {
            try await session.sendRaw(text: "{}")
            XCTFail("sent on a closed session")
        } catch {
            XCTAssertEqual(error, .closed(code: .unknown(4401), reason: "unauthorized"))
        }
        let event = try await session.nextEvent(timeout: .seconds(1))
        XCTAssertEqual(event, .closed(code: .unknown(4401), reason: "unauthorized"))
        await server.shutdown()
    }

    func testConnectingToNothingFails() async throws {
        let server = try await FakeServer.start()
        let url = server.url
        await server.shutdown()
        do {
            _ = try await HypergraphClient.connect(url: url, token: validToken)
            XCTFail("connected to a stopped server")
        } catch .connectionFailed {
        } catch {
            XCTFail("expected connectionFailed, got \(error)")
        }
        do {
            _ = try await HypergraphClient.connect(url: "ftp://example.com", token: validToken)
            XCTFail("connected with ftp")
        } catch .invalidURL(let url, let reason) {
            XCTAssertEqual(url, "ftp://example.com")
            XCTAssertTrue(reason.contains("wss://"), reason)
        } catch {
            XCTFail("expected invalidURL, got \(error)")
        }
    }

    func testCloseEndsTheSessionCleanly() async throws {
        let server = try await FakeServer.start()
        let session = try await HypergraphClient.connect(url: server.url, token: validToken)
        let status = await session.close()
        XCTAssertEqual(status.code, .normalClosure)
        let again = await session.close(code: .goingAway)
        XCTAssertEqual(again, status)
        let closeStatus = await session.closeStatus
        XCTAssertEqual(closeStatus, status)
        do {
            try await session.send(.listSpaces(ListSpacesRequest()))
            XCTFail("sent on a closed session")
        } catch {
            XCTAssertEqual(error, .closed(code: .normalClosure, reason: ""))
        }
        var events: [HypergraphSessionEvent] = []
        for await event in session.events { events.append(event) }
        XCTAssertEqual(events, [.closed(code: .normalClosure, reason: "")])
        let transcript = await session.transcript
        XCTAssertEqual(transcript.entries.first?.direction, .sent)
        XCTAssertEqual(transcript.entries.first?.content, .close(code: .normalClosure, reason: ""))
        XCTAssertEqual(transcript.entries.last?.content, .close(code: .normalClosure, reason: ""))
        XCTAssertEqual(transcript.entries.last?.direction, .received)
        await server.shutdown()
    }
}
