// Which server message answers which request (PROTOCOL.md §6), and which extension `error` rejects it.
import HypergraphProtocol

/// The reply a request gets (PROTOCOL.md §6, "Requester's connection") and the ids by which an extension `error`
/// message is recognised as rejecting it.
///
/// Request helpers use it to pick their reply out of the stream; conformance checks can use it for requests sent
/// raw. An `error` rejects the request when its `requestType` is the request's type and every id it names
/// (`spaceId`, `inboxId`, `updateId`, `eventId`) that the request also has is equal. An `error` without
/// `requestType` rejects nothing.
public struct ExpectedReply: Sendable, Hashable, CustomStringConvertible {
    /// The server message that answers the request.
    public enum Kind: Sendable, Hashable {
        /// `space` with this `id` (subscribe-space and the four event requests).
        case space(id: String)
        /// `list-spaces`.
        case listSpaces
        /// `list-invitations` (note: the server also pushes it to invitees after create-invitation-event).
        case listInvitations
        /// `update-confirmed` with this `spaceId` and `updateId`.
        case updateConfirmed(spaceId: String, updateId: String)
        /// `account-inbox` whose inbox has this account and id.
        case accountInbox(accountAddress: String, inboxId: String)
        /// `space-inbox-messages` with this `spaceId` and `inboxId`.
        case spaceInboxMessages(spaceId: String, inboxId: String)
        /// `account-inbox-messages` with this `inboxId` (the server reports the connection's account).
        case accountInboxMessages(inboxId: String)
        /// `account-inboxes`.
        case accountInboxes
        /// No reply but an `error`: the request's type is unknown to this library.
        case errorOnly
    }

    /// The reply.
    public var kind: Kind
    /// The request's `type`, which a rejecting `error` names as `requestType`.
    public var requestType: String
    /// Space ids a rejecting `error` may name (create-space-event: its `spaceId` and its transaction id).
    public var spaceIds: [String]
    /// The request's inbox id, if it has one.
    public var inboxId: String?
    /// The request's update id, if it has one.
    public var updateId: String?
    /// The request's event (transaction) id, if it has one.
    public var eventId: String?

    /// The reply to `request`.
    public init(for request: ClientMessage) {
        requestType = request.type
        spaceIds = []
        switch request {
        case .subscribeSpace(let value):
            kind = .space(id: value.id)
            spaceIds = [value.id]
        case .listSpaces:
            kind = .listSpaces
        case .listInvitations:
            kind = .listInvitations
        case .createSpaceEvent(let value):
            kind = .space(id: value.event.transaction.id)
            spaceIds = [value.spaceId, value.event.transaction.id]
            eventId = value.event.transaction.id
        case .createInvitationEvent(let value):
            kind = .space(id: value.spaceId)
            spaceIds = [value.spaceId]
            eventId = value.event.transaction.id
        case .acceptInvitationEvent(let value):
            kind = .space(id: value.spaceId)
            spaceIds = [value.spaceId]
            eventId = value.event.transaction.id
        case .createSpaceInboxEvent(let value):
            kind = .space(id: value.spaceId)
            spaceIds = [value.spaceId]
            inboxId = value.event.transaction.inboxId
            eventId = value.event.transaction.id
        case .createAccountInbox(let value):
            kind = .accountInbox(accountAddress: value.accountAddress, inboxId: value.inboxId)
            inboxId = value.inboxId
        case .getLatestSpaceInboxMessages(let value):
            kind = .spaceInboxMessages(spaceId: value.spaceId, inboxId: value.inboxId)
            spaceIds = [value.spaceId]
            inboxId = value.inboxId
        case .getLatestAccountInboxMessages(let value):
            kind = .accountInboxMessages(inboxId: value.inboxId)
            inboxId = value.inboxId
        case .getAccountInboxes:
            kind = .accountInboxes
        case .createUpdate(let value):
            kind = .updateConfirmed(spaceId: value.spaceId, updateId: value.updateId)
            spaceIds = [value.spaceId]
            updateId = value.updateId
        case .unknown:
            kind = .errorOnly
        }
    }

    /// Whether `message` is the reply (not counting a rejecting `error`; see `isRejection`).
    public func isReply(_ message: ServerMessage) -> Bool {
        switch (kind, message) {
        case (.space(let id), .space(let space)): space.id == id
        case (.listSpaces, .listSpaces), (.listInvitations, .listInvitations), (.accountInboxes, .accountInboxes): true
        case (.updateConfirmed(let spaceId, let updateId), .updateConfirmed(let confirmed)):
            confirmed.spaceId == spaceId && confirmed.updateId == updateId
        case (.accountInbox(let accountAddress, let inboxId), .accountInbox(let response)):
            response.inbox.accountAddress == accountAddress && response.inbox.inboxId == inboxId
        case (.spaceInboxMessages(let spaceId, let inboxId), .spaceInboxMessages(let response)):
            response.spaceId == spaceId && response.inboxId == inboxId
        case (.accountInboxMessages(let inboxId), .accountInboxMessages(let response)):
            response.inboxId == inboxId
        default: false
        }
    }

    /// Whether `error` rejects the request: same `requestType`, and no id that contradicts the request's.
    public func isRejection(_ error: ErrorResponse) -> Bool {
        guard error.requestType == requestType else { return false }
        if let spaceId = error.spaceId, !spaceIds.isEmpty, !spaceIds.contains(spaceId) { return false }
        return Self.agree(error.inboxId, inboxId) && Self.agree(error.updateId, updateId)
            && Self.agree(error.eventId, eventId)
    }

    /// False only when both ids are present and differ.
    private static func agree(_ named: String?, _ own: String?) -> Bool {
        guard let named, let own else { return true }
        return named == own
    }

    /// What is awaited, for timeout messages, e.g. `update-confirmed for updateId "…"`.
    public var description: String {
        switch kind {
        case .space(let id): "space with id \(String(reflecting: id))"
        case .listSpaces: "list-spaces"
        case .listInvitations: "list-invitations"
        case .updateConfirmed(_, let updateId): "update-confirmed for updateId \(String(reflecting: updateId))"
        case .accountInbox(_, let inboxId): "account-inbox for inboxId \(String(reflecting: inboxId))"
        case .spaceInboxMessages(_, let inboxId): "space-inbox-messages for inboxId \(String(reflecting: inboxId))"
        case .accountInboxMessages(let inboxId): "account-inbox-messages for inboxId \(String(reflecting: inboxId))"
        case .accountInboxes: "account-inboxes"
        case .errorOnly: "an error for \(String(reflecting: requestType))"
        }
    }
}
