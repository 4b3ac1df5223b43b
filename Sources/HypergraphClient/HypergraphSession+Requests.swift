// Request helpers: send a request and await its reply (PROTOCOL.md §4, §6).
import HypergraphProtocol

extension HypergraphSession {
    /// Sends `message` and returns its reply (`message.expectedReply`, from the schemas), waiting at most `timeout`
    /// (`configuration.requestTimeout` when nil). The waiter is in place before the request is sent, and it sees
    /// only messages that arrive afterwards.
    ///
    /// - Throws: ``HypergraphClientError/serverError(_:)`` when the server rejects it with an `error` message,
    ///   `.timedOut` (the TypeScript server answers most failures with silence, PROTOCOL.md §1.5), `.closed`,
    ///   `.cancelled`.
    public func request(_ message: ClientMessage, timeout: Duration? = nil) async throws(HypergraphClientError)
        -> ServerMessage
    {
        try await request(message, timeout: timeout) { $0 }
    }

    /// Sends `request` and returns its reply as the type its schema names (`x-hypergraph-reply`), waiting at most
    /// `timeout` (`configuration.requestTimeout` when nil); see `request(_:timeout:)` for the errors.
    public func request<Request: ClientRequest>(
        _ request: Request, timeout: Duration? = nil
    ) async throws(HypergraphClientError) -> Request.Reply {
        try await self.request(request.clientMessage, timeout: timeout, extract: Request.reply(in:))
    }

    /// `request(_:timeout:)` returning the reply as the type `extract` picks out of it.
    private func request<Reply: Sendable>(
        _ message: ClientMessage, timeout: Duration?, extract: @escaping (ServerMessage) -> Reply?
    ) async throws(HypergraphClientError) -> Reply {
        let expected = message.expectedReply
        let text = message.jsonString()
        return try await wait(
            for: expected.description, timeout: timeout ?? configuration.requestTimeout, isReplyWaiter: true,
            afterRegistering: { () throws(HypergraphClientError) in try sendRaw(text: text) },
            take: { event in
                guard case .message(let message) = event else { return nil }
                if case .error(let error) = message, expected.isRejection(error) {
                    return .failure(.serverError(error))
                }
                guard expected.isReply(message), let reply = extract(message) else { return nil }
                return .success(reply)
            }
        )
    }

    /// Subscribes to a space (§4.1) and returns its snapshot. With `lastKnownUpdateClock`, a server that honours it
    /// sends only later updates. A session that reconnects resubscribes it after every reconnection.
    public func subscribe(
        spaceId: String, lastKnownUpdateClock: Int? = nil, timeout: Duration? = nil
    ) async throws(HypergraphClientError) -> SpaceResponse {
        let request = SubscribeSpaceRequest(id: spaceId, lastKnownUpdateClock: lastKnownUpdateClock)
        return try await requestSpace(request, timeout: timeout)
    }

    /// Lists the spaces of the connection's app identity (§4.2).
    public func listSpaces(timeout: Duration? = nil) async throws(HypergraphClientError) -> ListSpacesResponse {
        try await request(ListSpacesRequest(), timeout: timeout)
    }

    /// Lists the invitations addressed to the connection's account (§4.3). A `list-invitations` the server pushes
    /// while this waits (after an invitation to this account) also answers it; both carry the full list.
    public func listInvitations(
        timeout: Duration? = nil
    ) async throws(HypergraphClientError) -> ListInvitationsResponse {
        try await request(ListInvitationsRequest(), timeout: timeout)
    }

    /// Creates a space (§4.4) and returns its snapshot. Build the request with
    /// `HypergraphIdentity.createSpaceEvent(…)`.
    public func createSpace(
        _ request: CreateSpaceEventRequest, timeout: Duration? = nil
    ) async throws(HypergraphClientError) -> SpaceResponse {
        try await requestSpace(request, timeout: timeout)
    }

    /// Invites an account (§4.5) and returns the space's new snapshot.
    public func createInvitation(
        _ request: CreateInvitationEventRequest, timeout: Duration? = nil
    ) async throws(HypergraphClientError) -> SpaceResponse {
        try await requestSpace(request, timeout: timeout)
    }

