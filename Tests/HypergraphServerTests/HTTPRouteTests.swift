// The HTTP routes (§10): inbox posts with every auth-policy rule, public inbox reads, identity lookups, the admin
// route, health and unknown routes.
import HypergraphClient
import HypergraphCrypto
import HypergraphHTTP
import HypergraphJSON
import HypergraphProtocol
import HypergraphServer
import HypergraphSigning
import XCTest

final class HTTPRouteTests: XCTestCase {
    // MARK: Space inbox messages (§10.1)

    func testSpaceInboxPostsFollowEveryAuthPolicyRule() async throws {
        let server = try await TestServer.start()
        let alice = try await server.participant()
        let space = try await alice.createSpace()
        let author = try await server.identity()
        var inboxes: [InboxSenderAuthPolicy: String] = [:]
        var hash = try XCTUnwrap(space.lastEventHash)
        for policy in [InboxSenderAuthPolicy.requiresAuth, .anonymous, .optionalAuth] {
            let request = alice.identity.createSpaceInboxEvent(
                spaceId: space.id, previousEventHash: hash, isPublic: true, authPolicy: policy)
            let updated = try await alice.session.createSpaceInbox(request)
            hash = try XCTUnwrap(updated.lastEventHash)
            inboxes[policy] = request.event.transaction.inboxId
        }
        func post(
            _ policy: InboxSenderAuthPolicy, signed: Bool, author authorAddress: String?,
            key: Secp256k1.PrivateKey? = nil
        )
            async throws -> HypergraphHTTPResponse
        {
            let inboxId = try XCTUnwrap(inboxes[policy])
            var body: JSONObject = ["ciphertext": "0xabcdef"]
            if let authorAddress { body["authorAccountAddress"] = .string(authorAddress) }
            if signed {
                let signature = SigningPayload.spaceInboxMessage(
                    authorAccountAddress: authorAddress, ciphertext: "0xabcdef", inboxId: inboxId, spaceId: space.id
                ).signature(with: key ?? author.signatureKey)
                body["signature"] = ["hex": .string(signature.hex), "recovery": .number(Double(signature.recovery))]
            }
            return try await server.http(
                "POST", "/spaces/\(space.id)/inboxes/\(inboxId)/messages",
                body: String(decoding: JSONValue.object(body).serialized(), as: UTF8.self))
        }
        let account = author.accountAddress
        let cases: [(InboxSenderAuthPolicy, Bool, String?, Int, String?)] = [
            (.requiresAuth, false, nil, 400, "Signature and authorAccountAddress required"),
            (.requiresAuth, false, account, 400, "Signature and authorAccountAddress required"),
            (.requiresAuth, true, "", 400, "Signature and authorAccountAddress required"),
            (.requiresAuth, true, account, 200, nil),
            (.anonymous, true, account, 400, "Signature and authorAccountAddress not allowed"),
            (.anonymous, false, account, 400, "Signature and authorAccountAddress not allowed"),
            (.anonymous, false, nil, 200, nil),
            (.anonymous, false, "", 200, nil),
            (.optionalAuth, true, nil, 400, "Signature and authorAccountAddress must be provided together"),
            (.optionalAuth, false, account, 400, "Signature and authorAccountAddress must be provided together"),
            (.optionalAuth, true, account, 200, nil),
            (.optionalAuth, false, nil, 200, nil),
        ]
        for (policy, signed, authorAddress, status, error) in cases {
            let response = try await post(policy, signed: signed, author: authorAddress)
            let label = "\(policy) signed=\(signed) author=\(authorAddress ?? "none")"
            XCTAssertEqual(response.status, status, "\(label): \(response.text)")
            XCTAssertEqual(response.json?["error"]?.stringValue, error, label)
        }
        let unknownKey = try await post(.requiresAuth, signed: true, author: account, key: .random())
        XCTAssertEqual(unknownKey.status, 403)
        XCTAssertEqual(unknownKey.json?["error"]?.stringValue, "Not authorized to post to this inbox")
        let messages = try await alice.session.latestSpaceInboxMessages(
            spaceId: space.id, inboxId: try XCTUnwrap(inboxes[.requiresAuth]))
        XCTAssertEqual(messages.messages.count, 1)
        XCTAssertEqual(messages.messages.first?.authorAccountAddress, account)
        XCTAssertNotNil(messages.messages.first?.signature)
        let anonymous = try await alice.session.latestSpaceInboxMessages(
            spaceId: space.id, inboxId: try XCTUnwrap(inboxes[.anonymous]))
        XCTAssertEqual(anonymous.messages.map(\.authorAccountAddress), [nil, nil], "an empty author counts as absent")
        XCTAssertEqual(anonymous.messages.map(\.signature), [nil, nil])
        await server.stop()
    }

