import XCTest

@testable import HypergraphStore

final class IdentityTests: XCTestCase {
    func testCreateAndLookUpInEveryWay() async throws {
        try await forEachBackend {
            let store = try await openBackendStore(self)
            let alice = makeIdentity()
            let aliceOtherApp = makeIdentity(appId: "other")
            try await store.createIdentity(alice)
            try await store.createIdentity(aliceOtherApp)

            let identities = try await store.identities()
            XCTAssertEqual(identities, [alice, aliceOtherApp])
            let byApp = try await store.identity(accountAddress: alice.accountAddress, appId: "other")
            XCTAssertEqual(byApp, aliceOtherApp)
            let byKey = try await store.identity(
                accountAddress: alice.accountAddress, signaturePublicKey: alice.signaturePublicKey, linkedToSpace: nil)
            XCTAssertEqual(byKey, alice)
            let wrongAccount = try await store.identity(
                accountAddress: "0xBob", signaturePublicKey: alice.signaturePublicKey, linkedToSpace: nil)
            XCTAssertNil(wrongAccount)
            let unknownApp = try await store.identity(accountAddress: alice.accountAddress, appId: "nope")
            XCTAssertNil(unknownApp)
        }
    }

    func testLookupScopedToASpaceFindsOnlyLinkedIdentities() async throws {
        try await forEachBackend {
            let store = try await openBackendStore(self)
            let alice = makeIdentity()
            let aliceOtherApp = makeIdentity(appId: "other")
            try await store.createIdentity(alice)
            try await store.createIdentity(aliceOtherApp)
            _ = try await store.createSpace(makeSpace(creator: alice))

            let linked = try await store.identity(
                accountAddress: alice.accountAddress, signaturePublicKey: alice.signaturePublicKey,
                linkedToSpace: "space-1")
            XCTAssertEqual(linked, alice)
            let notLinked = try await store.identity(
                accountAddress: alice.accountAddress, signaturePublicKey: aliceOtherApp.signaturePublicKey,
                linkedToSpace: "space-1")
            XCTAssertNil(notLinked)
        }
    }

    func testSessionTokenLookupChecksExpiryStrictly() async throws {
        try await forEachBackend {
            let clock = TestClock(1_000)
            let store = try await openBackendStore(self, clock: clock)
            let alice = makeIdentity(expiresAt: 2_000)
            try await store.createIdentity(alice)

            let valid = try await store.identity(sessionToken: alice.sessionToken)
            XCTAssertEqual(valid, .valid(alice))
            clock.advance(by: 1_000) // now == expiry: still valid (expired only when expiry < now, §9.7)
            let atExpiry = try await store.identity(sessionToken: alice.sessionToken)
            XCTAssertEqual(atExpiry, .valid(alice))
            clock.advance(by: 1)
            let expired = try await store.identity(sessionToken: alice.sessionToken)
            XCTAssertEqual(expired, .expired(alice))
            let unknown = try await store.identity(sessionToken: "no-such-token")
            XCTAssertEqual(unknown, .unknown)
        }
    }

    func testRenewingTheSessionTokenReplacesTheOldOne() async throws {
        try await forEachBackend {
            let clock = TestClock(5_000)
            let store = try await openBackendStore(self, clock: clock)
            let alice = makeIdentity(expiresAt: 1_000)
            try await store.createIdentity(alice)
            try await store.renewSessionToken(
                appIdentityAddress: alice.appIdentityAddress, sessionToken: "fresh", expiresAt: 9_000)

            var renewed = alice
            renewed.sessionToken = "fresh"
            renewed.sessionTokenExpiresAt = 9_000
            let lookup = try await store.identity(sessionToken: "fresh")
            XCTAssertEqual(lookup, .valid(renewed))
            let old = try await store.identity(sessionToken: alice.sessionToken)
            XCTAssertEqual(old, .unknown)

            await assertThrows(.notFound(.appIdentity(address: "0xnobody"))) {
                try await store.renewSessionToken(appIdentityAddress: "0xnobody", sessionToken: "t", expiresAt: 1)
            }
            let bob = makeIdentity(account: "0xBob")
            try await store.createIdentity(bob)
            await assertThrows(.conflict(.sessionToken)) {
                try await store.renewSessionToken(
                    appIdentityAddress: bob.appIdentityAddress, sessionToken: "fresh", expiresAt: 9_000)
            }
            // Renewing to the token it already has is fine.
            try await store.renewSessionToken(
                appIdentityAddress: alice.appIdentityAddress, sessionToken: "fresh", expiresAt: 10_000)
        }
    }

    func testEveryUniqueConstraintIsReportedByName() async throws {
        try await forEachBackend {
            let store = try await openBackendStore(self)
            let alice = makeIdentity()
            try await store.createIdentity(alice)

            var sameAddress = makeIdentity(account: "0xBob")
            sameAddress.appIdentityAddress = alice.appIdentityAddress
            await assertThrows(.conflict(.appIdentity(address: alice.appIdentityAddress))) {
                try await store.createIdentity(sameAddress)
            }
            var sameApp = makeIdentity(appId: "app")
            sameApp.appIdentityAddress = "0xnew"
            sameApp.signaturePublicKey = "0xnewkey"
            sameApp.sessionToken = "newtoken"
            await assertThrows(.conflict(.appIdentityForApp(accountAddress: alice.accountAddress, appId: "app"))) {
                try await store.createIdentity(sameApp)
            }
            var sameKey = makeIdentity(appId: "second")
            sameKey.signaturePublicKey = alice.signaturePublicKey
            await assertThrows(
                .conflict(
                    .signaturePublicKey(
                        accountAddress: alice.accountAddress, signaturePublicKey: alice.signaturePublicKey))
            ) {
                try await store.createIdentity(sameKey)
            }
            var sameToken = makeIdentity(account: "0xCarol")
            sameToken.sessionToken = alice.sessionToken
            await assertThrows(.conflict(.sessionToken)) {
                try await store.createIdentity(sameToken)
            }
            let identities = try await store.identities()
            XCTAssertEqual(identities, [alice])
        }
    }
}
