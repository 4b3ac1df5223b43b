// A client's HTTP/1.1 exchange: one request and its response on a new connection (`Connection: close`), plain or
// through TLS, on the shared event loops. HypergraphClient's HTTP client sends its requests with it.
//
// Concurrency: an exchange belongs to its connection's event loop thread (see EventLoop.swift in
// HypergraphEventLoop); the calling task waits on a continuation that the loop resumes exactly once.
import HypergraphEventLoop
import HypergraphTLS

/// Why an HTTP exchange produced no response.
package enum HTTPClientError: Error, Sendable, CustomStringConvertible {
    /// The address could not be resolved or no connection could be made.
    case connectionFailed(SocketError)
    /// The TLS handshake or session failed (for example, the certificate was refused).
    case tlsFailed(TLSError)
    /// No complete response arrived within the time allowed.
    case timedOut(peer: String, timeout: Duration)
    /// The response was malformed, too large, or cut short.
    case invalidResponse(peer: String, String)

    /// What failed, and where.
    package var description: String {
        switch self {
        case .connectionFailed(let error): "cannot connect: \(error)"
        case .tlsFailed(let error): error.description
        case .timedOut(let peer, let timeout): "no complete response from \(peer) within \(timeout)"
        case .invalidResponse(let peer, let detail): "invalid response from \(peer): \(detail)"
        }
    }
}

extension HTTPClientError: OutboundConnectionError {
    package var isConnectFailure: Bool {
        if case .connectionFailed = self { return true }
        return false
    }
}

/// Sends HTTP requests, one connection each.
package enum HTTPClient {
    /// Connects to `host:port` (each resolved address in turn; through TLS checked as `tls` says, when given),
    /// sends `request` with `Host` (unless it has one) and `Connection: close`, and reads the response, within
    /// `timeout` in all.
    ///
    /// - Throws: ``HTTPClientError``.
    package static func send(
        _ request: HTTPRequest, host: String, port: UInt16, tls: TLSClientConfiguration?, timeout: Duration,
        maximumBodySize: Int = 16 * 1024 * 1024
    ) async throws -> HTTPResponse {
        var request = request
        let authority = host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
        if request.headers["Host"] == nil { request.headers.add(name: "Host", value: authority) }
        request.headers.replace(name: "Connection", value: "close")
        let bytes = request.encoded()
        let reader = HTTPResponseReader(requestMethod: request.method, maximumBodySize: maximumBodySize)
        return try await OutboundConnection.open(
            host: host, port: port, peer: authority, tls: tls, failing: HTTPClientError.self,
            makeHandler: { connection, continuation in
                HTTPClientExchange(
                    connection: connection, request: bytes, reader: reader, timeout: timeout, continuation: continuation
                )
            })
    }
}

/// One request and its response on one connection.
private final class HTTPClientExchange: ConnectionHandler {
    private let connection: Connection
    private let request: OutboundBytes
    private var reader: HTTPResponseReader
    private let timeout: Duration
    private let deadline: UInt64
    private var continuation: CheckedContinuation<HTTPResponse, any Error>?
    private var connected = false

    init(
        connection: Connection, request: OutboundBytes, reader: HTTPResponseReader, timeout: Duration,
        continuation: CheckedContinuation<HTTPResponse, any Error>
    ) {
        self.connection = connection
        self.request = request
        self.reader = reader
        self.timeout = timeout
        self.continuation = continuation
        deadline = connection.loop.now + timeout.nanoseconds
    }

    func connectionEstablished(_ connection: Connection) {
        connected = true
        connection.enqueue(request)
    }

    func connection(_ connection: Connection, received bytes: UnsafeMutableRawBufferPointer) {
        do {
            if let response = try reader.read(bytes) { finish(.success(response)) }
        } catch {
            finish(.failure(.invalidResponse(peer: connection.peer, error.message)))
        }
    }

    func connectionReachedEndOfInput(_ connection: Connection) {
        if let failure = connection.unfinishedTLSHandshake(serverClosed: true) {
            return finish(.failure(.tlsFailed(failure)))
        }
        do {
            finish(.success(try reader.readEndOfInput()))
        } catch {
            finish(.failure(.invalidResponse(peer: connection.peer, error.message)))
        }
    }

    func connectionClosed(_ connection: Connection, error: SocketError?) {
        guard continuation != nil else { return }
        if let failure = connection.tlsFailure {
            finish(.failure(.tlsFailed(failure)))
        } else if let error, !connected {
            finish(.failure(.connectionFailed(error)))
        } else {
            let detail = error.map { "the connection failed before the response was complete: \($0)" }
            finish(
                .failure(
                    .invalidResponse(
                        peer: connection.peer, detail ?? "the connection closed before the response was complete")))
        }
    }

    var nextDeadline: UInt64? { deadline }

    func connection(_ connection: Connection, deadlinePassed now: UInt64) {
        guard deadline <= now else { return }
        if connected, let failure = connection.unfinishedTLSHandshake(serverClosed: false) {
            return finish(.failure(.tlsFailed(failure)))
        }
        finish(.failure(.timedOut(peer: connection.peer, timeout: timeout)))
    }

    private func finish(_ result: Result<HTTPResponse, HTTPClientError>) {
        guard let continuation else { return }
        self.continuation = nil
        continuation.resume(with: result.mapError { $0 })
        connection.disconnect()
    }
}
