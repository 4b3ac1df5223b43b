import HypergraphClient
import HypergraphCrypto
import HypergraphJSON
import HypergraphProtocol
import HypergraphSigning
import XCTest

/// The builders against PROTOCOL.md Appendix A: the same key and ids must give byte-identical signatures.
final class SigningHelperTests: XCTestCase {
    private let author = "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed"
    private let invitee = "0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359"
    private let spaceId = "5b1b8f0e-6a34-4c55-9f0e-2f8b0d0c7a11"

    private func vectorIdentity() throws -> HypergraphIdentity {
        let key = try Secp256k1.PrivateKey(hex: "0xcd3e54a2359bf8fac1642af5ba3668eb58e21388c32355a61badbc3880e8a395")
        return HypergraphIdentity(accountAddress: author, signatureKey: key)
    }

    func testTheIdentityDerivesTheRegisteredPublicKey() throws {
        XCTAssertEqual(
            try vectorIdentity().signaturePublicKey,
            "0x02e7b9de2273088b54dec15b9f46fb2b3c3641f2f4cd78ecf1c64963bcd228ac5f")
    }

    func testCreateSpaceMatchesA2() throws {
        let request = try vectorIdentity().createSpaceEvent(spaceId: spaceId, name: "My space")
        XCTAssertEqual(request.spaceId, spaceId)
        XCTAssertEqual(request.event.transaction.creatorAccountAddress, author)
        XCTAssertEqual(
            request.event.author.signature,
            SignatureWithRecovery(
                hex:
                    "7b022f9ff88c01020329cfeae23717cc582680312cb591f5011cd7a5c37fc8c204bfc0a6440bd65338551c4c4558ee4b051f1500ed1da9c6c64e52efc9688d8b",
                recovery: 1))
        XCTAssertEqual(request.event.eventHash, "0x9776aba59b09c795e143f7cfb2c89d6f10abe23ce3f605fb12f55e9b85c2e513")
        XCTAssertEqual(request.keyBox.accountAddress, author)
        XCTAssertEqual(request.validationIssues, [], "the opaque key box must have the wire shape")
        let snapshot = SpaceResponse(
            id: spaceId, name: "My space", events: [.createSpace(request.event)], keyBoxes: [request.keyBox],
            inboxes: [])
        XCTAssertEqual(snapshot.lastEventHash, "0x9776aba59b09c795e143f7cfb2c89d6f10abe23ce3f605fb12f55e9b85c2e513")
    }

    func testCreateInvitationMatchesA3() throws {
        let identity = try vectorIdentity()
        let request = identity.createInvitationEvent(
            spaceId: spaceId, previousEventHash: "0x9776aba59b09c795e143f7cfb2c89d6f10abe23ce3f605fb12f55e9b85c2e513",
            inviteeAccountAddress: invitee, keyBoxes: [], eventId: "0e6f2c1d-3b4a-4f5e-8a7b-9c0d1e2f3a4b")
        XCTAssertEqual(
            request.event.author.signature.hex,
            "14a4ee89940fb1bc72f064e63014f946910a61f6291c3b657b2520bbc9a9566a4f8a91786d94ea5cc9c21e865a02b9a35192de682e565272fca41c9b58d3fd53"
        )
        XCTAssertEqual(request.event.eventHash, "0x5edd68501c538f3174b8ed4e474f762e29dc0eea2b4812157e5e36006a8a56ef")

        let created = identity.createSpaceEvent(spaceId: spaceId, name: "My space")
        let snapshot = SpaceResponse(
            id: spaceId, name: "My space", events: [.createSpace(created.event)], keyBoxes: [created.keyBox],
            inboxes: [])
        let chained = try XCTUnwrap(
            identity.createInvitationEvent(
                in: snapshot, inviteeAccountAddress: invitee, eventId: "0e6f2c1d-3b4a-4f5e-8a7b-9c0d1e2f3a4b"))
        XCTAssertEqual(chained.event, request.event)
        XCTAssertEqual(chained.keyBoxes.map(\.id), [created.keyBox.id])
        XCTAssertEqual(chained.keyBoxes.map(\.accountAddress), [invitee])
        XCTAssertNil(
            identity.createInvitationEvent(
                in: SpaceResponse(id: spaceId, name: "", events: [], keyBoxes: [], inboxes: []),
                inviteeAccountAddress: invitee))
    }

    func testCreateUpdateMatchesA4() throws {
        let request = try vectorIdentity().createUpdate(
            spaceId: spaceId, update: Array(0...11), updateId: "c3d4e5f6-0718-4293-a4b5-c6d7e8f90a1b")
        XCTAssertEqual(
            request.signature,
            SignatureWithRecovery(
                hex:
                    "9e4b604ddf1acfefb06613ab45dddeb2f9446ab7cdfa71f5e579c52cbb8db34063dd9a0f67f665508ae00ff0929d280e49a2722971adc4652ec4a56d57467176",
                recovery: 0))
        XCTAssertEqual(request.accountAddress, author)
    }

    func testCreateAccountInboxMatchesA5() throws {
        let request = try vectorIdentity().createAccountInbox(
            isPublic: true, authPolicy: .requiresAuth,
            inboxId: "0xcaadbcffec9038112a5642fc15e5aa67de8723f20d00d02cf27d39b708070d2c",
            encryptionPublicKey: "0x15cb9e9b4ecfe2e5924bbd55ac2394e36ae6296356d0ad4b0ff24e6df046b3af")
        XCTAssertEqual(
            request.signature.hex,
            "3c25cf75253170e1c95e5c8522e817df786a14fd0acdd54398e7f05c1a685f822bc42e4c7743d2f9abee258ddaffb4f395383e33540eefb16267d75816c4dffb"
        )
        XCTAssertEqual(request.signature.recovery, 0)
    }

    func testAcceptAndSpaceInboxEventsRecoverToTheSigner() throws {
        let identity = HypergraphIdentity.random()
        let hash = "0x" + String(repeating: "ab", count: 32)
        let accept = identity.acceptInvitationEvent(spaceId: "s", previousEventHash: hash)
        XCTAssertEqual(try accept.event.signer(), identity.signaturePublicKey)
        XCTAssertEqual(accept.event.transaction.previousEventHash, hash)
        XCTAssertEqual(accept.event.author.accountAddress, identity.accountAddress)

        let inbox = identity.createSpaceInboxEvent(
            spaceId: "s", previousEventHash: hash, isPublic: false, authPolicy: .optionalAuth)
        XCTAssertEqual(try inbox.event.signer(), identity.signaturePublicKey)
        XCTAssertEqual(inbox.event.transaction.spaceId, "s")
        XCTAssertEqual(inbox.validationIssues, [])
        XCTAssertEqual(identity.createUpdate(spaceId: "s", update: [9]).validationIssues, [])
        XCTAssertEqual(identity.createAccountInbox(isPublic: false, authPolicy: .anonymous).validationIssues, [])
        XCTAssertNotEqual(RandomIdentifiers.uuid(), RandomIdentifiers.uuid())
        XCTAssertEqual(RandomIdentifiers.hex(byteCount: 32).count, 66)
    }
}
