// What request handlers work with: the shared server parts and the requesting connection.
import HypergraphProtocol
import HypergraphStore
import HypergraphWebSocket

/// The parts of a running server that every request uses; immutable and shared by all connections.
struct ServerContext: Sendable {
    let storage: any HypergraphStorage
    /// Signing keys and memberships known to be true, answered without the store.
    let facts: KnownFacts
    let registry: ConnectionRegistry
    let broadcaster: any Broadcaster
    let sequencer: CommitSequencer
    let logger: ServerLogger
    let limits: ServerLimits
    let behavior: any ServerBehavior

    /// Encodes a message for the wire (through the behaviour, which tests may override).
    func encode(_ message: ServerMessage) -> [UInt8] {
        behavior.encode(message)
    }
}

/// One request being handled: the server and the connection that sent it.
struct RequestContext: Sendable {
    let server: ServerContext
    let connection: ConnectionID
    /// The identity the connection authenticated as.
    let identity: IdentityRecord
    let socket: WebSocket
    /// The identity's signing key, prepared for checking the connection's updates.
    let signingKey: ConnectionSigningKey

    /// The connection account A (§1.3).
    var accountAddress: String { identity.accountAddress }
    /// The connection app identity I (§1.3).
    var appIdentityAddress: String { identity.appIdentityAddress }
    var storage: any HypergraphStorage { server.storage }

    /// Sends a message to the requester only.
    func reply(_ message: ServerMessage) {
        reply(encoded: server.encode(message))
    }

    /// Sends an already encoded message to the requester only.
    func reply(encoded message: [UInt8]) {
        socket.send(text: String(decoding: message, as: UTF8.self))
    }

    /// The connection to leave out of space-event and update broadcasts (the requester, §6).
    var excludedFromBroadcasts: ConnectionID? {
        server.behavior.excludesRequesterFromBroadcasts ? connection : nil
    }

    /// Throws ``ConnectionGone`` once the connection is closing or closed: the request stops at this step, since
    /// nothing more can reach the peer.
    func requireOpenConnection() throws {
        guard socket.isOpen else { throw ConnectionGone() }
    }

    /// Throws `not-found` when the space does not exist and `forbidden` when A is not a member of it.
    func requireMembership(in spaceId: String) async throws {
        if try await server.facts.isMember(spaceId: spaceId, accountAddress: accountAddress) { return }
        if try await storage.spaceHead(spaceId: spaceId) == nil {
            throw RequestRejection.notFound("space \(spaceId) does not exist")
        }
        throw RequestRejection.forbidden("account \(accountAddress) is not a member of space \(spaceId)")
    }
}

/// Ends a request whose connection closed before it finished; nothing is answered or logged as a failure.
struct ConnectionGone: Error {}
