import Foundation
import HypergraphTLS

// The byte level of `HypergraphHTTPClient`: one blocking request/response exchange on a new socket (through TLS for
// https://), and parsing the response. Called on a Dispatch worker; stateless.
#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Sending an HTTP/1.1 request and reading its response over a POSIX socket.
enum HTTPWire {
    #if os(Linux)
        private static let streamType = Int32(SOCK_STREAM.rawValue)
        private static let sendFlags = Int32(MSG_NOSIGNAL)
    #else
        private static let streamType = SOCK_STREAM
        private static let sendFlags: Int32 = 0
    #endif

    /// Connects, writes `request` (through TLS checked as `tls` says, when given) and reads until the server closes.
    static func exchange(
        host: String, port: UInt16, tls: TLSClientConfiguration?, request: [UInt8], timeoutSeconds: Int
    ) throws -> [UInt8] {
        var hints = addrinfo()
        hints.ai_socktype = streamType
        var list: UnsafeMutablePointer<addrinfo>?
        let status = getaddrinfo(host, String(port), &hints, &list)
        guard status == 0, let first = list else {
            throw HypergraphHTTPError(description: "cannot resolve \(host): \(String(cString: gai_strerror(status)))")
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
            if let tls {
                return try exchangeThroughTLS(
                    fd: fd, host: host, port: port, tls: tls, request: request, timeoutSeconds: timeoutSeconds)
            }
            var offset = 0
            while offset < request.count {
                let written = request[offset...].withUnsafeBytes { send(fd, $0.baseAddress, $0.count, sendFlags) }
                guard written > 0 else {
                    throw HypergraphHTTPError(
                        description: "sending to \(host):\(port) failed: \(String(cString: strerror(errno)))")
                }
                offset += written
            }
            var received: [UInt8] = []
            var chunk = [UInt8](repeating: 0, count: 65_536)
            while true {
                let count = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
                if count < 0 {
                    throw HypergraphHTTPError(
                        description: "no complete response from \(host):\(port) within \(timeoutSeconds) s")
                }
                if count == 0 { break }
                received += chunk[..<count]
            }
            return received
        }
        throw HypergraphHTTPError(
            description: "cannot connect to \(host):\(port): \(String(cString: strerror(lastError)))")
    }

    private static func exchangeThroughTLS(
        fd: Int32, host: String, port: UInt16, tls: TLSClientConfiguration, request: [UInt8], timeoutSeconds: Int
    ) throws(HypergraphHTTPError) -> [UInt8] {
        do throws(TLSError) {
            let channel = try BlockingTLSChannel(
                fd: fd, host: host, peer: "\(host):\(port)", configuration: tls, timeoutSeconds: timeoutSeconds)
            try channel.send(request)
            let chunk = UnsafeMutableRawBufferPointer.allocate(byteCount: 65_536, alignment: 1)
            defer { chunk.deallocate() }
            var received: [UInt8] = []
            while true {
                let count = try channel.receive(into: chunk)
                if count == 0 { return received }
                received += chunk[..<count]
            }
        } catch {
            throw HypergraphHTTPError(description: error.description, tlsFailure: error)
        }
    }

    /// Splits a response into status, headers and (de-chunked) body.
    static func parse(_ bytes: [UInt8]) throws(HypergraphHTTPError) -> HypergraphHTTPResponse {
        let separator: [UInt8] = [13, 10, 13, 10]
        guard let end = (0..<max(bytes.count - 3, 0)).first(where: { bytes[$0..<$0 + 4].elementsEqual(separator) })
        else {
            throw HypergraphHTTPError(description: "the response has no complete head (\(bytes.count) bytes)")
        }
        let lines = String(decoding: bytes[..<end], as: UTF8.self).components(separatedBy: "\r\n")
        let statusParts = lines[0].split(separator: " ")
        guard statusParts.count >= 2, let status = Int(statusParts[1]) else {
            throw HypergraphHTTPError(description: "malformed status line \(String(reflecting: lines[0]))")
        }
        var headers: [String: String] = [:]
        for line in lines.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(
                in: .whitespaces)
        }
        var body = Array(bytes[(end + 4)...])
        if headers["transfer-encoding"]?.lowercased().contains("chunked") == true { body = dechunked(body) }
        return HypergraphHTTPResponse(status: status, headers: headers, body: body)
    }

    /// The payload of a chunked body (what can be read of it, if it is cut short).
    private static func dechunked(_ bytes: [UInt8]) -> [UInt8] {
        var result: [UInt8] = []
        var index = 0
        while index < bytes.count {
            guard
                let lineEnd = (index..<max(bytes.count - 1, index)).first(where: {
                    bytes[$0] == 13 && bytes[$0 + 1] == 10
                })
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
