import HypergraphCrypto
import HypergraphJSON
import HypergraphProtocol
import HypergraphSigning
import XCTest

/// Every rejection of §8.2, the strict checks of §12 G14/G20, and the state transitions.
final class SpaceEventRulesTests: XCTestCase {
    private var admin: TestAccount!
    private var member: TestAccount!
    private var outsider: TestAccount!
    private var registry: TestRegistry!
    private let spaceId = uuid("space")

    override func setUpWithError() throws {
        admin = try TestAccount.make("admin")
        member = try TestAccount.make("member")
        outsider = try TestAccount.make("outsider")
        registry = TestRegistry([admin, member, outsider])
    }

    private func apply(
        _ event: SpaceEvent, to state: SpaceEventState?, policy: EventRulePolicy = .compatible
    ) -> Result<SpaceEventState, SpaceEventRejection> {
        SpaceEventRules.apply(event, to: state, policy: policy, resolveIdentity: registry.resolve)
    }

    /// A space created by `admin`, with `member` invited and accepted.
    private func spaceWithMember() throws -> SpaceEventState {
        let created = try apply(Events.createSpace(spaceId, by: admin), to: nil).accepted()
        let invited = try apply(
            Events.invite(member.address, id: uuid("invite member"), after: created.lastEventHash, by: admin),
            to: created
        ).accepted()
        return try apply(Events.accept(id: uuid("accept"), after: invited.lastEventHash, by: member), to: invited)
            .accepted()
    }

    // MARK: Accepted events

    func testCreateSpaceMakesTheCreatorTheOnlyAdminAndIgnoresAnyState() throws {
        let other = try spaceWithMember()
        let event = Events.createSpace(spaceId, by: admin)
        for state in [nil, other] {
            let created = try apply(event, to: state).accepted()
            XCTAssertEqual(created.id, spaceId)
            XCTAssertEqual(created.members.keys, [admin.address])
            XCTAssertEqual(created.members[admin.address], SpaceMember(accountAddress: admin.address, role: .admin))
            XCTAssertTrue(created.removedMembers.isEmpty && created.invitations.isEmpty && created.inboxes.isEmpty)
            XCTAssertEqual(created.lastEventHash, try event.eventHash())
        }
    }

    func testInviteAcceptAndInbox() throws {
        let state = try spaceWithMember()
        XCTAssertEqual(state.members.keys, [admin.address, member.address])
        XCTAssertEqual(state.members[member.address]?.role, .member)
        XCTAssertTrue(state.invitations.isEmpty)

        let inboxId = hex32("inbox")
        let event = Events.createInbox(
            inboxId, id: uuid("inbox event"), spaceId: spaceId, after: state.lastEventHash, by: admin)
        let withInbox = try apply(event, to: state).accepted()
        guard case .createSpaceInbox(let createInbox) = event else { return XCTFail("not an inbox event") }
        let transaction = createInbox.transaction
        XCTAssertEqual(
            withInbox.inboxes[inboxId],
            SpaceInbox(
                inboxId: inboxId, isPublic: transaction.isPublic, authPolicy: transaction.authPolicy,
                encryptionPublicKey: transaction.encryptionPublicKey, secretKey: transaction.secretKey))
        XCTAssertEqual(withInbox.lastEventHash, try event.eventHash())
        XCTAssertEqual(withInbox.members, state.members)
    }

    func testDeleteSpaceMovesMembersAndDropsInvitationsButKeepsInboxes() throws {
        var state = try spaceWithMember()
        state = try apply(
            Events.invite(outsider.address, id: uuid("invite outsider"), after: state.lastEventHash, by: admin),
            to: state
        ).accepted()
        state = try apply(
            Events.createInbox(
                hex32("kept"), id: uuid("inbox"), spaceId: spaceId, after: state.lastEventHash, by: admin),
            to: state
        ).accepted()
        state.removedMembers["0x" + String(repeating: "ab", count: 20)] = SpaceMember(
            accountAddress: "0x" + String(repeating: "ab", count: 20), role: .member)
        let members = state.members
        let deleted = try apply(
            Events.deleteSpace(id: uuid("delete"), after: state.lastEventHash, by: admin), to: state
        )
        .accepted()
        XCTAssertTrue(deleted.members.isEmpty)
        XCTAssertTrue(deleted.invitations.isEmpty)
        XCTAssertEqual(deleted.removedMembers, members, "removedMembers is replaced by the members, not extended")
        XCTAssertEqual(deleted.inboxes.keys, [hex32("kept")])
        // Nobody is admin any more.
        let afterwards = Events.invite(member.address, id: uuid("late"), after: deleted.lastEventHash, by: admin)
        XCTAssertEqual(apply(afterwards, to: deleted).rejection(), .notAdmin(accountAddress: admin.address))
    }

