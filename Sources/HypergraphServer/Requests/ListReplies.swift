// The replies that list things stay within ServerLimits.maximumReplyBytes (docs/server.md, "Large lists"): inbox
// messages are read a reply's worth at a time, the other lists are short because of the per-account count limits
// checked here before anything is stored, and every list reply is measured before it is sent.
import HypergraphProtocol
import HypergraphStore

extension RequestContext {
    /// Sends a list reply to the requester if its encoding fits ``ServerLimits/maximumReplyBytes``; otherwise see
    /// ``ServerContext/requireWithinReplyLimit(_:of:)``.
    func replyWithinLimit(_ message: ServerMessage) throws {
        let encoded = server.encode(message)
        try server.requireWithinReplyLimit(encoded, of: message.type)
        reply(encoded: encoded)
    }

    /// The budget for the inbox messages of `emptyReply` (the reply without messages): as many of the oldest
    /// messages as fit in ``ServerLimits/maximumReplyBytes``.
    func inboxMessageBudget(for emptyReply: ServerMessage) -> (ciphertextBytes: Int, count: Int) {
        server.limits.inboxMessageBudget(envelopeBytes: server.encode(emptyReply).count)
    }

    /// Throws `too-large` unless one more can be added to the `existing` ones within `limit` (named `limitName`);
    /// `owner` says whose list it is. Checked before the write, so a refusal stores nothing.
    func requireRoom(
        existing: Int, limit: Int, limitName: String, _ owner: @autoclosure () -> String
    ) throws {
        guard existing >= limit else { return }
        throw RequestRejection(
            code: .tooLarge,
            message: "\(owner()) already has \(existing); the limit is \(limit) (\(limitName)), which keeps the list "
                + "within one reply", issues: nil)
    }

    /// Throws `too-large` when the app identity I already lists ``ServerLimits/maximumSpacesPerAppIdentity``
    /// spaces (before creating or joining one).
    func requireRoomForSpace() async throws {
        let listed = try await storage.spaces(
            appIdentityAddress: appIdentityAddress, memberAccountAddress: accountAddress)
        try requireRoom(
            existing: listed.count, limit: server.limits.maximumSpacesPerAppIdentity,
            limitName: "maximumSpacesPerAppIdentity", "app identity \(appIdentityAddress) (list-spaces)")
    }
}

extension ServerContext {
    /// Throws `too-large`, and logs an error, when `encoded` (a `type` message) is larger than
    /// ``ServerLimits/maximumReplyBytes``: such a reply is never sent. The count and field limits rule this out for
    /// data stored under the current limits (``ServerLimits/replyBoundProblems``); it can happen with data stored
    /// under larger limits, which an operator then sees in the log.
    func requireWithinReplyLimit(_ encoded: [UInt8], of type: String) throws {
        let limit = limits.maximumReplyBytes
        guard encoded.count > limit else { return }
        logger.log(
            .error, "reply.over_limit", [("type", type), ("bytes", String(encoded.count)), ("limit", String(limit))])
        throw RequestRejection(
            code: .tooLarge,
            message: "the \(type) reply would be \(encoded.count) bytes, more than the server's maximumReplyBytes "
                + "(\(limit)); it was not sent", issues: nil)
    }
}
