// §8: the space-event rules every server must enforce (clients replay events and drop invalid ones).
import HypergraphClient
import HypergraphJSON
import HypergraphProtocol
import HypergraphSigning

extension ConformanceSuite {
    /// Sends an event request that must be refused, then checks that the space's events are unchanged.
    static func expectEventRefused(
        _ context: CaseContext, _ message: ClientMessage, on peer: Peer, owner: Peer, space: SpaceResponse,
        _ requirement: String
    ) async throws {
        try await context.expectRefused(message, on: peer, requirement)
        let snapshot = try await context.subscribe(owner, to: space.id)
        try requireEqual(snapshot.events.count, space.events.count, "the number of events after the refusal")
    }

    static let eventCases: [ConformanceCase] = [
        ConformanceCase(
            "events.chain.unknown-previous-hash.refused", .must, "§8.2",
            "An event whose previousEventHash is not the space's last event hash is refused and nothing is persisted.",
            area: .events
        ) { context in
            let alice = try await context.peer("alice")
            let bob = try await context.identity()
            let space = try await context.createSpace(by: alice)
            let request = alice.identity.createInvitationEvent(
                spaceId: space.id, previousEventHash: RandomIdentifiers.hex(byteCount: 32),
                inviteeAccountAddress: bob.accountAddress,
                keyBoxes: space.keyBoxes.map { .opaque(keyId: $0.id, accountAddress: bob.accountAddress) })
            try await expectEventRefused(
                context, .createInvitationEvent(request), on: alice, owner: alice, space: space,
                "no space for a wrong previousEventHash")
        },
        ConformanceCase(
            "events.chain.stale-previous-hash.refused", .must, "§8.2",
            "An event chained to an earlier event instead of the last one is refused.",
            area: .events
        ) { context in
            let alice = try await context.peer("alice")
            let bob = try await context.identity()
            let created = try await context.createSpace(by: alice)
            let (space, _) = try await context.createSpaceInbox(by: alice, in: created)
            guard
                let stale = alice.identity.createInvitationEvent(in: created, inviteeAccountAddress: bob.accountAddress)
            else { return }
            try await expectEventRefused(
                context, .createInvitationEvent(stale), on: alice, owner: alice, space: space,
                "no space for a stale previousEventHash")
        },
        ConformanceCase(
            "events.non-admin.invitation.refused", .must, "§8.2",
            "A create-invitation event by a member who is not an admin is refused and nobody is invited.",
            area: .events
        ) { context in
            let alice = try await context.peer("alice")
            let bob = try await context.peer("bob")
            let carol = try await context.peer("carol")
            let space = try await context.sharedSpace(owner: alice, member: bob)
            guard let request = bob.identity.createInvitationEvent(in: space, inviteeAccountAddress: carol.account)
            else { return }
            try await expectEventRefused(
                context, .createInvitationEvent(request), on: bob, owner: alice, space: space,
                "no space for a member's invitation")
            let invitations = try await carol.session.listInvitations(timeout: context.timeout).invitations
            try require(
                !invitations.contains { $0.spaceId == space.id }, "no invitation to \(space.id) for carol",
                observed: "\(invitations)")
        },
        ConformanceCase(
            "events.non-admin.inbox.refused", .must, "§8.2",
            "A create-space-inbox event by a member who is not an admin is refused.",
            area: .events
        ) { context in
            let alice = try await context.peer("alice")
            let bob = try await context.peer("bob")
            let space = try await context.sharedSpace(owner: alice, member: bob)
            let request = try context.inboxEvent(by: bob.identity, in: space)
            try await expectEventRefused(
                context, .createSpaceInboxEvent(request), on: bob, owner: alice, space: space,
                "no space for a member's inbox")
        },
        ConformanceCase(
            "events.invitation.existing-member.refused", .must, "§8.2",
            "Inviting an account that is already a member is refused.",
            area: .events
        ) { context in
            let alice = try await context.peer("alice")
            let bob = try await context.peer("bob")
            let space = try await context.sharedSpace(owner: alice, member: bob)
            guard let request = alice.identity.createInvitationEvent(in: space, inviteeAccountAddress: bob.account)
            else { return }
            try await expectEventRefused(
                context, .createInvitationEvent(request), on: alice, owner: alice, space: space,
                "no space for inviting a member")
        },
        ConformanceCase(
            "events.invitation.double-invite.refused", .must, "§8.2",
            "Inviting an account that already has a pending invitation to the space is refused.",
            area: .events
        ) { context in
            let alice = try await context.peer("alice")
            let bob = try await context.identity()
            let space = try await context.invite(bob, to: context.createSpace(by: alice), by: alice)
            guard
                let request = alice.identity.createInvitationEvent(in: space, inviteeAccountAddress: bob.accountAddress)
            else { return }
            try await expectEventRefused(
                context, .createInvitationEvent(request), on: alice, owner: alice, space: space,
                "no space for a second invitation")
        },
        ConformanceCase(
            "events.accept.non-invitee.refused", .must, "§4.6, §8.2",
            "An accept-invitation event by an account without a pending invitation is refused and it does not become a member.",
            area: .events
        ) { context in
            let alice = try await context.peer("alice")
            let bob = try await context.identity()
            let mallory = try await context.peer("mallory")
            let space = try await context.invite(bob, to: context.createSpace(by: alice), by: alice)
            let request = mallory.identity.acceptInvitationEvent(
                spaceId: space.id, previousEventHash: try context.lastHash(space))
            try await expectEventRefused(
                context, .acceptInvitationEvent(request), on: mallory, owner: alice, space: space,
                "no space for a non-invitee's acceptance")
        },
        ConformanceCase(
            "events.forged-signature.refused", .must, "§7.2, §8.2",
            "An event signed by a key that is not an identity of its author is refused.",
            area: .events
        ) { context in
            let alice = try await context.peer("alice")
            let bob = try await context.identity()
            let space = try await context.createSpace(by: alice)
            guard
                var request = alice.identity.createInvitationEvent(in: space, inviteeAccountAddress: bob.accountAddress)
            else { return }
            request.event.author.signature = BrokenSignatures.foreign(request.event.signingPayload)
            try await expectEventRefused(
                context, .createInvitationEvent(request), on: alice, owner: alice, space: space,
                "no space for a forged signature")
        },
        ConformanceCase(
            "events.forged-signature.create-space.refused", .must, "§4.4, §8.2",
            "A create-space event whose signature is not by the author's key is refused and the space does not exist.",
            area: .events
        ) { context in
            let alice = try await context.peer("alice")
            var request = alice.identity.createSpaceEvent(name: "Forged")
            request.event.author.signature = BrokenSignatures.foreign(request.event.signingPayload)
            try await context.expectRefused(.createSpaceEvent(request), on: alice, "no space for a forged create-space")
            try await context.expectRefused(
                .subscribeSpace(SubscribeSpaceRequest(id: request.spaceId)), on: alice,
                "the space not to exist")
        },
        ConformanceCase(
            "events.other-author.create-space.refused", .must, "§8.3",
            "A create-space event authored and signed by another account than the connection's is refused.",
            area: .events
        ) { context in
            let alice = try await context.peer("alice")
            let bob = try await context.identity()
            let request = bob.createSpaceEvent(name: "Bob's, sent by Alice")
            try await context.expectRefused(
                .createSpaceEvent(request), on: alice, "no space for another account's event")
        },
        ConformanceCase(
            "events.other-author.invitation.refused", .must, "§8.3",
            "An invitation authored and signed by an admin, but sent on another account's connection, is refused.",
            area: .events
        ) { context in
            let bob = try await context.peer("bob")
            let alice = try await context.peer("alice")
            let carol = try await context.identity()
            let space = try await context.sharedSpace(owner: bob, member: alice)
            guard
                let request = bob.identity.createInvitationEvent(in: space, inviteeAccountAddress: carol.accountAddress)
            else { return }
            try await expectEventRefused(
                context, .createInvitationEvent(request), on: alice, owner: bob, space: space,
                "no space for bob's invitation sent by alice")
        },
        ConformanceCase(
            "events.unknown-members.stripped", .must, "§3.10, §7.5",
            "Unknown members inside an event are ignored: it is accepted, stored and re-sent without them, and the chain continues from the stripped event's hash.",
            area: .events
        ) { context in
            let alice = try await context.peer("alice")
            let bob = try await context.identity()
            let space = try await context.createSpace(by: alice)
            guard
                let request = alice.identity.createInvitationEvent(in: space, inviteeAccountAddress: bob.accountAddress)
            else { return }
            try await alice.session.sendRaw(
                text: edited(.createInvitationEvent(request)) { object in
                    var event = object["event"]?.objectValue ?? [:]
                    event["transaction"] = .object(
                        (event["transaction"]?.objectValue ?? [:]).merging(["note": "unsigned extra"]))
                    event["extra"] = true
                    object["event"] = .object(event)
                })
            let reply = try await context.expectMessage(on: alice, "space with the invitation") { message in
                if case .space(let snapshot) = message { snapshot.events.count == 2 } else { false }
            }
            let frame = try await context.lastRawFrame(alice, type: "space")
            let stored = frame["events"]?[1]
            try require(
                stored?["transaction"]?["note"] == nil && stored?["extra"] == nil,
                "the stored event without the unknown members",
                observed: stored.map { String(decoding: $0.serialized(), as: UTF8.self) } ?? "absent")
            guard case .space(let snapshot) = reply else { return }
            _ = try await context.createSpaceInbox(by: alice, in: snapshot)
        },
    ]
}