    /// Accepts an invitation (§4.6) and returns the space's snapshot.
    public func acceptInvitation(
        _ request: AcceptInvitationEventRequest, timeout: Duration? = nil
    ) async throws(HypergraphClientError) -> SpaceResponse {
        try await requestSpace(request, timeout: timeout)
    }

    /// Creates a space inbox (§4.7) and returns the space's new snapshot.
    public func createSpaceInbox(
        _ request: CreateSpaceInboxEventRequest, timeout: Duration? = nil
    ) async throws(HypergraphClientError) -> SpaceResponse {
        try await requestSpace(request, timeout: timeout)
    }

    /// Creates an account inbox (§4.8) and returns the `account-inbox` message the server sends to every connection
    /// of the account, this one included.
    public func createAccountInbox(
        _ request: CreateAccountInboxRequest, timeout: Duration? = nil
    ) async throws(HypergraphClientError) -> AccountInboxResponse {
        try await self.request(request, timeout: timeout)
    }

    /// Fetches a space inbox's messages created at or after `since` (§4.9).
    public func latestSpaceInboxMessages(
        spaceId: String, inboxId: String, since: Timestamp = Timestamp(millisecondsSince1970: 0),
        timeout: Duration? = nil
    ) async throws(HypergraphClientError) -> SpaceInboxMessagesResponse {
        let request = GetLatestSpaceInboxMessagesRequest(spaceId: spaceId, inboxId: inboxId, since: since)
        return try await self.request(request, timeout: timeout)
    }

    /// Fetches an account inbox's messages created at or after `since` (§4.10); `accountAddress` is the
    /// connection's account.
    public func latestAccountInboxMessages(
        accountAddress: String, inboxId: String, since: Timestamp = Timestamp(millisecondsSince1970: 0),
        timeout: Duration? = nil
    ) async throws(HypergraphClientError) -> AccountInboxMessagesResponse {
        let request = GetLatestAccountInboxMessagesRequest(
            accountAddress: accountAddress, inboxId: inboxId, since: since)
        return try await self.request(request, timeout: timeout)
    }

    /// Lists every inbox of the connection's account (§4.11).
    public func accountInboxes(timeout: Duration? = nil) async throws(HypergraphClientError) -> AccountInboxesResponse {
        try await request(GetAccountInboxesRequest(), timeout: timeout)
    }

    /// Appends an update to a space (§4.12) and returns its confirmation, which carries the assigned clock. Build the
    /// request with `HypergraphIdentity.createUpdate(…)`.
    public func createUpdate(
        _ request: CreateUpdateRequest, timeout: Duration? = nil
    ) async throws(HypergraphClientError) -> UpdateConfirmedResponse {
        try await self.request(request, timeout: timeout)
    }

    /// Sends a request answered by `space` and returns the whole snapshot. When the server sent it in parts
    /// (`snapshotLastUpdateClock`), the `updates-notification` messages that complete it are merged into its
    /// `updates` (they do not appear in `events`), all within `timeout`.
    private func requestSpace<Request: ClientRequest>(
        _ request: Request, timeout: Duration?
    ) async throws(HypergraphClientError) -> SpaceResponse where Request.Reply == SpaceResponse {
        let timeout = timeout ?? configuration.requestTimeout
        let subscription = request as? SubscribeSpaceRequest
        let startsTracking = subscription.map { !isTracking(spaceId: $0.id) } ?? false
        let head = try await self.request(request.clientMessage, timeout: timeout) { reply -> SpaceResponse? in
            guard let space = Request.reply(in: reply) else { return nil }
            // Runs on the actor as the reply is delivered, so no later frame can pass before assembly starts.
            self.beginSnapshotAssembly(space)
            self.noteSpaceReply(space, subscription: subscription)
            return space
        }
        do {
            return try await completedSnapshot(head, timeout: timeout)
        } catch {
            // The application did not get the snapshot: a reconnecting session does not resubscribe the space.
            if startsTracking { stopTracking(spaceId: head.id) }
            throw error
        }
    }
}
