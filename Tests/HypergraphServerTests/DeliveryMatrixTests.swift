// Every row of the §6 delivery matrix: what the requester gets, who else gets what, and who must get nothing.
import HypergraphClient
import HypergraphProtocol
import HypergraphSigning
import XCTest

final class DeliveryMatrixTests: XCTestCase {
    /// Alice (owner, two connections, both subscribed), Bob (member, connection 1 subscribed, 2 not) and Carol
    /// (outsider) around one space.
    private struct Cast {
        let server: TestServer
        let alice: Participant
        let alice2: Participant
        let bob: Participant
        let bob2: Participant
        let carol: Participant
        let spaceId: String

        var everyone: [HypergraphSession] { [alice, alice2, bob, bob2, carol].map(\.session) }

        static func assemble() async throws -> Cast {
            let server = try await TestServer.start()
            let alice = try await server.participant()
            let bob = try await server.participant()
            let space = try await server.sharedSpace(owner: alice, member: bob)
            let cast = Cast(
                server: server, alice: alice, alice2: try await server.secondSession(of: alice), bob: bob,
                bob2: try await server.secondSession(of: bob), carol: try await server.participant(), spaceId: space.id)
            try await cast.alice.subscribe(space.id)
            try await cast.alice2.subscribe(space.id)
            try await cast.bob.subscribe(space.id)
            try await settle(cast.everyone)
            return cast
        }

        /// What each of alice, alice2, bob, bob2, carol received after a quiet period.
        func received() async throws -> [[String]] {
            try await receivedTypes(everyone)
        }

        func lastEventHash() async throws -> String {
            let space = try await alice.session.subscribe(spaceId: spaceId)
            return try XCTUnwrap(space.lastEventHash)
        }
    }

    func testReadRequestsAnswerOnlyTheRequester() async throws {
        let cast = try await Cast.assemble()
        try await cast.bob2.subscribe(cast.spaceId)
        _ = try await cast.bob2.session.listSpaces()
        _ = try await cast.bob2.session.listInvitations()
        _ = try await cast.bob2.session.accountInboxes()
        let received = try await cast.received()
        XCTAssertEqual(
            received, [[], [], [], [], []], "subscribe-space, list-spaces, list-invitations, get-account-inboxes")
        await cast.server.stop()
    }

    func testCreateSpaceEventRepliesSpaceToTheRequesterOnly() async throws {
        let cast = try await Cast.assemble()
        let space = try await cast.alice.createSpace(name: "Second")
        XCTAssertEqual(space.name, "Second")
        XCTAssertEqual(space.keyBoxes.count, 1)
        XCTAssertEqual(space.keyBoxes.first?.accountAddress, cast.alice.account)
        XCTAssertNil(space.updates)
        let observed = try await cast.received()
        XCTAssertEqual(observed, [[], [], [], [], []])
        await cast.server.stop()
    }

    func testCreateInvitationPushesInvitationsToTheInviteeAndTheEventToOtherSubscribers() async throws {
        let cast = try await Cast.assemble()
        let dave = try await cast.server.participant()
        let dave2 = try await cast.server.secondSession(of: dave)
        let request = cast.alice.identity.createInvitationEvent(
            spaceId: cast.spaceId, previousEventHash: try await cast.lastEventHash(),
            inviteeAccountAddress: dave.account,
            keyBoxes: [.opaque(keyId: try await keyId(cast), accountAddress: dave.account)])
        try await settle(cast.everyone)
        let reply = try await cast.alice.session.createInvitation(request)
        XCTAssertEqual(reply.events.last, .createInvitation(request.event))
        let received = try await receivedTypes(cast.everyone + [dave.session, dave2.session])
        XCTAssertEqual(
            received,
            [
                [], ["space-event"], ["space-event"], [], [],
                ["list-invitations"], ["list-invitations"],
            ])
        let pushed = try await dave.session.listInvitations()
        XCTAssertEqual(pushed.invitations.map(\.spaceId), [cast.spaceId])
        await cast.server.stop()
    }

    func testAcceptInvitationBroadcastsTheEventToOtherSubscribersWithoutInvitationPush() async throws {
        let cast = try await Cast.assemble()
        let dave = try await cast.server.participant()
        let space = try await cast.alice.session.subscribe(spaceId: cast.spaceId)
        try await cast.server.invite(dave, to: space, by: cast.alice)
        try await settle(cast.everyone + [dave.session])
        let accepted = try await cast.server.accept(cast.spaceId, by: dave)
        XCTAssertEqual(accepted.keyBoxes.first?.accountAddress, dave.account)
        let received = try await receivedTypes(cast.everyone + [dave.session])
        XCTAssertEqual(received, [["space-event"], ["space-event"], ["space-event"], [], [], []])
        await cast.server.stop()
    }

    func testCreateSpaceInboxBroadcastsTheEventToOtherSubscribers() async throws {
        let cast = try await Cast.assemble()
        let request = cast.alice.identity.createSpaceInboxEvent(
            spaceId: cast.spaceId, previousEventHash: try await cast.lastEventHash(), isPublic: true,
            authPolicy: .anonymous)
        try await settle(cast.everyone)
        let reply = try await cast.alice.session.createSpaceInbox(request)
        XCTAssertEqual(reply.inboxes.map(\.inboxId), [request.event.transaction.inboxId])
        let observed = try await cast.received()
        XCTAssertEqual(observed, [[], ["space-event"], ["space-event"], [], []])
        await cast.server.stop()
    }

    func testCreateAccountInboxGoesToEveryConnectionOfTheAccountIncludingTheRequester() async throws {
        let cast = try await Cast.assemble()
        let inbox = try await cast.bob.session.createAccountInbox(
            cast.bob.identity.createAccountInbox(isPublic: false, authPolicy: .requiresAuth))
        XCTAssertEqual(inbox.inbox.accountAddress, cast.bob.account)
        let observed = try await cast.received()
        XCTAssertEqual(observed, [[], [], [], ["account-inbox"], []])
        await cast.server.stop()
    }

