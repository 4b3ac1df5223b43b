// The recommended fixes that shape replies: key boxes per app identity (§12 G1), acceptance by an app identity
// (G2), list-spaces by membership and link (G17), and lastKnownUpdateClock (§4.1, G10).
import HypergraphClient
import HypergraphProtocol
import XCTest

final class SpaceRuleTests: XCTestCase {
    func testLastKnownUpdateClockLimitsTheUpdatesAndEmptyUpdatesAreOmitted() async throws {
        let server = try await TestServer.start()
        let alice = try await server.participant()
        let space = try await alice.createSpace()
        XCTAssertNil(space.updates, "no updates: the member is omitted, never null")
        for index in 0..<5 { _ = try await alice.createUpdate(space.id, [UInt8(index)]) }
        let later = try await alice.subscribe(space.id, lastKnownUpdateClock: 2)
        XCTAssertEqual(later.updates?.firstUpdateClock, 3)
        XCTAssertEqual(later.updates?.lastUpdateClock, 4)
        XCTAssertEqual(later.updates?.updates.map(\.update), [[3], [4]])
        XCTAssertEqual(later.events.count, 1, "events are always complete")
        let upToDate = try await alice.subscribe(space.id, lastKnownUpdateClock: 4)
        XCTAssertNil(upToDate.updates)
        let everything = try await alice.subscribe(space.id)
        XCTAssertEqual(everything.updates?.firstUpdateClock, 0)
        await server.stop()
    }

    func testInviteeKeyBoxesAreStoredForTheInviteesIdentityOfTheSameApp() async throws {
        // §12 G1: the invitee's box is addressed to its app identity with the inviter's appId; another app identity
        // of the invitee's account gets no box and therefore no `space`.
        let server = try await TestServer.start()
        let alice = try await server.participant(appId: "notes")
        let bob = try await server.participant(appId: "notes")
        let bobOtherApp = try await server.participant(account: bob.account, appId: "chat")
        let space = try await alice.createSpace()
        let invited = try await server.invite(bob, to: space, by: alice)
        let joined = try await server.accept(space.id, by: bob)
        XCTAssertEqual(joined.keyBoxes.map(\.id), invited.keyBoxes.map(\.id))
        XCTAssertEqual(joined.keyBoxes.map(\.accountAddress), [bob.account])
        let error = try await bobOtherApp.rejection(of: .subscribeSpace(SubscribeSpaceRequest(id: space.id)))
        XCTAssertEqual(error.code, .forbidden)
        await server.stop()
    }

    func testListSpacesShowsSpacesTheAppIdentityIsLinkedToAndTheAccountIsMemberOf() async throws {
        // §12 G17 (and G2: acceptance links the accepting app identity).
        let server = try await TestServer.start()
        let alice = try await server.participant()
        let bob = try await server.participant()
        let aliceOtherApp = try await server.participant(account: alice.account, appId: "elsewhere")
        let space = try await alice.createSpace(name: "Listed")
        _ = try await alice.createSpace(name: "Also listed")
        try await server.invite(bob, to: space, by: alice)
        let beforeAccepting = try await bob.session.listSpaces()
        XCTAssertEqual(beforeAccepting.spaces, [])
        _ = try await server.accept(space.id, by: bob)
        let afterAccepting = try await bob.session.listSpaces()
        XCTAssertEqual(afterAccepting.spaces, [SpaceSummary(id: space.id, name: "Listed")])
        let alices = try await alice.session.listSpaces()
        XCTAssertEqual(Set(alices.spaces.map(\.name)), ["Listed", "Also listed"])
        let otherApp = try await aliceOtherApp.session.listSpaces()
        XCTAssertEqual(otherApp.spaces, [], "an app identity that is not linked lists nothing")
        await server.stop()
    }

    func testAcceptedInvitationDisappearsFromTheInviteesList() async throws {
        let server = try await TestServer.start()
        let alice = try await server.participant()
        let bob = try await server.participant()
        let space = try await alice.createSpace()
        let invited = try await server.invite(bob, to: space, by: alice)
        let pending = try await bob.session.listInvitations()
        XCTAssertEqual(pending.invitations.map(\.previousEventHash), [invited.lastEventHash])
        _ = try await server.accept(space.id, by: bob)
        let after = try await bob.session.listInvitations()
        XCTAssertEqual(after.invitations, [])
        await server.stop()
    }
}