    func testSpaceInboxPostsRejectBadBodiesAndMissingInboxes() async throws {
        let server = try await TestServer.start()
        let alice = try await server.participant()
        let space = try await alice.createSpace()
        let inbox = alice.identity.createSpaceInboxEvent(
            spaceId: space.id, previousEventHash: try XCTUnwrap(space.lastEventHash), isPublic: false,
            authPolicy: .optionalAuth)
        _ = try await alice.session.createSpaceInbox(inbox)
        let path = "/spaces/\(space.id)/inboxes/\(inbox.event.transaction.inboxId)/messages"
        for body in [
            "not json", "[]", "{}", #"{"ciphertext":1}"#, #"{"ciphertext":"0x01","authorAccountAddress":null}"#,
            #"{"ciphertext":"plain text"}"#, #"{"ciphertext":"0x01","authorAccountAddress":"alice"}"#,
            #"{"ciphertext":"0x01","authorAccountAddress":"0x01","signature":{"hex":"zz","recovery":0}}"#,
        ] {
            let response = try await server.http("POST", path, body: body)
            XCTAssertEqual(response.status, 400, body)
            XCTAssertNotNil(response.json?["error"]?.stringValue, body)
        }
        let malformed =
            #"{"ciphertext":"0x01","authorAccountAddress":"0x01","signature":{"hex":"\#(String(repeating: "0", count: 128))","recovery":0}}"#
        let zero = try await server.http("POST", path, body: malformed)
        XCTAssertEqual(zero.status, 400)
        let missing = try await server.http(
            "POST", "/spaces/\(space.id)/inboxes/0x\(String(repeating: "1", count: 64))/messages",
            body: #"{"ciphertext":"0x01"}"#)
        XCTAssertEqual(missing.status, 404)
        XCTAssertEqual(missing.json?["error"]?.stringValue, "Inbox not found")
        let otherSpace = try await server.http(
            "POST", "/spaces/\(RandomIdentifiers.uuid())/inboxes/\(inbox.event.transaction.inboxId)/messages",
            body: #"{"ciphertext":"0x01"}"#)
        XCTAssertEqual(otherSpace.status, 404)
        let stored = try await alice.session.latestSpaceInboxMessages(
            spaceId: space.id, inboxId: inbox.event.transaction.inboxId)
        XCTAssertEqual(stored.messages, [], "nothing of a refused post is stored")
        await server.stop()
    }

    // MARK: Account inbox messages (§10.2)

    func testAccountInboxPostsCheckTheSignatureOverTheOwnersInbox() async throws {
        let server = try await TestServer.start()
        let bob = try await server.participant()
        let author = try await server.identity()
        let inbox = try await bob.session.createAccountInbox(
            bob.identity.createAccountInbox(isPublic: false, authPolicy: .requiresAuth)
        ).inbox
        let path = "/accounts/\(bob.account)/inboxes/\(inbox.inboxId)/messages"
        func body(signedBy key: Secp256k1.PrivateKey, owner: String) -> String {
            let signature = SigningPayload.accountInboxMessage(
                accountAddress: owner, authorAccountAddress: author.accountAddress, ciphertext: "0x99",
                inboxId: inbox.inboxId
            ).signature(with: key)
            return
                #"{"ciphertext":"0x99","authorAccountAddress":"\#(author.accountAddress)","signature":{"hex":"\#(signature.hex)","recovery":\#(signature.recovery)}}"#
        }
        let wrongOwner = try await server.http(
            "POST", path, body: body(signedBy: author.signatureKey, owner: author.accountAddress))
        XCTAssertEqual(wrongOwner.status, 403, "the signature must cover the inbox owner from the URL")
        let anonymous = try await server.http("POST", path, body: #"{"ciphertext":"0x99"}"#)
        XCTAssertEqual(anonymous.status, 400)
        let signed = body(signedBy: author.signatureKey, owner: bob.account)
        let ok = try await server.http("POST", path, body: signed)
        XCTAssertEqual(ok.status, 200)
        let replay = try await server.http("POST", path, body: signed)
        XCTAssertEqual(replay.status, 409, "a replayed signed message is refused (docs/server.md, Inbox replay)")
        XCTAssertNotNil(replay.json?["error"]?.stringValue)
        let pushed = try await bob.session.nextMessage("account-inbox-message", timeout: .seconds(5)) {
            $0.type == "account-inbox-message"
        }
        guard case .accountInboxMessage(let message) = pushed else { return XCTFail("\(pushed)") }
        XCTAssertEqual(message.accountAddress, bob.account)
        XCTAssertEqual(message.message.authorAccountAddress, author.accountAddress)
        let missing = try await server.http(
            "POST", "/accounts/\(author.accountAddress)/inboxes/\(inbox.inboxId)/messages",
            body: #"{"ciphertext":"0x99"}"#)
        XCTAssertEqual(missing.status, 404)
        let messages = try await bob.session.latestAccountInboxMessages(
            accountAddress: bob.account, inboxId: inbox.inboxId)
        XCTAssertEqual(messages.messages.count, 1, "the replay was not stored")
        let broadcastAgain = try await receivedMessages(bob.session).filter { $0.type == "account-inbox-message" }
        XCTAssertEqual(broadcastAgain.count, 0, "the replay was not broadcast")
        await server.stop()
    }

    // MARK: Public inbox reads (§10.3)

    func testPublicInboxListingsShowOnlyPublicInboxes() async throws {
        let server = try await TestServer.start()
        let alice = try await server.participant()
        let space = try await alice.createSpace()
        let publicInbox = alice.identity.createSpaceInboxEvent(
            spaceId: space.id, previousEventHash: try XCTUnwrap(space.lastEventHash), isPublic: true,
            authPolicy: .anonymous)
        let afterPublic = try await alice.session.createSpaceInbox(publicInbox)
        let privateInbox = alice.identity.createSpaceInboxEvent(
            spaceId: space.id, previousEventHash: try XCTUnwrap(afterPublic.lastEventHash), isPublic: false,
            authPolicy: .requiresAuth)
        _ = try await alice.session.createSpaceInbox(privateInbox)
        let list = try await server.http("GET", "/spaces/\(space.id)/inboxes")
        XCTAssertEqual(list.status, 200)
        let listed = try XCTUnwrap(list.json?["inboxes"]?.arrayValue)
        XCTAssertEqual(listed.compactMap { $0["inboxId"]?.stringValue }, [publicInbox.event.transaction.inboxId])
        XCTAssertNil(listed.first?["secretKey"], "the public view has no secret key")
        let creationEvent = try XCTUnwrap(listed.first?["creationEvent"])
        XCTAssertEqual(try SpaceEvent(jsonUTF8: creationEvent.serialized()), .createSpaceInbox(publicInbox.event))
        let single = try await server.http(
            "GET", "/spaces/\(space.id)/inboxes/\(privateInbox.event.transaction.inboxId)")
        XCTAssertEqual(single.status, 200, "by id, as in the TS server, private inboxes are shown too")
        XCTAssertEqual(single.json?["inbox"]?["isPublic"], .bool(false))
        let missing = try await server.http("GET", "/spaces/\(space.id)/inboxes/0x\(String(repeating: "2", count: 64))")
        XCTAssertEqual(missing.status, 404)

        let publicAccountInbox = try await alice.session.createAccountInbox(
            alice.identity.createAccountInbox(isPublic: true, authPolicy: .anonymous)
        ).inbox
        _ = try await alice.session.createAccountInbox(
            alice.identity.createAccountInbox(isPublic: false, authPolicy: .anonymous))
        let accountList = try await server.http("GET", "/accounts/\(alice.account)/inboxes")
        XCTAssertEqual(
            accountList.json?["inboxes"]?.arrayValue?.compactMap { $0["inboxId"]?.stringValue },
            [publicAccountInbox.inboxId])
        let accountInbox = try await server.http(
            "GET", "/accounts/\(alice.account)/inboxes/\(publicAccountInbox.inboxId)")
        XCTAssertEqual(
            try AccountInbox(jsonUTF8: try XCTUnwrap(accountInbox.json?["inbox"]).serialized()), publicAccountInbox)
        let missingAccountInbox = try await server.http(
            "GET", "/accounts/\(alice.account)/inboxes/0x\(String(repeating: "3", count: 64))")
        XCTAssertEqual(missingAccountInbox.status, 404)
        await server.stop()
    }

    // MARK: Identities (§10.4, §10.5)

    func testIdentityLookupByKeyAndByAppId() async throws {
        let server = try await TestServer.start()
        let alice = try await server.identity(appId: "app-1")
        let account = alice.accountAddress
        let byKey = try await server.http(
            "GET", "/identity?accountAddress=\(account)&signaturePublicKey=\(alice.signaturePublicKey)")
        XCTAssertEqual(byKey.status, 200)
        XCTAssertEqual(
            Set(byKey.json?.objectValue?.keys ?? []),
            [
                "accountAddress", "signaturePublicKey", "encryptionPublicKey", "accountProof", "keyProof", "appId",
            ])
        XCTAssertEqual(byKey.json?["signaturePublicKey"]?.stringValue, alice.signaturePublicKey)
        XCTAssertEqual(byKey.json?["appId"]?.stringValue, "app-1")
        let byApp = try await server.http("GET", "/identity?accountAddress=\(account)&appId=app-1")
        XCTAssertEqual(byApp.json?["signaturePublicKey"]?.stringValue, alice.signaturePublicKey)
        let keyWins = try await server.http(
            "GET", "/identity?accountAddress=\(account)&appId=nope&signaturePublicKey=\(alice.signaturePublicKey)")
        XCTAssertEqual(keyWins.status, 200)
        let unknown = try await server.http("GET", "/identity?accountAddress=\(account)&appId=other")
        XCTAssertEqual(unknown.status, 404)
        XCTAssertEqual(unknown.json, ["accountAddress": .string(account)])
        let noAccount = try await server.http("GET", "/identity?appId=app-1")
        XCTAssertEqual(noAccount.status, 400)
        XCTAssertEqual(noAccount.text, "No accountAddress")
        let noKey = try await server.http("GET", "/identity?accountAddress=\(account)&appId=")
        XCTAssertEqual(noKey.status, 400)
        XCTAssertEqual(noKey.text, "No signaturePublicKey or appId")

        let whoami = try await server.http(
            "GET", "/whoami", headers: ["Authorization": "Bearer \(try XCTUnwrap(alice.sessionToken))"])
        XCTAssertEqual(whoami.status, 200)
        XCTAssertEqual(whoami.text, account)
        let anonymous = try await server.http("GET", "/whoami")
        XCTAssertEqual(anonymous.status, 401)
        await server.stop()
    }

    func testAdminRouteProvisionsIdentitiesOnlyWithTheAdminToken() async throws {
        let disabled = try await TestServer.start()
        let notThere = try await disabled.http(
            "POST", "/admin/identities", body: "{}", headers: ["Authorization": "Bearer x"])
        XCTAssertEqual(notThere.status, 404)
        await disabled.stop()

        let server = try await TestServer.start(adminToken: "s3cret-token")
        let refusedHeaders: [HTTPHeaders] = [
            [:], ["Authorization": "Bearer s3cret-tokeN"], ["Authorization": "Basic s3cret-token"],
        ]
        for headers in refusedHeaders {
            let refused = try await server.http("POST", "/admin/identities", body: "{}", headers: headers)
            XCTAssertEqual(refused.status, 401, "\(headers)")
            XCTAssertEqual(refused.header("WWW-Authenticate"), "Bearer")
        }
        let authorization: HTTPHeaders = ["Authorization": "Bearer s3cret-token"]
        let created = try await server.http(
            "POST", "/admin/identities", body: #"{"appId":"admin-app","expiresIn":"2h"}"#, headers: authorization)
        XCTAssertEqual(created.status, 200, created.text)
        XCTAssertEqual(
            created.json?.objectValue?.keys,
            [
                "accountAddress", "appIdentityAddress", "appId", "sessionToken", "sessionTokenExpires",
                "signaturePublicKey",
                "signaturePrivateKey", "encryptionPublicKey",
            ])
        let identity = try HypergraphIdentity(json: XCTUnwrap(created.json))
        let session = try await server.connect(identity)
        _ = try await session.listSpaces()
        let again = try await server.http(
            "POST", "/admin/identities", body: #"{"accountAddress":"\#(identity.accountAddress)","appId":"admin-app"}"#,
            headers: authorization)
        XCTAssertEqual(again.status, 409)
        let invalid = try await server.http(
            "POST", "/admin/identities", body: #"{"expiresIn":"soon"}"#, headers: authorization)
        XCTAssertEqual(invalid.status, 400)
        let withKey = try await server.http(
            "POST", "/admin/identities",
            body: #"{"signaturePublicKey":"\#(Secp256k1.PrivateKey.random().publicKey.signaturePublicKeyHex)"}"#,
            headers: authorization)
        XCTAssertEqual(withKey.status, 200)
        XCTAssertNil(withKey.json?["signaturePrivateKey"], "a private key is printed only when generated")
        await server.stop()
    }

    // MARK: Health and unknown routes

    func testHealthUnknownRoutesAndCORS() async throws {
        let server = try await TestServer.start()
        let health = try await server.http("GET", "/")
        XCTAssertEqual(health.status, 200)
        XCTAssertEqual(health.json?["status"], "ok")
        XCTAssertEqual(health.json?["version"]?.stringValue, HypergraphToolkit.version)
        XCTAssertEqual(health.header("Access-Control-Allow-Origin"), "*")
        let unknown = try await server.http("GET", "/no/such/route")
        XCTAssertEqual(unknown.status, 404)
        XCTAssertEqual(unknown.header("Content-Type"), "application/json")
        XCTAssertNotNil(unknown.json?["error"]?.stringValue)
        let wrongMethod = try await server.http("DELETE", "/identity")
        XCTAssertEqual(wrongMethod.status, 405)
        XCTAssertEqual(wrongMethod.header("Allow"), "GET")
        let preflight = try await server.http("OPTIONS", "/spaces/x/inboxes/y/messages")
        XCTAssertEqual(preflight.status, 204)
        XCTAssertEqual(preflight.header("Access-Control-Allow-Origin"), "*")
        XCTAssertNotNil(preflight.header("Access-Control-Allow-Methods"))
        await server.stop()
    }
}