    func testInboxMessageReadsAnswerOnlyTheRequester() async throws {
        let cast = try await Cast.assemble()
        let spaceInbox = cast.alice.identity.createSpaceInboxEvent(
            spaceId: cast.spaceId, previousEventHash: try await cast.lastEventHash(), isPublic: false,
            authPolicy: .anonymous)
        _ = try await cast.alice.session.createSpaceInbox(spaceInbox)
        let accountInbox = try await cast.bob.session.createAccountInbox(
            cast.bob.identity.createAccountInbox(isPublic: true, authPolicy: .anonymous))
        try await settle(cast.everyone)
        let spaceMessages = try await cast.bob2.session.latestSpaceInboxMessages(
            spaceId: cast.spaceId, inboxId: spaceInbox.event.transaction.inboxId)
        XCTAssertEqual(spaceMessages.messages, [])
        let accountMessages = try await cast.bob2.session.latestAccountInboxMessages(
            accountAddress: cast.bob.account, inboxId: accountInbox.inbox.inboxId)
        XCTAssertEqual(accountMessages.accountAddress, cast.bob.account)
        let observed = try await cast.received()
        XCTAssertEqual(observed, [[], [], [], [], []])
        await cast.server.stop()
    }

    func testCreateUpdateConfirmsToTheRequesterAndNotifiesOtherSubscribers() async throws {
        let cast = try await Cast.assemble()
        let request = cast.alice.identity.createUpdate(spaceId: cast.spaceId, update: Array(0..<48))
        let confirmation = try await cast.alice.session.createUpdate(request)
        XCTAssertEqual(
            confirmation, UpdateConfirmedResponse(updateId: request.updateId, clock: 0, spaceId: cast.spaceId))
        let observed = try await cast.received()
        XCTAssertEqual(observed, [[], ["updates-notification"], ["updates-notification"], [], []])
        _ = try await cast.alice.createUpdate(cast.spaceId, [9])
        let notification = try await cast.bob.session.nextMessage(timeout: .seconds(5))
        guard case .updatesNotification(let updates) = notification else { return XCTFail("\(notification)") }
        XCTAssertEqual(updates.updates.firstUpdateClock, 1)
        XCTAssertEqual(updates.updates.lastUpdateClock, 1)
        XCTAssertEqual(updates.updates.updates.first?.accountAddress, cast.alice.account)
        XCTAssertEqual(updates.updates.updates.first?.update, [9])
        await cast.server.stop()
    }

    func testPostedSpaceInboxMessageGoesToEverySubscriber() async throws {
        let cast = try await Cast.assemble()
        let inbox = cast.alice.identity.createSpaceInboxEvent(
            spaceId: cast.spaceId, previousEventHash: try await cast.lastEventHash(), isPublic: true,
            authPolicy: .anonymous)
        _ = try await cast.alice.session.createSpaceInbox(inbox)
        try await settle(cast.everyone)
        let response = try await cast.server.http(
            "POST", "/spaces/\(cast.spaceId)/inboxes/\(inbox.event.transaction.inboxId)/messages",
            body: #"{"ciphertext":"0x0102"}"#, headers: ["Content-Type": "application/json"])
        XCTAssertEqual(response.status, 200)
        XCTAssertEqual(response.text, "{}")
        let observed = try await cast.received()
        XCTAssertEqual(observed, [["space-inbox-message"], ["space-inbox-message"], ["space-inbox-message"], [], []])
        await cast.server.stop()
    }

    func testPostedAccountInboxMessageGoesToEveryConnectionOfTheAccount() async throws {
        let cast = try await Cast.assemble()
        let inbox = try await cast.bob.session.createAccountInbox(
            cast.bob.identity.createAccountInbox(isPublic: true, authPolicy: .anonymous))
        try await settle(cast.everyone)
        let response = try await cast.server.http(
            "POST", "/accounts/\(cast.bob.account)/inboxes/\(inbox.inbox.inboxId)/messages",
            body: #"{"ciphertext":"0x0102"}"#)
        XCTAssertEqual(response.status, 200)
        let observed = try await cast.received()
        XCTAssertEqual(observed, [[], [], ["account-inbox-message"], ["account-inbox-message"], []])
        await cast.server.stop()
    }

    func testSubscriptionHoldsBroadcastsUntilItsSnapshotIsSent() async throws {
        // A subscriber must see the snapshot first and then every later update exactly once, even while updates
        // are being written as it subscribes.
        let server = try await TestServer.start()
        let alice = try await server.participant()
        let bob = try await server.participant()
        let spaceId = try await server.sharedSpace(owner: alice, member: bob).id
        let writer = Task {
            for index in 0..<60 { _ = try await alice.createUpdate(spaceId, [UInt8(index)]) }
        }
        try await Task.sleep(for: .milliseconds(20))
        let snapshot = try await bob.subscribe(spaceId)
        try await writer.value
        let messages = try await receivedMessages(bob.session)
        var clocks = snapshot.updates.map { Array($0.firstUpdateClock...$0.lastUpdateClock) } ?? []
        for message in messages {
            guard case .updatesNotification(let notification) = message else { continue }
            clocks.append(notification.updates.firstUpdateClock)
        }
        XCTAssertEqual(clocks, Array(0..<60))
        await server.stop()
    }

    private func keyId(_ cast: Cast) async throws -> String {
        let space = try await cast.alice.session.subscribe(spaceId: cast.spaceId)
        return try XCTUnwrap(space.keyBoxes.first?.id)
    }
}
