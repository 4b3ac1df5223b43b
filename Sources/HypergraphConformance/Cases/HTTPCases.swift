// §10: inbox posts with every auth-policy row, public inbox reads, identity lookups, whoami.
import HypergraphClient
import HypergraphJSON
import HypergraphProtocol
import HypergraphSigning

extension ConformanceSuite {
    static let httpCases: [ConformanceCase] = policyCases + httpReadCases

    /// How a policy case posts: signed, unsigned, or with only one of the two members.
    enum PostForm: String, Sendable {
        case signed, unsigned
        case authorWithoutSignature = "author-without-signature"
        case emptyAuthor = "empty-author"
    }

    /// A case posting `form` to a space inbox with `policy` and requiring `status`.
    static func policyCase(
        _ policy: InboxSenderAuthPolicy, _ form: PostForm, _ status: Int, _ requirement: String
    ) -> ConformanceCase {
        ConformanceCase(
            "http.space-inbox-post.\(policy.rawValue).\(form.rawValue)", .must, "§10.1", requirement, area: .http,
            needs: [.http]
        ) { context in
            let alice = try await context.peer("alice")
            let (space, inboxId) = try await context.createSpaceInbox(
                by: alice, in: context.createSpace(by: alice), authPolicy: policy)
            let ciphertext = RandomIdentifiers.hex(byteCount: 32)
            let response: HypergraphHTTPResponse
            switch form {
            case .signed:
                response = try await context.postSpaceInboxMessage(
                    spaceId: space.id, inboxId: inboxId, author: alice.identity, ciphertext: ciphertext)
            case .unsigned:
                response = try await context.postSpaceInboxMessage(
                    spaceId: space.id, inboxId: inboxId, ciphertext: ciphertext)
            case .authorWithoutSignature, .emptyAuthor:
                let author: JSONValue = .string(form == .emptyAuthor ? "" : alice.account)
                let body: JSONValue = ["ciphertext": .string(ciphertext), "authorAccountAddress": author]
                response = try await context.http(
                    "POST", "/spaces/\(space.id)/inboxes/\(inboxId)/messages",
                    json: String(decoding: body.serialized(), as: UTF8.self))
            }
            try context.requireStatus(response, [status], "HTTP \(status)")
            let stored = try await alice.session.latestSpaceInboxMessages(
                spaceId: space.id, inboxId: inboxId, timeout: context.timeout)
            try requireEqual(stored.messages.count, status == 200 ? 1 : 0, "the number of stored messages")
            if form == .emptyAuthor, let message = stored.messages.first {
                // §10.1: the TypeScript server stores the empty author and sends it back as ""; omitting it is as good.
                try require(
                    message.authorAccountAddress == nil || message.authorAccountAddress == "",
                    "authorAccountAddress absent or \"\"",
                    observed: "\(String(describing: message.authorAccountAddress))")
            }
        }
    }

