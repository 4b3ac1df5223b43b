// Request and response heads: what is accepted, and the status and message for what is not.
import HypergraphEventLoop
import XCTest

@testable import HypergraphHTTP

final class HTTPParserTests: XCTestCase {
    private func parse(_ text: String) throws(HTTPParseError) -> HTTPRequest {
        try HTTPParser.parseRequest(head: Array(text.utf8)[...], remoteAddress: "test")
    }

    private func error(_ text: String) -> HTTPParseError? {
        do {
            _ = try parse(text)
            return nil
        } catch {
            return error
        }
    }

    func testParsesRequestLineHeadersPathAndQuery() throws {
        let request = try parse(
            "GET /sync/v1?token=a%2Bb&name=hello+world&flag HTTP/1.1\r\nHost: x\r\nX-Multi: 1\r\nx-multi:  2 \r\n\r\n")
        XCTAssertEqual(request.method, "GET")
        XCTAssertEqual(request.path, "/sync/v1")
        XCTAssertEqual(request.query, "token=a%2Bb&name=hello+world&flag")
        XCTAssertEqual(request.queryValue("token"), "a+b")
        XCTAssertEqual(request.queryValue("name"), "hello world")
        XCTAssertEqual(request.queryValue("flag"), "")
        XCTAssertNil(request.queryValue("missing"))
        XCTAssertEqual(request.headers["HOST"], "x")
        XCTAssertEqual(request.headers.values(for: "x-multi"), ["1", "2"])
        XCTAssertTrue(request.keepsConnectionAlive)
    }

    func testFindsTheEndOfTheHead() {
        let bytes = Array("GET / HTTP/1.1\r\nHost: x\r\n\r\nBODY".utf8)
        XCTAssertEqual(HTTPParser.endOfHead(in: bytes, searchingFrom: 0), bytes.count - 4)
        XCTAssertNil(HTTPParser.endOfHead(in: Array("GET / HTTP/1.1\r\nHost: x\r\n".utf8), searchingFrom: 0))
    }

    func testMalformedRequestsSayWhatIsWrong() {
        XCTAssertEqual(error("GET /\r\n\r\n")?.status, 400)
        XCTAssertEqual(
            error("GET  / HTTP/1.1\r\n\r\n")?.message, "request line 'GET  / HTTP/1.1' is not 'METHOD /target HTTP/1.1'"
        )
        XCTAssertEqual(
            error("GET http://x/ HTTP/1.1\r\n\r\n")?.message, "request target 'http://x/' does not start with '/'")
        XCTAssertEqual(error("GET / HTTP/2.0\r\n\r\n")?.status, 505)
        XCTAssertEqual(error("GET / HTTX/1.1\r\n\r\n")?.status, 400)
        XCTAssertEqual(error("GET / HTTP/1.1\r\nNoColon\r\n\r\n")?.message, "header line 2 'NoColon' has no ':'")
        XCTAssertEqual(error("GET / HTTP/1.1\r\nA: 1\r\n folded\r\n\r\n")?.status, 400)
        XCTAssertEqual(error("GET / HTTP/1.1\nHost: x\r\n\r\n")?.message, "line 1 of the head has a bare CR or LF")
        XCTAssertEqual(error("GET / HTTP/1.1\r\nBad Name: 1\r\n\r\n")?.status, 400)
        XCTAssertEqual(
            error("GET / HTTP/1.1\r\nA: x\u{1}y\r\n\r\n")?.message, "header 'A' has a control character in its value")
    }

    func testContentLength() throws {
        XCTAssertEqual(try HTTPParser.contentLength(of: ["Content-Length": "42"], status: 400), 42)
        XCTAssertEqual(try HTTPParser.contentLength(of: [:], status: 400), 0)
        XCTAssertThrowsError(
            try HTTPParser.contentLength(of: ["Content-Length": "4", "content-length": "5"], status: 400))
        XCTAssertThrowsError(try HTTPParser.contentLength(of: ["Content-Length": "-1"], status: 400))
        XCTAssertThrowsError(
            try HTTPParser.contentLength(of: ["Content-Length": "99999999999999999999999"], status: 400))
        XCTAssertThrowsError(try HTTPParser.contentLength(of: ["Transfer-Encoding": "chunked"], status: 400)) { error in
            XCTAssertEqual((error as? HTTPParseError)?.status, 501)
        }
    }

    func testConnectionPersistence() throws {
        XCTAssertFalse(try parse("GET / HTTP/1.1\r\nConnection: close\r\n\r\n").keepsConnectionAlive)
        XCTAssertFalse(try parse("GET / HTTP/1.0\r\n\r\n").keepsConnectionAlive)
        XCTAssertTrue(try parse("GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n").keepsConnectionAlive)
    }

    func testParsesResponseHeads() throws {
        let head = Array("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n\r\n".utf8)
        let (status, reason, headers) = try HTTPParser.parseResponse(head: head[...])
        XCTAssertEqual(status, 101)
        XCTAssertEqual(reason, "Switching Protocols")
        XCTAssertEqual(headers["upgrade"], "websocket")
        XCTAssertThrowsError(try HTTPParser.parseResponse(head: Array("HTTP/1.1 1O1 X\r\n\r\n".utf8)[...]))
    }

    func testResponseEncoding() {
        let response = HTTPResponse.text("hi", status: 404)
        let text = String(decoding: response.encoded(closing: true).bytes, as: UTF8.self)
        XCTAssertEqual(
            text,
            "HTTP/1.1 404 Not Found\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: 2\r\nConnection: close\r\n\r\nhi"
        )
    }

    func testHeaderTokens() {
        let headers: HTTPHeaders = ["Connection": "keep-alive, Upgrade"]
        XCTAssertTrue(headers.contains(token: "upgrade", in: "connection"))
        XCTAssertFalse(headers.contains(token: "close", in: "connection"))
    }

    func testRepeatedFieldsAreKeptInOrderWithACombinedViewForListHeaders() throws {
        let request = try parse(
            "GET / HTTP/1.1\r\nHost: x\r\nVia: 1.0 fred\r\nCookie: a=1\r\nvia: 1.1 p.example\r\nCOOKIE: b=2\r\n\r\n")
        XCTAssertEqual(request.headers.fields.map(\.name), ["Host", "Via", "Cookie", "via", "COOKIE"])
        XCTAssertEqual(request.headers.values(for: "VIA"), ["1.0 fred", "1.1 p.example"])
        XCTAssertEqual(request.headers["via"], "1.0 fred", "the subscript is the first value")
        XCTAssertEqual(request.headers.combinedValue(for: "Via"), "1.0 fred, 1.1 p.example")
        XCTAssertNil(request.headers.combinedValue(for: "Warning"))
    }

    func testRequestEncoding() {
        var request = HTTPRequest(method: "POST", target: "/a?b=c", headers: ["Set-Cookie": "1", "set-cookie": "2"])
        XCTAssertEqual(
            String(decoding: request.encoded().bytes, as: UTF8.self),
            "POST /a?b=c HTTP/1.1\r\nSet-Cookie: 1\r\nset-cookie: 2\r\nContent-Length: 0\r\n\r\n",
            "a POST always carries its length, and repeated fields go out in order")
        request.method = "GET"
        XCTAssertEqual(
            String(decoding: request.encoded().bytes, as: UTF8.self),
            "GET /a?b=c HTTP/1.1\r\nSet-Cookie: 1\r\nset-cookie: 2\r\n\r\n")
    }
}
