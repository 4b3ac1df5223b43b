// The client's response reader: bodies framed by Content-Length, chunked coding and the end of the connection,
// interim and upgrade responses, repeated header fields, and the errors for what is malformed or too large.
import XCTest

@testable import HypergraphHTTP

final class HTTPResponseReaderTests: XCTestCase {
    /// Feeds `text` in pieces of `pieceSize` bytes; returns the response and what followed it.
    private func read(
        _ text: String, method: String = "GET", pieceSize: Int = 1, maximumBodySize: Int = 1 << 20, atEnd: Bool = false
    ) throws -> (response: HTTPResponse?, remainder: [UInt8]) {
        var reader = HTTPResponseReader(requestMethod: method, maximumBodySize: maximumBodySize)
        let bytes = Array(text.utf8)
        var start = 0
        while start < bytes.count {
            let end = min(start + pieceSize, bytes.count)
            if let response = try reader.read(bytes[start..<end]) { return (response, reader.remainder) }
            start = end
        }
        return atEnd ? (try reader.readEndOfInput(), []) : (nil, [])
    }

    private func message(_ text: String, atEnd: Bool = false) -> String? {
        do {
            _ = try read(text, pieceSize: 7, atEnd: atEnd)
            return nil
        } catch {
            return (error as? HTTPParseError)?.message
        }
    }

    func testContentLengthBodyInAnyPieces() throws {
        let text = "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhelloEXTRA"
        for pieceSize in [1, 3, 1000] {
            let (response, remainder) = try read(text, pieceSize: pieceSize)
            XCTAssertEqual(response?.status, 200)
            XCTAssertEqual(response.map { String(decoding: $0.body, as: UTF8.self) }, "hello")
            XCTAssertTrue("EXTRA".utf8.starts(with: remainder), "only what followed the body is left over")
        }
        XCTAssertNil(try read("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhell").response)
    }

    func testChunkedBodyWithExtensionsAndTrailers() throws {
        let text =
            "HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n\r\n"
            + "4;name=value\r\nWiki\r\n5\r\npedia\r\nE\r\n in\r\n\r\nchunks.\r\n0\r\nExpires: never\r\n\r\n"
        for pieceSize in [1, 2, 5, 4096] {
            let response = try XCTUnwrap(read(text, pieceSize: pieceSize).response)
            XCTAssertEqual(String(decoding: response.body, as: UTF8.self), "Wikipedia in\r\n\r\nchunks.")
        }
        XCTAssertNil(try read("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n").response)
    }

    func testBodyUntilTheConnectionCloses() throws {
        let text = "HTTP/1.1 200 OK\r\nConnection: close\r\n\r\nall of it"
        XCTAssertNil(try read(text).response, "without a length the body runs until the end of the connection")
        let response = try XCTUnwrap(read(text, atEnd: true).response)
        XCTAssertEqual(String(decoding: response.body, as: UTF8.self), "all of it")
    }

    func testResponsesWithoutBodies() throws {
        let head = try XCTUnwrap(read("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n", method: "HEAD").response)
        XCTAssertEqual(head.body, [])
        XCTAssertEqual(try read("HTTP/1.1 204 No Content\r\n\r\n").response?.status, 204)
        let (upgrade, frames) = try read(
            "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n\r\nframes", pieceSize: 100)
        XCTAssertEqual(upgrade?.status, 101)
        XCTAssertEqual(frames, Array("frames".utf8), "what follows a 101 belongs to the new protocol")
        let final = try read("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 201 Created\r\nContent-Length: 0\r\n\r\n").response
        XCTAssertEqual(final?.status, 201, "interim responses are skipped")
    }

    func testRepeatedHeaderFieldsAreKeptInOrder() throws {
        let text =
            "HTTP/1.1 200 OK\r\nSet-Cookie: a=1; Path=/\r\nVia: 1.1 first\r\nset-cookie: b=2, c\r\nVIA: 1.1 second\r\n"
            + "Content-Length: 0\r\n\r\n"
        let headers = try XCTUnwrap(read(text).response?.headers)
        XCTAssertEqual(headers.values(for: "Set-Cookie"), ["a=1; Path=/", "b=2, c"])
        XCTAssertEqual(headers["SET-COOKIE"], "a=1; Path=/")
        XCTAssertEqual(headers.combinedValue(for: "via"), "1.1 first, 1.1 second")
        XCTAssertNil(headers.combinedValue(for: "Warning"))
        XCTAssertEqual(headers.fields.map(\.name), ["Set-Cookie", "Via", "set-cookie", "VIA", "Content-Length"])
    }

    func testMalformedAndOversizedResponsesSayWhatIsWrong() throws {
        XCTAssertEqual(
            message("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n"),
            "chunk-size line 'zz' is not a hexadecimal size")
        XCTAssertEqual(
            message("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nabc\r\n"),
            "a chunk of 2 bytes is not followed by CRLF")
        XCTAssertEqual(
            message("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nshort", atEnd: true),
            "the server closed the connection after 5 of 10 body bytes")
        XCTAssertEqual(
            message("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nab", atEnd: true),
            "the server closed the connection inside a chunked body")
        XCTAssertEqual(
            message("HTTP/1.1 200 OK\r\n", atEnd: true),
            "the server closed the connection before a complete response head")
        XCTAssertEqual(
            message("HTTP/1.1 200 OK\r\nContent-Length: 1, 2\r\n\r\n"),
            "Content-Length '1, 2' is not one decimal number")
        XCTAssertThrowsError(
            try read("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n", maximumBodySize: 10)
        ) { XCTAssertEqual(($0 as? HTTPParseError)?.message, "the response body exceeds 10 bytes") }
        XCTAssertThrowsError(
            try read("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n8\r\n12345678\r\n8\r\n", maximumBodySize: 10)
        ) { XCTAssertEqual(($0 as? HTTPParseError)?.message, "the response body exceeds 10 bytes") }
        XCTAssertThrowsError(
            try read("HTTP/1.1 200 OK\r\nX: " + String(repeating: "y", count: 20_000), pieceSize: 4096)
        ) {
            XCTAssertEqual(($0 as? HTTPParseError)?.message, "the response head exceeds 16384 bytes")
        }
    }
}
