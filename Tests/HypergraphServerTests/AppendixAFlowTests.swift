// The protocol's Appendix A vectors as one end-to-end flow: the exact events, signatures and payloads of the
// specification are accepted, chained, stored and delivered.
import HypergraphClient
import HypergraphCrypto
import HypergraphJSON
import HypergraphProtocol
import HypergraphSigning
import XCTest

final class AppendixAFlowTests: XCTestCase {
    private enum Vector {
        static let privateKey = "0xcd3e54a2359bf8fac1642af5ba3668eb58e21388c32355a61badbc3880e8a395"
        static let author = "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed"
        static let invitee = "0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359"
        static let spaceId = "5b1b8f0e-6a34-4c55-9f0e-2f8b0d0c7a11"
        static let keyId = "8f14e45f-ceea-467a-a866-051f8b0f7a3c"
        static let inboxId = "0xcaadbcffec9038112a5642fc15e5aa67de8723f20d00d02cf27d39b708070d2c"
        static let ciphertext = "0xf8dcb34308e5c69f46a33cafa62bd922476b18c78a114eb144e34a5e374f7d60"
        static let createSpaceHash = "0x9776aba59b09c795e143f7cfb2c89d6f10abe23ce3f605fb12f55e9b85c2e513"
        static let createInvitationHash = "0x5edd68501c538f3174b8ed4e474f762e29dc0eea2b4812157e5e36006a8a56ef"

        /// A.2.
        static let createSpace = """
            {"transaction":{"type":"create-space","id":"5b1b8f0e-6a34-4c55-9f0e-2f8b0d0c7a11",\
            "creatorAccountAddress":"0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed"},\
            "author":{"accountAddress":"0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed","signature":{"hex":\
            "7b022f9ff88c01020329cfeae23717cc582680312cb591f5011cd7a5c37fc8c204bfc0a6440bd65338551c4c4558ee4b051f1500ed1da9c6c64e52efc9688d8b",\
            "recovery":1}}}
            """
        /// A.3.
        static let createInvitation = """
            {"transaction":{"type":"create-invitation","id":"0e6f2c1d-3b4a-4f5e-8a7b-9c0d1e2f3a4b",\
            "inviteeAccountAddress":"0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359",\
            "previousEventHash":"0x9776aba59b09c795e143f7cfb2c89d6f10abe23ce3f605fb12f55e9b85c2e513"},\
            "author":{"accountAddress":"0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed","signature":{"hex":\
            "14a4ee89940fb1bc72f064e63014f946910a61f6291c3b657b2520bbc9a9566a4f8a91786d94ea5cc9c21e865a02b9a35192de682e565272fca41c9b58d3fd53",\
            "recovery":1}}}
            """
        /// A.4.
        static let updateSignature = SignatureWithRecovery(
            hex:
                "9e4b604ddf1acfefb06613ab45dddeb2f9446ab7cdfa71f5e579c52cbb8db34063dd9a0f67f665508ae00ff0929d280e49a2722971adc4652ec4a56d57467176",
            recovery: 0)
        /// A.5.
        static let inboxSignature = SignatureWithRecovery(
            hex:
                "3c25cf75253170e1c95e5c8522e817df786a14fd0acdd54398e7f05c1a685f822bc42e4c7743d2f9abee258ddaffb4f395383e33540eefb16267d75816c4dffb",
            recovery: 0)
        /// A.6.
        static let spaceInboxMessageSignature = SignatureWithRecovery(
            hex:
                "76b875cdc2fb7e208c81825fee8ef69815ec10c6cdfaebca6b8a7a39d39ce2ba70d89a3d1ecb6dbd3e1742a0a15a4217f109a8e32fded882a91f7a1aa5b57569",
            recovery: 1)
        /// A.7.
        static let accountInboxMessageSignature = SignatureWithRecovery(
            hex:
                "c0f644d9c90f022cc44790ab05ab5e9dad510dab601ba3b34768522351ab3dae4b9dd2e9f86461c3c304ccc0f31f60ed46a2954e705afe3dd9b126cbfba57bb8",
            recovery: 0)
    }

