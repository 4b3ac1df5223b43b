// Reading one HTTP/1.1 response as a client (RFC 9112 §6.3): the head, then a body framed by chunked transfer
// coding, by Content-Length, or by the end of the connection. A pure value fed with bytes as they arrive, with
// limits on the head and body so a hostile server cannot make it buffer without bound.

/// Reads one response from the bytes a client receives.
package struct HTTPResponseReader {
    private enum Body {
        /// Exactly this many bytes.
        case length(Int)
        /// Chunked transfer coding.
        case chunked
        /// Everything until the server closes the connection.
        case untilClose
    }

    /// The largest head accepted.
    package let maximumHeadSize: Int
    /// The largest body accepted (after removing the chunked framing).
    package let maximumBodySize: Int
    private let requestMethod: String
    private var buffer: [UInt8] = []
    private var searchedUpTo = 0
    private var head: (response: HTTPResponse, reason: String, body: Body, bodyStart: Int)?
    private var chunks = ChunkedBodyDecoder()

    /// A reader for the answer to a `requestMethod` request (the answer to HEAD has no body).
    package init(requestMethod: String, maximumHeadSize: Int = 16 * 1024, maximumBodySize: Int = 16 * 1024 * 1024) {
        self.requestMethod = requestMethod
        self.maximumHeadSize = maximumHeadSize
        self.maximumBodySize = maximumBodySize
    }

    /// The status and header fields (no body yet), once the head is read: what is known of a response whose body
    /// then turns out malformed or too large.
    package var responseHead: HTTPResponse? { head?.response }

    /// The reason phrase of the status line, once the head is read.
    package var reasonPhrase: String? { head?.reason }

    /// Adds received bytes; returns the response once it is complete, with `remainder` holding what followed it.
    /// A 1xx response other than 101 is skipped; a 101 is complete at the end of its head.
    package mutating func read(_ bytes: some Collection<UInt8>) throws(HTTPParseError) -> HTTPResponse? {
        buffer.append(contentsOf: bytes)
        return try advance(atEnd: false)
    }

    /// The server closed the connection: returns the response if it is complete now (a body that runs to the end
    /// of the connection), else throws what is missing.
    package mutating func readEndOfInput() throws(HTTPParseError) -> HTTPResponse {
        if let response = try advance(atEnd: true) { return response }
        guard let head else {
            throw HTTPParseError(status: 0, message: "the server closed the connection before a complete response head")
        }
        switch head.body {
        case .length(let length):
            throw HTTPParseError(
                status: 0,
                message:
                    "the server closed the connection after \(buffer.count - head.bodyStart) of \(length) body bytes"
            )
        case .chunked, .untilClose:
            throw HTTPParseError(status: 0, message: "the server closed the connection inside a chunked body")
        }
    }

    /// The bytes after a complete response (for a 101: what the new protocol sent right behind the head).
    package private(set) var remainder: [UInt8] = []

    private mutating func advance(atEnd: Bool) throws(HTTPParseError) -> HTTPResponse? {
        while head == nil {
            guard let end = HTTPParser.endOfHead(in: buffer, searchingFrom: searchedUpTo - 3) else {
                searchedUpTo = buffer.count
                guard buffer.count <= maximumHeadSize else { throw tooLargeHead() }
                return nil
            }
            guard end <= maximumHeadSize else { throw tooLargeHead() }
            let (status, reason, headers) = try HTTPParser.parseResponse(head: buffer[..<end])
            if (100..<200).contains(status), status != 101 {
                buffer.removeFirst(end) // an interim response (e.g. 100 Continue): the real one follows
                searchedUpTo = 0
                continue
            }
            let body = try bodyFraming(status, headers)
            head = (HTTPResponse(status: status, headers: headers), reason, body, end)
            if case .length(let length) = body, length > maximumBodySize { throw tooLargeBody() }
        }
        guard let (headResponse, _, body, bodyStart) = head else { return nil }
        var response = headResponse
        switch body {
        case .length(let length):
            guard buffer.count - bodyStart >= length else { return nil }
            response.body = Array(buffer[bodyStart..<bodyStart + length])
            remainder = Array(buffer[(bodyStart + length)...])
        case .chunked:
            guard let end = try chunks.decode(buffer, from: bodyStart, maximumBodySize: maximumBodySize) else {
                return nil
            }
            response.body = chunks.body
            remainder = Array(buffer[end...])
        case .untilClose:
            guard buffer.count - bodyStart <= maximumBodySize else { throw tooLargeBody() }
            guard atEnd else { return nil }
            response.body = Array(buffer[bodyStart...])
        }
        buffer = []
        return response
    }

    /// How the body is delimited (RFC 9112 §6.3).
    private func bodyFraming(_ status: Int, _ headers: HTTPHeaders) throws(HTTPParseError) -> Body {
        if requestMethod == "HEAD" || status == 101 || status == 204 || status == 304 { return .length(0) }
        let codings = headers.combinedValue(for: "Transfer-Encoding")
        if let codings {
            guard let last = codings.split(separator: ",").last?.trimmingCharacters(in: .whitespaces),
                last.caseInsensitiveEquals("chunked")
            else { return .untilClose }
            return .chunked
        }
        guard headers["Content-Length"] != nil else { return .untilClose }
        return .length(try HTTPParser.contentLength(of: headers, status: 0))
    }

    private func tooLargeHead() -> HTTPParseError {
        HTTPParseError(status: 0, message: "the response head exceeds \(maximumHeadSize) bytes")
    }

    private func tooLargeBody() -> HTTPParseError {
        HTTPParseError(status: 0, message: "the response body exceeds \(maximumBodySize) bytes")
    }
}

