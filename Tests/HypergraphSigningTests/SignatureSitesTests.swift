import HypergraphCrypto
import HypergraphJSON
import HypergraphProtocol
import HypergraphSigning
import XCTest

/// Every signature a whole message carries: paths, payloads with ids from the enclosing message, signing all.
final class SignatureSitesTests: XCTestCase {
    private var alice: TestAccount!
    private var bob: TestAccount!
    private let spaceId = uuid("space")
    private let inboxId = hex32("inbox")

    override func setUpWithError() throws {
        alice = try TestAccount.make("alice")
        bob = try TestAccount.make("bob")
    }

    private func update(_ bytes: [UInt8], by account: TestAccount) -> SignedUpdate {
        let unsigned = SignedUpdate(
            update: Bytes(bytes), accountAddress: account.address, signature: unsignedSignature,
            updateId: uuid("\(bytes)"))
        var signed = unsigned
        signed.signature = unsigned.signingPayload(spaceId: spaceId).signature(with: account.key)
        return signed
    }

    private func inboxMessage(_ label: String, author: TestAccount?, signed: Bool) throws -> InboxMessage {
        var message = InboxMessage(
            id: uuid(label), ciphertext: "0x" + Hex.encode(Array(label.utf8)), authorAccountAddress: author?.address,
            createdAt: try XCTUnwrap(Timestamp(iso8601: "2025-06-30T12:34:56.789Z")))
        if signed, let author {
            message.signature = message.spaceInboxSigningPayload(spaceId: spaceId, inboxId: inboxId).signature(
                with: author.key)
        }
        return message
    }

    /// Checks that every site's signature recovers to `signers` in order.
    private func assertSigners(
        _ sites: [SignatureSite], _ signers: [TestAccount], file: StaticString = #filePath, line: UInt = #line
    ) throws {
        XCTAssertEqual(sites.count, signers.count, file: file, line: line)
        for (site, signer) in zip(sites, signers) {
            let signature = try XCTUnwrap(site.signature, file: file, line: line)
            XCTAssertEqual(
                try site.payload.signer(of: signature), signer.publicKey, "\(site.path)", file: file, line: line)
        }
    }

    func testSpaceMessageListsEventsThenUpdates() throws {
        let created = Events.createSpace(spaceId, by: alice)
        let invited = Events.invite(bob.address, id: uuid("i"), after: try created.eventHash(), by: alice)
        let updates = Updates(
            updates: [update([1, 2, 3], by: alice), update([4], by: bob)], firstUpdateClock: 0, lastUpdateClock: 1)
        let message = ServerMessage.space(
            SpaceResponse(
                id: spaceId, name: "Space", events: [created, invited], keyBoxes: [], inboxes: [], updates: updates))
        let sites = try message.signatureSites()
        XCTAssertEqual(
            sites.map(\.path.description),
            [
                "$.events[0].author.signature", "$.events[1].author.signature",
                "$.updates.updates[0].signature", "$.updates.updates[1].signature",
            ])
        XCTAssertEqual(sites[0].payload, try created.signingPayload())
        XCTAssertEqual(sites[2].payload, updates.updates[0].signingPayload(spaceId: spaceId))
        try assertSigners(sites, [alice, alice, alice, bob])

        // Re-signing with one key changes every signature to that key's, and changes nothing else.
        let resigned = try message.signingEverySignature(with: bob.key)
        try assertSigners(try resigned.signatureSites(), [bob, bob, bob, bob])
        XCTAssertEqual(try resigned.signatureSites().map(\.payload), sites.map(\.payload))
        // Signing is deterministic: alice's re-signing reproduces her signatures exactly.
        let byAlice = try resigned.signingEverySignature(with: alice.key).signatureSites()
        XCTAssertEqual(byAlice.prefix(3), sites.prefix(3))
    }

    func testClientMessages() throws {
        let keyBox = KeyBoxWithKeyId(
            id: uuid("key"), accountAddress: alice.address, ciphertext: "0x00",
            nonce: "0x" + String(repeating: "00", count: 24),
            authorPublicKey: hex32("author"))
        guard case .createSpace(let createSpace) = Events.createSpace(spaceId, by: alice),
            case .createInvitation(let invitation) = Events.invite(
                bob.address, id: uuid("i"), after: hex32("h"), by: alice)
        else { return XCTFail("unexpected event kinds") }
        let request = CreateUpdateRequest(
            accountAddress: alice.address, spaceId: spaceId, updateId: uuid("u"), update: [9, 9],
            signature: unsignedSignature
        ).signed(with: alice.key)
        let inbox = CreateAccountInboxRequest(
            accountAddress: bob.address, inboxId: inboxId, isPublic: false, authPolicy: .anonymous,
            encryptionPublicKey: hex32("x25519"), signature: unsignedSignature
        ).signed(with: bob.key)
        let cases: [(ClientMessage, [String], [TestAccount])] = [
            (
                .createSpaceEvent(
                    CreateSpaceEventRequest(spaceId: spaceId, event: createSpace, keyBox: keyBox, name: "n")),
                ["$.event.author.signature"], [alice]
            ),
            (
                .createInvitationEvent(
                    CreateInvitationEventRequest(spaceId: spaceId, event: invitation, keyBoxes: [keyBox])),
                ["$.event.author.signature"], [alice]
            ),
            (.createUpdate(request), ["$.signature"], [alice]),
            (.createAccountInbox(inbox), ["$.signature"], [bob]),
            (.subscribeSpace(SubscribeSpaceRequest(id: spaceId)), [], []),
        ]
        for (message, paths, signers) in cases {
            let sites = try message.signatureSites()
            XCTAssertEqual(sites.map(\.path.description), paths, message.type)
            try assertSigners(sites, signers)
            try assertSigners(
                try message.signingEverySignature(with: bob.key).signatureSites(), signers.map { _ in bob })
        }
        XCTAssertEqual(try request.signer(), alice.publicKey)
        XCTAssertEqual(try inbox.signer(policy: .rejectHighS), bob.publicKey)
    }

