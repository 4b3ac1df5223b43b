// subscribe-space, list-spaces and list-invitations (§4.1–4.3): reads that answer only the requester.
import HypergraphProtocol
import HypergraphStore

extension RequestContext {
    /// §4.1 with the §12 G1 rule: the snapshot holds only key boxes for (A, I); with none, no `space` is sent and
    /// the subscription is not made. `lastKnownUpdateClock` limits the updates to later ones (§12 G10). A large
    /// snapshot is sent in parts (see ``sendSpaceHead(_:updatesAfterClock:)``); the space's broadcasts wait until
    /// the last part is out.
    func subscribeSpace(_ request: SubscribeSpaceRequest) async throws -> LogFields {
        let limit = server.limits.subscriptionsPerConnection
        guard server.registry.beginSubscription(connection, spaceId: request.id, limit: limit) else {
            throw RequestRejection.forbidden(
                "this connection is already subscribed to \(limit) spaces, the most one connection may have")
        }
        var horizon: ConnectionRegistry.SnapshotHorizon?
        // Broadcasts for the space are held from here until the snapshot is out, so none is lost or sent early.
        defer { server.registry.finishSubscription(connection, spaceId: request.id, horizon: horizon) }
        let knownClock = request.lastKnownUpdateClock.flatMap { $0 >= 0 ? Int64($0) : nil }
        var progress = try await sendSpaceHead(request.id, updatesAfterClock: knownClock)
        try await sendRemainingUpdates(&progress)
        horizon = progress.horizon
        return [("last_clock", progress.lastClock.map { String($0) })]
    }

    /// §4.2 with the §12 G17 fix: spaces I is linked to and A is a member of, as `{id, name}` only (at most
    /// ``ServerLimits/maximumSpacesPerAppIdentity``).
    func listSpaces() async throws -> LogFields {
        let spaces = try await storage.spaces(
            appIdentityAddress: appIdentityAddress, memberAccountAddress: accountAddress)
        try requireOpenConnection()
        try replyWithinLimit(
            .listSpaces(ListSpacesResponse(spaces: spaces.map { SpaceSummary(id: $0.id, name: $0.name) })))
        return [("spaces", String(spaces.count))]
    }

    /// §4.3: A's pending invitations from every space (at most ``ServerLimits/maximumPendingInvitationsPerAccount``).
    func listInvitations() async throws -> LogFields {
        let invitations = try await pendingInvitations(of: accountAddress)
        try requireOpenConnection()
        try replyWithinLimit(.listInvitations(invitations))
        return [("invitations", String(invitations.invitations.count))]
    }

    /// The `list-invitations` message for `account`, each invitation chained to its space's current head (§3.5).
    func pendingInvitations(of account: String) async throws -> ListInvitationsResponse {
        try await ServerContext.pendingInvitations(of: account, in: storage)
    }
}

extension ServerContext {
    /// The `list-invitations` message of `account`'s pending invitations.
    static func pendingInvitations(
        of account: String, in storage: any HypergraphStorage
    ) async throws -> ListInvitationsResponse {
        let records = try await storage.invitations(inviteeAccountAddress: account)
        return ListInvitationsResponse(
            invitations: records.map { record in
                Invitation(id: record.id, previousEventHash: record.spaceLastEventHash, spaceId: record.spaceId)
            })
    }
}
