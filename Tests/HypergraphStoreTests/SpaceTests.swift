import XCTest

@testable import HypergraphStore

final class SpaceTests: XCTestCase {
    // MARK: Creating spaces

    func testCreateSpaceStoresEverythingAtOnceAndTheCreatorCanSubscribe() async throws {
        try await forEachBackend {
            let clock = TestClock(7_000)
            let store = try await openBackendStore(self, clock: clock)
            let alice = makeIdentity()
            try await store.createIdentity(alice)
            let space = makeSpace(creator: alice)

            let event = try await store.createSpace(space)
            XCTAssertEqual(
                event,
                SpaceEventRecord(
                    spaceId: "space-1", counter: 0, eventId: "space-1", eventJSON: space.eventJSON, createdAt: 7_000))

            let snapshot = try await store.spaceSnapshot(
                spaceId: "space-1", accountAddress: alice.accountAddress, appIdentityAddress: alice.appIdentityAddress,
                updatesAfterClock: nil)
            XCTAssertEqual(
                snapshot,
                SpaceSnapshot(
                    id: "space-1", name: "Space space-1", events: [event],
                    keyBoxes: [
                        KeyBoxRecord(
                            keyId: "key-space-1", accountAddress: alice.accountAddress,
                            appIdentityAddress: alice.appIdentityAddress, payload: space.creatorKeyBox)
                    ],
                    inboxes: [], updates: []))
            let head = try await store.spaceHead(spaceId: "space-1")
            XCTAssertEqual(head, SpaceHead(event: event, stateJSON: space.stateJSON, lastEventHash: "hash-0"))
            let isMember = try await store.isMember(spaceId: "space-1", accountAddress: alice.accountAddress)
            XCTAssertTrue(isMember)
            // The creator's app identity is linked (§12 G1), so list-spaces shows the space.
            let listed = try await store.spaces(
                appIdentityAddress: alice.appIdentityAddress, memberAccountAddress: alice.accountAddress)
            XCTAssertEqual(listed, [SpaceListing(id: "space-1", name: "Space space-1")])
        }
    }

    func testCreateSpaceConflictsAndMissingIdentityPersistNothing() async throws {
        try await forEachBackend {
            let (store, alice) = try await openBackendStoreWithSpace(self)
            await assertThrows(.conflict(.space(id: "space-1"))) {
                try await store.createSpace(makeSpace(creator: alice))
            }
            var stranger = makeSpace("space-2", creator: alice)
            stranger.creatorAppIdentityAddress = "0xunknown"
            await assertThrows(.notFound(.appIdentity(address: "0xunknown"))) {
                try await store.createSpace(stranger)
            }
            let head = try await store.spaceHead(spaceId: "space-2")
            XCTAssertNil(head)
            // Key ids are scoped to their space (§12 G27): another space may use the same key id.
            _ = try await store.createSpace(makeSpace("space-3", creator: alice, keyId: "key-space-1"))
        }
    }

    // MARK: Appending events

    func testAppendRequiresTheNextCounterAndAUniqueEventId() async throws {
        try await forEachBackend {
            let (store, _) = try await openBackendStoreWithSpace(self)
            let first = try await store.appendSpaceEvent(
                makeEvent("space-1", counter: 1),
                effect: .createSpaceInbox(makeInbox("inbox-a")))
            XCTAssertEqual(first.counter, 1)

            // A second writer validated against the same head (counter 0): the race is lost cleanly.
            await assertThrows(.conflict(.spaceEventCounter(spaceId: "space-1", counter: 1, nextCounter: 2))) {
                try await store.appendSpaceEvent(
                    makeEvent("space-1", counter: 1, id: "racing"), effect: .createSpaceInbox(makeInbox("inbox-b")))
            }
            await assertThrows(.conflict(.spaceEventCounter(spaceId: "space-1", counter: 5, nextCounter: 2))) {
                try await store.appendSpaceEvent(
                    makeEvent("space-1", counter: 5), effect: .createSpaceInbox(makeInbox("inbox-b")))
            }
            await assertThrows(.conflict(.spaceEvent(spaceId: "space-1", eventId: "event-1"))) {
                try await store.appendSpaceEvent(
                    makeEvent("space-1", counter: 2, id: "event-1"), effect: .createSpaceInbox(makeInbox("inbox-b")))
            }
            await assertThrows(.notFound(.space(id: "nowhere"))) {
                try await store.appendSpaceEvent(
                    makeEvent("nowhere", counter: 1), effect: .createSpaceInbox(makeInbox("inbox-b")))
            }
            // None of the failures left anything behind: inbox-b does not exist and the head is still counter 1.
            let head = try await store.spaceHead(spaceId: "space-1")
            XCTAssertEqual(head?.event.counter, 1)
            let inboxB = try await store.spaceInbox(spaceId: "space-1", inboxId: "inbox-b")
            XCTAssertNil(inboxB)
        }
    }

