// The in-memory answers of the update path (KnownFacts): exact while invitations, acceptances and updates interleave,
// whether the facts change through this server or behind its back (another node writing the same database, modelled
// by writing to the store directly), and bounded.
import HypergraphClient
import HypergraphCrypto
import HypergraphProtocol
import HypergraphStore
import XCTest

@testable import HypergraphServer

final class KnownFactsTests: XCTestCase {
    func testUpdatesAreRefusedUntilTheInvitationIsAcceptedAndAcceptedAfterwards() async throws {
        let server = try await TestServer.start()
        let alice = try await server.participant()
        let bob = try await server.participant()
        var spaces: [SpaceResponse] = []
        for index in 0..<3 { spaces.append(try await alice.createSpace(name: "space \(index)")) }
        for space in spaces {
            try await alice.createUpdate(space.id)
            try await bob.assertRejected(update(by: bob, in: space.id), with: .forbidden)
            try await server.invite(bob, to: space, by: alice)
            try await bob.assertRejected(update(by: bob, in: space.id), with: .forbidden)
            try await alice.createUpdate(space.id)
        }
        // Accept in reverse order, checking every space after each acceptance: only the accepted ones take updates.
        for (accepted, space) in spaces.enumerated().reversed() {
            _ = try await server.accept(space.id, by: bob)
            for (index, other) in spaces.enumerated() {
                if index >= accepted {
                    try await bob.createUpdate(other.id)
                } else {
                    try await bob.assertRejected(update(by: bob, in: other.id), with: .forbidden)
                }
            }
        }
        try await alice.assertRejected(update(by: alice, in: RandomIdentifiers.uuid()), with: .notFound)
        await server.stop()
    }

    func testFactsWrittenByAnotherNodeAreFoundAndUnknownOnesStayUnknown() async throws {
        let server = try await TestServer.start()
        let bob = try await server.participant()
        // Another node creates a space whose only member is Bob: this server has never heard of it.
        let spaceId = RandomIdentifiers.uuid()
        try await bob.assertRejected(update(by: bob, in: spaceId), with: .notFound)
        _ = try await server.storage.createSpace(
            NewSpace(
                spaceId: spaceId, name: "elsewhere", creatorAccountAddress: bob.account,
                creatorAppIdentityAddress: try XCTUnwrap(bob.identity.appIdentityAddress), eventJSON: "{}",
                stateJSON: "{}",
                lastEventHash: "0x" + String(repeating: "0", count: 64), keyId: RandomIdentifiers.uuid(),
                creatorKeyBox: KeyBoxPayload(ciphertext: "0x00", nonce: "0x00", authorPublicKey: "0x00")))
        try await bob.createUpdate(spaceId)
        // Another node gives Bob's account a second key: an update signed with it is refused until then.
        let secondKey = try Secp256k1.PrivateKey(bytes: (1...32).map { UInt8($0) })
        let signedWithSecondKey = HypergraphIdentity(
            accountAddress: bob.account, signatureKey: secondKey, appIdentityAddress: bob.identity.appIdentityAddress,
            appId: bob.identity.appId, sessionToken: bob.identity.sessionToken,
            sessionTokenExpires: bob.identity.sessionTokenExpires, encryptionPublicKey: bob.identity.encryptionPublicKey
        )
        let request = ClientMessage.createUpdate(signedWithSecondKey.createUpdate(spaceId: spaceId, update: [7]))
        try await bob.assertRejected(request, with: .invalidSignature)
        _ = try await server.identity(account: bob.account, appId: "second app", key: secondKey)
        _ = try await bob.session.request(request)
        await server.stop()
    }

    func testKnownFactsAnswerLikeTheStoreAndKeepOnlyTrueOnes() async throws {
        let server = try await TestServer.start()
        let facts = KnownFacts(storage: server.storage, capacity: 4)
        let alice = try await server.identity()
        let space = try await server.connect(alice).createSpace(alice.createSpaceEvent(name: "cached"))
        let strangers = (0..<10).map { "0xstranger\($0)" }
        for _ in 0..<3 {
            let member = try await facts.isMember(spaceId: space.id, accountAddress: alice.accountAddress)
            XCTAssertTrue(member)
            for stranger in strangers {
                let isMember = try await facts.isMember(spaceId: space.id, accountAddress: stranger)
                XCTAssertFalse(isMember)
            }
            let key = alice.signatureKey.publicKey.signaturePublicKeyHex
            let isKey = try await facts.isSigningKey(key, ofAccount: alice.accountAddress)
            let isOtherAccountsKey = try await facts.isSigningKey(key, ofAccount: "0xsomeone-else")
            XCTAssertTrue(isKey)
            XCTAssertFalse(isOtherAccountsKey)
        }
        await server.stop()
    }

    func testTheCacheHoldsAtMostItsCapacityAndKeepsWhatIsUsed() {
        let cache = PositiveFactCache(capacity: 100)
        let kept = FactKey("space", "kept")
        cache.insert(kept)
        for index in 0..<10_000 {
            cache.insert(FactKey("space", "\(index)"))
            XCTAssertLessThanOrEqual(cache.count, 100)
            if index % 10 == 0 { XCTAssertTrue(cache.contains(kept)) }
        }
        XCTAssertFalse(cache.contains(FactKey("space", "0")), "the least recently used are forgotten")
        XCTAssertTrue(cache.contains(FactKey("space", "9999")))
    }

    func testFactKeysCompareBytesExactly() {
        XCTAssertNotEqual(FactKey("caf\u{E9}"), FactKey("cafe\u{301}"), "canonically equivalent, different bytes")
        XCTAssertNotEqual(FactKey("a\u{0}b", "c"), FactKey("a", "b\u{0}c"))
        XCTAssertEqual(FactKey("space", "account"), FactKey("space", "account"))
    }

    private func update(by participant: Participant, in spaceId: String) -> ClientMessage {
        .createUpdate(participant.identity.createUpdate(spaceId: spaceId, update: [1]))
    }
}
