// §6: who receives what after each trigger, including who must receive nothing.
import HypergraphClient
import HypergraphProtocol

extension ConformanceSuite {
    static let deliveryCases: [ConformanceCase] = updateDeliveryCases + eventDeliveryCases + inboxDeliveryCases

    /// A space of `owner` with a subscribed member, a second subscribed connection of the owner, a connected but
    /// unsubscribed third connection of the owner and an unrelated account; the owner's first connection subscribed.
    struct Audience {
        var owner: Peer
        var ownerSubscribed: Peer
        var ownerUnsubscribed: Peer
        var member: Peer
        var outsider: Peer
        var space: SpaceResponse
    }

    static func audience(_ context: CaseContext) async throws -> Audience {
        let owner = try await context.peer("alice")
        let member = try await context.peer("bob")
        let outsider = try await context.peer("eve")
        let space = try await context.sharedSpace(owner: owner, member: member)
        let ownerSubscribed = try await context.secondConnection(of: owner)
        let ownerUnsubscribed = try await context.secondConnection(of: owner)
        for peer in [owner, ownerSubscribed, member] { try await context.subscribe(peer, to: space.id) }
        for peer in [owner, ownerSubscribed, ownerUnsubscribed, member, outsider] {
            _ = await peer.session.drainEvents()
        }
        return Audience(
            owner: owner, ownerSubscribed: ownerSubscribed, ownerUnsubscribed: ownerUnsubscribed, member: member,
            outsider: outsider, space: space)
    }

    /// The audience after the owner sent an update; returns the request too.
    static func afterUpdate(_ context: CaseContext) async throws -> (
        Audience, CreateUpdateRequest, UpdateConfirmedResponse
    ) {
        let audience = try await audience(context)
        let request = audience.owner.identity.createUpdate(spaceId: audience.space.id, update: [9, 9, 9])
        let confirmation = try await context.expect("update-confirmed") { () throws(HypergraphClientError) in
            try await audience.owner.session.createUpdate(request, timeout: context.timeout)
        }
        return (audience, request, confirmation)
    }

    /// Waits for the `updates-notification` of `request` on `peer` and checks its shape (§5.6).
    static func expectNotification(
        _ context: CaseContext, on peer: Peer, of request: CreateUpdateRequest, clock: Int
    ) async throws {
        let message = try await context.expectMessage(on: peer, "updates-notification for \(request.updateId)") {
            message in
            if case .updatesNotification(let note) = message { note.spaceId == request.spaceId } else { false }
        }
        guard case .updatesNotification(let note) = message else { return }
        let expected = Updates(
            updates: [
                SignedUpdate(
                    update: request.update, accountAddress: request.accountAddress, signature: request.signature,
                    updateId: request.updateId)
            ],
            firstUpdateClock: clock, lastUpdateClock: clock)
        try requireEqual(note.updates, expected, "the notification's updates")
    }

    static let updateDeliveryCases: [ConformanceCase] = [
        ConformanceCase(
            "delivery.create-update.subscribers-notified", .must, "§4.12, §5.6, §6",
            "After create-update, every other subscriber receives `updates-notification` with the one signed update and first = last = its clock.",
            area: .delivery
        ) { context in
            let (audience, request, confirmation) = try await afterUpdate(context)
            try await expectNotification(context, on: audience.member, of: request, clock: confirmation.clock)
        },
        ConformanceCase(
            "delivery.create-update.same-account-connections-notified", .must, "§6",
            "Another subscribed connection of the sender's own account receives the `updates-notification`.",
            area: .delivery
        ) { context in
            let (audience, request, confirmation) = try await afterUpdate(context)
            try await expectNotification(context, on: audience.ownerSubscribed, of: request, clock: confirmation.clock)
        },
        ConformanceCase(
            "delivery.create-update.excludes-sender", .must, "§4.12, §6",
            "The connection that sent create-update receives no `updates-notification` for it.",
            area: .delivery
        ) { context in
            let (audience, request, confirmation) = try await afterUpdate(context)
            try await expectNotification(context, on: audience.member, of: request, clock: confirmation.clock)
            try await context.expectNothing([audience.owner], of: ["updates-notification"], "nothing for the sender")
        },
        ConformanceCase(
            "delivery.create-update.non-subscribers-nothing", .must, "§6",
            "Connections not subscribed to the space (of a member, or of another account) receive nothing after create-update.",
            area: .delivery
        ) { context in
            let (audience, request, confirmation) = try await afterUpdate(context)
            try await expectNotification(context, on: audience.member, of: request, clock: confirmation.clock)
            try await context.expectNothing(
                [audience.ownerUnsubscribed, audience.outsider], "nothing for non-subscribers")
        },
        ConformanceCase(
            "delivery.subscribe-space.others-nothing", .must, "§6",
            "subscribe-space, list-spaces, list-invitations and get-account-inboxes send nothing to other connections.",
            area: .delivery
        ) { context in
            let audience = try await audience(context)
            let member = try await context.secondConnection(of: audience.member)
            try await context.subscribe(member, to: audience.space.id)
            _ = try await member.session.listSpaces(timeout: context.timeout)
            _ = try await member.session.listInvitations(timeout: context.timeout)
            _ = try await member.session.accountInboxes(timeout: context.timeout)
            try await context.expectNothing(
                [audience.owner, audience.ownerSubscribed, audience.member, audience.outsider],
                "nothing for other connections")
        },
    ]