    func testConcurrentAppendsOnOneHeadLetExactlyOneWin() async throws {
        try await forEachBackend {
            let (store, _) = try await openBackendStoreWithSpace(self)
            let outcomes = await withTaskGroup(of: Bool.self) { group in
                for index in 0..<20 {
                    group.addTask {
                        do {
                            _ = try await store.appendSpaceEvent(
                                makeEvent("space-1", counter: 1, id: "event-\(index)"),
                                effect: .createSpaceInbox(makeInbox("inbox-\(index)")))
                            return true
                        } catch StoreError.conflict(.spaceEventCounter) {
                            return false
                        } catch {
                            XCTFail("unexpected error \(error)")
                            return false
                        }
                    }
                }
                return await group.reduce(into: [Bool]()) { $0.append($1) }
            }
            XCTAssertEqual(outcomes.filter { $0 }.count, 1)
            let inboxes = try await store.spaceInboxes(spaceId: "space-1", publicOnly: false)
            XCTAssertEqual(inboxes.count, 1)
        }
    }

    // MARK: Invitations

    func testInvitationThenAcceptanceMakesTheInviteeAMemberWhoCanSubscribe() async throws {
        try await forEachBackend {
            let (store, alice) = try await openBackendStoreWithSpace(self)
            let bob = makeIdentity(account: "0xBob")
            try await store.createIdentity(bob)

            let bobBox = InviteeKeyBox(
                keyId: "key-space-1", appIdentityAddress: bob.appIdentityAddress, payload: makeKeyBoxPayload("bob"))
            _ = try await store.appendSpaceEvent(
                makeEvent("space-1", counter: 1, id: "invitation-1"),
                effect: .createInvitation(
                    inviterAccountAddress: alice.accountAddress, inviteeAccountAddress: bob.accountAddress,
                    keyBoxes: [bobBox]))

            let invitations = try await store.invitations(inviteeAccountAddress: bob.accountAddress)
            XCTAssertEqual(invitations.map(\.id), ["invitation-1"])
            XCTAssertEqual(invitations.first?.spaceLastEventHash, "hash-1")
            XCTAssertEqual(invitations.first?.inviterAccountAddress, alice.accountAddress)
            let isMemberBefore = try await store.isMember(spaceId: "space-1", accountAddress: bob.accountAddress)
            XCTAssertFalse(isMemberBefore)

            // The listed hash follows the space's newest event (§9.4), not the invitation's own event.
            _ = try await store.appendSpaceEvent(
                makeEvent("space-1", counter: 2), effect: .createSpaceInbox(makeInbox("inbox-a")))
            let relisted = try await store.invitations(inviteeAccountAddress: bob.accountAddress)
            XCTAssertEqual(relisted.first?.spaceLastEventHash, "hash-2")

            _ = try await store.appendSpaceEvent(
                makeEvent("space-1", counter: 3),
                effect: .acceptInvitation(
                    accountAddress: bob.accountAddress, appIdentityAddress: bob.appIdentityAddress))
            let remaining = try await store.invitations(inviteeAccountAddress: bob.accountAddress)
            XCTAssertEqual(remaining, [])
            let isMemberAfter = try await store.isMember(spaceId: "space-1", accountAddress: bob.accountAddress)
            XCTAssertTrue(isMemberAfter)
            // Bob's app identity is linked by the acceptance (§12 G2) and sees his own key box (§12 G1).
            let linked = try await store.identity(
                accountAddress: bob.accountAddress, signaturePublicKey: bob.signaturePublicKey, linkedToSpace: "space-1"
            )
            XCTAssertEqual(linked, bob)
            let snapshot = try await store.spaceSnapshot(
                spaceId: "space-1", accountAddress: bob.accountAddress, appIdentityAddress: bob.appIdentityAddress,
                updatesAfterClock: nil)
            XCTAssertEqual(
                snapshot.keyBoxes,
                [
                    KeyBoxRecord(
                        keyId: "key-space-1", accountAddress: bob.accountAddress,
                        appIdentityAddress: bob.appIdentityAddress, payload: makeKeyBoxPayload("bob"))
                ])
            XCTAssertEqual(snapshot.events.map(\.counter), [0, 1, 2, 3])
            let listed = try await store.spaces(
                appIdentityAddress: bob.appIdentityAddress, memberAccountAddress: bob.accountAddress)
            XCTAssertEqual(listed.map(\.id), ["space-1"])
        }
    }