    static let policyCases: [ConformanceCase] = [
        policyCase(
            .requiresAuth, .signed, 200, "A requires_auth inbox accepts a signed post with its author (200 {})."),
        policyCase(
            .requiresAuth, .unsigned, 400, "A requires_auth inbox refuses an unsigned post with 400 and stores nothing."
        ),
        policyCase(.anonymous, .unsigned, 200, "An anonymous inbox accepts an unsigned post (200 {})."),
        policyCase(.anonymous, .signed, 400, "An anonymous inbox refuses a signed post with 400 and stores nothing."),
        policyCase(.optionalAuth, .signed, 200, "An optional_auth inbox accepts a signed post with its author."),
        policyCase(.optionalAuth, .unsigned, 200, "An optional_auth inbox accepts an unsigned post."),
        policyCase(
            .optionalAuth, .authorWithoutSignature, 400,
            "An optional_auth inbox refuses an author without a signature with 400 and stores nothing."),
        policyCase(
            .optionalAuth, .emptyAuthor, 200,
            "An empty-string authorAccountAddress counts as absent: an optional_auth inbox accepts it unsigned."),
        ConformanceCase(
            "http.space-inbox-post.unknown-signer.refused", .must, "§10.1",
            "A post signed by a key that is not an identity of the claimed author is refused with 403 and stores nothing.",
            area: .http, needs: [.http]
        ) { context in
            let alice = try await context.peer("alice")
            let (space, inboxId) = try await context.createSpaceInbox(
                by: alice, in: context.createSpace(by: alice), authPolicy: .requiresAuth)
            let impostor = HypergraphIdentity.random(accountAddress: alice.account)
            let response = try await context.postSpaceInboxMessage(
                spaceId: space.id, inboxId: inboxId, author: impostor)
            try context.requireStatus(response, [403], "HTTP 403")
        },
        ConformanceCase(
            "http.space-inbox-post.unknown-inbox.404", .must, "§10.1",
            "A post to an inbox that does not exist answers 404.",
            area: .http, needs: [.http]
        ) { context in
            let alice = try await context.peer("alice")
            let space = try await context.createSpace(by: alice)
            let response = try await context.postSpaceInboxMessage(
                spaceId: space.id, inboxId: RandomIdentifiers.hex(byteCount: 32))
            try context.requireStatus(response, [404], "HTTP 404")
        },
        ConformanceCase(
            "http.space-inbox-post.other-space.404", .must, "§10.1",
            "A post naming an inbox under another space answers 404 and reaches no subscriber.",
            area: .http, needs: [.http]
        ) { context in
            let alice = try await context.peer("alice")
            let (space, inboxId) = try await context.createSpaceInbox(by: alice, in: context.createSpace(by: alice))
            let other = try await context.createSpace(by: alice)
            try await context.subscribe(alice, to: space.id)
            let response = try await context.postSpaceInboxMessage(spaceId: other.id, inboxId: inboxId)
            try context.requireStatus(response, [404], "HTTP 404")
            try await context.expectNothing([alice], of: ["space-inbox-message"], "no space-inbox-message")
        },
        ConformanceCase(
            "http.space-inbox-post.malformed-body.refused", .must, "§10.1, §12 G12",
            "A post whose body lacks `ciphertext` is refused (not 200) and stores nothing.",
            area: .http, needs: [.http]
        ) { context in
            let alice = try await context.peer("alice")
            let (space, inboxId) = try await context.createSpaceInbox(by: alice, in: context.createSpace(by: alice))
            let response = try await context.http(
                "POST", "/spaces/\(space.id)/inboxes/\(inboxId)/messages", json: #"{"text":"hi"}"#)
            try require(response.status >= 400, "an HTTP error status", observed: "HTTP \(response.status)")
        },
        ConformanceCase(
            "http.account-inbox-post.wrong-account.404", .must, "§10.2",
            "A post to an account inbox under another account's path answers 404.",
            area: .http, needs: [.http]
        ) { context in
            let alice = try await context.peer("alice")
            let bob = try await context.identity()
            let inbox = try await context.createAccountInbox(by: alice)
            let response = try await context.postAccountInboxMessage(
                accountAddress: bob.accountAddress, inboxId: inbox.inbox.inboxId)
            try context.requireStatus(response, [404], "HTTP 404")
        },
        ConformanceCase(
            "http.account-inbox-post.requires-auth.unsigned", .must, "§10.2",
            "A requires_auth account inbox refuses an unsigned post with 400.",
            area: .http, needs: [.http]
        ) { context in
            let alice = try await context.peer("alice")
            let inbox = try await context.createAccountInbox(by: alice, authPolicy: .requiresAuth)
            let response = try await context.postAccountInboxMessage(
                accountAddress: alice.account, inboxId: inbox.inbox.inboxId)
            try context.requireStatus(response, [400], "HTTP 400")
        },
        ConformanceCase(
            "http.account-inbox-post.signed", .must, "§10.2, §7.4.5",
            "A requires_auth account inbox accepts a post signed by another account's identity (200).",
            area: .http, needs: [.http]
        ) { context in
            let alice = try await context.peer("alice")
            let bob = try await context.identity()
            let inbox = try await context.createAccountInbox(by: alice, authPolicy: .requiresAuth)
            let response = try await context.postAccountInboxMessage(
                accountAddress: alice.account, inboxId: inbox.inbox.inboxId, author: bob)
            try context.requireStatus(response, [200], "HTTP 200")
        },
    ]

    static let httpReadCases: [ConformanceCase] = [
        ConformanceCase(
            "http.public.space-inboxes.listing", .must, "§10.3, §3.8",
            "GET /spaces/:id/inboxes lists only the public inboxes, each with its signed creationEvent.",
            area: .http, needs: [.http]
        ) { context in
            let alice = try await context.peer("alice")
            let (withPublic, publicId) = try await context.createSpaceInbox(
                by: alice, in: context.createSpace(by: alice), isPublic: true)
            _ = try await context.createSpaceInbox(by: alice, in: withPublic, isPublic: false)
            let response = try await context.http("GET", "/spaces/\(withPublic.id)/inboxes")
            try context.requireStatus(response, [200], "HTTP 200")
            let inboxes = response.json?["inboxes"]?.arrayValue ?? []
            try requireEqual(inboxes.compactMap { $0["inboxId"]?.stringValue }, [publicId], "the listed inbox ids")
            try require(
                inboxes.first?["creationEvent"]?["transaction"]?["inboxId"]?.stringValue == publicId,
                "creationEvent of the inbox", observed: response.text)
        },
        ConformanceCase(
            "http.public.space-inbox.by-id", .must, "§10.3",
            "GET /spaces/:id/inboxes/:inboxId answers {inbox} with the inbox and its creationEvent.",
            area: .http, needs: [.http]
        ) { context in
            let alice = try await context.peer("alice")
            let (space, inboxId) = try await context.createSpaceInbox(by: alice, in: context.createSpace(by: alice))
            let response = try await context.http("GET", "/spaces/\(space.id)/inboxes/\(inboxId)")
            try context.requireStatus(response, [200], "HTTP 200")
            try requireEqual(response.json?["inbox"]?["inboxId"]?.stringValue ?? "", inboxId, "inbox.inboxId")
        },
        ConformanceCase(
            "http.public.account-inboxes.listing", .must, "§10.3",
            "GET /accounts/:address/inboxes lists only the account's public inboxes.",
            area: .http, needs: [.http]
        ) { context in
            let alice = try await context.peer("alice")
            let open = try await context.createAccountInbox(by: alice, isPublic: true)
            let closed = try await context.createAccountInbox(by: alice, isPublic: false)
            let response = try await context.http("GET", "/accounts/\(alice.account)/inboxes")
            try context.requireStatus(response, [200], "HTTP 200")
            let ids = (response.json?["inboxes"]?.arrayValue ?? []).compactMap { $0["inboxId"]?.stringValue }
            try require(
                ids.contains(open.inbox.inboxId) && !ids.contains(closed.inbox.inboxId),
                "the public inbox listed, the private one not", observed: "\(ids)")
        },
        ConformanceCase(
            "http.public.account-inbox.by-id", .must, "§10.3",
            "GET /accounts/:address/inboxes/:inboxId answers {inbox} with the inbox and its creation signature.",
            area: .http, needs: [.http]
        ) { context in
            let alice = try await context.peer("alice")
            let inbox = try await context.createAccountInbox(by: alice)
            let response = try await context.http("GET", "/accounts/\(alice.account)/inboxes/\(inbox.inbox.inboxId)")
            try context.requireStatus(response, [200], "HTTP 200")
            try requireEqual(
                response.json?["inbox"]?["signature"]?["hex"]?.stringValue ?? "", inbox.inbox.signature.hex,
                "inbox.signature.hex")
        },
        ConformanceCase(
            "http.identity.by-signature-key", .must, "§10.4",
            "GET /identity with accountAddress and signaturePublicKey answers 200 with the identity's keys.",
            area: .http, needs: [.http]
        ) { context in
            let alice = try await context.identity()
            let response = try await context.http(
                "GET", "/identity?accountAddress=\(alice.accountAddress)&signaturePublicKey=\(alice.signaturePublicKey)"
            )
            try context.requireStatus(response, [200], "HTTP 200")
            try requireEqual(
                response.json?["accountAddress"]?.stringValue ?? "", alice.accountAddress, "accountAddress")
            try requireEqual(
                response.json?["signaturePublicKey"]?.stringValue?.lowercased() ?? "", alice.signaturePublicKey,
                "signaturePublicKey")
            try require(
                response.json?["encryptionPublicKey"]?.stringValue != nil, "an encryptionPublicKey",
                observed: response.text)
        },
        ConformanceCase(
            "http.identity.by-app-id", .must, "§10.4",
            "GET /identity with accountAddress and appId answers 200 with that app identity's signature key.",
            area: .http, needs: [.http]
        ) { context in
            let alice = try await context.identity()
            guard let appId = alice.appId else { throw CaseSkipped("the provisioned identity has no appId") }
            let response = try await context.http(
                "GET", "/identity?accountAddress=\(alice.accountAddress)&appId=\(appId)")
            try context.requireStatus(response, [200], "HTTP 200")
            try requireEqual(
                response.json?["signaturePublicKey"]?.stringValue?.lowercased() ?? "", alice.signaturePublicKey,
                "signaturePublicKey")
        },
        ConformanceCase(
            "http.identity.not-found", .must, "§10.4",
            "GET /identity for an unknown key answers 404 {\"accountAddress\": …}.",
            area: .http, needs: [.http]
        ) { context in
            let alice = try await context.identity()
            let stranger = HypergraphIdentity.random()
            let response = try await context.http(
                "GET",
                "/identity?accountAddress=\(alice.accountAddress)&signaturePublicKey=\(stranger.signaturePublicKey)")
            try context.requireStatus(response, [404], "HTTP 404")
            try requireEqual(
                response.json?["accountAddress"]?.stringValue ?? "", alice.accountAddress, "accountAddress")
        },
        ConformanceCase(
            "http.identity.missing-account.400", .must, "§10.4",
            "GET /identity without accountAddress answers 400.",
            area: .http, needs: [.http]
        ) { context in
            let response = try await context.http("GET", "/identity?appId=default")
            try context.requireStatus(response, [400], "HTTP 400")
        },
        ConformanceCase(
            "http.whoami.token", .must, "§10.5",
            "GET /whoami with `Authorization: Bearer <token>` answers 200 with the account address; without a token 401.",
            area: .http, needs: [.http]
        ) { context in
            let alice = try await context.identity()
            let response = try await context.http(
                "GET", "/whoami", headers: ["Authorization": "Bearer \(alice.sessionToken ?? "")"])
            try context.requireStatus(response, [200], "HTTP 200")
            try require(
                response.text.contains(alice.accountAddress), "the account address in the body", observed: response.text
            )
            try context.requireStatus(try await context.http("GET", "/whoami"), [401], "HTTP 401 without a token")
        },
    ]
}
