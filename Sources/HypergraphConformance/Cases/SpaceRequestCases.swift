// §4.1–§4.7: the space requests, their happy paths and their failures.
import HypergraphClient
import HypergraphJSON
import HypergraphProtocol

extension ConformanceSuite {
    static let spaceRequestCases: [ConformanceCase] = [
        ConformanceCase(
            "subscribe-space.member.snapshot", .must, "§4.1, §5.3",
            "A member's subscribe-space is answered with `space`: id, name, events from create-space, one key box per key for the account, and the inboxes.",
            area: .requests
        ) { context in
            let alice = try await context.peer("alice")
            let created = try await context.createSpace(by: alice, name: "Snapshot")
            let (_, inboxId) = try await context.createSpaceInbox(by: alice, in: created)
            let space = try await context.subscribe(alice, to: created.id)
            try requireEqual(space.id, created.id, "space.id")
            try requireEqual(space.name, "Snapshot", "space.name")
            try requireEqual(
                space.events.map(\.type), ["create-space", "create-space-inbox"], "the event kinds in order")
            try require(
                !space.keyBoxes.isEmpty && space.keyBoxes.allSatisfy { $0.accountAddress == alice.account },
                "at least one key box, each for \(alice.account)", observed: "\(space.keyBoxes)")
            try require(
                space.inboxes.map(\.inboxId) == [inboxId], "inboxes = [\(inboxId)]",
                observed: "\(space.inboxes.map(\.inboxId))")
        },
        ConformanceCase(
            "subscribe-space.snapshot.full-history", .must, "§5.3",
            "The `space` snapshot carries every update from clock 0 in clock order, with first/last clocks, bytes, authors and update ids.",
            area: .requests
        ) { context in
            let alice = try await context.peer("alice")
            let space = try await context.createSpace(by: alice)
            var ids: [String] = []
            for index in 0..<3 {
                let id = RandomIdentifiers.uuid()
                ids.append(id)
                try await context.createUpdate(by: alice, in: space.id, [UInt8(index), 42], updateId: id)
            }
            let snapshot = try await context.subscribe(try await context.secondConnection(of: alice), to: space.id)
            guard let updates = snapshot.updates else {
                throw CaseFailure(expected: "space.updates with 3 updates", observed: "no updates member")
            }
            try requireEqual(updates.firstUpdateClock, 0, "firstUpdateClock")
            try requireEqual(updates.lastUpdateClock, 2, "lastUpdateClock")
            try requireEqual(updates.updates.map(\.updateId), ids, "the update ids in clock order")
            try requireEqual(
                updates.updates.map { $0.update.bytes }, [[0, 42], [1, 42], [2, 42]], "the update bytes")
            try require(
                updates.updates.allSatisfy { $0.accountAddress == alice.account }, "every author = \(alice.account)",
                observed: "\(updates.updates.map(\.accountAddress))")
        },
        ConformanceCase(
            "subscribe-space.non-member.refused", .must, "§4.1",
            "A non-member's subscribe-space gets no `space` and subscribes to nothing: later updates do not reach it.",
            area: .requests
        ) { context in
            let alice = try await context.peer("alice")
            let mallory = try await context.peer("mallory")
            let space = try await context.createSpace(by: alice)
            try await context.expectRefused(
                .subscribeSpace(SubscribeSpaceRequest(id: space.id)), on: mallory,
                "no space for a non-member")
            try await context.createUpdate(by: alice, in: space.id)
            try await context.expectNothing(
                [mallory], of: ["updates-notification", "space"], "nothing for the non-member")
        },
        ConformanceCase(
            "subscribe-space.unknown-space.refused", .must, "§4.1",
            "subscribe-space for a space that does not exist gets no `space`.",
            area: .requests
        ) { context in
            let alice = try await context.peer("alice")
            try await context.expectRefused(
                .subscribeSpace(SubscribeSpaceRequest(id: RandomIdentifiers.uuid())), on: alice,
                "no space for an unknown id")
        },
        ConformanceCase(
            "subscribe-space.last-known-update-clock.consistent", .must, "§4.1, §12 G10",
            "With lastKnownUpdateClock the snapshot carries either the full history or exactly the later updates (firstUpdateClock = lastKnownUpdateClock + 1), and always every event.",
            area: .requests
        ) { context in
            let alice = try await context.peer("alice")
            let space = try await context.createSpace(by: alice)
            for _ in 0..<3 { try await context.createUpdate(by: alice, in: space.id) }
            let snapshot = try await context.subscribe(alice, to: space.id, lastKnownUpdateClock: 1)
            let clocks = snapshot.updates.map { ($0.firstUpdateClock, $0.lastUpdateClock, $0.updates.count) }
            try require(
                clocks.map { $0 == (0, 2, 3) || $0 == (2, 2, 1) } ?? false,
                "updates (first 0, last 2, 3 updates) or (first 2, last 2, 1 update)",
                observed: "\(String(describing: clocks))")
            try requireEqual(snapshot.events.map(\.type), ["create-space"], "the events")
        },
        ConformanceCase(
            "list-spaces.reply", .must, "§4.2, §5.1",
            "list-spaces is answered with `list-spaces` holding an array of {id, name}.",
            area: .requests
        ) { context in
            let alice = try await context.peer("alice")
            _ = try await context.expect("a list-spaces reply") { () throws(HypergraphClientError) in
                try await alice.session.listSpaces(timeout: context.timeout)
            }
        },
        ConformanceCase(
            "list-spaces.lists-created-space", .should, "§4.4, §12 G1, G17",
            "A space created over the WebSocket is listed by list-spaces on the creating app identity with its id and name.",
            area: .requests
        ) { context in
            let alice = try await context.peer("alice")
            let space = try await context.createSpace(by: alice, name: "Listed")
            let list = try await context.expect("a list-spaces reply") { () throws(HypergraphClientError) in
                try await alice.session.listSpaces(timeout: context.timeout)
            }
            try require(
                list.spaces.contains { $0.id == space.id && $0.name == "Listed" },
                "{id: \(space.id), name: Listed} listed",
                observed: "\(list.spaces)")
        },
        ConformanceCase(
            "list-spaces.id-and-name-only", .should, "§5.1, §12 G17",
            "list-spaces elements carry only `id` and `name` (no database columns, no other accounts' app identities).",
            area: .requests
        ) { context in
            let alice = try await context.peer("alice")
            _ = try await context.createSpace(by: alice)
            _ = try await alice.session.listSpaces(timeout: context.timeout)
            let frame = try await context.lastRawFrame(alice, type: "list-spaces")
            let extra = (frame["spaces"]?.arrayValue ?? []).flatMap {
                ($0.objectValue?.keys ?? []).filter { !["id", "name"].contains($0) }
            }
            try require(extra.isEmpty, "only id and name", observed: "extra members \(Set(extra).sorted())")
        },
        ConformanceCase(
            "list-spaces.excludes-other-accounts", .must, "§4.2",
            "list-spaces never lists a space of another account the connection is not a member of.",
            area: .requests
        ) { context in
            let alice = try await context.peer("alice")
            let bob = try await context.peer("bob")
            let space = try await context.createSpace(by: bob)
            let list = try await context.expect("a list-spaces reply") { () throws(HypergraphClientError) in
                try await alice.session.listSpaces(timeout: context.timeout)
            }
            try require(
                !list.spaces.contains { $0.id == space.id }, "bob's space not listed for alice",
                observed: "\(list.spaces)")
        },
        ConformanceCase(
            "list-invitations.empty", .must, "§4.3, §5.2",
            "list-invitations for an account without invitations is answered with an empty list.",
            area: .requests, needs: [.freshAccount]
        ) { context in
            let alice = try await context.connect(context.freshIdentity(), as: "alice")
            let list = try await context.expect("a list-invitations reply") { () throws(HypergraphClientError) in
                try await alice.session.listInvitations(timeout: context.timeout)
            }
            try requireEqual(list.invitations, [], "invitations")
        },
        ConformanceCase(
            "list-invitations.pending", .must, "§3.5, §4.3",
            "A pending invitation is listed with the invitation event's id, the space id and the space's current last event hash.",
            area: .requests
        ) { context in
            let alice = try await context.peer("alice")
            let bob = try await context.peer("bob")
            let space = try await context.invite(bob.identity, to: context.createSpace(by: alice), by: alice)
            let invitation = try await context.pendingInvitation(space.id, of: bob)
            try requireEqual(
                invitation.id, space.events.last.map(eventId) ?? "", "invitation.id (the event's transaction id)")
            try requireEqual(invitation.previousEventHash, try context.lastHash(space), "invitation.previousEventHash")
        },
        ConformanceCase(
            "list-invitations.previous-event-hash-current", .must, "§3.5, §9.4",
            "After further events, a listed invitation's previousEventHash is the space's current last event hash, and accepting with it works.",
            area: .requests
        ) { context in
            let alice = try await context.peer("alice")
            let bob = try await context.peer("bob")
            let invited = try await context.invite(bob.identity, to: context.createSpace(by: alice), by: alice)
            let (space, _) = try await context.createSpaceInbox(by: alice, in: invited)
            let invitation = try await context.pendingInvitation(space.id, of: bob)
            try requireEqual(invitation.previousEventHash, try context.lastHash(space), "invitation.previousEventHash")
            _ = try await context.accept(space.id, by: bob)
        },
        ConformanceCase(
            "list-invitations.accepted-removed", .must, "§4.6, §13.11",
            "An accepted invitation is no longer listed.",
            area: .requests
        ) { context in
            let alice = try await context.peer("alice")
            let bob = try await context.peer("bob")
            let space = try await context.sharedSpace(owner: alice, member: bob)
            let list = try await bob.session.listInvitations(timeout: context.timeout)
            try require(
                !list.invitations.contains { $0.spaceId == space.id }, "no invitation to \(space.id)",
                observed: "\(list.invitations)")
        },
        ConformanceCase(
            "create-space-event.reply-space", .should, "§4.4, §12 G1",
            "create-space-event is answered with `space`: the one create-space event, the creator's key box, no inboxes and no updates.",
            area: .requests
        ) { context in
            let alice = try await context.peer("alice")
            let request = alice.identity.createSpaceEvent(name: "Fresh")
            let space = try await context.expect("a space reply to create-space-event") {
                () throws(HypergraphClientError) in
                try await alice.session.createSpace(request, timeout: context.timeout)
            }
            try requireEqual(space.events, [.createSpace(request.event)], "space.events")
            try requireEqual(space.keyBoxes.map(\.id), [request.keyBox.id], "the key box ids")
            try requireEqual(space.name, "Fresh", "space.name")
            try require(
                space.inboxes.isEmpty && space.updates == nil, "no inboxes, no updates",
                observed: "\(space.inboxes), \(String(describing: space.updates))")
        },
        ConformanceCase(
            "create-space-event.duplicate-id.refused", .must, "§4.4",
            "A create-space-event reusing an existing space id is refused and the existing space is unchanged.",
            area: .requests
        ) { context in
            let alice = try await context.peer("alice")
            let bob = try await context.peer("bob")
            let space = try await context.createSpace(by: alice, name: "Original")
            try await context.expectRefused(
                .createSpaceEvent(bob.identity.createSpaceEvent(spaceId: space.id, name: "Hijack")),
                on: bob, "no space for a reused id")
            let snapshot = try await context.subscribe(alice, to: space.id)
            try requireEqual(snapshot.name, "Original", "the space's name")
            try requireEqual(snapshot.events.count, 1, "the number of events")
        },
        ConformanceCase(
            "create-space-event.creator-mismatch.refused", .should, "§8.2, §12 G14",
            "A create-space event whose creatorAccountAddress is not its author is refused.",
            area: .requests
        ) { context in
            let alice = try await context.peer("alice")
            let bob = try await context.identity()
            var request = alice.identity.createSpaceEvent(name: "Mismatch")
            request.event.transaction.creatorAccountAddress = bob.accountAddress
            request.event = request.event.signed(with: alice.identity.signatureKey)
            try await context.expectRefused(.createSpaceEvent(request), on: alice, "no space when creator ≠ author")
        },
        ConformanceCase(
            "create-invitation-event.reply-space", .must, "§4.5, §6",
            "create-invitation-event by the admin is answered with `space` ending with the invitation event.",
            area: .requests
        ) { context in
            let alice = try await context.peer("alice")
            let bob = try await context.identity()
            let space = try await context.createSpace(by: alice)
            guard
                let request = alice.identity.createInvitationEvent(in: space, inviteeAccountAddress: bob.accountAddress)
            else {
                throw CaseFailure(expected: "a hashable snapshot", observed: "\(space.events)")
            }
            let reply = try await context.expect("a space reply to create-invitation-event") {
                () throws(HypergraphClientError) in
                try await alice.session.createInvitation(request, timeout: context.timeout)
            }
            try requireEqual(reply.events.last, .createInvitation(request.event), "the last event")
        },
        ConformanceCase(
            "create-invitation-event.non-member.refused", .must, "§4.5",
            "create-invitation-event from a connection whose account is not a member is refused and nothing is persisted.",
            area: .requests
        ) { context in
            let alice = try await context.peer("alice")
            let mallory = try await context.peer("mallory")
            let carol = try await context.peer("carol")
            let space = try await context.createSpace(by: alice)
            let request = mallory.identity.createInvitationEvent(
                spaceId: space.id, previousEventHash: try context.lastHash(space), inviteeAccountAddress: carol.account,
                keyBoxes: space.keyBoxes.map { .opaque(keyId: $0.id, accountAddress: carol.account) })
            try await context.expectRefused(
                .createInvitationEvent(request), on: mallory, "no space for a non-member's invitation")
            let invitations = try await carol.session.listInvitations(timeout: context.timeout).invitations
            try require(
                !invitations.contains { $0.spaceId == space.id }, "no invitation to \(space.id) for carol",
                observed: "\(invitations)")
        },
        ConformanceCase(
            "create-invitation-event.key-boxes-cover-keys", .should, "§12 G16",
            "An invitation whose key boxes name a key that is not one of the space's keys is refused.",
            area: .requests
        ) { context in
            let alice = try await context.peer("alice")
            let bob = try await context.identity()
            let space = try await context.createSpace(by: alice)
            let request = alice.identity.createInvitationEvent(
                spaceId: space.id, previousEventHash: try context.lastHash(space),
                inviteeAccountAddress: bob.accountAddress,
                keyBoxes: [.opaque(accountAddress: bob.accountAddress)])
            try await context.expectRefused(
                .createInvitationEvent(request), on: alice, "no space for foreign key boxes")
        },
        ConformanceCase(
            "accept-invitation-event.reply-space", .must, "§4.6, §6",
            "accept-invitation-event by the invitee is answered with `space` ending with the acceptance.",
            area: .requests
        ) { context in
            let alice = try await context.peer("alice")
            let bob = try await context.peer("bob")
            let space = try await context.sharedSpace(owner: alice, member: bob)
            try requireEqual(
                space.events.map(\.type), ["create-space", "create-invitation", "accept-invitation"], "the event kinds")
        },
        ConformanceCase(
            "accept-invitation-event.member-subscribes", .should, "§12 G1, G2",
            "After accepting, the invitee's subscribe-space is answered with a snapshot holding its key boxes.",
            area: .requests
        ) { context in
            let alice = try await context.peer("alice")
            let bob = try await context.peer("bob")
            let space = try await context.sharedSpace(owner: alice, member: bob)
            let snapshot = try await context.subscribe(bob, to: space.id)
            try require(
                !snapshot.keyBoxes.isEmpty && snapshot.keyBoxes.allSatisfy { $0.accountAddress == bob.account },
                "key boxes for \(bob.account)", observed: "\(snapshot.keyBoxes)")
        },
        ConformanceCase(
            "accept-invitation-event.twice.refused", .must, "§8.2",
            "A second acceptance by a member is refused.",
            area: .requests
        ) { context in
            let alice = try await context.peer("alice")
            let bob = try await context.peer("bob")
            let space = try await context.sharedSpace(owner: alice, member: bob)
            let request = bob.identity.acceptInvitationEvent(
                spaceId: space.id, previousEventHash: try context.lastHash(space))
            try await context.expectRefused(
                .acceptInvitationEvent(request), on: bob, "no space for a second acceptance")
        },
        ConformanceCase(
            "accept-invitation-event.other-space.refused", .must, "§4.6, §12 G15",
            "Accepting in a space the account was not invited to is refused, even with an invitation elsewhere.",
            area: .requests
        ) { context in
            let alice = try await context.peer("alice")
            let bob = try await context.peer("bob")
            _ = try await context.invite(bob.identity, to: context.createSpace(by: alice), by: alice)
            let other = try await context.createSpace(by: alice)
            let request = bob.identity.acceptInvitationEvent(
                spaceId: other.id, previousEventHash: try context.lastHash(other))
            try await context.expectRefused(
                .acceptInvitationEvent(request), on: bob, "no space for an uninvited acceptance")
        },
        ConformanceCase(
            "create-space-inbox-event.reply-space", .must, "§4.7, §3.7",
            "create-space-inbox-event by the admin is answered with `space` listing the inbox with its public key, policy, visibility and secret key.",
            area: .requests
        ) { context in
            let alice = try await context.peer("alice")
            let space = try await context.createSpace(by: alice)
            let request = try context.inboxEvent(
                by: alice.identity, in: space, isPublic: false, authPolicy: .optionalAuth)
            let reply = try await context.expect("a space reply to create-space-inbox-event") {
                () throws(HypergraphClientError) in
                try await alice.session.createSpaceInbox(request, timeout: context.timeout)
            }
            let transaction = request.event.transaction
            let expected = SpaceInbox(
                inboxId: transaction.inboxId, isPublic: false, authPolicy: .optionalAuth,
                encryptionPublicKey: transaction.encryptionPublicKey, secretKey: transaction.secretKey)
            try requireEqual(reply.inboxes, [expected], "space.inboxes")
        },
        ConformanceCase(
            "create-space-inbox-event.duplicate-inbox.refused", .must, "§8.2",
            "A second inbox with an existing inboxId is refused.",
            area: .requests
        ) { context in
            let alice = try await context.peer("alice")
            let (space, inboxId) = try await context.createSpaceInbox(by: alice, in: context.createSpace(by: alice))
            let request = alice.identity.createSpaceInboxEvent(
                spaceId: space.id, previousEventHash: try context.lastHash(space), isPublic: true,
                authPolicy: .anonymous,
                inboxId: inboxId)
            try await context.expectRefused(
                .createSpaceInboxEvent(request), on: alice, "no space for a duplicate inbox")
        },
        ConformanceCase(
            "create-space-inbox-event.foreign-space-id.refused", .should, "§12 G14",
            "A create-space-inbox event whose transaction.spaceId is another space is refused.",
            area: .requests
        ) { context in
            let alice = try await context.peer("alice")
            let space = try await context.createSpace(by: alice)
            let request = alice.identity.createSpaceInboxEvent(
                spaceId: space.id, previousEventHash: try context.lastHash(space), isPublic: true,
                authPolicy: .anonymous)
            var forged = request
            forged.event.transaction.spaceId = RandomIdentifiers.uuid()
            forged.event = forged.event.signed(with: alice.identity.signatureKey)
            try await context.expectRefused(
                .createSpaceInboxEvent(forged), on: alice, "no space for a foreign transaction.spaceId")
        },
    ]

    /// The transaction id of an event.
    static func eventId(_ event: SpaceEvent) -> String {
        switch event {
        case .createSpace(let value): value.transaction.id
        case .deleteSpace(let value): value.transaction.id
        case .createInvitation(let value): value.transaction.id
        case .acceptInvitation(let value): value.transaction.id
        case .createSpaceInbox(let value): value.transaction.id
        case .unknown(_, let raw): raw["transaction"]?["id"]?.stringValue ?? ""
        }
    }
}
