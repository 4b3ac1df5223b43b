// The `space` reply within maximumReplyBytes (docs/server.md, "Large lists"): the per-space count limits and the
// inbox secret-key limit refuse with `too-large` and store nothing; the defaults bound the worst-case reply; a `space`
// reply that would still pass the limit is refused and logged, not sent.
import HypergraphClient
import HypergraphProtocol
import HypergraphServer
import HypergraphStore
import XCTest

final class SpaceReplyBoundTests: XCTestCase {
    func testSpaceCountLimitsRefuseWithTooLargeAndStoreNothing() async throws {
        var limits = ServerLimits()
        limits.maximumEventsPerSpace = 3
        limits.maximumInboxesPerSpace = 1
        let server = try await TestServer.start(limits: limits)
        let alice = try await server.participant()
        let bob = try await server.participant()
        let carol = try await server.participant()
        let space = try await alice.createSpace()
        let firstInbox = try await alice.createSpaceInbox(in: space)

        let withInbox = try await alice.subscribe(space.id)
        let longKey = alice.identity.createSpaceInboxEvent(
            spaceId: space.id, previousEventHash: try XCTUnwrap(withInbox.lastEventHash), isPublic: false,
            authPolicy: .anonymous, secretKey: RandomIdentifiers.hex(byteCount: 300))
        try await alice.assertTooLarge(
            .createSpaceInboxEvent(longKey), mentioning: "event.transaction.secretKey has 602 bytes",
            "the limit is 512")

        let secondInbox = alice.identity.createSpaceInboxEvent(
            spaceId: space.id, previousEventHash: try XCTUnwrap(withInbox.lastEventHash), isPublic: false,
            authPolicy: .anonymous)
        try await alice.assertTooLarge(.createSpaceInboxEvent(secondInbox), mentioning: "maximumInboxesPerSpace")
        let inboxes = try await server.storage.spaceInboxes(spaceId: space.id, publicOnly: false)
        XCTAssertEqual(inboxes.map(\.inbox.inboxId), [firstInbox], "nothing stored")
        let afterRefusals = try await alice.subscribe(space.id)
        XCTAssertEqual(afterRefusals.events.count, 2, "no event appended")

        // The third event is the last one the space may hold.
        let invited = try await server.invite(bob, to: space, by: alice)
        XCTAssertEqual(invited.events.count, 3)
        let invitation = try XCTUnwrap(
            alice.identity.createInvitationEvent(in: invited, inviteeAccountAddress: carol.account))
        try await alice.assertTooLarge(
            .createInvitationEvent(invitation), mentioning: "(events) already has 3", "maximumEventsPerSpace")
        let pending = try await server.storage.invitations(inviteeAccountAddress: carol.account)
        XCTAssertEqual(pending.count, 0, "nothing stored")

        // Joining is an event too: bob's invitation stays pending.
        let invitations = try await bob.session.listInvitations()
        let accept = bob.identity.acceptInvitationEvent(
            spaceId: space.id, previousEventHash: try XCTUnwrap(invitations.invitations.first?.previousEventHash))
        try await bob.assertTooLarge(.acceptInvitationEvent(accept), mentioning: "maximumEventsPerSpace")
        let isMember = try await server.storage.isMember(spaceId: space.id, accountAddress: bob.account)
        XCTAssertFalse(isMember, "nothing stored")
        let final = try await alice.subscribe(space.id)
        XCTAssertEqual(final.events.count, 3)
        await server.stop()
    }

    func testManySmallUpdatesWithLongEscapedIdsArriveInPartsWithinTheLimit() async throws {
        // Each update id is 256 control characters, 1,536 bytes once escaped: the slices count them at that size,
        // so every part fits and the subscriber gets them all.
        var limits = ServerLimits()
        limits.maximumReplyBytes = 16 * 1024
        let server = try await TestServer.start(limits: limits)
        let alice = try await server.participant()
        let space = try await alice.createSpace()
        for index in 0..<40 {
            let updateId = String(format: "%03d", index) + String(repeating: "\u{1}", count: 253)
            try await alice.createUpdate(space.id, [UInt8(index)], updateId: updateId)
        }
        let snapshot = try await alice.subscribe(space.id)
        XCTAssertEqual(snapshot.updates?.updates.map(\.update.bytes), (0..<40).map { [UInt8($0)] })
        XCTAssertEqual(server.logLines(containing: "event=reply.over_limit"), [], "no part passed the limit")
        await server.stop()
    }

    func testTheDefaultLimitsBoundTheSpaceReply() {
        XCTAssertEqual(ServerLimits().replyBoundProblems, [])
        var manyEvents = ServerLimits()
        manyEvents.maximumEventsPerSpace = 10_000
        XCTAssertEqual(manyEvents.replyBoundProblems.count, 1, "\(manyEvents.replyBoundProblems)")
        XCTAssertTrue(
            manyEvents.replyBoundProblems.allSatisfy { $0.contains("a space reply") && $0.contains("10000 events") },
            "\(manyEvents.replyBoundProblems)")
        var longKeys = ServerLimits()
        longKeys.maximumInboxSecretKeyBytes = 64 * 1024
        XCTAssertTrue(
            longKeys.replyBoundProblems.contains { $0.contains("maximumInboxesPerSpace") },
            "\(longKeys.replyBoundProblems)")
    }

    func testASpaceReplyThatWouldPassTheLimitIsRefusedNotSent() async throws {
        // One stored update of 4,000 bytes takes up to 16,000 bytes in JSON, more than this small reply limit, and
        // the `space` reply must carry at least one update (the start warns that these limits cannot bound it).
        var limits = ServerLimits()
        limits.maximumReplyBytes = 8 * 1024
        let server = try await TestServer.start(limits: limits)
        let alice = try await server.participant()
        let space = try await alice.createSpace()
        try await alice.createUpdate(space.id, [UInt8](repeating: 255, count: 4_000))

        try await alice.assertTooLarge(
            .subscribeSpace(SubscribeSpaceRequest(id: space.id)), mentioning: "the space reply would be",
            "maximumReplyBytes (8192)")
        let logged = try await server.awaitLogLines(containing: "level=error", "event=reply.over_limit", "type=space")
        XCTAssertEqual(logged.count, 1, "\(server.logs.all)")
        XCTAssertFalse(
            server.logLines(containing: "event=server.limits", "a space reply").isEmpty,
            "the start warns that these limits cannot bound the space reply")
        // The connection goes on: a later request is answered.
        let listed = try await alice.session.listSpaces()
        XCTAssertEqual(listed.spaces.map(\.id), [space.id])
        await server.stop()
    }
}
