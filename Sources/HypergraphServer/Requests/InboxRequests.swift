// The inbox requests over WebSocket (§4.8–4.11). Messages themselves are posted over HTTP (InboxRoutes.swift).
import HypergraphProtocol
import HypergraphSigning
import HypergraphStore

extension RequestContext {
    /// §4.8 with §12 G13: the signature must recover to an identity of A; a taken inbox id is refused, never
    /// overwritten; every connection of A (the requester first) receives a clean `account-inbox`.
    func createAccountInbox(_ request: CreateAccountInboxRequest) async throws -> LogFields {
        guard request.accountAddress.isExactly(accountAddress) else {
            throw RequestRejection.forbidden(
                "the inbox is for account \(request.accountAddress), but this connection is account \(accountAddress)")
        }
        let key: String
        do {
            key = try request.signer(policy: .rejectHighS)
        } catch {
            throw RequestRejection(error, of: "inbox signature")
        }
        guard try await server.facts.isSigningKey(key, ofAccount: accountAddress) else {
            throw RequestRejection.invalidSignature(
                "the inbox is signed with \(key), which is not a key of account \(accountAddress)")
        }
        let existing = try await storage.accountInboxes(accountAddress: accountAddress, publicOnly: false)
        try requireRoom(
            existing: existing.count, limit: server.limits.maximumAccountInboxesPerAccount,
            limitName: "maximumAccountInboxesPerAccount", "account \(accountAddress) (account inboxes)")
        let record = try await storage.createAccountInbox(
            AccountInboxRecord(
                accountAddress: accountAddress, inboxId: request.inboxId, isPublic: request.isPublic,
                authPolicy: request.authPolicy.rawValue, encryptionPublicKey: request.encryptionPublicKey,
                signature: request.signature.record))
        let inbox = AccountInbox(
            accountAddress: record.accountAddress, inboxId: record.inboxId, isPublic: record.isPublic,
            authPolicy: request.authPolicy, encryptionPublicKey: record.encryptionPublicKey,
            signature: request.signature)
        let message = server.encode(.accountInbox(AccountInboxResponse(inbox: inbox)))
        reply(encoded: message)
        server.broadcaster.publish(
            Broadcast(audience: .account(address: accountAddress), excluding: connection, message: message))
        return [("inbox", request.inboxId)]
    }

    /// §4.9 with §12 G11: A must be a member, and the inbox must belong to the named space. The reply holds the
    /// oldest messages from `since` that fit in a reply; the client continues with `since` = the last one's
    /// `createdAt` (docs/server.md, "Large lists").
    func latestSpaceInboxMessages(_ request: GetLatestSpaceInboxMessagesRequest) async throws -> LogFields {
        try await requireMembership(in: request.spaceId)
        let spaceId = server.behavior.spaceReadForInbox(request.inboxId, requestedSpaceId: request.spaceId)
        guard try await storage.spaceInbox(spaceId: spaceId, inboxId: request.inboxId) != nil else {
            throw RequestRejection.notFound("space \(request.spaceId) has no inbox \(request.inboxId)")
        }
        var response = SpaceInboxMessagesResponse(spaceId: request.spaceId, inboxId: request.inboxId, messages: [])
        let budget = inboxMessageBudget(for: .spaceInboxMessages(response))
        let records = try await storage.spaceInboxMessages(
            spaceId: spaceId, inboxId: request.inboxId, since: request.since.millisecondsSince1970,
            maximumBytes: budget.ciphertextBytes, maximumCount: budget.count)
        response.messages = records.map(InboxMessage.init)
        try requireOpenConnection()
        try replyWithinLimit(.spaceInboxMessages(response))
        return [("messages", String(records.count))]
    }

    /// §4.10: the inbox must be A's; the reply names A whatever `accountAddress` the request carried. Paged as
    /// `get-latest-space-inbox-messages`.
    func latestAccountInboxMessages(_ request: GetLatestAccountInboxMessagesRequest) async throws -> LogFields {
        guard try await storage.accountInbox(accountAddress: accountAddress, inboxId: request.inboxId) != nil else {
            throw RequestRejection.notFound("account \(accountAddress) has no inbox \(request.inboxId)")
        }
        var response = AccountInboxMessagesResponse(
            accountAddress: accountAddress, inboxId: request.inboxId, messages: [])
        let budget = inboxMessageBudget(for: .accountInboxMessages(response))
        let records = try await storage.accountInboxMessages(
            accountAddress: accountAddress, inboxId: request.inboxId, since: request.since.millisecondsSince1970,
            maximumBytes: budget.ciphertextBytes, maximumCount: budget.count)
        response.messages = records.map(InboxMessage.init)
        try requireOpenConnection()
        try replyWithinLimit(.accountInboxMessages(response))
        return [("messages", String(records.count))]
    }

    /// §4.11: all of A's inboxes, public and private (at most ``ServerLimits/maximumAccountInboxesPerAccount``).
    func accountInboxes() async throws -> LogFields {
        let records = try await storage.accountInboxes(accountAddress: accountAddress, publicOnly: false)
        try requireOpenConnection()
        try replyWithinLimit(.accountInboxes(AccountInboxesResponse(inboxes: records.compactMap(AccountInbox.init))))
        return [("inboxes", String(records.count))]
    }
}
