// Routes each of the 12 requests of §4 to its handler.
import HypergraphProtocol

extension RequestContext {
    /// Handles one decoded request and returns fields for its log line. Throws ``RequestRejection`` (or a
    /// `StoreError`) when the request is refused; nothing of a refused request is persisted.
    func handle(_ message: ClientMessage) async throws -> LogFields {
        switch message {
        case .subscribeSpace(let request): try await subscribeSpace(request)
        case .listSpaces: try await listSpaces()
        case .listInvitations: try await listInvitations()
        case .createSpaceEvent(let request): try await createSpace(request)
        case .createInvitationEvent(let request): try await createInvitation(request)
        case .acceptInvitationEvent(let request): try await acceptInvitation(request)
        case .createSpaceInboxEvent(let request): try await createSpaceInbox(request)
        case .createAccountInbox(let request): try await createAccountInbox(request)
        case .getLatestSpaceInboxMessages(let request): try await latestSpaceInboxMessages(request)
        case .getLatestAccountInboxMessages(let request): try await latestAccountInboxMessages(request)
        case .getAccountInboxes: try await accountInboxes()
        case .createUpdate(let request): try await createUpdate(request)
        case .unknown(let type, _):
            throw RequestRejection(
                code: .unknownType,
                message: "unknown message type \"\(type)\"; expected one of "
                    + ClientMessage.knownTypes.joined(separator: ", "), issues: nil)
        }
    }
}