    func testInvitationConflictsAndKeyBoxChecks() async throws {
        try await forEachBackend {
            let (store, alice) = try await openBackendStoreWithSpace(self)
            let bob = makeIdentity(account: "0xBob")
            try await store.createIdentity(bob)
            func invite(_ counter: Int64, _ boxes: [InviteeKeyBox], invitee: String = "0xBob") async throws {
                _ = try await store.appendSpaceEvent(
                    makeEvent("space-1", counter: counter, id: "invitation-\(counter)"),
                    effect: .createInvitation(
                        inviterAccountAddress: alice.accountAddress, inviteeAccountAddress: invitee, keyBoxes: boxes))
            }
            let box = InviteeKeyBox(
                keyId: "key-space-1", appIdentityAddress: bob.appIdentityAddress, payload: makeKeyBoxPayload("bob"))

            await assertThrows(.missingKeyBoxes(spaceId: "space-1", keyIds: ["key-space-1"])) {
                try await invite(1, [])
            }
            await assertThrows(.notFound(.spaceKey(spaceId: "space-1", keyId: "key-elsewhere"))) {
                var foreign = box
                foreign.keyId = "key-elsewhere"
                try await invite(1, [box, foreign])
            }
            await assertThrows(.notFound(.appIdentity(address: "0xghost"))) {
                var ghost = box
                ghost.appIdentityAddress = "0xghost"
                try await invite(1, [ghost])
            }
            await assertThrows(
                .conflict(
                    .keyBox(
                        spaceId: "space-1", keyId: "key-space-1", accountAddress: "0xBob",
                        appIdentityAddress: bob.appIdentityAddress))
            ) {
                try await invite(1, [box, box])
            }
            try await invite(1, [box])
            await assertThrows(.conflict(.invitation(spaceId: "space-1", inviteeAccountAddress: "0xBob"))) {
                try await invite(2, [box])
            }
            // A box for an invitee without an app identity for the inviter's app is kept, addressed to nobody; it is
            // never handed out (no fallback, §12 G1).
            try await invite(
                2, [InviteeKeyBox(keyId: "key-space-1", appIdentityAddress: nil, payload: box.payload)],
                invitee: "0xCarol")
            let invitations = try await store.invitations(inviteeAccountAddress: "0xBob")
            XCTAssertEqual(invitations.count, 1)
        }
    }

    func testAcceptanceFailuresPersistNothing() async throws {
        try await forEachBackend {
            let (store, alice) = try await openBackendStoreWithSpace(self)
            let bob = makeIdentity(account: "0xBob")
            try await store.createIdentity(bob)
            await assertThrows(.notFound(.invitation(spaceId: "space-1", inviteeAccountAddress: "0xBob"))) {
                try await store.appendSpaceEvent(
                    makeEvent("space-1", counter: 1),
                    effect: .acceptInvitation(accountAddress: "0xBob", appIdentityAddress: bob.appIdentityAddress))
            }
            await assertThrows(.notFound(.appIdentity(address: "0xghost"))) {
                try await store.appendSpaceEvent(
                    makeEvent("space-1", counter: 1),
                    effect: .acceptInvitation(accountAddress: "0xBob", appIdentityAddress: "0xghost"))
            }
            let head = try await store.spaceHead(spaceId: "space-1")
            XCTAssertEqual(head?.event.counter, 0)

            // An account that somehow is already a member cannot accept on top of that.
            _ = try await store.appendSpaceEvent(
                makeEvent("space-1", counter: 1, id: "self-invitation"),
                effect: .createInvitation(
                    inviterAccountAddress: alice.accountAddress, inviteeAccountAddress: alice.accountAddress,
                    keyBoxes: [
                        InviteeKeyBox(
                            keyId: "key-space-1", appIdentityAddress: nil,
                            payload: makeKeyBoxPayload("self"))
                    ]))
            await assertThrows(.conflict(.member(spaceId: "space-1", accountAddress: alice.accountAddress))) {
                try await store.appendSpaceEvent(
                    makeEvent("space-1", counter: 2),
                    effect: .acceptInvitation(
                        accountAddress: alice.accountAddress, appIdentityAddress: alice.appIdentityAddress))
            }
            let invitations = try await store.invitations(inviteeAccountAddress: alice.accountAddress)
            XCTAssertEqual(invitations.count, 1, "the failed acceptance must not delete the invitation")
        }
    }

