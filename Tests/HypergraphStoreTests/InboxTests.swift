import XCTest

@testable import HypergraphStore

final class InboxTests: XCTestCase {
    private func makeAccountInbox(_ inboxId: String, isPublic: Bool) -> AccountInboxRecord {
        AccountInboxRecord(
            accountAddress: "0xAlice", inboxId: inboxId, isPublic: isPublic, authPolicy: "requires_auth",
            encryptionPublicKey: "0xkey", signature: testSignature)
    }

    func testAccountInboxesCreateGetListAndConflict() async throws {
        try await forEachBackend {
            let clock = TestClock(42)
            let store = try await openBackendStore(self, clock: clock)
            let stored = try await store.createAccountInbox(makeAccountInbox("inbox-public", isPublic: true))
            XCTAssertEqual(stored.createdAt, 42)
            let hidden = try await store.createAccountInbox(makeAccountInbox("inbox-private", isPublic: false))

            let fetched = try await store.accountInbox(accountAddress: "0xAlice", inboxId: "inbox-public")
            XCTAssertEqual(fetched, stored)
            let otherOwner = try await store.accountInbox(accountAddress: "0xBob", inboxId: "inbox-public")
            XCTAssertNil(otherOwner)
            let all = try await store.accountInboxes(accountAddress: "0xAlice", publicOnly: false)
            XCTAssertEqual(all, [stored, hidden])
            let publicOnly = try await store.accountInboxes(accountAddress: "0xAlice", publicOnly: true)
            XCTAssertEqual(publicOnly, [stored])

            // A duplicate never overwrites (§12 G13), even with other settings.
            await assertThrows(.conflict(.accountInbox(accountAddress: "0xAlice", inboxId: "inbox-public"))) {
                try await store.createAccountInbox(self.makeAccountInbox("inbox-public", isPublic: false))
            }
            let unchanged = try await store.accountInbox(accountAddress: "0xAlice", inboxId: "inbox-public")
            XCTAssertEqual(unchanged?.isPublic, true)
            // Inbox ids are scoped to their account (§12 G27).
            var bobs = makeAccountInbox("inbox-public", isPublic: true)
            bobs.accountAddress = "0xBob"
            _ = try await store.createAccountInbox(bobs)
        }
    }

    func testSpaceInboxesComeFromEventsAndAreScopedToTheirSpace() async throws {
        try await forEachBackend {
            let (store, alice) = try await openBackendStoreWithSpace(self)
            _ = try await store.createSpace(makeSpace("space-2", creator: alice))
            let event = try await store.appendSpaceEvent(
                makeEvent("space-1", counter: 1), effect: .createSpaceInbox(makeInbox("inbox-a")))
            _ = try await store.appendSpaceEvent(
                makeEvent("space-1", counter: 2), effect: .createSpaceInbox(makeInbox("inbox-b", isPublic: false)))

            let inbox = try await store.spaceInbox(spaceId: "space-1", inboxId: "inbox-a")
            XCTAssertEqual(inbox?.inbox, makeInbox("inbox-a"))
            XCTAssertEqual(inbox?.creationEventJSON, event.eventJSON)
            // §12 G11: the inbox is not found through another space.
            let throughOtherSpace = try await store.spaceInbox(spaceId: "space-2", inboxId: "inbox-a")
            XCTAssertNil(throughOtherSpace)
            let all = try await store.spaceInboxes(spaceId: "space-1", publicOnly: false)
            XCTAssertEqual(all.map(\.inbox.inboxId), ["inbox-a", "inbox-b"])
            let publicOnly = try await store.spaceInboxes(spaceId: "space-1", publicOnly: true)
            XCTAssertEqual(publicOnly.map(\.inbox.inboxId), ["inbox-a"])
            let snapshot = try await store.spaceSnapshot(
                spaceId: "space-1", accountAddress: alice.accountAddress, appIdentityAddress: alice.appIdentityAddress,
                updatesAfterClock: nil)
            XCTAssertEqual(snapshot.inboxes, all)

            await assertThrows(.conflict(.spaceInbox(spaceId: "space-1", inboxId: "inbox-a"))) {
                try await store.appendSpaceEvent(
                    makeEvent("space-1", counter: 3), effect: .createSpaceInbox(makeInbox("inbox-a")))
            }
            // The same inbox id in another space is fine (§12 G27).
            _ = try await store.appendSpaceEvent(
                makeEvent("space-2", counter: 1), effect: .createSpaceInbox(makeInbox("inbox-a")))
        }
    }

