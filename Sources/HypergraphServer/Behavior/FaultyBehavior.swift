// Deliberately wrong servers for the conformance suite's self-test (issue 6 §3). Never used by `hypergraph serve`.
//
// Concurrency: `inboxSpaces` is guarded by its Mutex; everything else is immutable.
import HypergraphJSON
import HypergraphProtocol
import HypergraphStore
import Synchronization

/// One way a faulty server breaks the protocol.
@_spi(Testing) public enum ServerFault: String, Sendable, Hashable, CaseIterable {
    /// `space-event` and `updates-notification` also go to the requester's connection.
    case broadcastsToRequester
    /// No `updates-notification` is sent at all.
    case skipsUpdateNotifications
    /// `create-update` is stored whatever its signature says.
    case acceptsForgedUpdateSignatures
    /// Space events authored by another account than the connection's are accepted.
    case acceptsEventsByOtherAccounts
    /// A resent update id is confirmed with the clock after its original one, which belongs to another update.
    case reusesClockForDuplicateUpdate
    /// A frame that is not JSON closes the connection (1003) instead of being answered.
    case closesOnInvalidJSON
    /// The invitee's connections are not sent `list-invitations` after an invitation.
    case skipsInvitationPush
    /// `get-latest-space-inbox-messages` reads the named inbox even when it belongs to another space (§12 G11).
    case readsInboxesOfOtherSpaces
    /// Absent optional members are sent as `null` (`space.updates`, inbox messages' `signature` and
    /// `authorAccountAddress`), which TS clients reject.
    case sendsNullForAbsentOptionals
    /// Connections with a missing, unknown or expired token are accepted, bound to an account that owns nothing.
    case acceptsAnyToken
}

/// **Test-only.** A ``ServerBehavior`` that commits the given faults and otherwise follows the protocol.
@_spi(Testing) public final class FaultyBehavior: ServerBehavior {
    /// The faults committed.
    public let faults: Set<ServerFault>
    private let inboxSpaces = Mutex([String: String]())

    /// The account a connection with a refused token is bound to under ``ServerFault/acceptsAnyToken``.
    public static let anonymousAccount = "0x0000000000000000000000000000000000000000"

    /// A behaviour committing `faults`.
    public init(_ faults: Set<ServerFault>) {
        self.faults = faults
    }

    /// False under ``ServerFault/broadcastsToRequester``.
    public var excludesRequesterFromBroadcasts: Bool { !faults.contains(.broadcastsToRequester) }
    /// False under ``ServerFault/skipsUpdateNotifications``.
    public var sendsUpdateNotifications: Bool { !faults.contains(.skipsUpdateNotifications) }
    /// False under ``ServerFault/acceptsForgedUpdateSignatures``.
    public var verifiesUpdateSignatures: Bool { !faults.contains(.acceptsForgedUpdateSignatures) }
    /// False under ``ServerFault/acceptsEventsByOtherAccounts``.
    public var requiresEventAuthorIsConnectionAccount: Bool { !faults.contains(.acceptsEventsByOtherAccounts) }
    /// True under ``ServerFault/closesOnInvalidJSON``.
    public var closesConnectionOnInvalidJSON: Bool { faults.contains(.closesOnInvalidJSON) }
    /// False under ``ServerFault/skipsInvitationPush``.
    public var pushesInvitationsToInvitee: Bool { !faults.contains(.skipsInvitationPush) }

    /// The clock after the original one under ``ServerFault/reusesClockForDuplicateUpdate``.
    public func confirmedClock(forDuplicateStoredAt originalClock: Int64) -> Int64 {
        faults.contains(.reusesClockForDuplicateUpdate) ? originalClock + 1 : originalClock
    }

    /// Under ``ServerFault/readsInboxesOfOtherSpaces``, the space that created the inbox (if this server saw it).
    public func spaceReadForInbox(_ inboxId: String, requestedSpaceId: String) -> String {
        guard faults.contains(.readsInboxesOfOtherSpaces) else { return requestedSpaceId }
        return inboxSpaces.withLock { $0[inboxId] } ?? requestedSpaceId
    }

    /// Remembers which space created each inbox, for ``ServerFault/readsInboxesOfOtherSpaces``.
    public func spaceInboxCreated(spaceId: String, inboxId: String) {
        guard faults.contains(.readsInboxesOfOtherSpaces) else { return }
        inboxSpaces.withLock { $0[inboxId] = spaceId }
    }

    /// Adds `null` members under ``ServerFault/sendsNullForAbsentOptionals``.
    public func encode(_ message: ServerMessage) -> [UInt8] {
        let bytes = message.jsonUTF8()
        guard faults.contains(.sendsNullForAbsentOptionals), var value = try? JSONValue.parse(bytes) else {
            return bytes
        }
        FaultyBehavior.addNulls(to: &value)
        return value.serialized()
    }

    /// An identity of ``anonymousAccount`` under ``ServerFault/acceptsAnyToken``.
    public func identityForRefusedToken(_ token: String?) -> IdentityRecord? {
        guard faults.contains(.acceptsAnyToken) else { return nil }
        return IdentityRecord(
            accountAddress: Self.anonymousAccount, appIdentityAddress: Self.anonymousAccount, appId: "",
            signaturePublicKey: "", encryptionPublicKey: "", sessionToken: token ?? "", sessionTokenExpiresAt: .max,
            createdAt: 0)
    }

    /// Writes `null` for the optional members a message left out.
    private static func addNulls(to message: inout JSONValue) {
        guard case .object(var members) = message, let type = members["type"]?.stringValue else { return }
        switch type {
        case "space":
            if members["updates"] == nil { members["updates"] = .null }
        case "space-inbox-message", "account-inbox-message":
            if case .some(.object(var inner)) = members["message"] {
                addInboxMessageNulls(to: &inner)
                members["message"] = .object(inner)
            }
        case "space-inbox-messages", "account-inbox-messages":
            if case .some(.array(let messages)) = members["messages"] {
                members["messages"] = .array(
                    messages.map { element in
                        guard case .object(var inner) = element else { return element }
                        addInboxMessageNulls(to: &inner)
                        return .object(inner)
                    })
            }
        default:
            return
        }
        message = .object(members)
    }

    private static func addInboxMessageNulls(to message: inout JSONObject) {
        if message["signature"] == nil { message["signature"] = .null }
        if message["authorAccountAddress"] == nil { message["authorAccountAddress"] = .null }
    }
}
