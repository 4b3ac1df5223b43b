// Building blocks of the tests: spaces with members, and collecting what each connection received.
import HypergraphClient
import HypergraphProtocol
import XCTest

extension Participant {
    /// Creates a space and returns the `space` reply.
    func createSpace(name: String = "A space", spaceId: String = RandomIdentifiers.uuid()) async throws -> SpaceResponse
    {
        try await session.createSpace(identity.createSpaceEvent(spaceId: spaceId, name: name))
    }

    /// Subscribes to the space and returns the snapshot.
    @discardableResult
    func subscribe(_ spaceId: String, lastKnownUpdateClock: Int? = nil) async throws -> SpaceResponse {
        try await session.subscribe(spaceId: spaceId, lastKnownUpdateClock: lastKnownUpdateClock)
    }

    /// Sends an update of `bytes` and returns its confirmation.
    @discardableResult
    func createUpdate(_ spaceId: String, _ bytes: [UInt8] = [1, 2, 3], updateId: String = RandomIdentifiers.uuid())
        async throws -> UpdateConfirmedResponse
    {
        try await session.createUpdate(identity.createUpdate(spaceId: spaceId, update: bytes, updateId: updateId))
    }

    /// Creates a private space inbox open to anonymous senders in `space` (as the snapshot shows it) and returns its
    /// id.
    func createSpaceInbox(in space: SpaceResponse) async throws -> String {
        let request = identity.createSpaceInboxEvent(
            spaceId: space.id, previousEventHash: try XCTUnwrap(space.lastEventHash), isPublic: false,
            authPolicy: .anonymous)
        _ = try await session.createSpaceInbox(request)
        return request.event.transaction.inboxId
    }

    /// Sends `message` and returns the `error` the server must answer with (failing the test otherwise).
    func rejection(
        of message: ClientMessage, file: StaticString = #filePath, line: UInt = #line
    ) async throws -> ErrorResponse {
        do {
            let reply = try await session.request(message)
            XCTFail("expected an error, got \(reply)", file: file, line: line)
        } catch .serverError(let error) {
            return error
        }
        throw HypergraphClientError.cancelled
    }
}

extension Participant {
    /// Sends `message` and checks that the server refuses it with `too-large` and a message containing each of
    /// `fragments` (the limit's name, for example); returns the error.
    @discardableResult
    func assertTooLarge(
        _ message: ClientMessage, mentioning fragments: String..., file: StaticString = #filePath, line: UInt = #line
    ) async throws -> ErrorResponse {
        let error = try await rejection(of: message, file: file, line: line)
        XCTAssertEqual(error.code, .tooLarge, error.message, file: file, line: line)
        for fragment in fragments {
            XCTAssertTrue(error.message.contains(fragment), "\(fragment) in: \(error.message)", file: file, line: line)
        }
        return error
    }

    /// Sends `message` and checks that the server answers with an `error` of `code`.
    func assertRejected(
        _ message: ClientMessage, with code: ErrorCode, file: StaticString = #filePath, line: UInt = #line
    ) async throws {
        let error = try await rejection(of: message, file: file, line: line)
        XCTAssertEqual(error.code, code, error.message, file: file, line: line)
    }
}

extension TestServer {
    /// A space created by `owner` that `member` was invited to and joined; returns the member's snapshot.
    @discardableResult
    func sharedSpace(owner: Participant, member: Participant, name: String = "Shared") async throws -> SpaceResponse {
        let space = try await owner.createSpace(name: name)
        try await invite(member, to: space, by: owner)
        return try await accept(space.id, by: member)
    }

    /// Invites `invitee` to the space (as it is now) and returns the inviter's new snapshot.
    @discardableResult
    func invite(_ invitee: Participant, to space: SpaceResponse, by inviter: Participant) async throws -> SpaceResponse
    {
        let current = try await inviter.session.request(.subscribeSpace(SubscribeSpaceRequest(id: space.id)))
        guard case .space(let latest) = current,
            let request = inviter.identity.createInvitationEvent(in: latest, inviteeAccountAddress: invitee.account)
        else { throw HypergraphClientError.cancelled }
        return try await inviter.session.createInvitation(request)
    }

    /// Accepts the pending invitation to `spaceId` and returns the snapshot.
    func accept(_ spaceId: String, by invitee: Participant) async throws -> SpaceResponse {
        let invitations = try await invitee.session.listInvitations()
        let invitation = try XCTUnwrap(invitations.invitations.first { $0.spaceId == spaceId })
        return try await invitee.session.acceptInvitation(
            invitee.identity.acceptInvitationEvent(spaceId: spaceId, previousEventHash: invitation.previousEventHash))
    }
}

/// Waits the quiet period, then returns the message types each session received meanwhile (and before), in order.
func receivedTypes(_ sessions: [HypergraphSession]) async throws -> [[String]] {
    try await Task.sleep(for: TestServer.quietPeriod)
    var result: [[String]] = []
    for session in sessions {
        let events = await session.drainEvents()
        result.append(
            events.map { event in
                switch event {
                case .message(let message): message.type
                case .undecodable(let frame): "undecodable: \(frame)"
                case .closed(let code, _): "closed \(code.rawValue)"
                case .disconnected(let code, _): "disconnected \(code.rawValue)"
                case .reconnected(let url): "reconnected \(url)"
                }
            })
    }
    return result
}

/// The messages a session received so far (after the quiet period).
func receivedMessages(_ session: HypergraphSession) async throws -> [ServerMessage] {
    try await Task.sleep(for: TestServer.quietPeriod)
    return await session.drainEvents().compactMap { event in
        if case .message(let message) = event { return message }
        return nil
    }
}

/// Waits the quiet period (so that broadcasts of earlier steps have arrived), then forgets whatever the sessions
/// received.
func settle(_ sessions: [HypergraphSession]) async throws {
    try await Task.sleep(for: TestServer.quietPeriod)
    for session in sessions { _ = await session.drainEvents() }
}