    func testAcceptTakesTheFirstInvitationInInsertionOrderAndClearsRemovedMember() throws {
        var state = try apply(Events.createSpace(spaceId, by: admin), to: nil).accepted()
        // Two pending invitations for one account cannot come from the rules; a stored state may hold them.
        state.invitations["z-second-key-first"] = SpaceStateInvitation(inviteeAccountAddress: member.address)
        state.invitations["a-first-key-second"] = SpaceStateInvitation(inviteeAccountAddress: member.address)
        state.removedMembers[member.address] = SpaceMember(accountAddress: member.address, role: .member)
        let accepted = try apply(Events.accept(id: uuid("accept"), after: state.lastEventHash, by: member), to: state)
            .accepted()
        XCTAssertEqual(accepted.invitations.keys, ["a-first-key-second"])
        XCTAssertTrue(accepted.removedMembers.isEmpty)
        XCTAssertEqual(accepted.members.keys, [admin.address, member.address])
    }

    // MARK: Rejections, in the order §8.2 checks them

    func testUnknownKindIsUnsupported() throws {
        let raw = try JSONValue.parse(#"{"transaction":{"type":"rename-space","id":"x"},"author":{}}"#)
        let event = SpaceEvent.unknown(type: "rename-space", raw: raw)
        XCTAssertEqual(apply(event, to: try spaceWithMember()).rejection(), .unsupportedKind("rename-space"))
    }

    func testEventsOtherThanCreateSpaceNeedAState() {
        let event = Events.invite(member.address, id: uuid("i"), after: hex32("anything"), by: admin)
        XCTAssertEqual(apply(event, to: nil).rejection(), .missingState(kind: "create-invitation"))
    }

    func testChainHashMustMatchExactly() throws {
        let state = try spaceWithMember()
        let uppercase = "0x" + state.lastEventHash.dropFirst(2).uppercased()
        let event = Events.invite(outsider.address, id: uuid("i"), after: uppercase, by: admin)
        XCTAssertEqual(
            apply(event, to: state).rejection(), .badChainHash(expected: state.lastEventHash, got: uppercase))
        // The chain is checked before the signature.
        guard case .createInvitation(var forged) = event else { return XCTFail("not an invitation") }
        forged.author.signature = unsignedSignature
        XCTAssertEqual(
            apply(.createInvitation(forged), to: state).rejection(),
            .badChainHash(expected: state.lastEventHash, got: uppercase))
    }

    func testMalformedAndUnrecoverableSignatures() throws {
        let state = try spaceWithMember()
        let event = Events.invite(outsider.address, id: uuid("i"), after: state.lastEventHash, by: admin)
        guard case .createInvitation(let valid) = event else { return XCTFail("not an invitation") }
        let hex = valid.author.signature.hex
        let order = "fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141"
        let s = String(hex.suffix(64))
        let cases: [(String, Int, Secp256k1Error)] = [
            (String(hex.dropLast(2)), 0, .invalidSignatureHexLength(126)),
            ("zz" + String(hex.dropFirst(2)), 0, .invalidSignatureHexCharacter("z", offset: 0)),
            (String(repeating: "0", count: 64) + s, 0, .signatureComponentIsZero(.r)),
            (String(hex.prefix(64)) + order, 0, .signatureComponentNotBelowOrder(.s)),
            (hex, 4, .invalidRecoveryID(4)),
            // x = 5 is not the x-coordinate of any secp256k1 point (5³ + 7 = 132 is not a square mod p).
            (String(repeating: "0", count: 63) + "5" + s, 0, .recoveryPointNotOnCurve),
            // Recovery id 2 needs r + n < p, which fails for r = n − 1.
            (String(order.dropLast()) + "0" + s, 2, .recoveryCoordinateOutOfRange),
        ]
        for (hex, recovery, error) in cases {
            let signature = SignatureWithRecovery(hex: hex, recovery: recovery)
            var broken = valid
            broken.author.signature = signature
            XCTAssertEqual(
                apply(.createInvitation(broken), to: state).rejection(), .malformedSignature(error), "\(signature)")
        }
    }

    func testHighSIsAcceptedByDefaultAndRejectedWhenStrict() throws {
        let state = try spaceWithMember()
        let event = Events.invite(outsider.address, id: uuid("i"), after: state.lastEventHash, by: admin)
        guard case .createInvitation(var malleated) = event else { return XCTFail("not an invitation") }
        let low = try Secp256k1.RecoverableSignature(
            compactHex: malleated.author.signature.hex, recoveryID: malleated.author.signature.recovery)
        XCTAssertTrue(low.isLowS)
        let high = low.withNegatedS
        malleated.author.signature = SignatureWithRecovery(hex: high.compactHex, recovery: high.recoveryID)

        let accepted = try apply(.createInvitation(malleated), to: state).accepted()
        let original = try apply(event, to: state).accepted()
        XCTAssertEqual(accepted.invitations, original.invitations)
        XCTAssertNotEqual(accepted.lastEventHash, original.lastEventHash, "the hash covers the signature (§7.5)")
        XCTAssertEqual(apply(.createInvitation(malleated), to: state, policy: .strict).rejection(), .highSSignature)
        XCTAssertEqual(try apply(event, to: state, policy: .strict).accepted(), original)
    }

    func testUnknownIdentityAndKeyMismatch() throws {
        let state = try spaceWithMember()
        let stranger = try TestAccount.make("stranger")
        // Signed by an unregistered account.
        let byStranger = Events.invite(outsider.address, id: uuid("i"), after: state.lastEventHash, by: stranger)
        XCTAssertEqual(
            apply(byStranger, to: state).rejection(),
            .unknownIdentity(accountAddress: stranger.address, signaturePublicKey: stranger.publicKey))
        // Claims to be the admin but is signed with another key: the registry finds no identity with that key.
        guard case .createInvitation(var impostor) = byStranger else { return XCTFail("not an invitation") }
        impostor.author.accountAddress = admin.address
        impostor = impostor.signed(with: stranger.key)
        XCTAssertEqual(
            apply(.createInvitation(impostor), to: state).rejection(),
            .unknownIdentity(accountAddress: admin.address, signaturePublicKey: stranger.publicKey))
        // A resolver that returns the account's identity whatever the key: the keys are compared.
        let careless = SpaceEventRules.apply(.createInvitation(impostor), to: state) { account, _ in
            SignerIdentity(accountAddress: account, signaturePublicKey: self.admin.publicKey)
        }
        XCTAssertEqual(careless.rejection(), .keyMismatch(registered: admin.publicKey, recovered: stranger.publicKey))
    }

    func testResolverErrorsPropagate() throws {
        struct LookupFailed: Error {}
        XCTAssertThrowsError(
            try SpaceEventRules.apply(Events.createSpace(spaceId, by: admin), to: nil) { _, _ in throw LookupFailed() }
        ) { XCTAssertTrue($0 is LookupFailed) }
    }

    func testOnlyAdminsInviteCreateInboxesAndDelete() throws {
        let state = try spaceWithMember()
        let previous = state.lastEventHash
        let events = [
            Events.invite(outsider.address, id: uuid("i"), after: previous, by: member),
            Events.createInbox(hex32("inbox"), id: uuid("e"), spaceId: spaceId, after: previous, by: member),
            Events.deleteSpace(id: uuid("d"), after: previous, by: member),
            Events.deleteSpace(id: uuid("d"), after: previous, by: outsider),
        ]
        for event in events {
            let author = event.knownEvent?.author.accountAddress ?? ""
            XCTAssertEqual(apply(event, to: state).rejection(), .notAdmin(accountAddress: author))
        }
    }

    func testAcceptRequiresAPendingInvitationAndNoMembership() throws {
        let state = try spaceWithMember()
        XCTAssertEqual(
            apply(Events.accept(id: uuid("a"), after: state.lastEventHash, by: outsider), to: state).rejection(),
            .noInvitation(accountAddress: outsider.address))
        var invitedMember = state
        invitedMember.invitations["stale"] = SpaceStateInvitation(inviteeAccountAddress: member.address)
        XCTAssertEqual(
            apply(Events.accept(id: uuid("a"), after: state.lastEventHash, by: member), to: invitedMember).rejection(),
            .alreadyMember(accountAddress: member.address))
    }

    func testInvitationsAreUniquePerInviteeAndNotForMembers() throws {
        let state = try spaceWithMember()
        XCTAssertEqual(
            apply(Events.invite(member.address, id: uuid("i"), after: state.lastEventHash, by: admin), to: state)
                .rejection(),
            .inviteeAlreadyMember(accountAddress: member.address))
        let invited = try apply(
            Events.invite(outsider.address, id: uuid("first"), after: state.lastEventHash, by: admin), to: state
        ).accepted()
        XCTAssertEqual(
            apply(
                Events.invite(outsider.address, id: uuid("second"), after: invited.lastEventHash, by: admin),
                to: invited
            )
            .rejection(),
            .inviteeAlreadyInvited(accountAddress: outsider.address, invitationId: uuid("first")))
    }

    func testInboxIdsAreUnique() throws {
        let state = try spaceWithMember()
        let first = try apply(
            Events.createInbox(
                hex32("inbox"), id: uuid("one"), spaceId: spaceId, after: state.lastEventHash, by: admin),
            to: state
        ).accepted()
        let again = Events.createInbox(
            hex32("inbox"), id: uuid("two"), spaceId: spaceId, after: first.lastEventHash, by: admin)
        XCTAssertEqual(apply(again, to: first).rejection(), .duplicateInbox(inboxId: hex32("inbox")))
    }

    // MARK: Strict policy (§12 G14)

    func testCreatorOtherThanAuthorIsAcceptedWhenCompatibleAndRejectedWhenStrict() throws {
        let event = Events.createSpace(spaceId, creator: member.address, by: admin)
        let created = try apply(event, to: nil).accepted()
        XCTAssertEqual(created.members.keys, [member.address], "the creator, not the author, becomes admin")
        XCTAssertEqual(
            apply(event, to: nil, policy: .strict).rejection(),
            .creatorMismatch(creator: member.address, author: admin.address))
    }

    func testInboxOfAnotherSpaceIsAcceptedWhenCompatibleAndRejectedWhenStrict() throws {
        let state = try spaceWithMember()
        let event = Events.createInbox(
            hex32("inbox"), id: uuid("e"), spaceId: uuid("elsewhere"), after: state.lastEventHash, by: admin)
        XCTAssertEqual(try apply(event, to: state).accepted().inboxes.keys, [hex32("inbox")])
        XCTAssertEqual(
            apply(event, to: state, policy: .strict).rejection(),
            .inboxSpaceMismatch(transactionSpaceId: uuid("elsewhere"), spaceId: spaceId))
    }

    // MARK: Descriptions and error codes

    func testEveryRejectionDescribesItself() {
        let rejections: [(SpaceEventRejection, String, ErrorCode)] = [
            (.unsupportedKind("x"), "\"x\"", .invalidEvent),
            (.missingState(kind: "accept-invitation"), "accept-invitation", .invalidEvent),
            (
                .badChainHash(expected: "0xaa", got: "0xbb"), "0xbb; expected the space's lastEventHash 0xaa",
                .invalidEvent
            ),
            (.malformedSignature(.invalidRecoveryID(7)), "recovery id is 7", .invalidSignature),
            (.highSSignature, "high-S", .invalidSignature),
            (
                .unknownIdentity(accountAddress: "0xa", signaturePublicKey: "0x02b"), "0xa has the signing key 0x02b",
                .invalidSignature
            ),
            (.keyMismatch(registered: "0x02r", recovered: "0x03s"), "made with 0x03s", .invalidSignature),
            (.notAdmin(accountAddress: "0xa"), "0xa is not an admin", .forbidden),
            (.alreadyMember(accountAddress: "0xa"), "already a member", .invalidEvent),
            (.noInvitation(accountAddress: "0xa"), "no pending invitation", .invalidEvent),
            (.inviteeAlreadyMember(accountAddress: "0xa"), "cannot be invited", .invalidEvent),
            (
                .inviteeAlreadyInvited(accountAddress: "0xa", invitationId: "i-1"), "pending invitation i-1",
                .invalidEvent
            ),
            (.duplicateInbox(inboxId: "0xi"), "inbox 0xi", .invalidEvent),
            (.creatorMismatch(creator: "0xc", author: "0xa"), "0xc is not the event author 0xa", .invalidEvent),
            (.inboxSpaceMismatch(transactionSpaceId: "s1", spaceId: "s2"), "s1 is not the space s2", .invalidEvent),
        ]
        for (rejection, fragment, code) in rejections {
            XCTAssertTrue(rejection.description.contains(fragment), "\(rejection.description) lacks \(fragment)")
            XCTAssertEqual(rejection.errorCode, code, "\(rejection)")
        }
    }
}
