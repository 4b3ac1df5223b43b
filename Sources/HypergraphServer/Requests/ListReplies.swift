// The replies that list things, and the `space` reply, stay within ServerLimits.maximumReplyBytes (docs/server.md,
// "Large lists"): inbox messages are read a reply's worth at a time, the other lists and a space's events and inboxes
// are short because of the count limits checked here before anything is stored, and every such reply is measured
// before it is sent.
import HypergraphProtocol
import HypergraphSigning
import HypergraphStore

extension RequestContext {
    /// Sends a list or `space` reply to the requester if its encoding fits ``ServerLimits/maximumReplyBytes``;
    /// otherwise see ``ServerContext/requireWithinReplyLimit(_:of:)``.
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
            message: "\(owner()) already has \(existing); the limit is \(limit) (\(limitName)), which keeps its "
                + "reply within maximumReplyBytes", issues: nil)
    }

    /// Throws `too-large` when the space (with `eventCount` events and `state`) already has
    /// ``ServerLimits/maximumEventsPerSpace`` events or, for `create-space-inbox`,
    /// ``ServerLimits/maximumInboxesPerSpace`` inboxes: the `space` reply carries them all.
    func requireRoom(
        for event: SpaceEvent, in spaceId: String, eventCount: Int64, state: SpaceEventState
    ) throws {
        let limits = server.limits
        try requireRoom(
            existing: Int(clamping: eventCount), limit: limits.maximumEventsPerSpace,
            limitName: "maximumEventsPerSpace", "space \(spaceId) (events)")
        guard case .createSpaceInbox = event else { return }
        try requireRoom(
            existing: state.inboxes.count, limit: limits.maximumInboxesPerSpace, limitName: "maximumInboxesPerSpace",
            "space \(spaceId) (inboxes)")
    }

    /// Throws `too-large` when the app identity I already lists ``ServerLimits/maximumSpacesPerAppIdentity``
    /// spaces (before creating or joining one).
    func requireRoomForSpace() async throws {
        let listed = try await storage.spaceCount(
            appIdentityAddress: appIdentityAddress, memberAccountAddress: accountAddress)
        try requireRoom(
            existing: listed, limit: server.limits.maximumSpacesPerAppIdentity,
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
