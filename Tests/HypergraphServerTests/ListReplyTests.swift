// List replies within maximumReplyBytes (docs/server.md, "Large lists"): a large inbox arrives over several replies,
// each within the limit, every message exactly once; the per-account count limits refuse with `too-large` and store
// nothing; a list reply that would pass the limit is refused rather than sent.
import HypergraphClient
import HypergraphProtocol
import HypergraphServer
import HypergraphStore
import XCTest

final class ListReplyTests: XCTestCase {
    /// Small replies: about seven messages each.
    private static func smallReplyLimits() -> ServerLimits {
        var limits = ServerLimits()
        limits.maximumReplyBytes = 8 * 1024
        limits.maximumCiphertextBytes = 1_024
        return limits
    }

    func testALargeInboxArrivesInRepliesWithinTheLimitEachMessageOnce() async throws {
        let limits = Self.smallReplyLimits()
        let server = try await TestServer.start(limits: limits)
        let alice = try await server.participant()
        let space = try await alice.createSpace()
        let spaceInboxId = try await alice.createSpaceInbox(in: space)
        let accountInbox = try await alice.session.createAccountInbox(
            alice.identity.createAccountInbox(isPublic: false, authPolicy: .anonymous))
        let accountInboxId = accountInbox.inbox.inboxId

        // Stored back to back, so many share a millisecond of the clock.
        var spaceMessages: [String] = []
        var accountMessages: [String] = []
        for index in 0..<120 {
            let message = NewInboxMessage(
                ciphertext: "0x" + String(repeating: "5a", count: 20 + index % 200), signature: nil,
                authorAccountAddress: nil)
            spaceMessages.append(
                try await server.storage.addSpaceInboxMessage(
                    spaceId: space.id, inboxId: spaceInboxId, message: message
                )
                .id)
            accountMessages.append(
                try await server.storage.addAccountInboxMessage(
                    accountAddress: alice.account, inboxId: accountInboxId, message: message
                ).id)
        }

        // As the TypeScript client reads: since = the newest createdAt it has, until nothing new arrives.
        var replies = 0
        var read: [String] = []
        var since = Timestamp(millisecondsSince1970: 0)
        while true {
            let reply = try await alice.session.latestSpaceInboxMessages(
                spaceId: space.id, inboxId: spaceInboxId, since: since)
            replies += 1
            let fresh = reply.messages.filter { !read.contains($0.id) }
            if !read.isEmpty {
                XCTAssertEqual(reply.messages.first?.id, read.last, "a continuation starts with the boundary message")
                XCTAssertEqual(reply.messages.count - fresh.count, 1, "and repeats nothing else")
            }
            guard let last = fresh.last else { break }
            read += fresh.map(\.id)
            since = last.createdAt
        }
        XCTAssertEqual(read, spaceMessages, "every message exactly once, oldest first")
        XCTAssertGreaterThan(replies, 5, "the inbox did not fit one reply")

        let helperSpace = try await alice.session.allSpaceInboxMessages(spaceId: space.id, inboxId: spaceInboxId)
        XCTAssertEqual(helperSpace.map(\.id), spaceMessages)
        let helperAccount = try await alice.session.allAccountInboxMessages(
            accountAddress: alice.account, inboxId: accountInboxId)
        XCTAssertEqual(helperAccount.map(\.id), accountMessages)

        var sizes: [Int] = []
        for entry in await alice.session.transcript.entries {
            guard entry.direction == .received, case .data(.text(let text)) = entry.content,
                text.contains("inbox-messages")
            else { continue }
            sizes.append(text.utf8.count)
        }
        XCTAssertGreaterThan(sizes.count, 2 * replies)
        XCTAssertLessThanOrEqual(sizes.max() ?? 0, limits.maximumReplyBytes, "every reply within the limit")
        XCTAssertGreaterThan(sizes.max() ?? 0, limits.maximumReplyBytes / 4, "replies carry many messages")
        await server.stop()
    }

