// HTTPClient against canned responses on loopback: the request it sends, each way a body can be framed,
// repeated header fields, and the errors when no complete response comes.
import Synchronization
import XCTest

@testable import HypergraphHTTP

final class HTTPClientTests: XCTestCase {
    private func exchange(
        _ pieces: [String], request: HTTPRequest = HTTPRequest(method: "GET", target: "/x"),
        timeout: Duration = .seconds(5)
    ) async throws -> (response: HTTPResponse, request: String) {
        let received = Mutex<[UInt8]>([])
        let server = try CannedResponseServer(pieces: pieces) { bytes in received.withLock { $0 = bytes } }
        defer { server.stop() }
        let response = try await HTTPClient.send(
            request, host: "127.0.0.1", port: server.port, tls: nil, timeout: timeout)
        return (response, String(decoding: received.withLock { $0 }, as: UTF8.self))
    }

    func testSendsTheRequestAndReadsAContentLengthBody() async throws {
        var request = HTTPRequest(method: "POST", target: "/spaces?x=1", headers: ["X-A": "1", "x-a": "2"])
        request.body = Array("{}".utf8)
        let (response, sent) = try await exchange(
            ["HTTP/1.1 200 OK\r\nContent-", "Length: 4\r\n\r\nbo", "dy"], request: request)
        XCTAssertEqual(response.status, 200)
        XCTAssertEqual(String(decoding: response.body, as: UTF8.self), "body")
        let head = String(sent.prefix { $0 != "{" })
        XCTAssertTrue(head.hasPrefix("POST /spaces?x=1 HTTP/1.1\r\nX-A: 1\r\nx-a: 2\r\nHost: 127.0.0.1:"), head)
        XCTAssertTrue(head.hasSuffix("\r\nConnection: close\r\nContent-Length: 2\r\n\r\n"), head)
    }

    func testReadsAChunkedBodyAndRepeatedHeaders() async throws {
        let (response, _) = try await exchange([
            "HTTP/1.1 200 OK\r\nSet-Cookie: a=1\r\nTransfer-Encoding: chunked\r\nSet-Cookie: b=2\r\n\r\n",
            "3\r\nabc\r\n", "2\r\nde\r\n0\r\n\r\n",
        ])
        XCTAssertEqual(String(decoding: response.body, as: UTF8.self), "abcde")
        XCTAssertEqual(response.headers.values(for: "set-cookie"), ["a=1", "b=2"])
    }

    func testReadsABodyUntilTheServerCloses() async throws {
        let (response, _) = try await exchange(["HTTP/1.1 200 OK\r\n\r\nuntil ", "the end"])
        XCTAssertEqual(String(decoding: response.body, as: UTF8.self), "until the end")
    }

    func testACutShortResponseAndATimeoutAreErrors() async throws {
        do {
            _ = try await exchange(["HTTP/1.1 200 OK\r\nContent-Length: 9\r\n\r\nshort"])
            XCTFail("a cut-short body is not a response")
        } catch let error as HTTPClientError {
            guard case .invalidResponse(_, let detail) = error else { return XCTFail("\(error)") }
            XCTAssertEqual(detail, "the server closed the connection after 5 of 9 body bytes")
        }
        let server = try CannedResponseServer(pieces: ["HTTP/1.1 200 OK\r\n"], lingerMilliseconds: 1000)
        defer { server.stop() }
        do {
            _ = try await HTTPClient.send(
                HTTPRequest(method: "GET", target: "/"), host: "127.0.0.1", port: server.port, tls: nil,
                timeout: .milliseconds(200))
            XCTFail("half a head is not a response")
        } catch let error as HTTPClientError {
            guard case .timedOut = error else { return XCTFail("\(error)") }
        }
    }

    func testRefusedConnection() async throws {
        let server = try CannedResponseServer(pieces: [])
        let port = server.port
        server.stop()
        do {
            _ = try await HTTPClient.send(
                HTTPRequest(method: "GET", target: "/"), host: "127.0.0.1", port: port, tls: nil, timeout: .seconds(5))
            XCTFail("nothing listens there")
        } catch let error as HTTPClientError {
            guard case .connectionFailed = error else { return XCTFail("\(error)") }
        }
    }
}
