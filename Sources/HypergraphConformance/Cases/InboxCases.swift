// §4.8–§4.11: account inboxes and the inbox message reads over the WebSocket.
import HypergraphClient
import HypergraphJSON
import HypergraphProtocol
import HypergraphSigning

extension ConformanceSuite {
    static let inboxCases: [ConformanceCase] = accountInboxCases + inboxReadCases

    static let accountInboxCases: [ConformanceCase] = [
        ConformanceCase(
            "inboxes.create-account-inbox.reply", .must, "§4.8, §5.7",
            "create-account-inbox is answered with `account-inbox` carrying the inbox as requested, signature included.",
            area: .inboxes
        ) { context in
            let alice = try await context.peer("alice")
            let request = alice.identity.createAccountInbox(isPublic: false, authPolicy: .requiresAuth)
            let reply = try await context.expect("account-inbox") { () throws(HypergraphClientError) in
                try await alice.session.createAccountInbox(request, timeout: context.timeout)
            }
            let expected = AccountInbox(
                accountAddress: alice.account, inboxId: request.inboxId, isPublic: false, authPolicy: .requiresAuth,
                encryptionPublicKey: request.encryptionPublicKey, signature: request.signature)
            try requireEqual(reply.inbox, expected, "account-inbox.inbox")
        },
        ConformanceCase(
            "inboxes.create-account-inbox.other-account.refused", .must, "§4.8",
            "create-account-inbox for another account than the connection's is refused.",
            area: .inboxes
        ) { context in
            let alice = try await context.peer("alice")
            let bob = try await context.peer("bob")
            let request = bob.identity.createAccountInbox(isPublic: true, authPolicy: .anonymous)
            try await context.expectRefused(
                .createAccountInbox(request), on: alice, "no account-inbox for bob's inbox sent by alice")
            let inboxes = try await bob.session.accountInboxes(timeout: context.timeout).inboxes
            try require(
                !inboxes.contains { $0.inboxId == request.inboxId }, "bob's inboxes without \(request.inboxId)",
                observed: "\(inboxes.map(\.inboxId))")
        },
        ConformanceCase(
            "inboxes.create-account-inbox.unknown-key.refused", .must, "§4.8",
            "create-account-inbox signed by a key that is not an identity of the account is refused.",
            area: .inboxes
        ) { context in
            let alice = try await context.peer("alice")
            var request = alice.identity.createAccountInbox(isPublic: true, authPolicy: .anonymous)
            request.signature = BrokenSignatures.foreign(request.signingPayload)
            try await context.expectRefused(
                .createAccountInbox(request), on: alice, "no account-inbox for a foreign signature")
        },
        ConformanceCase(
            "inboxes.create-account-inbox.duplicate-id.refused", .must, "§4.8, §12 G13",
            "create-account-inbox with an existing inboxId is refused and the existing inbox is not overwritten.",
            area: .inboxes
        ) { context in
            let alice = try await context.peer("alice")
            let first = try await context.createAccountInbox(by: alice, isPublic: true, authPolicy: .anonymous)
            let again = alice.identity.createAccountInbox(
                isPublic: false, authPolicy: .requiresAuth, inboxId: first.inbox.inboxId)
            try await context.expectRefused(
                .createAccountInbox(again), on: alice, "no account-inbox for a duplicate id")
            let inboxes = try await alice.session.accountInboxes(timeout: context.timeout).inboxes
            try requireEqual(
                inboxes.filter { $0.inboxId == first.inbox.inboxId }, [first.inbox],
                "alice's inbox \(first.inbox.inboxId)")
        },
        ConformanceCase(
            "inboxes.create-account-inbox.clean-object", .should, "§5.7, §12 G13",
            "The `account-inbox` message's inbox object has no stray `type` member.",
            area: .inboxes
        ) { context in
            let alice = try await context.peer("alice")
            _ = try await context.createAccountInbox(by: alice)
            let frame = try await context.lastRawFrame(alice, type: "account-inbox")
            try require(
                frame["inbox"]?["type"] == nil, "no inbox.type",
                observed: "inbox.type = \(String(describing: frame["inbox"]?["type"]))")
        },
        ConformanceCase(
            "inboxes.account-inboxes.public-and-private", .must, "§4.11, §5.12",
            "get-account-inboxes lists every inbox of the account, public and private.",
            area: .inboxes
        ) { context in
            let alice = try await context.peer("alice")
            let open = try await context.createAccountInbox(by: alice, isPublic: true)
            let closed = try await context.createAccountInbox(by: alice, isPublic: false)
            let listed = Set(try await alice.session.accountInboxes(timeout: context.timeout).inboxes.map(\.inboxId))
            try require(
                listed.isSuperset(of: [open.inbox.inboxId, closed.inbox.inboxId]),
                "both \(open.inbox.inboxId) and \(closed.inbox.inboxId) listed", observed: "\(listed.sorted())")
        },
        ConformanceCase(
            "inboxes.account-inboxes.excludes-other-accounts", .must, "§4.11",
            "get-account-inboxes never lists another account's inboxes.",
            area: .inboxes
        ) { context in
            let alice = try await context.peer("alice")
            let bob = try await context.peer("bob")
            let inbox = try await context.createAccountInbox(by: bob)
            let listed = try await alice.session.accountInboxes(timeout: context.timeout).inboxes.map(\.inboxId)
            try require(
                !listed.contains(inbox.inbox.inboxId), "bob's inbox not listed for alice", observed: "\(listed)")
        },
    ]

