import HypergraphCrypto
import HypergraphJSON
import HypergraphProtocol
import HypergraphSigning
import XCTest

/// PROTOCOL.md Appendix A: canonical strings, digests, byte-identical signatures, recovered keys, event hashes and
/// the A.2 → A.3 chain through the rules.
final class AppendixATests: XCTestCase {
    private var key: Secp256k1.PrivateKey {
        get throws { try Secp256k1.PrivateKey(hex: AppendixA.privateKey) }
    }

    /// Checks one payload against its vector: canonical string, SHA-256, recovered signer, and re-signing.
    private func check(
        _ payload: SigningPayload, canonical: String, sha256: String, hex: String, recovery: Int,
        file: StaticString = #filePath, line: UInt = #line
    ) throws {
        XCTAssertEqual(payload.string, canonical, file: file, line: line)
        XCTAssertEqual(Hex.encode(payload.digest), sha256, file: file, line: line)
        let signature = SignatureWithRecovery(hex: hex, recovery: recovery)
        XCTAssertEqual(try payload.signer(of: signature), AppendixA.signaturePublicKey, file: file, line: line)
        XCTAssertEqual(
            try payload.signer(of: signature, policy: .rejectHighS), AppendixA.signaturePublicKey, file: file,
            line: line)
        XCTAssertEqual(payload.signature(with: try key), signature, file: file, line: line)
    }

    func testVectorStringsHashToTheirDigests() {
        // Guards the copies in AppendixAVectors.swift: each canonical string must hash to the published digest.
        let pairs = [
            (AppendixA.CreateSpace.canonicalTransaction, AppendixA.CreateSpace.sha256),
            (AppendixA.CreateInvitation.canonicalTransaction, AppendixA.CreateInvitation.sha256),
            (AppendixA.CreateUpdate.canonical, AppendixA.CreateUpdate.sha256),
            (AppendixA.AccountInbox.canonical, AppendixA.AccountInbox.sha256),
            (AppendixA.SpaceInboxMessage.canonical, AppendixA.SpaceInboxMessage.sha256),
            (AppendixA.AccountInboxMessage.canonical, AppendixA.AccountInboxMessage.sha256),
        ]
        for (canonical, digest) in pairs {
            XCTAssertEqual(Hex.encode(SHA256.hash(Array(canonical.utf8))), digest)
        }
    }

    func testA1SigningKey() throws {
        let key = try key
        XCTAssertEqual(key.publicKey.signaturePublicKeyHex, AppendixA.signaturePublicKey)
        XCTAssertEqual("0x" + Hex.encode(key.publicKey.uncompressed), AppendixA.uncompressed)
        XCTAssertEqual(key.hex, AppendixA.privateKey)
        XCTAssertEqual(
            try Secp256k1.PrivateKey(hex: String(AppendixA.privateKey.dropFirst(2)).uppercased()).hex,
            AppendixA.privateKey)
    }

    func testA2CreateSpaceEvent() throws {
        let event = try SpaceEvent(json: AppendixA.CreateSpace.event)
        guard case .createSpace(let createSpace) = event else { return XCTFail("not a create-space event: \(event)") }
        let signature = createSpace.author.signature
        try check(
            try event.signingPayload(), canonical: AppendixA.CreateSpace.canonicalTransaction,
            sha256: AppendixA.CreateSpace.sha256, hex: signature.hex, recovery: signature.recovery)
        XCTAssertEqual(
            String(decoding: createSpace.canonicalEventUTF8, as: UTF8.self), AppendixA.CreateSpace.canonicalEvent)
        XCTAssertEqual(try event.eventHash(), AppendixA.CreateSpace.eventHash)
        XCTAssertEqual(try event.signer(), AppendixA.signaturePublicKey)
        XCTAssertEqual(try event.signed(with: key), event)
    }

