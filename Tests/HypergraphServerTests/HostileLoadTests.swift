// Issue 15's defences, one test each: field limits and quotas (`too-large`, nothing stored), the health route's
// figures behind the admin token, no work for a client that has gone, and the 1013 close of a subscriber that does
// not read. (Inbox replay, 409 and stored once, is part of HTTPRouteTests' account inbox test.)
import Foundation
import HypergraphClient
import HypergraphCrypto
import HypergraphProtocol
import HypergraphServer
import HypergraphSigning
import HypergraphStore
import HypergraphWebSocket
import XCTest

final class HostileLoadTests: XCTestCase {
    // MARK: Fields and quotas

    func testOversizedFieldsAreRefusedWithTooLargeAndStoreNothing() async throws {
        var limits = ServerLimits()
        limits.maximumUpdateBytes = 100
        let server = try await TestServer.start(limits: limits)
        let alice = try await server.participant()
        let space = try await alice.createSpace()
        let longName = alice.identity.createSpaceEvent(name: String(repeating: "n", count: limits.maximumNameBytes + 1))
        let longId = alice.identity.createUpdate(
            spaceId: space.id, update: [1], updateId: String(repeating: "u", count: limits.maximumIdentifierBytes + 1))
        let largeUpdate = alice.identity.createUpdate(spaceId: space.id, update: [UInt8](repeating: 1, count: 101))
        let cases: [(ClientMessage, String)] = [
            (.createSpaceEvent(longName), "name has 1025 bytes; the limit is 1024"),
            (.createUpdate(longId), "updateId has 257 bytes; the limit is 256"),
            (.createUpdate(largeUpdate), "update has 101 bytes; the limit is 100"),
        ]
        for (message, expected) in cases {
            let error = try await alice.rejection(of: message)
            XCTAssertEqual(error.code, .tooLarge, error.message)
            XCTAssertTrue(error.message.contains(expected), error.message)
        }
        let listed = try await alice.session.listSpaces()
        XCTAssertEqual(listed.spaces.map(\.id), [space.id], "the space with the long name was not created")
        let snapshot = try await alice.subscribe(space.id)
        XCTAssertNil(snapshot.updates, "no refused update was stored")
        _ = try await alice.createUpdate(space.id, [UInt8](repeating: 1, count: 100))
        await server.stop()
    }

    func testNestedFieldsAndKeyBoxCountsAreNamedByTheirPath() async throws {
        var limits = ServerLimits()
        limits.maximumKeyBoxesPerRequest = 2
        limits.maximumCiphertextBytes = 100 // An opaque key box's ciphertext has 98.
        let server = try await TestServer.start(limits: limits)
        let alice = try await server.participant()
        let bob = try await server.participant()
        let space = try await alice.createSpace()
        let hash = try XCTUnwrap(space.lastEventHash)
        func invitation(_ keyBoxes: [KeyBoxWithKeyId]) -> ClientMessage {
            .createInvitationEvent(
                alice.identity.createInvitationEvent(
                    spaceId: space.id, previousEventHash: hash, inviteeAccountAddress: bob.account, keyBoxes: keyBoxes))
        }
        var longCiphertext = KeyBoxWithKeyId.opaque(accountAddress: bob.account)
        longCiphertext.ciphertext = RandomIdentifiers.hex(byteCount: 60)
        let cases: [(ClientMessage, String)] = [
            (
                invitation((0..<3).map { _ in .opaque(accountAddress: bob.account) }),
                "keyBoxes has 3 key boxes; the limit is 2"
            ),
            (
                invitation([.opaque(accountAddress: bob.account), longCiphertext]),
                "keyBoxes[1].ciphertext has 122 bytes; the limit is 100"
            ),
        ]
        for (message, expected) in cases {
            let error = try await alice.rejection(of: message)
            XCTAssertEqual(error.code, .tooLarge, error.message)
            XCTAssertTrue(error.message.contains(expected), error.message)
        }
        let invitations = try await server.storage.invitations(inviteeAccountAddress: bob.account)
        XCTAssertEqual(invitations, [], "no refused invitation was stored")
        await server.stop()
    }

    func testSpaceQuotaRefusesTheUpdateThatWouldPassItAndStoresNothing() async throws {
        var limits = ServerLimits()
        limits.maximumSpaceUpdateBytes = 100
        let server = try await TestServer.start(limits: limits)
        let alice = try await server.participant()
        let full = try await alice.createSpace()
        let other = try await alice.createSpace()
        let kept = try await alice.createUpdate(full.id, [UInt8](repeating: 1, count: 60))
        let error = try await alice.rejection(
            of: .createUpdate(alice.identity.createUpdate(spaceId: full.id, update: [UInt8](repeating: 2, count: 41))))
        XCTAssertEqual(error.code, .tooLarge)
        XCTAssertTrue(error.message.contains("quota of 100"), error.message)
        _ = try await alice.createUpdate(full.id, [UInt8](repeating: 3, count: 40)) // Exactly up to the quota.
        _ = try await alice.createUpdate(other.id, [UInt8](repeating: 4, count: 60)) // Other spaces have their own.
        let snapshot = try await alice.subscribe(full.id)
        XCTAssertEqual(snapshot.updates?.firstUpdateClock, kept.clock)
        XCTAssertEqual(snapshot.updates?.lastUpdateClock, kept.clock + 1)
        XCTAssertEqual(snapshot.updates?.updates.map { $0.update.bytes.first }, [1, 3])
        await server.stop()
    }