    func testSpaceInboxMessagesSinceIsInclusiveAndOrdered() async throws {
        try await forEachBackend {
            let clock = TestClock(1_000)
            let (store, _) = try await openBackendStoreWithSpace(self, clock: clock)
            _ = try await store.createSpace(makeSpace("space-2", creator: makeIdentity()))
            _ = try await store.appendSpaceEvent(
                makeEvent("space-1", counter: 1), effect: .createSpaceInbox(makeInbox("inbox-a")))

            let signed = NewInboxMessage(ciphertext: "0x01", signature: testSignature, authorAccountAddress: "0xBob")
            let anonymous = NewInboxMessage(ciphertext: "0x02", signature: nil, authorAccountAddress: nil)
            let emptyAuthor = NewInboxMessage(ciphertext: "0x03", signature: nil, authorAccountAddress: "")
            let first = try await store.addSpaceInboxMessage(spaceId: "space-1", inboxId: "inbox-a", message: signed)
            clock.advance(by: 10)
            let second = try await store.addSpaceInboxMessage(
                spaceId: "space-1", inboxId: "inbox-a", message: anonymous)
            let third = try await store.addSpaceInboxMessage(
                spaceId: "space-1", inboxId: "inbox-a", message: emptyAuthor)
            XCTAssertEqual(first.createdAt, 1_000)
            XCTAssertEqual(second.createdAt, 1_010)
            XCTAssertTrue(isUUID(first.id, version: 4), first.id)

            await assertThrows(
                .conflict(
                    .inboxMessageSignature(
                        inbox: .spaceInbox(spaceId: "space-1", inboxId: "inbox-a"), signatureHex: testSignature.hex))
            ) {
                try await store.addSpaceInboxMessage(spaceId: "space-1", inboxId: "inbox-a", message: signed)
            }
            // Unsigned messages are never compared: the same one again is stored again.
            let again = try await store.addSpaceInboxMessage(
                spaceId: "space-1", inboxId: "inbox-a", message: emptyAuthor)

            XCTAssertEqual(
                [third.createdAt, again.createdAt], [1_011, 1_012],
                "messages stored within one millisecond get the next free times: no two share one")

            let all = try await store.allSpaceInboxMessages(spaceId: "space-1", inboxId: "inbox-a", since: 0)
            XCTAssertEqual(all, [first, second, third, again], "the replayed signed message is not stored")
            let sinceThird = try await store.allSpaceInboxMessages(
                spaceId: "space-1", inboxId: "inbox-a", since: 1_011)
            XCTAssertEqual(sinceThird, [third, again], "since is inclusive")
            let later = try await store.allSpaceInboxMessages(spaceId: "space-1", inboxId: "inbox-a", since: 1_013)
            XCTAssertEqual(later, [])

            await assertThrows(.notFound(.spaceInbox(spaceId: "space-2", inboxId: "inbox-a"))) {
                try await store.addSpaceInboxMessage(spaceId: "space-2", inboxId: "inbox-a", message: signed)
            }
            await assertThrows(.notFound(.spaceInbox(spaceId: "space-2", inboxId: "inbox-a"))) {
                try await store.allSpaceInboxMessages(spaceId: "space-2", inboxId: "inbox-a", since: 0)
            }
        }
    }

    func testAccountInboxMessagesGetTimeOrderedUUIDv7Ids() async throws {
        try await forEachBackend {
            let clock = TestClock(5_000)
            let store = try await openBackendStore(self, clock: clock)
            _ = try await store.createAccountInbox(makeAccountInbox("inbox", isPublic: true))
            var stored: [InboxMessageRecord] = []
            for index in 0..<50 {
                if index % 10 == 0 { clock.advance(by: 1) }
                stored.append(
                    try await store.addAccountInboxMessage(
                        accountAddress: "0xAlice", inboxId: "inbox",
                        message: NewInboxMessage(ciphertext: "0x\(index)", signature: nil, authorAccountAddress: nil)))
            }
            XCTAssertTrue(stored.allSatisfy { isUUID($0.id, version: 7) })
            XCTAssertEqual(stored.map(\.id), stored.map(\.id).sorted(), "v7 ids sort in creation order")
            XCTAssertEqual(
                stored.map(\.createdAt), Array(5_001...5_050),
                "ten messages a millisecond take consecutive times, ahead of the clock")
            let listed = try await store.accountInboxMessages(
                accountAddress: "0xAlice", inboxId: "inbox", since: 5_021, maximumBytes: .max, maximumCount: .max)
            XCTAssertEqual(listed, Array(stored[20...]))

            await assertThrows(.notFound(.accountInbox(accountAddress: "0xBob", inboxId: "inbox"))) {
                try await store.addAccountInboxMessage(
                    accountAddress: "0xBob", inboxId: "inbox",
                    message: NewInboxMessage(ciphertext: "0x", signature: nil, authorAccountAddress: nil))
            }
            await assertThrows(.notFound(.accountInbox(accountAddress: "0xBob", inboxId: "inbox"))) {
                try await store.accountInboxMessages(
                    accountAddress: "0xBob", inboxId: "inbox", since: 0, maximumBytes: .max, maximumCount: .max)
            }
        }
    }