    func testCountLimitsRefuseWithTooLargeAndStoreNothing() async throws {
        var limits = ServerLimits()
        limits.maximumSpacesPerAppIdentity = 2
        limits.maximumAccountInboxesPerAccount = 1
        limits.maximumPendingInvitationsPerAccount = 1
        let server = try await TestServer.start(limits: limits)
        let alice = try await server.participant()
        let bob = try await server.participant()
        let first = try await alice.createSpace()
        let second = try await alice.createSpace()

        let third = alice.identity.createSpaceEvent(name: "One too many")
        try await alice.assertTooLarge(.createSpaceEvent(third), mentioning: "maximumSpacesPerAppIdentity")
        let thirdHead = try await server.storage.spaceHead(spaceId: third.spaceId)
        XCTAssertNil(thirdHead, "nothing stored")
        let listed = try await alice.session.listSpaces()
        XCTAssertEqual(Set(listed.spaces.map(\.id)), [first.id, second.id])

        _ = try await alice.session.createAccountInbox(
            alice.identity.createAccountInbox(isPublic: true, authPolicy: .anonymous))
        try await alice.assertTooLarge(
            .createAccountInbox(alice.identity.createAccountInbox(isPublic: true, authPolicy: .anonymous)),
            mentioning: "maximumAccountInboxesPerAccount")
        let inboxes = try await server.storage.accountInboxes(accountAddress: alice.account, publicOnly: false)
        XCTAssertEqual(inboxes.count, 1, "nothing stored")

        try await server.invite(bob, to: first, by: alice)
        let current = try await alice.subscribe(second.id)
        let invitation = try XCTUnwrap(
            alice.identity.createInvitationEvent(in: current, inviteeAccountAddress: bob.account))
        try await alice.assertTooLarge(
            .createInvitationEvent(invitation), mentioning: "maximumPendingInvitationsPerAccount")
        let pending = try await server.storage.invitations(inviteeAccountAddress: bob.account)
        XCTAssertEqual(pending.map(\.spaceId), [first.id], "nothing stored")
        let afterRefusal = try await alice.subscribe(second.id)
        XCTAssertEqual(afterRefusal.events.count, current.events.count, "no event appended")

        // Joining counts as well: bob already lists two spaces of his own.
        _ = try await bob.createSpace()
        _ = try await bob.createSpace()
        let invitations = try await bob.session.listInvitations()
        let accept = bob.identity.acceptInvitationEvent(
            spaceId: first.id, previousEventHash: try XCTUnwrap(invitations.invitations.first?.previousEventHash))
        try await bob.assertTooLarge(.acceptInvitationEvent(accept), mentioning: "maximumSpacesPerAppIdentity")
        let isMember = try await server.storage.isMember(spaceId: first.id, accountAddress: bob.account)
        XCTAssertFalse(isMember, "nothing stored")
        let stillPending = try await server.storage.invitations(inviteeAccountAddress: bob.account)
        XCTAssertEqual(stillPending.count, 1, "the invitation is still pending")
        await server.stop()
    }

    func testAListReplyThatWouldPassTheLimitIsRefusedNotSent() async throws {
        // Three spaces with 1,000-byte names make a list-spaces reply larger than this small reply limit (the start
        // warns that the count and field limits do not fit it).
        var limits = ServerLimits()
        limits.maximumReplyBytes = 2_048
        let server = try await TestServer.start(limits: limits)
        let alice = try await server.participant()
        for index in 0..<3 {
            _ = try await alice.createSpace(name: String(repeating: "\(index)", count: 1_000))
        }
        try await alice.assertTooLarge(.listSpaces(ListSpacesRequest()), mentioning: "maximumReplyBytes (2048)")
        let logged = try await server.awaitLogLines(containing: "level=error", "event=reply.over_limit")
        XCTAssertEqual(logged.count, 1, "\(server.logs.all)")
        XCTAssertFalse(
            server.logLines(containing: "event=server.limits").isEmpty,
            "the start warns that these limits cannot bound the lists")
        await server.stop()
    }

    func testTheDefaultLimitsBoundEveryListReply() {
        XCTAssertEqual(ServerLimits().replyBoundProblems, [])
        var tight = ServerLimits()
        tight.maximumReplyBytes = 64 * 1024
        let problems = tight.replyBoundProblems
        XCTAssertEqual(problems.count, 5, "every list, the inbox messages and the space reply: \(problems)")
        XCTAssertTrue(problems.contains { $0.contains("maximumSpacesPerAppIdentity") }, "\(problems)")
        XCTAssertTrue(problems.contains { $0.contains("maximumCiphertextBytes") }, "\(problems)")
    }
}
