// A small HTTP/1.1 client for the suite's HTTP cases (§10): one request per connection (`Connection: close`), plain
// `http://` only, like the WebSocket side. Blocking socket calls run on a Dispatch worker, never on the caller.
import Dispatch
import Foundation
import HypergraphJSON

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An HTTP response.
public struct HTTPExchangeResponse: Sendable {
    /// The status code.
    public var status: Int
    /// Header values by lowercase name.
    public var headers: [String: String]
    /// The body, de-chunked.
    public var body: [UInt8]

    /// The body as UTF-8 text.
    public var text: String { String(decoding: body, as: UTF8.self) }

    /// The body parsed as JSON, or nil when it is not JSON.
    public var json: JSONValue? { try? JSONValue.parse(body) }
}

/// Why an HTTP request failed before a response was read.
public struct HTTPExchangeError: Error, Sendable, CustomStringConvertible {
    /// What failed.
    public var description: String
}

/// Sends HTTP requests to one server.
public struct HTTPExchange: Sendable {
    /// Host name or address.
    public let host: String
    /// TCP port.
    public let port: UInt16
    /// How long to wait for the response.
    public let timeout: Duration

    /// A client for `baseURL` (`http://host[:port]`, any path ignored).
    ///
    /// - Throws: ``HTTPExchangeError`` when the URL is not `http://host[:port]`.
    public init(baseURL: String, timeout: Duration) throws(HTTPExchangeError) {
        guard baseURL.hasPrefix("http://") else {
            throw HTTPExchangeError(description: "the HTTP URL \(baseURL) must start with http:// (TLS is not supported)")
        }
        let authority = baseURL.dropFirst("http://".count).prefix { $0 != "/" && $0 != "?" }
        let (host, port) = try Self.split(authority: String(authority), defaultPort: 80)
        self.host = host
        self.port = port
        self.timeout = timeout
    }

    /// `host` and `port` from `host[:port]` or `[v6]:port`.
    static func split(authority: String, defaultPort: UInt16) throws(HTTPExchangeError) -> (String, UInt16) {
        if authority.hasPrefix("["), let close = authority.firstIndex(of: "]") {
            let host = String(authority[authority.index(after: authority.startIndex)..<close])
            let rest = authority[authority.index(after: close)...]
            guard rest.isEmpty || rest.hasPrefix(":") else {
                throw HTTPExchangeError(description: "malformed authority \(authority)")
            }
            guard let port = rest.isEmpty ? defaultPort : UInt16(rest.dropFirst()) else {
                throw HTTPExchangeError(description: "malformed port in \(authority)")
            }
            return (host, port)
        }
        let parts = authority.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count <= 2, let host = parts.first, !host.isEmpty else {
            throw HTTPExchangeError(description: "malformed authority \(authority)")
        }
        guard let port = parts.count == 2 ? UInt16(parts[1]) : defaultPort else {
            throw HTTPExchangeError(description: "malformed port in \(authority)")
        }
        return (String(host), port)
    }

