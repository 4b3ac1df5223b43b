// The opening handshake rules, close codes, and ws:// URLs.
import HypergraphEventLoop
import HypergraphHTTP
import XCTest

@testable import HypergraphWebSocket

final class HandshakeTests: XCTestCase {
    private func upgradeRequest(_ headers: HTTPHeaders, method: String = "GET") -> HTTPRequest {
        HTTPRequest(method: method, target: "/chat", headers: headers)
    }

    private let validHeaders: HTTPHeaders = [
        "Host": "server.example.com", "Upgrade": "websocket", "Connection": "Upgrade",
        "Sec-WebSocket-Key": "dGhlIHNhbXBsZSBub25jZQ==", "Sec-WebSocket-Version": "13",
    ]

    private func rejection(_ request: HTTPRequest) -> HTTPResponse? {
        do {
            _ = try Handshake.validate(request)
            return nil
        } catch {
            return error.response
        }
    }

    func testRFCAcceptExample() throws {
        XCTAssertEqual(Handshake.acceptValue(forKey: "dGhlIHNhbXBsZSBub25jZQ=="), "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=")
        XCTAssertEqual(try Handshake.validate(upgradeRequest(validHeaders)), "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=")
    }

    func testRejections() {
        XCTAssertEqual(rejection(upgradeRequest(validHeaders, method: "POST"))?.status, 405)
        var headers = validHeaders
        headers.remove(name: "Host")
        XCTAssertEqual(rejection(upgradeRequest(headers))?.status, 400)
        headers = validHeaders
        headers.replace(name: "Connection", value: "keep-alive")
        XCTAssertEqual(rejection(upgradeRequest(headers))?.status, 400)
        headers = validHeaders
        headers.replace(name: "Sec-WebSocket-Key", value: "c2hvcnQ=")
        XCTAssertEqual(rejection(upgradeRequest(headers))?.status, 400)
        headers = validHeaders
        headers.replace(name: "Sec-WebSocket-Version", value: "8")
        let wrongVersion = rejection(upgradeRequest(headers))
        XCTAssertEqual(wrongVersion?.status, 426)
        XCTAssertEqual(wrongVersion?.headers["Sec-WebSocket-Version"], "13")
    }

    func testSwitchingProtocolsResponse() {
        let response = Handshake.switchingProtocols(accept: "abc", extraHeaders: ["Sec-WebSocket-Protocol": "chat"])
        let text = String(decoding: response.encoded(closing: false).bytes, as: UTF8.self)
        XCTAssertEqual(
            text,
            "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: abc\r\nSec-WebSocket-Protocol: chat\r\n\r\n"
        )
    }

    func testClientChecksTheAnswer() {
        let key = Handshake.makeKey()
        let good: HTTPHeaders = [
            "Upgrade": "websocket", "Connection": "Upgrade", "Sec-WebSocket-Accept": Handshake.acceptValue(forKey: key),
        ]
        XCTAssertNoThrow(try Handshake.checkResponse(headers: good, key: key, requestHeaders: [:]))
        var wrong = good
        wrong.replace(name: "Sec-WebSocket-Accept", value: "nope")
        XCTAssertThrowsError(try Handshake.checkResponse(headers: wrong, key: key, requestHeaders: [:]))
        var extensions = good
        extensions.add(name: "Sec-WebSocket-Extensions", value: "permessage-deflate")
        XCTAssertThrowsError(
            try Handshake.checkResponse(headers: extensions, key: key, requestHeaders: [:]))
    }

    func testURLs() throws {
        XCTAssertEqual(
            try WebSocketURL("ws://127.0.0.1:9001/runCase?case=1&agent=x"),
            try WebSocketURL("ws://127.0.0.1:9001/runCase?case=1&agent=x"))
        let url = try WebSocketURL("ws://127.0.0.1:9001/runCase?case=1&agent=x")
        XCTAssertEqual(url.host, "127.0.0.1")
        XCTAssertEqual(url.port, 9001)
        XCTAssertEqual(url.target, "/runCase?case=1&agent=x")
        XCTAssertEqual(try WebSocketURL("ws://example.com").target, "/")
        XCTAssertEqual(try WebSocketURL("ws://example.com").hostHeader, "example.com")
        XCTAssertEqual(try WebSocketURL("ws://[::1]:8080/").host, "::1")
        XCTAssertEqual(try WebSocketURL("ws://[::1]:8080/").hostHeader, "[::1]:8080")
        let secure = try WebSocketURL("wss://example.com/sync")
        XCTAssertEqual([secure.port, try WebSocketURL("ws://example.com").port], [443, 80])
        XCTAssertTrue(secure.isSecure)
        XCTAssertEqual(secure.hostHeader, "example.com")
        XCTAssertEqual(try WebSocketURL("wss://example.com:8443").hostHeader, "example.com:8443")
        XCTAssertEqual(try WebSocketURL("wss://example.com:80").hostHeader, "example.com:80")
        XCTAssertThrowsError(try WebSocketURL("ftp://example.com/")) { error in
            XCTAssertEqual(
                error as? WebSocketClientError, .invalidURL("ftp://example.com/", "the scheme must be ws:// or wss://"))
        }
        XCTAssertThrowsError(try WebSocketURL("http://example.com/"))
        XCTAssertThrowsError(try WebSocketURL("not a url"))
    }

    func testCloseCodes() {
        XCTAssertEqual(WebSocketCloseCode(rawValue: 1000), .normalClosure)
        XCTAssertEqual(WebSocketCloseCode.unknown(1000), .normalClosure)
        XCTAssertEqual(WebSocketCloseCode(rawValue: 4001), .unknown(4001))
        XCTAssertEqual(WebSocketCloseCode.tryAgainLater.rawValue, 1013)
        XCTAssertEqual(WebSocketCloseCode.protocolError.description, "1002 (protocol error)")
        XCTAssertFalse(WebSocketCloseCode.noStatusReceived.isAllowedInCloseFrame)
        XCTAssertFalse(WebSocketCloseCode.abnormalClosure.isAllowedInCloseFrame)
        XCTAssertTrue(WebSocketCloseCode.unknown(3000).isAllowedInCloseFrame)
        XCTAssertFalse(WebSocketCloseCode.unknown(5000).isAllowedInCloseFrame)
    }

    func testCloseReasonIsCutAtACharacterBoundary() {
        let reason = String(repeating: "€", count: 50) // 150 bytes
        let cut = truncatedUTF8(reason, maximumBytes: 123)
        XCTAssertEqual(cut.count, 123)
        XCTAssertEqual(String(decoding: cut, as: UTF8.self), String(repeating: "€", count: 41))
    }
}
