// The limits the server enforces on each connection; docs/server.md lists them with their error or close behaviour.

/// The server's limits and quotas. Each one either rejects a single request with an `error` message (the connection stays
/// open) or, where the transport cannot continue, closes the connection with a documented code.
public struct ServerLimits: Sendable, Hashable {
    /// The largest request the server processes, in bytes. A larger message (up to ``maximumMessageBytes``) is
    /// answered with an `error` of code `too-large` and otherwise ignored.
    public var maximumRequestBytes: Int = 8 * 1024 * 1024
    /// The largest WebSocket message the transport reads at all. A larger one closes the connection with 1009
    /// (message too big): it cannot be skipped without reading it.
    public var maximumMessageBytes: Int = 16 * 1024 * 1024
    /// Requests each connection may make per second on average (a token bucket refilled at this rate).
    /// A request beyond it is answered with `rate-limited` and not processed.
    public var requestsPerSecond: Double = 1_000
    /// How many requests a connection may make in a burst above ``requestsPerSecond`` (the bucket's size).
    public var requestBurst: Double = 2_000
    /// The most spaces one connection may subscribe to; a further `subscribe-space` is answered with `forbidden`.
    public var subscriptionsPerConnection: Int = 1_000
    /// Bytes that may wait in a connection's send queue; a peer that reads more slowly is disconnected with 1013
    /// (try again later) so that it cannot hold the server's memory.
    public var outboundHighWaterMark: Int = 16 * 1024 * 1024
    /// After this long without traffic from a peer the server pings it; nil never pings.
    public var idlePingInterval: Duration? = .seconds(30)
    /// A peer that does not answer an idle ping within this long is dropped.
    public var pongTimeout: Duration = .seconds(10)
    /// The largest HTTP request body (inbox messages, admin requests); more is answered with 413.
    public var maximumHTTPBodyBytes: Int = 2 * 1024 * 1024

    // MARK: Replies and queues

    /// The size one reply aims to stay within, in bytes (well under a client's default 16 MiB message limit). A
    /// `space` snapshot whose updates do not fit is sent as `space` with the first updates and
    /// `snapshotLastUpdateClock`, then the rest as `updates-notification` messages of at most this size. A single
    /// update is never split, so keep this at least 4 × ``maximumUpdateBytes`` (the JSON form of a byte takes up to
    /// 4 characters) plus a few KiB.
    public var maximumReplyBytes: Int = 5 * 1024 * 1024
    /// Requests a connection may have received and not yet had handled; above it the server stops reading from
    /// the socket until half of them are handled (TCP flow control then holds the client back).
    public var queuedRequestsPerConnection: Int = 8
    /// How long a snapshot being streamed may wait for the peer to read its previous part before the connection
    /// is closed with 1013 (try again later).
    public var slowReaderTimeout: Duration = .seconds(30)

    // MARK: Fields

    /// The longest space name, in UTF-8 bytes; a longer one is refused with `too-large`.
    public var maximumNameBytes: Int = 1_024
    /// The longest client-chosen identifier without a fixed format (space ids, update ids, event and key ids), in
    /// UTF-8 bytes; a longer one is refused with `too-large`. (Inbox ids, addresses and keys have fixed formats.)
    public var maximumIdentifierBytes: Int = 256
    /// The longest hex ciphertext (key boxes, an inbox's encrypted secret key, inbox messages), in characters; a
    /// longer one is refused with `too-large` (HTTP: 413).
    public var maximumCiphertextBytes: Int = 64 * 1024
    /// The most key boxes one event request may carry; more is refused with `too-large`.
    public var maximumKeyBoxesPerRequest: Int = 1_024
    /// The largest update, in bytes of content; a larger one is refused with `too-large`.
    public var maximumUpdateBytes: Int = 1024 * 1024
    /// The longest `secretKey` of a space inbox (its private key encrypted under the space key; 146 hex characters
    /// from the TypeScript client), in characters; a longer one is refused with `too-large`. Every `space` reply
    /// carries each inbox's key twice (in its event and in `inboxes`), so this is far below ``maximumCiphertextBytes``.
    public var maximumInboxSecretKeyBytes: Int = 512

    // MARK: Lists

    /// The most spaces one app identity may list (`list-spaces`: the spaces it is linked to and its account is a
    /// member of). Creating or joining one more is refused with `too-large` and stores nothing. With the field limits,
    /// it keeps the `list-spaces` reply within ``maximumReplyBytes`` (see ``replyBoundProblems``).
    public var maximumSpacesPerAppIdentity: Int = 500
    /// The most pending invitations one account may have (`list-invitations`); inviting it once more is refused with
    /// `too-large` (the inviter is told) and stores nothing.
    public var maximumPendingInvitationsPerAccount: Int = 1_000
    /// The most account inboxes one account may have (`account-inboxes`); creating one more is refused with
    /// `too-large` and stores nothing.
    public var maximumAccountInboxesPerAccount: Int = 1_000

    // MARK: Spaces

    /// The most events one space may hold. The `space` reply carries every event (the client replays them all), so
    /// appending one more is refused with `too-large` and stores nothing; with the field limits and
    /// ``maximumInboxesPerSpace`` it keeps the `space` reply within ``maximumReplyBytes`` (see ``replyBoundProblems``).
    public var maximumEventsPerSpace: Int = 400
    /// The most inboxes one space may have (each is in the `space` reply twice: its event and its entry in
    /// `inboxes`); creating one more is refused with `too-large` and stores nothing.
    public var maximumInboxesPerSpace: Int = 50

    // MARK: Quotas

    /// The most update content one space may hold, in bytes; an update that would pass it is refused with
    /// `too-large` and not stored.
    public var maximumSpaceUpdateBytes: Int64 = 256 * 1024 * 1024
    /// The most update content one account may have written across all spaces, in bytes; an update that would pass
    /// it is refused with `too-large` and not stored.
    public var maximumAccountUpdateBytes: Int64 = 1024 * 1024 * 1024

    /// The defaults above.
    public init() {}
}