    func testAccountQuotaCountsEverySpaceOfTheAccount() async throws {
        var limits = ServerLimits()
        limits.maximumAccountUpdateBytes = 100
        let server = try await TestServer.start(limits: limits)
        let alice = try await server.participant()
        let bob = try await server.participant()
        let first = try await alice.createSpace()
        let second = try await alice.createSpace()
        _ = try await alice.createUpdate(first.id, [UInt8](repeating: 1, count: 60))
        let error = try await alice.rejection(
            of: .createUpdate(alice.identity.createUpdate(spaceId: second.id, update: [UInt8](repeating: 2, count: 60)))
        )
        XCTAssertEqual(error.code, .tooLarge)
        XCTAssertTrue(error.message.contains("quota of 100"), error.message)
        let snapshot = try await alice.subscribe(second.id)
        XCTAssertNil(snapshot.updates, "the refused update was not stored")
        let bobs = try await bob.createSpace()
        _ = try await bob.createUpdate(bobs.id, [UInt8](repeating: 3, count: 60)) // Other accounts have their own.
        await server.stop()
    }

    // MARK: HTTP

    func testHealthShowsTheConnectionCountOnlyWithTheAdminToken() async throws {
        let server = try await TestServer.start(adminToken: "secret-admin-token")
        let alice = try await server.participant()
        let anonymous = try await server.http("GET", "/")
        XCTAssertEqual(anonymous.status, 200)
        XCTAssertNil(anonymous.json?["connections"], anonymous.text)
        let wrongToken = try await server.http("GET", "/", headers: ["Authorization": "Bearer not-the-token"])
        XCTAssertNil(wrongToken.json?["connections"], wrongToken.text)
        let admin = try await server.http("GET", "/", headers: ["Authorization": "Bearer secret-admin-token"])
        XCTAssertEqual(admin.json?["connections"], 1, admin.text)
        _ = await alice.session.close()
        await server.stop()
    }

    // MARK: Clients that leave or do not read

    func testRequestsQueuedWhenTheClientResetsAreDroppedUnhandled() async throws {
        let server = try await TestServer.start()
        let alice = try await server.participant()
        let space = try await alice.createSpace()
        let requestCount = 300
        let requests = (0..<requestCount).map { index in
            ClientMessage.createUpdate(alice.identity.createUpdate(spaceId: space.id, update: [UInt8(index % 256)]))
                .jsonString()
        }
        let abuser = try RawConnection(port: server.server.port, token: alice.identity.sessionToken)
        abuser.sendFrames(requests)
        abuser.reset()
        let closed = try await server.awaitLogLines(containing: "connection.close", "dropped_requests=")
        XCTAssertEqual(closed.count, 1, "the reset connection's queued requests were dropped: \(server.logs.all)")
        let stored = try await alice.subscribe(space.id).updates?.updates.count ?? 0
        XCTAssertLessThan(stored, requestCount)
        try await Task.sleep(for: TestServer.quietPeriod)
        let later = try await server.storage.updates(
            spaceId: space.id, afterClock: nil, throughClock: nil, maximumBytes: .max, maximumCount: .max)
        XCTAssertEqual(later.updates.count, stored, "no request ran after the connection had gone")
        await server.stop()
    }

    func testSubscriberThatDoesNotReadIsClosedWith1013() async throws {
        var limits = ServerLimits()
        limits.maximumUpdateBytes = 256 * 1024
        limits.maximumReplyBytes = 1_100 * 1024
        limits.slowReaderTimeout = .milliseconds(500)
        let server = try await TestServer.start(limits: limits)
        let alice = try await server.participant()
        let space = try await alice.createSpace()
        // 24 MiB, more than the kernel's loopback buffers hold, written to the store directly (fast); the server
        // does not check stored signatures when it sends them.
        let signature = SignatureRecord(hex: String(repeating: "1", count: 128), recovery: 0)
        for index in 0..<96 {
            _ = try await server.storage.appendUpdate(
                spaceId: space.id, accountAddress: alice.account,
                update: [UInt8](repeating: UInt8(index), count: 256 * 1024),
                signature: signature, updateId: RandomIdentifiers.uuid())
        }
        var configuration = WebSocketConfiguration()
        configuration.inboundBufferLimit = 1024 // Stops reading the socket almost at once while events are not taken.
        configuration.inboundMessageLimit = 1
        let url = server.url + "?token=\(alice.identity.sessionToken ?? "")"
        let subscriber = try await WebSocketClient.connect(to: url, configuration: configuration)
        subscriber.send(text: ClientMessage.subscribeSpace(SubscribeSpaceRequest(id: space.id)).jsonString())
        // The server closes at the slow-reader timeout; as this side does not read, the connection ends when the
        // close handshake times out (5 s). Reading only afterwards proves that nothing had to be read to be closed.
        let closes = try await server.awaitLogLines(within: 20, containing: "connection.close", "code=1013")
        guard closes.count == 1, server.logLines(containing: "type=subscribe-space", "outcome=abandoned").count == 1
        else {
            return XCTFail("the subscriber was not closed: \(server.logs.all.suffix(5).joined(separator: "\n"))")
        }
        var closeCode: WebSocketCloseCode?
        for await event in subscriber.events { // Reads what was queued, then the close.
            if case .closed(let code, _) = event {
                closeCode = code
                break
            }
        }
        // The 1013 close frame waits behind the unread parts, so a subscriber that reads only after the server gave
        // up on the handshake sees the connection end (1006); one that reads in time sees 1013.
        XCTAssertNotNil(closeCode, "the subscriber's connection ended")
        let status = await alice.session.closeStatus
        XCTAssertNil(status, "the other connection of the account stays open")
        await server.stop()
    }
}