    func testInboxMessageReadsStopAtTheirBudgetAndContinueFromTheLastTime() async throws {
        try await forEachBackend {
            let clock = TestClock(2_000)
            let (store, _) = try await openBackendStoreWithSpace(self, clock: clock)
            _ = try await store.appendSpaceEvent(
                makeEvent("space-1", counter: 1), effect: .createSpaceInbox(makeInbox("inbox-a")))
            var stored: [InboxMessageRecord] = []
            for index in 0..<30 {
                // Several messages in the same millisecond: their times must still be distinct.
                if index % 7 == 0 { clock.advance(by: 1) }
                let ciphertext = "0x" + String(repeating: "ab", count: 1 + index % 5)
                stored.append(
                    try await store.addSpaceInboxMessage(
                        spaceId: "space-1", inboxId: "inbox-a",
                        message: NewInboxMessage(ciphertext: ciphertext, signature: nil, authorAccountAddress: nil)))
            }
            XCTAssertEqual(Set(stored.map(\.createdAt)).count, 30, "no two messages of the inbox share a time")

            let counted = try await store.spaceInboxMessages(
                spaceId: "space-1", inboxId: "inbox-a", since: 0, maximumBytes: .max, maximumCount: 4)
            XCTAssertEqual(counted, Array(stored[0..<4]), "at most maximumCount, oldest first")
            let sized = try await store.spaceInboxMessages(
                spaceId: "space-1", inboxId: "inbox-a", since: 0, maximumBytes: 14, maximumCount: 100)
            XCTAssertEqual(sized, Array(stored[0..<2]), "ciphertexts of 4 and 6 bytes fit 14 bytes, a third does not")
            let first = try await store.spaceInboxMessages(
                spaceId: "space-1", inboxId: "inbox-a", since: 0, maximumBytes: 0, maximumCount: 100)
            XCTAssertEqual(first, [stored[0]], "the first message is always read")

            // Continuing with since = the last time read, with room for two of the largest messages (12 bytes; the
            // repeated boundary message and one more): each message exactly once, plus the boundary repeat.
            var read: [InboxMessageRecord] = []
            var since: UnixMilliseconds = 0
            while true {
                let page = try await store.spaceInboxMessages(
                    spaceId: "space-1", inboxId: "inbox-a", since: since, maximumBytes: 24, maximumCount: 3)
                let fresh = page.filter { message in !read.contains(message) }
                guard let last = fresh.last else { break }
                XCTAssertLessThanOrEqual(page.count - fresh.count, 1, "only the boundary message is repeated")
                read += fresh
                since = last.createdAt
            }
            XCTAssertEqual(read, stored)
        }
    }
}

/// Whether `text` is a lowercase RFC 9562 UUID of `version` with the 0b10 variant.
func isUUID(_ text: String, version: Int) -> Bool {
    let characters = Array(text)
    guard characters.count == 36 else { return false }
    for (index, character) in characters.enumerated() {
        if [8, 13, 18, 23].contains(index) {
            guard character == "-" else { return false }
        } else {
            guard character.isHexDigit, !character.isUppercase else { return false }
        }
    }
    return characters[14] == Character(String(version, radix: 16)) && "89ab".contains(characters[19])
}

extension HypergraphStorage {
    /// Every message of a space inbox from `since`, without a budget.
    func allSpaceInboxMessages(
        spaceId: String, inboxId: String, since: UnixMilliseconds
    ) async throws -> [InboxMessageRecord] {
        try await spaceInboxMessages(
            spaceId: spaceId, inboxId: inboxId, since: since, maximumBytes: .max, maximumCount: .max)
    }
}