    /// The audience after the owner invited a new account connected twice; returns the invitee's connections and the
    /// invitation event.
    static func afterInvitation(_ context: CaseContext) async throws -> (Audience, [Peer], CreateInvitationEvent) {
        let audience = try await audience(context)
        let invitee = try await context.peer("carol")
        let inviteeAgain = try await context.secondConnection(of: invitee)
        let snapshot = try await context.subscribe(audience.owner, to: audience.space.id)
        guard
            let request = audience.owner.identity.createInvitationEvent(
                in: snapshot, inviteeAccountAddress: invitee.account)
        else { throw CaseFailure(expected: "a hashable snapshot", observed: "\(snapshot.events)") }
        _ = try await context.expect("a space reply to create-invitation-event") { () throws(HypergraphClientError) in
            try await audience.owner.session.createInvitation(request, timeout: context.timeout)
        }
        return (audience, [invitee, inviteeAgain], request.event)
    }

    /// Waits for the `space-event` carrying `event` on `peer`.
    static func expectSpaceEvent(_ context: CaseContext, on peer: Peer, spaceId: String, event: SpaceEvent) async throws
    {
        let id = eventId(event)
        let message = try await context.expectMessage(on: peer, "space-event for event \(id)") { message in
            if case .spaceEvent(let broadcast) = message {
                broadcast.spaceId == spaceId && eventId(broadcast.event) == id
            } else {
                false
            }
        }
        guard case .spaceEvent(let broadcast) = message else { return }
        try requireEqual(broadcast.event, event, "the broadcast event")
    }

