extension ErrorResponse {
    /// The `error` reply for a request that could not be decoded: code `invalid-json` when the bytes were not
    /// well-formed JSON, `invalid-message` otherwise, listing the issues with their paths. At most
    /// `maximumIssues` are listed (a hostile message can produce one per array element); the message says how
    /// many were left out.
    public init(rejecting error: MessageDecodingError, requestType: String? = nil, maximumIssues: Int = 20) {
        let code: ErrorCode = error.isMalformedJSON ? .invalidJson : .invalidMessage
        var summary =
            error.isMalformedJSON ? "The message is not well-formed JSON." : "The message does not match its schema."
        let listed = error.issues.prefix(max(maximumIssues, 0))
        if listed.count < error.issues.count {
            summary += " \(error.issues.count - listed.count) more issues are not listed."
        }
        self.init(
            code: code, message: summary, requestType: requestType,
            issues: listed.map { ErrorIssue(path: $0.path.description, message: $0.message) })
    }
}

extension SpaceEvent {
    /// Who signed the event; `nil` for an event of an unknown kind.
    public var author: EventAuthor? {
        switch self {
        case .createSpace(let event): event.author
        case .deleteSpace(let event): event.author
        case .createInvitation(let event): event.author
        case .acceptInvitation(let event): event.author
        case .createSpaceInbox(let event): event.author
        case .unknown: nil
        }
    }

    /// The event's `transaction.id` (for `create-space`, the space id); `nil` for an event of an unknown kind.
    public var transactionId: String? {
        switch self {
        case .createSpace(let event): event.transaction.id
        case .deleteSpace(let event): event.transaction.id
        case .createInvitation(let event): event.transaction.id
        case .acceptInvitation(let event): event.transaction.id
        case .createSpaceInbox(let event): event.transaction.id
        case .unknown: nil
        }
    }
}