    static let inboxReadCases: [ConformanceCase] = [
        ConformanceCase(
            "inboxes.space-messages.reply-echo", .must, "§4.9, §5.9",
            "get-latest-space-inbox-messages by a member is answered with `space-inbox-messages` echoing spaceId and inboxId.",
            area: .inboxes
        ) { context in
            let alice = try await context.peer("alice")
            let (space, inboxId) = try await context.createSpaceInbox(by: alice, in: context.createSpace(by: alice))
            let reply = try await context.expect("space-inbox-messages") { () throws(HypergraphClientError) in
                try await alice.session.latestSpaceInboxMessages(
                    spaceId: space.id, inboxId: inboxId, timeout: context.timeout)
            }
            try requireEqual(reply.messages, [], "messages of a new inbox")
        },
        ConformanceCase(
            "inboxes.space-messages.non-member.refused", .must, "§4.9",
            "get-latest-space-inbox-messages by a non-member is refused.",
            area: .inboxes
        ) { context in
            let alice = try await context.peer("alice")
            let mallory = try await context.peer("mallory")
            let (space, inboxId) = try await context.createSpaceInbox(by: alice, in: context.createSpace(by: alice))
            let request = GetLatestSpaceInboxMessagesRequest(
                spaceId: space.id, inboxId: inboxId, since: Timestamp(millisecondsSince1970: 0))
            try await context.expectRefused(
                .getLatestSpaceInboxMessages(request), on: mallory, "no messages for a non-member")
        },
        ConformanceCase(
            "inboxes.space-messages.other-space.refused", .should, "§12 G11",
            "get-latest-space-inbox-messages naming an inbox of another space is refused, even for a member of both.",
            area: .inboxes
        ) { context in
            let alice = try await context.peer("alice")
            let (_, inboxId) = try await context.createSpaceInbox(by: alice, in: context.createSpace(by: alice))
            let other = try await context.createSpace(by: alice)
            let request = GetLatestSpaceInboxMessagesRequest(
                spaceId: other.id, inboxId: inboxId, since: Timestamp(millisecondsSince1970: 0))
            try await context.expectRefused(
                .getLatestSpaceInboxMessages(request), on: alice, "no messages of another space's inbox")
        },
        ConformanceCase(
            "inboxes.space-messages.since-inclusive-ascending", .must, "§4.9",
            "Space inbox messages are returned in ascending createdAt order from `since` (inclusive); a reply may "
                + "stop at a size limit (the reader continues from its last createdAt), but a few small messages "
                + "come in one.",
            area: .inboxes, needs: [.http]
        ) { context in
            let alice = try await context.peer("alice")
            let (space, inboxId) = try await context.createSpaceInbox(by: alice, in: context.createSpace(by: alice))
            var texts: [String] = []
            for _ in 0..<3 {
                let ciphertext = RandomIdentifiers.hex(byteCount: 32)
                texts.append(ciphertext)
                try context.requireStatus(
                    try await context.postSpaceInboxMessage(
                        spaceId: space.id, inboxId: inboxId, ciphertext: ciphertext),
                    [200], "the post to be accepted")
            }
            let all = try await alice.session.latestSpaceInboxMessages(
                spaceId: space.id, inboxId: inboxId, timeout: context.timeout)
            try requireEqual(all.messages.map(\.ciphertext), texts, "the messages in order")
            guard let last = all.messages.last else { return }
            let since = try await alice.session.latestSpaceInboxMessages(
                spaceId: space.id, inboxId: inboxId, since: last.createdAt, timeout: context.timeout)
            try require(
                since.messages.contains { $0.id == last.id }
                    && since.messages.allSatisfy { $0.createdAt >= last.createdAt },
                "since = the last createdAt returns that message and nothing older",
                observed: "\(since.messages.map(\.id))")
        },
        ConformanceCase(
            "inboxes.space-messages.signed-author-kept", .must, "§3.6, §10.1",
            "A signed inbox message is returned with its signature and authorAccountAddress.",
            area: .inboxes, needs: [.http]
        ) { context in
            let alice = try await context.peer("alice")
            let (space, inboxId) = try await context.createSpaceInbox(
                by: alice, in: context.createSpace(by: alice), authPolicy: .requiresAuth)
            try context.requireStatus(
                try await context.postSpaceInboxMessage(spaceId: space.id, inboxId: inboxId, author: alice.identity),
                [200], "the signed post to be accepted")
            let reply = try await alice.session.latestSpaceInboxMessages(
                spaceId: space.id, inboxId: inboxId, timeout: context.timeout)
            try require(
                reply.messages.count == 1 && reply.messages[0].authorAccountAddress == alice.account
                    && reply.messages[0].signature != nil,
                "one message with alice's address and a signature", observed: "\(reply.messages)")
        },
        ConformanceCase(
            "inboxes.account-messages.reply-echo", .must, "§4.10, §5.11",
            "get-latest-account-inbox-messages is answered with `account-inbox-messages` carrying the connection's account and the inboxId.",
            area: .inboxes
        ) { context in
            let alice = try await context.peer("alice")
            let inbox = try await context.createAccountInbox(by: alice)
            let reply = try await context.expect("account-inbox-messages") { () throws(HypergraphClientError) in
                try await alice.session.latestAccountInboxMessages(
                    accountAddress: alice.account, inboxId: inbox.inbox.inboxId, timeout: context.timeout)
            }
            try requireEqual(reply.accountAddress, alice.account, "accountAddress")
            try requireEqual(reply.messages, [], "messages of a new inbox")
        },
        ConformanceCase(
            "inboxes.account-messages.other-account.refused", .must, "§4.10",
            "get-latest-account-inbox-messages for another account's inbox is refused.",
            area: .inboxes
        ) { context in
            let alice = try await context.peer("alice")
            let eve = try await context.peer("eve")
            let inbox = try await context.createAccountInbox(by: alice)
            let request = GetLatestAccountInboxMessagesRequest(
                accountAddress: alice.account, inboxId: inbox.inbox.inboxId, since: Timestamp(millisecondsSince1970: 0))
            try await context.expectRefused(
                .getLatestAccountInboxMessages(request), on: eve, "no messages of alice's inbox for eve")
        },
        ConformanceCase(
            "inboxes.account-messages.since-inclusive", .must, "§4.10",
            "Account inbox messages are returned ascending, `since` inclusive.",
            area: .inboxes, needs: [.http]
        ) { context in
            let alice = try await context.peer("alice")
            let inbox = try await context.createAccountInbox(by: alice)
            for _ in 0..<2 {
                try context.requireStatus(
                    try await context.postAccountInboxMessage(
                        accountAddress: alice.account, inboxId: inbox.inbox.inboxId),
                    [200], "the post to be accepted")
            }
            let all = try await alice.session.latestAccountInboxMessages(
                accountAddress: alice.account, inboxId: inbox.inbox.inboxId, timeout: context.timeout)
            try require(
                all.messages.count == 2 && all.messages[0].createdAt <= all.messages[1].createdAt,
                "two messages, ascending", observed: "\(all.messages)")
            let since = try await alice.session.latestAccountInboxMessages(
                accountAddress: alice.account, inboxId: inbox.inbox.inboxId, since: all.messages[1].createdAt,
                timeout: context.timeout)
            try require(
                since.messages.contains { $0.id == all.messages[1].id }, "the newest message again (inclusive)",
                observed: "\(since.messages.map(\.id))")
        },
    ]
}
