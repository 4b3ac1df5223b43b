// Every way a request is refused: the `error` message (code, message, request type, ids), the connection staying
// open, and nothing persisted.
import HypergraphClient
import HypergraphCrypto
import HypergraphJSON
import HypergraphProtocol
import HypergraphServer
import HypergraphSigning
import HypergraphStore
import XCTest

final class ErrorPathTests: XCTestCase {
    private var server: TestServer!
    private var alice: Participant!
    private var bob: Participant!
    private var carol: Participant!
    private var space: SpaceResponse!

    override func setUp() async throws {
        server = try await TestServer.start()
        alice = try await server.participant()
        bob = try await server.participant()
        carol = try await server.participant()
        space = try await server.sharedSpace(owner: alice, member: bob)
        space = try await alice.subscribe(space.id)
    }

    override func tearDown() async throws {
        await server.stop()
    }

    // MARK: Frames that are not requests

    func testInvalidJSONIsAnsweredAndTheConnectionStaysUsable() async throws {
        try await alice.session.sendRaw(text: "{\"type\": \"list-spaces\"")
        let reply = try await alice.session.nextMessage("error", timeout: .seconds(5)) { $0.type == "error" }
        guard case .error(let error) = reply else { return XCTFail("\(reply)") }
        XCTAssertEqual(error.code, .invalidJson)
        XCTAssertEqual(error.requestType, "list-spaces", "what could be read before the flaw is named")
        XCTAssertEqual(
            error.message,
            "the message is not well-formed JSON: $.type: invalid JSON at byte 22: unexpected end of input, "
                + "expected ',' or '}'")
        _ = try await alice.session.listSpaces()
    }

    func testTextThatIsNotJSONGetsOneIssueNamingTheByte() async throws {
        try await alice.session.sendRaw(text: "nope")
        let reply = try await alice.session.nextMessage("error", timeout: .seconds(5)) { $0.type == "error" }
        guard case .error(let error) = reply else { return XCTFail("\(reply)") }
        XCTAssertEqual(error.code, .invalidJson)
        XCTAssertEqual(
            error.message, "the message is not well-formed JSON: $: invalid JSON at byte 1: expected 'null', got 'o'")
    }

