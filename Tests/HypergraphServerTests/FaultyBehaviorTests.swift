// The test-only faulty servers the conformance suite proves itself against (issue 6 §3): each fault must be
// observable on the wire, and the default behaviour must have none of them.
import HypergraphClient
import HypergraphCrypto
import HypergraphProtocol
@_spi(Testing) import HypergraphServer
import XCTest

final class FaultyBehaviorTests: XCTestCase {
    private func start(_ fault: ServerFault) async throws -> TestServer {
        try await TestServer.start(behavior: FaultyBehavior([fault]))
    }

    func testBroadcastsToRequester() async throws {
        let server = try await start(.broadcastsToRequester)
        let alice = try await server.participant()
        let space = try await alice.createSpace()
        try await alice.subscribe(space.id)
        _ = try await alice.createUpdate(space.id)
        let received = try await receivedTypes([alice.session])
        XCTAssertEqual(received, [["updates-notification"]])
        await server.stop()
    }

    func testSkipsUpdateNotifications() async throws {
        let server = try await start(.skipsUpdateNotifications)
        let alice = try await server.participant()
        let bob = try await server.participant()
        let space = try await server.sharedSpace(owner: alice, member: bob)
        try await bob.subscribe(space.id)
        try await settle([bob.session])
        _ = try await alice.createUpdate(space.id)
        let received = try await receivedTypes([bob.session])
        XCTAssertEqual(received, [[]])
        await server.stop()
    }

    func testAcceptsForgedUpdateSignatures() async throws {
        let server = try await start(.acceptsForgedUpdateSignatures)
        let alice = try await server.participant()
        let space = try await alice.createSpace()
        var request = alice.identity.createUpdate(spaceId: space.id, update: [1])
        request.signature = request.signed(with: .random()).signature
        let confirmation = try await alice.session.createUpdate(request)
        XCTAssertEqual(confirmation.clock, 0)
        await server.stop()
    }

    func testAcceptsEventsByOtherAccounts() async throws {
        let server = try await start(.acceptsEventsByOtherAccounts)
        let alice = try await server.participant()
        let bob = try await server.identity()
        let space = try await alice.session.createSpace(bob.createSpaceEvent(name: "Bob's, sent by Alice"))
        XCTAssertEqual(space.name, "Bob's, sent by Alice")
        await server.stop()
    }

    func testReusesClockForDuplicateUpdate() async throws {
        let server = try await start(.reusesClockForDuplicateUpdate)
        let alice = try await server.participant()
        let space = try await alice.createSpace()
        let first = alice.identity.createUpdate(spaceId: space.id, update: [1])
        _ = try await alice.session.createUpdate(first)
        _ = try await alice.createUpdate(space.id, [2])
        let resent = try await alice.session.createUpdate(first)
        XCTAssertEqual(resent.clock, 1, "the second update's clock")
        await server.stop()
    }

    func testClosesOnInvalidJSON() async throws {
        let server = try await start(.closesOnInvalidJSON)
        let alice = try await server.participant()
        try await alice.session.sendRaw(text: "{")
        let status = try await alice.session.waitForClose(timeout: .seconds(5))
        XCTAssertEqual(status.code, .invalidPayloadData)
        await server.stop()
    }

    func testSkipsInvitationPush() async throws {
        let server = try await start(.skipsInvitationPush)
        let alice = try await server.participant()
        let bob = try await server.participant()
        let space = try await alice.createSpace()
        try await server.invite(bob, to: space, by: alice)
        let received = try await receivedTypes([bob.session])
        XCTAssertEqual(received, [[]])
        await server.stop()
    }

    func testReadsInboxesOfOtherSpaces() async throws {
        let server = try await start(.readsInboxesOfOtherSpaces)
        let alice = try await server.participant()
        let bob = try await server.participant()
        let alicesSpace = try await alice.createSpace()
        let bobsSpace = try await bob.createSpace()
        let inboxId = try await bob.createSpaceInbox(in: bobsSpace)
        let posted = try await server.http(
            "POST", "/spaces/\(bobsSpace.id)/inboxes/\(inboxId)/messages", body: #"{"ciphertext":"0x5ec2e7"}"#)
        XCTAssertEqual(posted.status, 200)
        let leaked = try await alice.session.latestSpaceInboxMessages(spaceId: alicesSpace.id, inboxId: inboxId)
        XCTAssertEqual(leaked.messages.map(\.ciphertext), ["0x5ec2e7"])
        await server.stop()
    }

    func testSendsNullForAbsentOptionals() async throws {
        let server = try await start(.sendsNullForAbsentOptionals)
        let alice = try await server.participant()
        try await alice.session.send(.createSpaceEvent(alice.identity.createSpaceEvent(name: "Nulls")))
        let event = try await alice.session.nextEvent(timeout: .seconds(5))
        guard case .undecodable(let frame) = event else { return XCTFail("\(event)") }
        XCTAssertTrue(frame.reason.contains("null"), frame.reason)
        XCTAssertTrue(frame.reason.contains("$.updates"), frame.reason)
        await server.stop()
    }

    func testAcceptsAnyToken() async throws {
        let server = try await start(.acceptsAnyToken)
        let session = try await HypergraphClient.connect(url: server.url, token: "not-a-token")
        let spaces = try await session.listSpaces()
        XCTAssertEqual(spaces.spaces, [])
        await server.stop()
    }

    func testStandardBehaviourHasNoFault() {
        let standard = StandardBehavior()
        let none = FaultyBehavior([])
        for behavior in [standard, none] as [any ServerBehavior] {
            XCTAssertTrue(behavior.excludesRequesterFromBroadcasts)
            XCTAssertTrue(behavior.sendsUpdateNotifications)
            XCTAssertTrue(behavior.verifiesUpdateSignatures)
            XCTAssertTrue(behavior.requiresEventAuthorIsConnectionAccount)
            XCTAssertFalse(behavior.closesConnectionOnInvalidJSON)
            XCTAssertTrue(behavior.pushesInvitationsToInvitee)
            XCTAssertEqual(behavior.confirmedClock(forDuplicateStoredAt: 4), 4)
            XCTAssertEqual(behavior.spaceReadForInbox("i", requestedSpaceId: "s"), "s")
            XCTAssertNil(behavior.identityForRefusedToken("t"))
            let message = ServerMessage.listSpaces(ListSpacesResponse(spaces: []))
            XCTAssertEqual(behavior.encode(message), message.jsonUTF8())
        }
    }
}
