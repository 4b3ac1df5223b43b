// Opening client connections: resolving a host, then trying each of its addresses in turn on the shared event
// loops, plain or through TLS. The WebSocket client and the HTTP client both connect through here.
//
// Concurrency: the handler an attempt installs belongs to its connection's loop (see EventLoop.swift); the
// calling task waits on a continuation that the handler resumes exactly once.
import HypergraphTLS

/// The error type of a client protocol that connects through ``OutboundConnection`` (enum cases of these names
/// satisfy the two factory requirements).
package protocol OutboundConnectionError: Error {
    /// Resolving, creating the socket or connecting failed.
    static func connectionFailed(_ error: SocketError) -> Self
    /// The TLS session could not be set up.
    static func tlsFailed(_ error: TLSError) -> Self
    /// Whether the attempt failed to connect, so that the host's next address is worth trying.
    var isConnectFailure: Bool { get }
}

/// Opens client connections.
package enum OutboundConnection {
    /// Resolves `host` and, for each address in turn, connects on the next loop of the shared group (through TLS
    /// for `host` when `tls` is given), installs the handler `makeHandler` returns and waits for it to resume the
    /// continuation. An attempt that fails to connect (a `Failure` whose `isConnectFailure` is true) moves on to the
    /// next address; the last address's error is thrown.
    package static func open<Result: Sendable, Failure: OutboundConnectionError>(
        host: String, port: UInt16, peer: String, tls: TLSClientConfiguration?, failing: Failure.Type,
        makeHandler: @escaping @Sendable (Connection, CheckedContinuation<Result, any Error>) -> any ConnectionHandler
    ) async throws -> Result {
        let group: EventLoopGroup
        let addresses: [SocketAddress]
        do {
            group = try EventLoopGroup.shared()
            addresses = try Socket.resolve(host: host, port: port)
        } catch let error as SocketError {
            throw Failure.connectionFailed(error)
        }
        for (index, address) in addresses.enumerated() {
            do {
                return try await attempt(
                    address: address, host: host, peer: peer, tls: tls, loop: group.next(), failing: failing,
                    makeHandler: makeHandler)
            } catch let error as Failure where error.isConnectFailure && index < addresses.count - 1 {
                continue
            }
        }
        preconditionFailure("Socket.resolve returns at least one address")
    }

    private static func attempt<Result: Sendable, Failure: OutboundConnectionError>(
        address: SocketAddress, host: String, peer: String, tls: TLSClientConfiguration?, loop: EventLoop,
        failing: Failure.Type,
        makeHandler: @escaping @Sendable (Connection, CheckedContinuation<Result, any Error>) -> any ConnectionHandler
    ) async throws -> Result {
        try await withCheckedThrowingContinuation { continuation in
            loop.execute {
                do {
                    let fd = try Socket.startConnect(to: address, description: peer)
                    let connection: Connection
                    do {
                        let stream = try tls.map {
                            try TLSStream(clientOn: fd, host: host, peer: peer, configuration: $0)
                        }
                        connection = try Connection(loop: loop, fd: fd, peer: peer, connecting: true, tls: stream)
                    } catch {
                        Socket.closeDescriptor(fd)
                        throw error
                    }
                    connection.handler = makeHandler(connection, continuation)
                    connection.updateDeadline()
                } catch let error as SocketError {
                    continuation.resume(throwing: Failure.connectionFailed(error))
                } catch let error as TLSError {
                    continuation.resume(throwing: Failure.tlsFailed(error))
                } catch {
                    continuation.resume(throwing: error)
                }
            }
        }
    }
}