    /// Sends `method target` with `body` (as `application/json` when given) and reads the whole response.
    public func request(
        _ method: String, _ target: String, json body: String? = nil, headers: [String: String] = [:]
    ) async throws -> HTTPExchangeResponse {
        var allHeaders = headers
        if body != nil, allHeaders["Content-Type"] == nil { allHeaders["Content-Type"] = "application/json" }
        let request = requestBytes(method, target, body: Array((body ?? "").utf8), headers: allHeaders)
        let host = host
        let port = port
        let seconds = max(Int(timeout.components.seconds), 1)
        return try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async {
                continuation.resume(with: Result {
                    try Self.parse(Self.exchange(host: host, port: port, request: request, timeoutSeconds: seconds))
                })
            }
        }
    }

    private func requestBytes(_ method: String, _ target: String, body: [UInt8], headers: [String: String]) -> [UInt8] {
        let hostHeader = host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
        var head = "\(method) \(target) HTTP/1.1\r\nHost: \(hostHeader)\r\nConnection: close\r\n"
        for (name, value) in headers.sorted(by: { $0.key < $1.key }) { head += "\(name): \(value)\r\n" }
        if !body.isEmpty || method == "POST" { head += "Content-Length: \(body.count)\r\n" }
        return Array((head + "\r\n").utf8) + body
    }

    #if os(Linux)
    private static let streamType = Int32(SOCK_STREAM.rawValue)
    private static let sendFlags = Int32(MSG_NOSIGNAL)
    #else
    private static let streamType = SOCK_STREAM
    private static let sendFlags: Int32 = 0
    #endif

    /// Connects, writes `request` and reads until the server closes.
    private static func exchange(host: String, port: UInt16, request: [UInt8], timeoutSeconds: Int) throws -> [UInt8] {
        var hints = addrinfo()
        hints.ai_socktype = streamType
        var list: UnsafeMutablePointer<addrinfo>?
        let status = getaddrinfo(host, String(port), &hints, &list)
        guard status == 0, let first = list else {
            throw HTTPExchangeError(description: "cannot resolve \(host): \(String(cString: gai_strerror(status)))")
        }
        defer { freeaddrinfo(first) }
        var cursor: UnsafeMutablePointer<addrinfo>? = first
        var lastError: Int32 = 0
        while let entry = cursor {
            cursor = entry.pointee.ai_next
            let fd = socket(entry.pointee.ai_family, streamType, 0)
            guard fd >= 0 else { continue }
            defer { close(fd) }
            var timeout = timeval(tv_sec: timeoutSeconds, tv_usec: 0)
            setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
            setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
            guard connect(fd, entry.pointee.ai_addr, entry.pointee.ai_addrlen) == 0 else {
                lastError = errno
                continue
            }
            var offset = 0
            while offset < request.count {
                let written = request[offset...].withUnsafeBytes { send(fd, $0.baseAddress, $0.count, sendFlags) }
                guard written > 0 else {
                    throw HTTPExchangeError(description: "sending to \(host):\(port) failed: \(String(cString: strerror(errno)))")
                }
                offset += written
            }
            var received: [UInt8] = []
            var chunk = [UInt8](repeating: 0, count: 65_536)
            while true {
                let count = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
                if count < 0 {
                    throw HTTPExchangeError(
                        description: "no complete response from \(host):\(port) within \(timeoutSeconds) s")
                }
                if count == 0 { break }
                received += chunk[..<count]
            }
            return received
        }
        throw HTTPExchangeError(description: "cannot connect to \(host):\(port): \(String(cString: strerror(lastError)))")
    }

    /// Splits a response into status, headers and (de-chunked) body.
    static func parse(_ bytes: [UInt8]) throws -> HTTPExchangeResponse {
        let separator: [UInt8] = [13, 10, 13, 10]
        guard let end = (0..<max(bytes.count - 3, 0)).first(where: { bytes[$0..<$0 + 4].elementsEqual(separator) }) else {
            throw HTTPExchangeError(description: "the response has no complete head (\(bytes.count) bytes)")
        }
        let lines = String(decoding: bytes[..<end], as: UTF8.self).components(separatedBy: "\r\n")
        let statusParts = lines[0].split(separator: " ")
        guard statusParts.count >= 2, let status = Int(statusParts[1]) else {
            throw HTTPExchangeError(description: "malformed status line \(String(reflecting: lines[0]))")
        }
        var headers: [String: String] = [:]
        for line in lines.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        var body = Array(bytes[(end + 4)...])
        if headers["transfer-encoding"]?.lowercased().contains("chunked") == true { body = dechunked(body) }
        return HTTPExchangeResponse(status: status, headers: headers, body: body)
    }

    /// The payload of a chunked body (what can be read of it, if it is cut short).
    private static func dechunked(_ bytes: [UInt8]) -> [UInt8] {
        var result: [UInt8] = []
        var index = 0
        while index < bytes.count {
            guard let lineEnd = (index..<max(bytes.count - 1, index)).first(where: { bytes[$0] == 13 && bytes[$0 + 1] == 10 })
            else { break }
            let sizeText = String(decoding: bytes[index..<lineEnd], as: UTF8.self).split(separator: ";").first ?? ""
            guard let size = Int(sizeText.trimmingCharacters(in: .whitespaces), radix: 16), size > 0 else { break }
            let start = lineEnd + 2
            let stop = min(start + size, bytes.count)
            result += bytes[start..<stop]
            index = stop + 2
        }
        return result
    }
}