    // MARK: Reading spaces

    func testSnapshotRequiresMembershipAndGivesOnlyTheRequestersKeyBoxes() async throws {
        try await forEachBackend {
            let (store, alice) = try await openBackendStoreWithSpace(self)
            let aliceOtherApp = makeIdentity(appId: "other")
            try await store.createIdentity(aliceOtherApp)
            await assertThrows(.notFound(.space(id: "nowhere"))) {
                try await store.spaceSnapshot(
                    spaceId: "nowhere", accountAddress: alice.accountAddress,
                    appIdentityAddress: alice.appIdentityAddress, updatesAfterClock: nil)
            }
            await assertThrows(.notMember(spaceId: "space-1", accountAddress: "0xBob")) {
                try await store.spaceSnapshot(
                    spaceId: "space-1", accountAddress: "0xBob", appIdentityAddress: alice.appIdentityAddress,
                    updatesAfterClock: nil)
            }
            // Same account, other app identity: a member, but no key box is encrypted to that identity.
            let snapshot = try await store.spaceSnapshot(
                spaceId: "space-1", accountAddress: alice.accountAddress,
                appIdentityAddress: aliceOtherApp.appIdentityAddress, updatesAfterClock: nil)
            XCTAssertEqual(snapshot.keyBoxes, [])
            let isMember = try await store.isMember(spaceId: "nowhere", accountAddress: alice.accountAddress)
            XCTAssertFalse(isMember)
        }
    }

    func testListingAndCountingSpacesNeedBothTheLinkAndMembership() async throws {
        try await forEachBackend {
            let (store, alice) = try await openBackendStoreWithSpace(self)
            let aliceOtherApp = makeIdentity(appId: "other")
            try await store.createIdentity(aliceOtherApp)
            _ = try await store.createSpace(makeSpace("space-0", creator: alice))
            let listed = try await store.spaces(
                appIdentityAddress: alice.appIdentityAddress, memberAccountAddress: alice.accountAddress)
            XCTAssertEqual(listed.map(\.id), ["space-0", "space-1"])
            let otherApp = try await store.spaces(
                appIdentityAddress: aliceOtherApp.appIdentityAddress, memberAccountAddress: alice.accountAddress)
            XCTAssertEqual(otherApp, [])
            let otherAccount = try await store.spaces(
                appIdentityAddress: alice.appIdentityAddress, memberAccountAddress: "0xBob")
            XCTAssertEqual(otherAccount, [])
            // The count agrees with each listing, without reading it.
            for (app, account, expected) in [
                (alice.appIdentityAddress, alice.accountAddress, 2),
                (aliceOtherApp.appIdentityAddress, alice.accountAddress, 0), (alice.appIdentityAddress, "0xBob", 0),
            ] {
                let counted = try await store.spaceCount(appIdentityAddress: app, memberAccountAddress: account)
                XCTAssertEqual(counted, expected, "\(app) \(account)")
            }
        }
    }
}

func makeInbox(_ inboxId: String, isPublic: Bool = true, authPolicy: String = "optional_auth") -> NewSpaceInbox {
    NewSpaceInbox(
        inboxId: inboxId, isPublic: isPublic, authPolicy: authPolicy, encryptionPublicKey: "0xpublic-\(inboxId)",
        encryptedSecretKey: "0xsecret-\(inboxId)")
}
