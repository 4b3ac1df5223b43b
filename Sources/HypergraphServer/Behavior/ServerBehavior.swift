// The points where a test may make the server deviate from the protocol. Production uses StandardBehavior, whose
// every answer is the protocol's; only FaultyBehavior (FaultyBehavior.swift) and SilentBehavior (SilentBehavior.swift)
// answer otherwise.
import HypergraphProtocol
import HypergraphStore

/// **Test-only hook.** The decisions a conformance test may override to start a deliberately faulty server
/// (issue 6 §3): each requirement is one place where the protocol's rule is applied, and the default
/// implementations below are exactly that rule. ``StandardBehavior`` uses only the defaults; it is what
/// ``ServerConfiguration`` holds unless a test sets something else, and the command line cannot change it.
@_spi(Testing) public protocol ServerBehavior: Sendable {
    /// Whether `space-event` and `updates-notification` broadcasts leave out the requester's connection (§6).
    var excludesRequesterFromBroadcasts: Bool { get }
    /// Whether other subscribers receive `updates-notification` after a `create-update` (§4.12).
    var sendsUpdateNotifications: Bool { get }
    /// Whether a `create-update` signature must recover to an identity of its author (§4.12 steps 1–3).
    var verifiesUpdateSignatures: Bool { get }
    /// Whether a space event must be authored by the connection's account (§8.3).
    var requiresEventAuthorIsConnectionAccount: Bool { get }
    /// Whether a frame that is not JSON closes the connection instead of being answered with `invalid-json`.
    var closesConnectionOnInvalidJSON: Bool { get }
    /// Whether the invitee's connections receive `list-invitations` after a `create-invitation-event` (§4.5).
    var pushesInvitationsToInvitee: Bool { get }
    /// The clock `update-confirmed` carries for a resent update id first stored at `originalClock` (§12 G9).
    func confirmedClock(forDuplicateStoredAt originalClock: Int64) -> Int64
    /// The space whose inbox `inboxId` a `get-latest-space-inbox-messages` for `requestedSpaceId` reads (§12 G11).
    func spaceReadForInbox(_ inboxId: String, requestedSpaceId: String) -> String
    /// Told after a `create-space-inbox-event` created an inbox.
    func spaceInboxCreated(spaceId: String, inboxId: String)
    /// The wire form of a message the server sends.
    func encode(_ message: ServerMessage) -> [UInt8]
    /// The identity a connection whose token is missing, unknown or expired is bound to; nil refuses it (§1.2).
    func identityForRefusedToken(_ token: String?) -> IdentityRecord?
    /// Whether a refused request is answered with the `error` extension message (§1.5); false answers it with
    /// silence, as the TypeScript server does.
    var answersRefusalsWithErrors: Bool { get }
}

@_spi(Testing) extension ServerBehavior {
    /// The protocol: the requester is excluded.
    public var excludesRequesterFromBroadcasts: Bool { true }
    /// The protocol: subscribers are notified.
    public var sendsUpdateNotifications: Bool { true }
    /// The protocol: signatures are verified.
    public var verifiesUpdateSignatures: Bool { true }
    /// The protocol: the author is the connection's account.
    public var requiresEventAuthorIsConnectionAccount: Bool { true }
    /// The recommended behaviour: invalid JSON is answered, the connection stays open.
    public var closesConnectionOnInvalidJSON: Bool { false }
    /// The protocol: the invitee is told.
    public var pushesInvitationsToInvitee: Bool { true }
    /// The §12 G9 fix: the original clock.
    public func confirmedClock(forDuplicateStoredAt originalClock: Int64) -> Int64 { originalClock }
    /// The §12 G11 fix: the requested space.
    public func spaceReadForInbox(_ inboxId: String, requestedSpaceId: String) -> String { requestedSpaceId }
    /// Nothing to remember.
    public func spaceInboxCreated(spaceId: String, inboxId: String) {}
    /// The canonical wire form (absent optional members omitted).
    public func encode(_ message: ServerMessage) -> [UInt8] { message.jsonUTF8() }
    /// The protocol: refused.
    public func identityForRefusedToken(_ token: String?) -> IdentityRecord? { nil }
    /// The extension: refusals are answered with `error`.
    public var answersRefusalsWithErrors: Bool { true }
}

/// The protocol as specified, with the recommended fixes of §12: the behaviour of every production server.
@_spi(Testing) public struct StandardBehavior: ServerBehavior {
    /// Creates the standard behaviour.
    public init() {}
}
