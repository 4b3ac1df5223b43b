// Parsing of HTTP/1.1 message heads (RFC 9112): request lines, status lines, header fields, Content-Length.
// Pure functions over bytes; strict where leniency has caused request-smuggling bugs (no bare LF, no
// obsolete line folding, no conflicting lengths, no Transfer-Encoding).

/// A malformed or unsupported HTTP head, with the status to answer with and a message for the body.
package struct HTTPParseError: Error, Equatable, CustomStringConvertible {
    /// 400, 431, 501 or 505 for requests; always 0 (not answered) for responses the client parses.
    package var status: Int
    /// What was wrong and where.
    package var message: String

    package var description: String { message }
}

/// HTTP head parsing.
package enum HTTPParser {
    private static let carriageReturn: UInt8 = 0x0D
    private static let lineFeed: UInt8 = 0x0A

    /// The index just past the empty line that ends a head in `bytes`, looking at positions from `start`
    /// (pass the previous search's end minus 3 to resume without rescanning).
    package static func endOfHead(in bytes: [UInt8], searchingFrom start: Int) -> Int? {
        var index = max(start, 0)
        while index + 3 < bytes.count {
            if bytes[index] == carriageReturn, bytes[index + 1] == lineFeed, bytes[index + 2] == carriageReturn,
                bytes[index + 3] == lineFeed
            {
                return index + 4
            }
            index += 1
        }
        return nil
    }

    /// Parses a request head (up to and including the empty line); the body is left empty.
    package static func parseRequest(head: ArraySlice<UInt8>, remoteAddress: String) throws(HTTPParseError)
        -> HTTPRequest
    {
        let lines = try splitLines(head, status: 400)
        guard let requestLine = lines.first, !requestLine.isEmpty else {
            throw HTTPParseError(status: 400, message: "the request has no request line")
        }
        let parts = requestLine.split(separator: 0x20, omittingEmptySubsequences: false)
        guard parts.count == 3, isToken(parts[0]), !parts[1].isEmpty, parts[1].allSatisfy({ $0 > 0x20 && $0 < 0x7F })
        else {
            throw HTTPParseError(
                status: 400, message: "request line '\(text(requestLine))' is not 'METHOD /target HTTP/1.1'")
        }
        let target = text(parts[1])
        guard target.hasPrefix("/") else {
            throw HTTPParseError(status: 400, message: "request target '\(target)' does not start with '/'")
        }
        let version = try parseVersion(parts[2], status: 400)
        let headers = try parseFields(lines.dropFirst(), status: 400)
        return HTTPRequest(
            method: text(parts[0]), target: target, version: version, headers: headers, remoteAddress: remoteAddress)
    }

    /// Parses a response head: status code, reason phrase and header fields.
    package static func parseResponse(head: ArraySlice<UInt8>) throws(HTTPParseError) -> (
        status: Int, reason: String, headers: HTTPHeaders
    ) {
        let lines = try splitLines(head, status: 0)
        guard let statusLine = lines.first else {
            throw HTTPParseError(status: 0, message: "the response has no status line")
        }
        let parts = statusLine.split(separator: 0x20, maxSplits: 2, omittingEmptySubsequences: false)
        guard parts.count >= 2, parts[1].count == 3, let status = Int(text(parts[1])) else {
            throw HTTPParseError(status: 0, message: "status line '\(text(statusLine))' is not 'HTTP/1.1 CODE REASON'")
        }
        _ = try parseVersion(parts[0], status: 0)
        return (status, parts.count > 2 ? text(parts[2]) : "", try parseFields(lines.dropFirst(), status: 0))
    }

    /// The body length announced by `headers`: 0 without `Content-Length`. Chunked bodies are not supported.
    package static func contentLength(of headers: HTTPHeaders, status: Int) throws(HTTPParseError) -> Int {
        if headers["Transfer-Encoding"] != nil {
            throw HTTPParseError(status: 501, message: "Transfer-Encoding is not supported; send a Content-Length body")
        }
        let values = headers.values(for: "Content-Length")
        guard let first = values.first else { return 0 }
        guard values.allSatisfy({ $0 == first }), !first.isEmpty, first.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }),
            let length = Int(first)
        else {
            throw HTTPParseError(
                status: status, message: "Content-Length '\(values.joined(separator: ", "))' is not one decimal number")
        }
        return length
    }

    // MARK: Pieces

    /// Lines of a head without their CRLF; the empty line that ends the head is dropped.
    private static func splitLines(_ head: ArraySlice<UInt8>, status: Int) throws(HTTPParseError) -> [ArraySlice<UInt8>]
    {
        var lines: [ArraySlice<UInt8>] = []
        var start = head.startIndex
        var index = head.startIndex
        while index < head.endIndex {
            let byte = head[index]
            if byte == carriageReturn, index + 1 < head.endIndex, head[index + 1] == lineFeed {
                lines.append(head[start..<index])
                index += 2
                start = index
            } else if byte == carriageReturn || byte == lineFeed {
                throw HTTPParseError(status: status, message: "line \(lines.count + 1) of the head has a bare CR or LF")
            } else {
                index += 1
            }
        }
        if start < head.endIndex { lines.append(head[start...]) }
        while lines.last?.isEmpty == true { lines.removeLast() }
        return lines
    }

    private static func parseVersion(_ bytes: ArraySlice<UInt8>, status: Int) throws(HTTPParseError) -> String {
        let version = text(bytes)
        guard version.hasPrefix("HTTP/"), bytes.count == 8 else {
            throw HTTPParseError(status: status == 0 ? 0 : 400, message: "'\(version)' is not an HTTP version")
        }
        guard version == "HTTP/1.1" || version == "HTTP/1.0" else {
            throw HTTPParseError(status: status == 0 ? 0 : 505, message: "\(version) is not supported; use HTTP/1.1")
        }
        return version
    }

    private static func parseFields(_ lines: ArraySlice<ArraySlice<UInt8>>, status: Int) throws(HTTPParseError)
        -> HTTPHeaders
    {
        var headers = HTTPHeaders()
        for (number, line) in zip(2..., lines) {
            guard let colon = line.firstIndex(of: 0x3A) else {
                throw HTTPParseError(status: status, message: "header line \(number) '\(text(line))' has no ':'")
            }
            let name = line[line.startIndex..<colon]
            guard isToken(name) else {
                throw HTTPParseError(
                    status: status,
                    message:
                        "header line \(number) has an invalid field name '\(text(name))' (folded lines are not accepted)"
                )
            }
            var value = line[(colon + 1)...]
            while let first = value.first, first == 0x20 || first == 0x09 { value.removeFirst() }
            while let last = value.last, last == 0x20 || last == 0x09 { value.removeLast() }
            guard value.allSatisfy({ $0 >= 0x20 || $0 == 0x09 }), !value.contains(0x7F) else {
                throw HTTPParseError(
                    status: status, message: "header '\(text(name))' has a control character in its value")
            }
            headers.add(name: text(name), value: text(value))
        }
        return headers
    }

    /// RFC 9110 token characters: letters, digits and !#$%&'*+-.^_`|~.
    private static func isToken(_ bytes: ArraySlice<UInt8>) -> Bool {
        !bytes.isEmpty
            && bytes.allSatisfy { byte in
                switch byte {
                case 0x30...0x39, 0x41...0x5A, 0x61...0x7A: return true
                case 0x21, 0x23, 0x24, 0x25, 0x26, 0x27, 0x2A, 0x2B, 0x2D, 0x2E, 0x5E, 0x5F, 0x60, 0x7C, 0x7E:
                    return true
                default: return false
                }
            }
    }

    private static func text(_ bytes: ArraySlice<UInt8>) -> String {
        String(decoding: bytes, as: UTF8.self)
    }
}