    static let eventDeliveryCases: [ConformanceCase] = [
        ConformanceCase(
            "delivery.create-invitation.subscribers-space-event", .must, "§4.5, §5.4, §6",
            "After create-invitation-event, the other subscribers receive `space-event` with the invitation event.",
            area: .delivery
        ) { context in
            let (audience, _, event) = try await afterInvitation(context)
            for peer in [audience.member, audience.ownerSubscribed] {
                try await expectSpaceEvent(
                    context, on: peer, spaceId: audience.space.id, event: .createInvitation(event))
            }
        },
        ConformanceCase(
            "delivery.create-invitation.excludes-sender", .must, "§4.5, §6",
            "The connection that sent create-invitation-event receives no `space-event` for it.",
            area: .delivery
        ) { context in
            let (audience, _, event) = try await afterInvitation(context)
            try await expectSpaceEvent(
                context, on: audience.member, spaceId: audience.space.id, event: .createInvitation(event))
            try await context.expectNothing([audience.owner], of: ["space-event"], "no space-event for the sender")
        },
        ConformanceCase(
            "delivery.create-invitation.invitee-list-invitations", .must, "§4.5, §5.2, §6",
            "After create-invitation-event, every connection of the invitee receives the full `list-invitations` including the new invitation.",
            area: .delivery
        ) { context in
            let (audience, invitee, event) = try await afterInvitation(context)
            for peer in invitee {
                let message = try await context.expectMessage(on: peer, "list-invitations pushed to the invitee") {
                    $0.type == "list-invitations"
                }
                guard case .listInvitations(let list) = message else { continue }
                try require(
                    list.invitations.contains { $0.id == event.transaction.id && $0.spaceId == audience.space.id },
                    "the invitation \(event.transaction.id) listed", observed: "\(list.invitations)")
            }
        },
        ConformanceCase(
            "delivery.create-invitation.others-nothing", .must, "§6",
            "After create-invitation-event, unsubscribed connections and other accounts receive nothing.",
            area: .delivery
        ) { context in
            let (audience, _, event) = try await afterInvitation(context)
            try await expectSpaceEvent(
                context, on: audience.member, spaceId: audience.space.id, event: .createInvitation(event))
            try await context.expectNothing([audience.ownerUnsubscribed, audience.outsider], "nothing for the others")
        },
        ConformanceCase(
            "delivery.accept-invitation.subscribers-space-event", .must, "§4.6, §6",
            "After accept-invitation-event, the subscribers receive `space-event` with the acceptance; unsubscribed connections nothing.",
            area: .delivery
        ) { context in
            let (audience, invitee, _) = try await afterInvitation(context)
            for peer in [audience.owner, audience.member] { _ = await peer.session.drainEvents() }
            let reply = try await context.accept(audience.space.id, by: invitee[0])
            guard let accepted = reply.events.last else { return }
            for peer in [audience.owner, audience.member] {
                try await expectSpaceEvent(context, on: peer, spaceId: audience.space.id, event: accepted)
            }
            try await context.expectNothing(
                [audience.ownerUnsubscribed, audience.outsider, invitee[1]], of: ["space-event"],
                "no space-event for unsubscribed connections")
        },
        ConformanceCase(
            "delivery.create-space-inbox.subscribers-space-event", .must, "§4.7, §6",
            "After create-space-inbox-event, the other subscribers receive `space-event` with the inbox event.",
            area: .delivery
        ) { context in
            let audience = try await audience(context)
            let snapshot = try await context.subscribe(audience.owner, to: audience.space.id)
            let request = try context.inboxEvent(by: audience.owner.identity, in: snapshot)
            _ = try await context.expect("a space reply") { () throws(HypergraphClientError) in
                try await audience.owner.session.createSpaceInbox(request, timeout: context.timeout)
            }
            try await expectSpaceEvent(
                context, on: audience.member, spaceId: audience.space.id, event: .createSpaceInbox(request.event))
        },
        ConformanceCase(
            "delivery.create-space-inbox.excludes-sender", .must, "§4.7, §6",
            "The connection that sent create-space-inbox-event receives no `space-event` for it; non-subscribers nothing.",
            area: .delivery
        ) { context in
            let audience = try await audience(context)
            let snapshot = try await context.subscribe(audience.owner, to: audience.space.id)
            let request = try context.inboxEvent(by: audience.owner.identity, in: snapshot)
            _ = try await context.expect("a space reply") { () throws(HypergraphClientError) in
                try await audience.owner.session.createSpaceInbox(request, timeout: context.timeout)
            }
            try await expectSpaceEvent(
                context, on: audience.member, spaceId: audience.space.id, event: .createSpaceInbox(request.event))
            try await context.expectNothing([audience.owner], of: ["space-event"], "no space-event for the sender")
            try await context.expectNothing(
                [audience.ownerUnsubscribed, audience.outsider], "nothing for non-subscribers")
        },
        ConformanceCase(
            "delivery.create-account-inbox.owner-connections", .must, "§4.8, §5.7, §6",
            "After create-account-inbox, every connection of the owner (the requester included) receives `account-inbox`.",
            area: .delivery
        ) { context in
            let alice = try await context.peer("alice")
            let again = try await context.secondConnection(of: alice)
            let inbox = try await context.createAccountInbox(by: alice)
            _ = try await context.expectMessage(on: again, "account-inbox on the owner's other connection") { message in
                if case .accountInbox(let other) = message { other.inbox.inboxId == inbox.inbox.inboxId } else { false }
            }
        },
        ConformanceCase(
            "delivery.create-account-inbox.others-nothing", .must, "§6",
            "After create-account-inbox, connections of other accounts receive nothing.",
            area: .delivery
        ) { context in
            let alice = try await context.peer("alice")
            let eve = try await context.peer("eve")
            _ = try await context.createAccountInbox(by: alice)
            try await context.expectNothing([eve], "nothing for another account")
        },
    ]