    func testServerMessages() throws {
        let event = Events.createSpace(spaceId, by: alice)
        let inbox = AccountInbox(
            accountAddress: bob.address, inboxId: inboxId, isPublic: true, authPolicy: .optionalAuth,
            encryptionPublicKey: hex32("x25519"), signature: unsignedSignature
        ).signed(with: bob.key)
        let notification = UpdatesNotificationResponse(
            spaceId: spaceId, updates: Updates(updates: [update([7], by: bob)], firstUpdateClock: 3, lastUpdateClock: 3)
        )
        let cases: [(ServerMessage, [String], [TestAccount])] = [
            (.spaceEvent(SpaceEventResponse(spaceId: spaceId, event: event)), ["$.event.author.signature"], [alice]),
            (.updatesNotification(notification), ["$.updates.updates[0].signature"], [bob]),
            (.accountInbox(AccountInboxResponse(inbox: inbox)), ["$.inbox.signature"], [bob]),
            (
                .accountInboxes(AccountInboxesResponse(inboxes: [inbox, inbox])),
                ["$.inboxes[0].signature", "$.inboxes[1].signature"], [bob, bob]
            ),
            (.updateConfirmed(UpdateConfirmedResponse(updateId: uuid("u"), clock: 0, spaceId: spaceId)), [], []),
        ]
        for (message, paths, signers) in cases {
            let sites = try message.signatureSites()
            XCTAssertEqual(sites.map(\.path.description), paths, message.type)
            try assertSigners(sites, signers)
        }
        XCTAssertEqual(try event.signatureSites().map(\.path.description), ["$.author.signature"])
    }

    func testInboxMessagesUseTheEnclosingIdsAndSkipAnonymousOnes() throws {
        let messages = [
            try inboxMessage("signed", author: bob, signed: true),
            try inboxMessage("anonymous", author: nil, signed: false),
            try inboxMessage("author only", author: alice, signed: false),
        ]
        let message = ServerMessage.spaceInboxMessages(
            SpaceInboxMessagesResponse(spaceId: spaceId, inboxId: inboxId, messages: messages))
        let sites = try message.signatureSites()
        XCTAssertEqual(sites.map(\.path.description), ["$.messages[0].signature", "$.messages[2].signature"])
        XCTAssertNil(sites[1].signature, "an author without a signature is a place to sign")
        try assertSigners([sites[0]], [bob])
        XCTAssertEqual(
            sites[1].payload,
            .spaceInboxMessage(
                authorAccountAddress: alice.address, ciphertext: messages[2].ciphertext, inboxId: inboxId,
                spaceId: spaceId))

        let signed = try message.signingEverySignature(with: alice.key)
        guard case .spaceInboxMessages(let response) = signed else { return XCTFail("kind changed") }
        XCTAssertNil(response.messages[1].signature, "anonymous messages stay unsigned")
        try assertSigners(try signed.signatureSites(), [alice, alice])

        // Account inbox messages are signed over the owner's account, from the enclosing message.
        let accountMessage = ServerMessage.accountInboxMessages(
            AccountInboxMessagesResponse(
                accountAddress: alice.address, inboxId: inboxId, messages: [messages[0]]))
        XCTAssertEqual(
            try accountMessage.signatureSites().map(\.payload),
            [messages[0].accountInboxSigningPayload(accountAddress: alice.address, inboxId: inboxId)])
    }

    func testUnknownEventKindsCannotBeVerified() throws {
        let raw = try JSONValue.parse(#"{"transaction":{"type":"rename-space"},"author":{}}"#)
        let message = ServerMessage.space(
            SpaceResponse(
                id: spaceId, name: "n",
                events: [Events.createSpace(spaceId, by: alice), .unknown(type: "rename-space", raw: raw)],
                keyBoxes: [], inboxes: []))
        XCTAssertThrowsError(try message.signatureSites()) {
            XCTAssertEqual(
                $0 as? SigningError,
                .unknownEventKind(
                    type: "rename-space", path: JSONPath.root.appending(key: "events").appending(index: 1)))
            XCTAssertTrue("\($0)".hasPrefix("$.events[1]: unknown space event kind \"rename-space\""), "\($0)")
        }
        XCTAssertThrowsError(try SpaceEvent.unknown(type: "rename-space", raw: raw).eventHash())
        XCTAssertThrowsError(try SpaceEvent.unknown(type: "rename-space", raw: raw).signed(with: alice.key))
    }

    func testPrivateKeyText() throws {
        XCTAssertEqual(try Secp256k1.PrivateKey(hex: alice.key.hex).publicKey, alice.key.publicKey)
        let problems = [
            ("0x1234", "got 4 hex digits"),
            ("0x" + String(repeating: "g", count: 64), "\"g\""),
            ("0x" + String(repeating: "0", count: 64), "zero"),
            ("0x" + String(repeating: "f", count: 64), "not below the group order"),
        ]
        for (text, fragment) in problems {
            XCTAssertThrowsError(try Secp256k1.PrivateKey(hex: text)) {
                XCTAssertTrue("\($0)".contains(fragment), "\($0)")
                XCTAssertTrue("\($0)".hasPrefix("invalid private key: "), "\($0)")
            }
        }
    }
}
