// Fan-out: the interface request handling broadcasts through, and its in-process implementation.
// docs/scaling.md describes a distributed implementation (PostgreSQL LISTEN/NOTIFY or NATS) behind the same protocol.

/// Identifies one authenticated WebSocket connection of this server process.
public struct ConnectionID: Hashable, Sendable, CustomStringConvertible {
    /// The number, unique within the process, starting at 1.
    public let rawValue: UInt64

    /// Wraps a number.
    public init(rawValue: UInt64) {
        self.rawValue = rawValue
    }

    /// The number, as the logs print it.
    public var description: String { String(rawValue) }
}

/// Where a change stands in its space's history: lets a subscription skip notifications its snapshot already holds.
public enum SpacePosition: Hashable, Sendable {
    /// An update with this clock.
    case update(clock: Int64)
    /// A space event with this counter.
    case event(counter: Int64)
}

/// One message for a group of connections, encoded once.
public struct Broadcast: Sendable {
    /// Who receives a broadcast.
    public enum Audience: Hashable, Sendable {
        /// Every connection subscribed to the space (§6: `space-event`, `updates-notification`,
        /// `space-inbox-message`).
        case subscribers(spaceId: String)
        /// Every connection of the account (§6: `list-invitations` push, `account-inbox`, `account-inbox-message`).
        case account(address: String)
    }

    /// The receivers.
    public var audience: Audience
    /// A connection left out (the requester, for space events and updates), or nil.
    public var excluding: ConnectionID?
    /// For changes of a space, their place in its history; nil for messages outside it (inbox messages).
    public var position: SpacePosition?
    /// The encoded server message (UTF-8 JSON), sent as one text frame.
    public var message: [UInt8]

    /// Creates a broadcast.
    public init(audience: Audience, excluding: ConnectionID? = nil, position: SpacePosition? = nil, message: [UInt8]) {
        self.audience = audience
        self.excluding = excluding
        self.position = position
        self.message = message
    }
}

/// Delivers broadcasts to the connections of their audience.
///
/// Request handling publishes every broadcast here, after the requester's reply and, for changes of a space, in the
/// space's commit order (``CommitSequencer`` sees to that). An implementation must deliver to each connection
/// independently, so that one failing or slow connection never stops the others (§12 G5, G23), and must keep the
/// order of the broadcasts it is given for each connection. The in-process implementation delivers to this
/// server's connections; a distributed one would also forward to the other nodes (docs/scaling.md).
public protocol Broadcaster: Sendable {
    /// Delivers `broadcast`; returns without waiting for the peers.
    func publish(_ broadcast: Broadcast)
}

/// The in-process ``Broadcaster``: delivers to the connections registered with this server.
struct LocalBroadcaster: Broadcaster {
    let registry: ConnectionRegistry

    func publish(_ broadcast: Broadcast) {
        registry.deliver(broadcast)
    }
}