/// Removes chunked transfer coding (RFC 9112 §7.1), resuming where the previous call stopped.
struct ChunkedBodyDecoder {
    /// The payload decoded so far.
    private(set) var body: [UInt8] = []
    /// Where the next chunk-size line starts, relative to the body start.
    private var offset = 0
    private var finished = false

    /// Decodes the chunks in `bytes` from `start + offset`; returns the index just past the body (after the last
    /// chunk and the trailer section) once it is complete, nil when more bytes are needed.
    mutating func decode(_ bytes: [UInt8], from start: Int, maximumBodySize: Int) throws(HTTPParseError) -> Int? {
        while true {
            let lineStart = start + offset
            guard let lineEnd = crlf(in: bytes, from: lineStart) else {
                guard bytes.count - lineStart <= 1024 else {
                    throw HTTPParseError(status: 0, message: "a chunk-size line is longer than 1024 bytes")
                }
                return nil
            }
            if finished {
                // Trailer fields, ignored, until the empty line.
                offset = lineEnd + 2 - start
                if lineEnd == lineStart { return lineEnd + 2 }
                continue
            }
            let line = bytes[lineStart..<lineEnd]
            let sizeDigits = line.prefix { $0 != 0x3B }.filter { $0 != 0x20 && $0 != 0x09 } // before ";extensions"
            guard !sizeDigits.isEmpty, sizeDigits.count <= 15,
                let size = Int(String(decoding: sizeDigits, as: UTF8.self), radix: 16)
            else {
                throw HTTPParseError(
                    status: 0,
                    message: "chunk-size line '\(String(decoding: line, as: UTF8.self))' is not a hexadecimal size")
            }
            if size == 0 {
                finished = true
                offset = lineEnd + 2 - start
                continue
            }
            guard body.count + size <= maximumBodySize else {
                throw HTTPParseError(status: 0, message: "the response body exceeds \(maximumBodySize) bytes")
            }
            let dataStart = lineEnd + 2
            guard bytes.count >= dataStart + size + 2 else { return nil }
            guard bytes[dataStart + size] == 0x0D, bytes[dataStart + size + 1] == 0x0A else {
                throw HTTPParseError(status: 0, message: "a chunk of \(size) bytes is not followed by CRLF")
            }
            body += bytes[dataStart..<dataStart + size]
            offset = dataStart + size + 2 - start
        }
    }

    private func crlf(in bytes: [UInt8], from start: Int) -> Int? {
        var index = start
        while index + 1 < bytes.count {
            if bytes[index] == 0x0D, bytes[index + 1] == 0x0A { return index }
            index += 1
        }
        return nil
    }
}