    func testA3CreateInvitationEvent() throws {
        let event = try SpaceEvent(json: AppendixA.CreateInvitation.event)
        guard case .createInvitation(let createInvitation) = event else {
            return XCTFail("not an invitation: \(event)")
        }
        let signature = createInvitation.author.signature
        try check(
            try event.signingPayload(), canonical: AppendixA.CreateInvitation.canonicalTransaction,
            sha256: AppendixA.CreateInvitation.sha256, hex: signature.hex, recovery: signature.recovery)
        XCTAssertEqual(
            String(decoding: createInvitation.canonicalEventUTF8, as: UTF8.self),
            AppendixA.CreateInvitation.canonicalEvent)
        XCTAssertEqual(try event.eventHash(), AppendixA.CreateInvitation.eventHash)
        XCTAssertEqual(try event.signed(with: key), event)
    }

    func testA2ToA3ChainThroughTheRules() throws {
        // One key signs for both example accounts (Appendix A conventions).
        let resolve = { (account: String, key: String) -> SignerIdentity? in
            key == AppendixA.signaturePublicKey ? SignerIdentity(accountAddress: account, signaturePublicKey: key) : nil
        }
        let created = try SpaceEventRules.apply(
            try SpaceEvent(json: AppendixA.CreateSpace.event), to: nil, resolveIdentity: resolve
        ).accepted()
        XCTAssertEqual(created.lastEventHash, AppendixA.CreateSpace.eventHash)
        XCTAssertEqual(created.id, AppendixA.spaceId)
        XCTAssertEqual(created.members.keys, [AppendixA.author])
        XCTAssertEqual(created.members[AppendixA.author]?.role, .admin)

        for policy in [EventRulePolicy.compatible, .strict] {
            let invited = try SpaceEventRules.apply(
                try SpaceEvent(json: AppendixA.CreateInvitation.event), to: created, policy: policy,
                resolveIdentity: resolve
            ).accepted()
            XCTAssertEqual(invited.lastEventHash, AppendixA.CreateInvitation.eventHash)
            XCTAssertEqual(invited.invitations.keys, ["0e6f2c1d-3b4a-4f5e-8a7b-9c0d1e2f3a4b"])
            XCTAssertEqual(invited.invitations.values.first?.inviteeAccountAddress, AppendixA.invitee)
            XCTAssertEqual(invited.members, created.members)
        }
    }

    func testA4CreateUpdate() throws {
        let request = try CreateUpdateRequest(json: AppendixA.CreateUpdate.request)
        try check(
            request.signingPayload, canonical: AppendixA.CreateUpdate.canonical, sha256: AppendixA.CreateUpdate.sha256,
            hex: AppendixA.CreateUpdate.hex, recovery: AppendixA.CreateUpdate.recovery)
        XCTAssertEqual(try request.signer(), AppendixA.signaturePublicKey)
        XCTAssertEqual(request.signed(with: try key), request)
        let plain = SigningPayload.update(
            accountAddress: AppendixA.author, spaceId: AppendixA.spaceId, update: Array(0...11),
            updateId: AppendixA.CreateUpdate.updateId)
        XCTAssertEqual(plain, request.signingPayload)
        // The same update inside an updates-notification takes the space id from the message.
        let notification = SignedUpdate(
            update: request.update, accountAddress: request.accountAddress, signature: request.signature,
            updateId: request.updateId)
        XCTAssertEqual(notification.signingPayload(spaceId: AppendixA.spaceId), plain)
    }