    func testUnknownTypeIsNamed() async throws {
        try await carol.session.sendRaw(text: #"{"type":"delete-everything","spaceId":"x"}"#)
        let reply = try await carol.session.nextMessage(timeout: .seconds(5))
        guard case .error(let error) = reply else { return XCTFail("\(reply)") }
        XCTAssertEqual(error.code, .unknownType)
        XCTAssertEqual(error.requestType, "delete-everything")
        XCTAssertEqual(error.spaceId, "x")
        XCTAssertTrue(error.message.contains("create-update"), error.message)
    }

    func testSchemaViolationsAreListedWithTheirPaths() async throws {
        let update = alice.identity.createUpdate(spaceId: space.id, update: [1])
        var json = try XCTUnwrap(JSONValue.parse(update.jsonUTF8()).objectValue)
        json["signature"] = ["hex": .string(update.signature.hex), "recovery": "1"]
        json["updateId"] = nil
        try await alice.session.sendRaw(text: String(decoding: JSONValue.object(json).serialized(), as: UTF8.self))
        let reply = try await alice.session.nextMessage("error", timeout: .seconds(5)) { $0.type == "error" }
        guard case .error(let error) = reply else { return XCTFail("\(reply)") }
        XCTAssertEqual(error.code, .invalidMessage)
        XCTAssertEqual(error.requestType, "create-update")
        XCTAssertEqual(error.spaceId, space.id)
        XCTAssertEqual(Set(error.issues?.map(\.path) ?? []), ["$.signature.recovery", "$.updateId"])
        try await assertNoUpdates()
    }

    func testBinaryFramesAreReadAsJSONLikeTheTypeScriptServer() async throws {
        try await carol.session.sendRaw(binary: ClientMessage.listSpaces(ListSpacesRequest()).jsonUTF8())
        let reply = try await carol.session.nextMessage(timeout: .seconds(5))
        XCTAssertEqual(reply.type, "list-spaces")
    }

    // MARK: Signatures

    func testForgedUpdateSignatureIsRejected() async throws {
        var request = alice.identity.createUpdate(spaceId: space.id, update: [1, 2, 3])
        request.signature = request.signed(with: .random()).signature
        let error = try await alice.rejection(of: .createUpdate(request))
        XCTAssertEqual(error.code, .invalidSignature)
        XCTAssertEqual(error.updateId, request.updateId)
        XCTAssertEqual(error.spaceId, space.id)
        try await assertNoUpdates()
    }

    func testUpdateSignedOverOtherBytesIsRejected() async throws {
        var request = alice.identity.createUpdate(spaceId: space.id, update: [1, 2, 3])
        request.update = [1, 2, 4]
        let error = try await alice.rejection(of: .createUpdate(request))
        XCTAssertEqual(error.code, .invalidSignature)
        try await assertNoUpdates()
    }

    func testMalformedAndHighSSignaturesAreRejected() async throws {
        let valid = alice.identity.createUpdate(spaceId: space.id, update: [7])
        var zeroR = valid
        zeroR.signature.hex = String(repeating: "0", count: 64) + valid.signature.hex.suffix(64)
        try await alice.assertRejected(.createUpdate(zeroR), with: .invalidSignature)
        var highS = valid
        highS.signature = Self.highS(valid.signature)
        let error = try await alice.rejection(of: .createUpdate(highS))
        XCTAssertEqual(error.code, .invalidSignature)
        XCTAssertTrue(error.message.contains("high-S"), error.message)
        try await assertNoUpdates()
        _ = try await alice.session.createUpdate(valid)
    }

    func testHighSEventSignatureIsRejected() async throws {
        var request = try XCTUnwrap(
            alice.identity.createInvitationEvent(in: space, inviteeAccountAddress: carol.account))
        request.event.author.signature = Self.highS(request.event.author.signature)
        let error = try await alice.rejection(of: .createInvitationEvent(request))
        XCTAssertEqual(error.code, .invalidSignature)
        XCTAssertEqual(error.eventId, request.event.transaction.id)
        try await assertEventCount(space.events.count)
    }

    func testAccountInboxSignedByAnUnknownKeyIsRejected() async throws {
        let stranger = HypergraphIdentity.random(accountAddress: alice.account)
        let error = try await alice.rejection(
            of: .createAccountInbox(stranger.createAccountInbox(isPublic: true, authPolicy: .anonymous)))
        XCTAssertEqual(error.code, .invalidSignature)
        let inboxes = try await server.storage.accountInboxes(accountAddress: alice.account, publicOnly: false)
        XCTAssertEqual(inboxes, [])
    }

    // MARK: Authorisation

    func testUpdateForAnotherAccountIsRejected() async throws {
        let request = bob.identity.createUpdate(spaceId: space.id, update: [1])
        let error = try await alice.rejection(of: .createUpdate(request))
        XCTAssertEqual(error.code, .forbidden)
        try await assertNoUpdates()
    }

    func testNonMembersAreRejected() async throws {
        try await carol.assertRejected(.subscribeSpace(SubscribeSpaceRequest(id: space.id)), with: .forbidden)
        let update = carol.identity.createUpdate(spaceId: space.id, update: [1])
        try await carol.assertRejected(.createUpdate(update), with: .forbidden)
        let read = GetLatestSpaceInboxMessagesRequest(
            spaceId: space.id, inboxId: RandomIdentifiers.hex(byteCount: 32), since: Timestamp(millisecondsSince1970: 0)
        )
        try await carol.assertRejected(.getLatestSpaceInboxMessages(read), with: .forbidden)
        let invite = try XCTUnwrap(
            carol.identity.createInvitationEvent(in: space, inviteeAccountAddress: carol.account))
        try await carol.assertRejected(.createInvitationEvent(invite), with: .forbidden)
        try await assertNoUpdates()
        // A non-member's subscription attempt does not subscribe it.
        _ = try await alice.createUpdate(space.id)
        let received = try await receivedMessages(carol.session)
        XCTAssertEqual(received, [])
    }

    func testMissingSpaceIsNotFound() async throws {
        let missing = RandomIdentifiers.uuid()
        try await alice.assertRejected(.subscribeSpace(SubscribeSpaceRequest(id: missing)), with: .notFound)
        let update = alice.identity.createUpdate(spaceId: missing, update: [1])
        try await alice.assertRejected(.createUpdate(update), with: .notFound)
    }

    func testMembersWhoAreNotAdminsCannotInviteOrCreateInboxes() async throws {
        let invite = try XCTUnwrap(bob.identity.createInvitationEvent(in: space, inviteeAccountAddress: carol.account))
        try await bob.assertRejected(.createInvitationEvent(invite), with: .forbidden)
        let inbox = bob.identity.createSpaceInboxEvent(
            spaceId: space.id, previousEventHash: try XCTUnwrap(space.lastEventHash), isPublic: true,
            authPolicy: .anonymous)
        try await bob.assertRejected(.createSpaceInboxEvent(inbox), with: .forbidden)
        try await assertEventCount(space.events.count)
        let invitations = try await server.storage.invitations(inviteeAccountAddress: carol.account)
        XCTAssertEqual(invitations, [])
    }

    func testEventAuthoredByAnotherAccountIsRejected() async throws {
        let invite = try XCTUnwrap(bob.identity.createInvitationEvent(in: space, inviteeAccountAddress: carol.account))
        let error = try await alice.rejection(of: .createInvitationEvent(invite))
        XCTAssertEqual(error.code, .forbidden)
        XCTAssertTrue(error.message.contains("§8.3"), error.message)
        try await assertEventCount(space.events.count)
    }

    func testSpaceWithoutKeyBoxForTheAppIdentityIsNotSent() async throws {
        // §12 G1: Alice's second app (another app identity of her account) has no key box, so no `space` can be sent.
        let otherApp = try await server.participant(account: alice.account, appId: "other-app")
        let error = try await otherApp.rejection(of: .subscribeSpace(SubscribeSpaceRequest(id: space.id)))
        XCTAssertEqual(error.code, .forbidden)
        XCTAssertTrue(error.message.contains("no key box"), error.message)
    }

    // MARK: Event rules

    func testWrongPreviousEventHashIsRejected() async throws {
        let request = alice.identity.createInvitationEvent(
            spaceId: space.id, previousEventHash: "0x" + String(repeating: "ab", count: 32),
            inviteeAccountAddress: carol.account,
            keyBoxes: space.keyBoxes.map { .opaque(keyId: $0.id, accountAddress: carol.account) })
        let error = try await alice.rejection(of: .createInvitationEvent(request))
        XCTAssertEqual(error.code, .invalidEvent)
        XCTAssertTrue(error.message.contains("previousEventHash"), error.message)
        try await assertEventCount(space.events.count)
    }

    func testInvitingMembersOrInviteesAgainIsRejected() async throws {
        let member = try XCTUnwrap(alice.identity.createInvitationEvent(in: space, inviteeAccountAddress: bob.account))
        try await alice.assertRejected(.createInvitationEvent(member), with: .invalidEvent)
        let first = try await server.invite(carol, to: space, by: alice)
        let again = try XCTUnwrap(alice.identity.createInvitationEvent(in: first, inviteeAccountAddress: carol.account))
        try await alice.assertRejected(.createInvitationEvent(again), with: .invalidEvent)
        try await assertEventCount(first.events.count)
    }

    func testInvitationKeyBoxesMustCoverExactlyTheSpaceKeys() async throws {
        // §12 G16.
        let hash = try XCTUnwrap(space.lastEventHash)
        let none = alice.identity.createInvitationEvent(
            spaceId: space.id, previousEventHash: hash, inviteeAccountAddress: carol.account, keyBoxes: [])
        try await alice.assertRejected(.createInvitationEvent(none), with: .invalidMessage)
        let foreign = alice.identity.createInvitationEvent(
            spaceId: space.id, previousEventHash: hash, inviteeAccountAddress: carol.account,
            keyBoxes: [.opaque(keyId: RandomIdentifiers.uuid(), accountAddress: carol.account)])
        try await alice.assertRejected(.createInvitationEvent(foreign), with: .notFound)
        try await assertEventCount(space.events.count)
        let invitations = try await server.storage.invitations(inviteeAccountAddress: carol.account)
        XCTAssertEqual(invitations, [])
    }

    func testAcceptingWithoutInvitationIsRejected() async throws {
        let request = carol.identity.acceptInvitationEvent(
            spaceId: space.id, previousEventHash: try XCTUnwrap(space.lastEventHash))
        try await carol.assertRejected(.acceptInvitationEvent(request), with: .notFound)
        try await assertEventCount(space.events.count)
    }

    func testCreateSpaceWhoseCreatorIsNotTheAuthorIsRejected() async throws {
        // §12 G14, strict server-side check.
        let spaceId = RandomIdentifiers.uuid()
        let event = CreateSpaceEvent(
            transaction: CreateSpaceTransaction(id: spaceId, creatorAccountAddress: bob.account),
            author: EventAuthor(accountAddress: alice.account, signature: SignatureWithRecovery(hex: "", recovery: 0))
        ).signed(with: alice.identity.signatureKey)
        let request = CreateSpaceEventRequest(
            spaceId: spaceId, event: event, keyBox: .opaque(accountAddress: alice.account), name: "Not mine")
        let error = try await alice.rejection(of: .createSpaceEvent(request))
        XCTAssertEqual(error.code, .invalidEvent)
        let head = try await server.storage.spaceHead(spaceId: spaceId)
        XCTAssertNil(head)
    }

    func testSpaceInboxForAnotherSpaceIsRejected() async throws {
        // §12 G14: the transaction's spaceId must be the space.
        let request = alice.identity.createSpaceInboxEvent(
            spaceId: RandomIdentifiers.uuid(), previousEventHash: try XCTUnwrap(space.lastEventHash), isPublic: true,
            authPolicy: .anonymous)
        let wrapped = CreateSpaceInboxEventRequest(spaceId: space.id, event: request.event)
        try await alice.assertRejected(.createSpaceInboxEvent(wrapped), with: .invalidEvent)
        try await assertEventCount(space.events.count)
    }

    // MARK: Duplicates

    func testDuplicateIdsAreRejected() async throws {
        let again = try await alice.rejection(
            of: .createSpaceEvent(alice.identity.createSpaceEvent(spaceId: space.id, name: "Again")))
        XCTAssertEqual(again.code, .conflict)
        let inbox = alice.identity.createSpaceInboxEvent(
            spaceId: space.id, previousEventHash: try XCTUnwrap(space.lastEventHash), isPublic: true,
            authPolicy: .anonymous)
        let withInbox = try await alice.session.createSpaceInbox(inbox)
        let duplicate = alice.identity.createSpaceInboxEvent(
            spaceId: space.id, previousEventHash: try XCTUnwrap(withInbox.lastEventHash), isPublic: false,
            authPolicy: .requiresAuth, inboxId: inbox.event.transaction.inboxId)
        try await alice.assertRejected(.createSpaceInboxEvent(duplicate), with: .invalidEvent)
        let accountInbox = alice.identity.createAccountInbox(isPublic: true, authPolicy: .anonymous)
        _ = try await alice.session.createAccountInbox(accountInbox)
        let changed = alice.identity.createAccountInbox(
            isPublic: false, authPolicy: .requiresAuth, inboxId: accountInbox.inboxId)
        try await alice.assertRejected(.createAccountInbox(changed), with: .conflict)
        let stored = try await server.storage.accountInbox(accountAddress: alice.account, inboxId: accountInbox.inboxId)
        XCTAssertEqual(stored?.isPublic, true, "a duplicate id never overwrites (§12 G13)")
        try await assertEventCount(withInbox.events.count)
    }

    func testResentUpdateIdIsConfirmedWithItsOriginalClockAndNotBroadcastAgain() async throws {
        // §12 G9.
        try await bob.subscribe(space.id)
        let request = alice.identity.createUpdate(spaceId: space.id, update: [1])
        let first = try await alice.session.createUpdate(request)
        _ = try await alice.createUpdate(space.id, [2])
        try await settle([bob.session])
        let resent = try await alice.session.createUpdate(request)
        XCTAssertEqual(resent, first)
        let received = try await receivedMessages(bob.session)
        XCTAssertEqual(received, [])
        let snapshot = try await alice.subscribe(space.id)
        XCTAssertEqual(snapshot.updates?.lastUpdateClock, 1)
        let stolen = bob.identity.createUpdate(spaceId: space.id, update: [3], updateId: request.updateId)
        try await bob.assertRejected(.createUpdate(stolen), with: .conflict)
    }

    // MARK: Inboxes

    func testInboxOfAnotherSpaceIsNotRead() async throws {
        // §12 G11.
        let other = try await bob.createSpace()
        let inbox = bob.identity.createSpaceInboxEvent(
            spaceId: other.id, previousEventHash: try XCTUnwrap(other.lastEventHash), isPublic: true,
            authPolicy: .anonymous)
        _ = try await bob.session.createSpaceInbox(inbox)
        let read = GetLatestSpaceInboxMessagesRequest(
            spaceId: space.id, inboxId: inbox.event.transaction.inboxId, since: Timestamp(millisecondsSince1970: 0))
        let error = try await alice.rejection(of: .getLatestSpaceInboxMessages(read))
        XCTAssertEqual(error.code, .notFound)
        XCTAssertEqual(error.inboxId, inbox.event.transaction.inboxId)
    }

    func testAccountInboxRulesAreEnforced() async throws {
        let forOther = bob.identity.createAccountInbox(isPublic: true, authPolicy: .anonymous)
        try await alice.assertRejected(.createAccountInbox(forOther), with: .forbidden)
        let bobs = try await bob.session.createAccountInbox(
            bob.identity.createAccountInbox(isPublic: true, authPolicy: .anonymous))
        let read = GetLatestAccountInboxMessagesRequest(
            accountAddress: bob.account, inboxId: bobs.inbox.inboxId, since: Timestamp(millisecondsSince1970: 0))
        try await alice.assertRejected(.getLatestAccountInboxMessages(read), with: .notFound)
    }

    // MARK: Helpers

    private func assertNoUpdates(file: StaticString = #filePath, line: UInt = #line) async throws {
        let snapshot = try await server.storage.spaceSnapshot(
            spaceId: space.id, accountAddress: alice.account,
            appIdentityAddress: try XCTUnwrap(alice.identity.appIdentityAddress),
            updatesAfterClock: nil)
        XCTAssertEqual(snapshot.updates, [], "a rejected request persisted an update", file: file, line: line)
    }

    private func assertEventCount(_ count: Int, file: StaticString = #filePath, line: UInt = #line) async throws {
        let head = try await server.storage.spaceHead(spaceId: space.id)
        XCTAssertEqual(head.map { Int($0.event.counter) + 1 }, count, "events", file: file, line: line)
    }

    /// The malleated twin of a low-S signature: s replaced by n − s and the recovery id flipped.
    static func highS(_ signature: SignatureWithRecovery) -> SignatureWithRecovery {
        let order: [UInt8] = Array(try! Hex.decode("fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141"))
        let s = Array(try! Hex.decode(signature.hex.suffix(64)))
        var result = [UInt8](repeating: 0, count: 32)
        var borrow = 0
        for index in (0..<32).reversed() {
            var difference = Int(order[index]) - Int(s[index]) - borrow
            borrow = difference < 0 ? 1 : 0
            if difference < 0 { difference += 256 }
            result[index] = UInt8(difference)
        }
        return SignatureWithRecovery(
            hex: String(signature.hex.prefix(64)) + Hex.encode(result), recovery: 1 - signature.recovery)
    }
}