    static let inboxDeliveryCases: [ConformanceCase] = [
        ConformanceCase(
            "delivery.space-inbox-message.subscribers", .must, "§5.8, §6, §10.1",
            "After an HTTP post to a space inbox, every subscriber of the space receives `space-inbox-message` with the message.",
            area: .delivery, needs: [.http]
        ) { context in
            let audience = try await audience(context)
            let snapshot = try await context.subscribe(audience.owner, to: audience.space.id)
            let (_, inboxId) = try await context.createSpaceInbox(by: audience.owner, in: snapshot)
            let ciphertext = RandomIdentifiers.hex(byteCount: 40)
            try context.requireStatus(
                try await context.postSpaceInboxMessage(
                    spaceId: audience.space.id, inboxId: inboxId, ciphertext: ciphertext),
                [200], "the post to be accepted")
            for peer in [audience.owner, audience.ownerSubscribed, audience.member] {
                _ = try await context.expectMessage(on: peer, "space-inbox-message") { message in
                    if case .spaceInboxMessage(let posted) = message {
                        posted.spaceId == audience.space.id && posted.inboxId == inboxId
                            && posted.message.ciphertext == ciphertext
                    } else {
                        false
                    }
                }
            }
        },
        ConformanceCase(
            "delivery.space-inbox-message.non-subscribers-nothing", .must, "§6, §10.1",
            "After an HTTP post to a space inbox, connections not subscribed to the space receive nothing.",
            area: .delivery, needs: [.http]
        ) { context in
            let audience = try await audience(context)
            let snapshot = try await context.subscribe(audience.owner, to: audience.space.id)
            let (_, inboxId) = try await context.createSpaceInbox(by: audience.owner, in: snapshot)
            _ = await audience.ownerUnsubscribed.session.drainEvents()
            try context.requireStatus(
                try await context.postSpaceInboxMessage(spaceId: audience.space.id, inboxId: inboxId),
                [200], "the post to be accepted")
            _ = try await context.expectMessage(on: audience.member, "space-inbox-message") {
                $0.type == "space-inbox-message"
            }
            try await context.expectNothing(
                [audience.ownerUnsubscribed, audience.outsider], "nothing for non-subscribers")
        },
        ConformanceCase(
            "delivery.account-inbox-message.owner-connections", .must, "§5.10, §6, §10.2",
            "After an HTTP post to an account inbox, every connection of the owner receives `account-inbox-message`.",
            area: .delivery, needs: [.http]
        ) { context in
            let alice = try await context.peer("alice")
            let again = try await context.secondConnection(of: alice)
            let inbox = try await context.createAccountInbox(by: alice)
            try context.requireStatus(
                try await context.postAccountInboxMessage(accountAddress: alice.account, inboxId: inbox.inbox.inboxId),
                [200], "the post to be accepted")
            for peer in [alice, again] {
                _ = try await context.expectMessage(on: peer, "account-inbox-message") { message in
                    if case .accountInboxMessage(let posted) = message {
                        posted.accountAddress == alice.account && posted.inboxId == inbox.inbox.inboxId
                    } else {
                        false
                    }
                }
            }
        },
        ConformanceCase(
            "delivery.account-inbox-message.others-nothing", .must, "§6, §10.2",
            "After an HTTP post to an account inbox, connections of other accounts receive nothing.",
            area: .delivery, needs: [.http]
        ) { context in
            let alice = try await context.peer("alice")
            let eve = try await context.peer("eve")
            let inbox = try await context.createAccountInbox(by: alice)
            try context.requireStatus(
                try await context.postAccountInboxMessage(accountAddress: alice.account, inboxId: inbox.inbox.inboxId),
                [200], "the post to be accepted")
            _ = try await context.expectMessage(on: alice, "account-inbox-message") {
                $0.type == "account-inbox-message"
            }
            try await context.expectNothing([eve], "nothing for another account")
        },
    ]
}