    func testAppendixAFlow() async throws {
        let server = try await TestServer.start()
        let key = try Secp256k1.PrivateKey(hex: Vector.privateKey)
        let author = try await server.participant(account: Vector.author, key: key)
        let invitee = try await server.participant(account: Vector.invitee, key: key)
        let keyBox = KeyBoxWithKeyId(
            id: Vector.keyId, accountAddress: Vector.author, ciphertext: "0x" + String(repeating: "11", count: 48),
            nonce: "0x" + String(repeating: "22", count: 24), authorPublicKey: "0x" + String(repeating: "33", count: 32)
        )

        // A.2: the space.
        guard case .createSpace(let createSpace) = try SpaceEvent(json: Vector.createSpace) else { return XCTFail() }
        let created = try await author.session.createSpace(
            CreateSpaceEventRequest(spaceId: Vector.spaceId, event: createSpace, keyBox: keyBox, name: "Appendix A"))
        XCTAssertEqual(created.lastEventHash, Vector.createSpaceHash)
        XCTAssertEqual(created.keyBoxes, [keyBox])
        try await author.subscribe(Vector.spaceId)

        // A.3: the invitation, chained to A.2; the invitee is told with the new head hash.
        guard case .createInvitation(let createInvitation) = try SpaceEvent(json: Vector.createInvitation) else {
            return XCTFail()
        }
        var inviteeBox = keyBox
        inviteeBox.accountAddress = Vector.invitee
        let invited = try await author.session.createInvitation(
            CreateInvitationEventRequest(spaceId: Vector.spaceId, event: createInvitation, keyBoxes: [inviteeBox]))
        XCTAssertEqual(invited.lastEventHash, Vector.createInvitationHash)
        let pushed = try await invitee.session.nextMessage("list-invitations", timeout: .seconds(5)) {
            $0.type == "list-invitations"
        }
        XCTAssertEqual(
            pushed,
            .listInvitations(
                ListInvitationsResponse(invitations: [
                    Invitation(
                        id: "0e6f2c1d-3b4a-4f5e-8a7b-9c0d1e2f3a4b", previousEventHash: Vector.createInvitationHash,
                        spaceId: Vector.spaceId)
                ])))

        // A.4: the update.
        let update = CreateUpdateRequest(
            accountAddress: Vector.author, spaceId: Vector.spaceId, updateId: "c3d4e5f6-0718-4293-a4b5-c6d7e8f90a1b",
            update: Bytes(Array(0...11)), signature: Vector.updateSignature)
        let confirmed = try await author.session.createUpdate(update)
        XCTAssertEqual(confirmed.clock, 0)

        // The invitee accepts (signed with the same key, registered for its account) and sees the history.
        let joined = try await invitee.session.acceptInvitation(
            invitee.identity.acceptInvitationEvent(
                spaceId: Vector.spaceId, previousEventHash: Vector.createInvitationHash))
        XCTAssertEqual(joined.events.count, 3)
        XCTAssertEqual(joined.keyBoxes, [inviteeBox])
        XCTAssertEqual(
            joined.updates,
            Updates(
                updates: [
                    SignedUpdate(
                        update: update.update, accountAddress: Vector.author, signature: Vector.updateSignature,
                        updateId: update.updateId)
                ],
                firstUpdateClock: 0, lastUpdateClock: 0))
        let accepted = try await author.session.nextMessage("space-event", timeout: .seconds(5)) {
            $0.type == "space-event"
        }
        guard case .spaceEvent(let acceptedEvent) = accepted else { return XCTFail("\(accepted)") }
        XCTAssertEqual(acceptedEvent.event, joined.events.last)

        // A.5: the account inbox.
        let accountInbox = CreateAccountInboxRequest(
            accountAddress: Vector.author, inboxId: Vector.inboxId, isPublic: true, authPolicy: .requiresAuth,
            encryptionPublicKey: "0x15cb9e9b4ecfe2e5924bbd55ac2394e36ae6296356d0ad4b0ff24e6df046b3af",
            signature: Vector.inboxSignature)
        let inbox = try await author.session.createAccountInbox(accountInbox)
        XCTAssertEqual(inbox.inbox.signature, Vector.inboxSignature)

        // A.6: a signed message to a space inbox with the vector's inbox id, posted over HTTP.
        let spaceInbox = author.identity.createSpaceInboxEvent(
            spaceId: Vector.spaceId, previousEventHash: try XCTUnwrap(joined.lastEventHash), isPublic: true,
            authPolicy: .requiresAuth, inboxId: Vector.inboxId)
        _ = try await author.session.createSpaceInbox(spaceInbox)
        let spacePost = try await server.http(
            "POST", "/spaces/\(Vector.spaceId)/inboxes/\(Vector.inboxId)/messages",
            body: Self.messageBody(author: Vector.invitee, signature: Vector.spaceInboxMessageSignature))
        XCTAssertEqual(spacePost.status, 200, spacePost.text)
        let spaceMessage = try await author.session.nextMessage("space-inbox-message", timeout: .seconds(5)) {
            $0.type == "space-inbox-message"
        }
        guard case .spaceInboxMessage(let posted) = spaceMessage else { return XCTFail("\(spaceMessage)") }
        XCTAssertEqual(posted.message.signature, Vector.spaceInboxMessageSignature)
        XCTAssertEqual(posted.message.authorAccountAddress, Vector.invitee)
        XCTAssertEqual(posted.message.ciphertext, Vector.ciphertext)

        // A.7: a signed message to the author's account inbox.
        let accountPost = try await server.http(
            "POST", "/accounts/\(Vector.author)/inboxes/\(Vector.inboxId)/messages",
            body: Self.messageBody(author: Vector.invitee, signature: Vector.accountInboxMessageSignature))
        XCTAssertEqual(accountPost.status, 200, accountPost.text)
        let accountMessage = try await author.session.nextMessage("account-inbox-message", timeout: .seconds(5)) {
            $0.type == "account-inbox-message"
        }
        guard case .accountInboxMessage(let delivered) = accountMessage else { return XCTFail("\(accountMessage)") }
        XCTAssertEqual(delivered.message.signature, Vector.accountInboxMessageSignature)
        await server.stop()
    }

    private static func messageBody(author: String, signature: SignatureWithRecovery) -> String {
        """
        {"ciphertext":"\(Vector.ciphertext)","authorAccountAddress":"\(author)",\
        "signature":{"hex":"\(signature.hex)","recovery":\(signature.recovery)}}
        """
    }
}