    func testA5AccountInbox() throws {
        let signature = SignatureWithRecovery(
            hex: AppendixA.AccountInbox.hex, recovery: AppendixA.AccountInbox.recovery)
        let request = CreateAccountInboxRequest(
            accountAddress: AppendixA.author, inboxId: AppendixA.inboxId, isPublic: true, authPolicy: .requiresAuth,
            encryptionPublicKey: AppendixA.AccountInbox.encryptionPublicKey, signature: signature)
        try check(
            request.signingPayload, canonical: AppendixA.AccountInbox.canonical, sha256: AppendixA.AccountInbox.sha256,
            hex: signature.hex, recovery: signature.recovery)
        // isPublic and authPolicy are not covered (§12 G13): changing them keeps the signer.
        let inbox = AccountInbox(
            accountAddress: AppendixA.author, inboxId: AppendixA.inboxId, isPublic: false, authPolicy: .anonymous,
            encryptionPublicKey: AppendixA.AccountInbox.encryptionPublicKey, signature: signature)
        XCTAssertEqual(inbox.signingPayload, request.signingPayload)
        XCTAssertEqual(try inbox.signer(), AppendixA.signaturePublicKey)
    }

    func testA6SpaceInboxMessage() throws {
        let message = try ServerMessage(json: AppendixA.SpaceInboxMessage.message)
        let sites = try message.signatureSites()
        XCTAssertEqual(sites.map(\.path.description), ["$.message.signature"])
        let site = try XCTUnwrap(sites.first)
        try check(
            site.payload, canonical: AppendixA.SpaceInboxMessage.canonical, sha256: AppendixA.SpaceInboxMessage.sha256,
            hex: AppendixA.SpaceInboxMessage.hex, recovery: AppendixA.SpaceInboxMessage.recovery)
        XCTAssertEqual(
            site.signature,
            SignatureWithRecovery(hex: AppendixA.SpaceInboxMessage.hex, recovery: AppendixA.SpaceInboxMessage.recovery))
        XCTAssertEqual(try message.signingEverySignature(with: key), message)
    }

    func testA7AccountInboxMessage() throws {
        let signature = SignatureWithRecovery(
            hex: AppendixA.AccountInboxMessage.hex, recovery: AppendixA.AccountInboxMessage.recovery)
        let message = InboxMessage(
            id: "0195f1a2-0000-7000-8000-000000000001", ciphertext: AppendixA.ciphertext, signature: signature,
            authorAccountAddress: AppendixA.invitee,
            createdAt: try XCTUnwrap(Timestamp(iso8601: "2025-06-30T12:34:56.789Z")))
        let payload = message.accountInboxSigningPayload(accountAddress: AppendixA.author, inboxId: AppendixA.inboxId)
        try check(
            payload, canonical: AppendixA.AccountInboxMessage.canonical, sha256: AppendixA.AccountInboxMessage.sha256,
            hex: signature.hex, recovery: signature.recovery)
        let response = ServerMessage.accountInboxMessage(
            AccountInboxMessageResponse(
                accountAddress: AppendixA.author, inboxId: AppendixA.inboxId, message: message))
        XCTAssertEqual(try response.signatureSites().map(\.payload), [payload])
    }

    func testSpaceInfoPayload() {
        let payload = SigningPayload.spaceInfo(
            accountAddress: AppendixA.author, infoContent: [7, 255], spaceId: AppendixA.spaceId)
        XCTAssertEqual(
            payload.string,
            #"{"accountAddress":"0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed","infoContent":{"0":7,"1":255},"#
                + #""spaceId":"5b1b8f0e-6a34-4c55-9f0e-2f8b0d0c7a11"}"#)
    }

    func testInboxMessagePayloadsOmitAnAbsentAuthor() {
        XCTAssertEqual(
            SigningPayload.spaceInboxMessage(authorAccountAddress: nil, ciphertext: "0x00", inboxId: "i", spaceId: "s")
                .string,
            #"{"ciphertext":"0x00","inboxId":"i","spaceId":"s"}"#)
        XCTAssertEqual(
            SigningPayload.accountInboxMessage(
                accountAddress: "a", authorAccountAddress: nil, ciphertext: "0x00", inboxId: "i"
            ).string,
            #"{"accountAddress":"a","ciphertext":"0x00","inboxId":"i"}"#)
    }
}
