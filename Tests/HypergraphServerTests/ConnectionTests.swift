// The connection lifecycle (§1): authentication at the handshake, early messages, serial processing, expiry, logs.
import HypergraphClient
import HypergraphProtocol
import HypergraphServer
import HypergraphStore
import HypergraphWebSocket
import XCTest

final class ConnectionTests: XCTestCase {
    func testRequestSentRightAfterOpeningIsAnswered() async throws {
        // §12 G4: the token is checked before the upgrade completes, so nothing sent on `open` is lost.
        let server = try await TestServer.start()
        let alice = try await server.identity()
        for _ in 0..<5 {
            let session = try await server.connect(alice)
            try await session.send(.listSpaces(ListSpacesRequest()))
            let reply = try await session.nextMessage(timeout: .seconds(5))
            XCTAssertEqual(reply, .listSpaces(ListSpacesResponse(spaces: [])))
            await session.close()
        }
        await server.stop()
    }

    func testRefusedTokensAreRejectedWith401BeforeTheUpgrade() async throws {
        let server = try await TestServer.start()
        let alice = try await server.identity()
        let token = try XCTUnwrap(alice.sessionToken)
        var expired = try IdentityProvisioning.make(IdentityRequest(), now: SQLiteStoreConfiguration.systemClock())
        expired.record.sessionTokenExpiresAt -= IdentityProvisioning.defaultLifetimeMilliseconds + 1_000
        try await server.storage.createIdentity(expired.record)
        let cases: [(String, String)] = [
            ("missing", server.url),
            ("empty", server.url + "?token="),
            ("repeated", server.url + "?token=\(token)&token=\(token)"),
            ("unknown", server.url + "?token=" + String(repeating: "ab", count: 32)),
            ("expired", server.url + "?token=" + expired.record.sessionToken),
        ]
        for (name, url) in cases {
            do {
                let session = try await HypergraphClient.connect(url: url, token: nil)
                XCTFail(
                    "\(name): the upgrade was accepted; first event: \(String(describing: try? await session.nextEvent(timeout: .seconds(1))))"
                )
            } catch .connectionFailed(.handshakeRejected(let status, _, _, let body)) {
                XCTAssertEqual(status, 401, name)
                let json = try JSONSerialization.jsonObject(with: Data(body)) as? [String: Any]
                XCTAssertEqual(json?["error"] as? String, "unauthorized", name)
            } catch {
                XCTFail("\(name): \(error)")
            }
        }
        XCTAssertEqual(server.logLines(containing: "event=connection.refused", "status=401").count, cases.count)
        XCTAssertEqual(server.server.connectionCount, 0)
        await server.stop()
    }

    func testRequestsOfOneConnectionAreAnsweredInArrivalOrder() async throws {
        // §12 G7: writes and reads alternate; the replies must come back in the order the requests were sent.
        let server = try await TestServer.start()
        let alice = try await server.participant()
        let space = try await alice.createSpace()
        var expected: [String] = []
        for index in 0..<40 {
            if index % 2 == 0 {
                try await alice.session.send(
                    .createUpdate(alice.identity.createUpdate(spaceId: space.id, update: [UInt8(index)])))
                expected.append("update-confirmed")
            } else {
                try await alice.session.send(.listInvitations(ListInvitationsRequest()))
                expected.append("list-invitations")
            }
        }
        var received: [String] = []
        var clocks: [Int] = []
        for _ in expected {
            let message = try await alice.session.nextMessage(timeout: .seconds(10))
            received.append(message.type)
            if case .updateConfirmed(let confirmation) = message { clocks.append(confirmation.clock) }
        }
        XCTAssertEqual(received, expected)
        XCTAssertEqual(clocks, Array(0..<20))
        await server.stop()
    }

    func testConnectionIsClosedWith4401WhenItsTokenExpires() async throws {
        let server = try await TestServer.start()
        var provisioned = try IdentityProvisioning.make(IdentityRequest(), now: SQLiteStoreConfiguration.systemClock())
        provisioned.record.sessionTokenExpiresAt = SQLiteStoreConfiguration.systemClock() + 300
        try await server.storage.createIdentity(provisioned.record)
        let session = try await HypergraphClient.connect(url: server.url, token: provisioned.record.sessionToken)
        _ = try await session.listSpaces()
        let status = try await session.waitForClose(timeout: .seconds(10))
        XCTAssertEqual(status.code.rawValue, 4401)
        XCTAssertEqual(status.reason, "session token expired")
        await server.stop()
    }

    func testRequestsAndRejectionsAreLoggedOnOneLineEach() async throws {
        let server = try await TestServer.start()
        let alice = try await server.participant()
        _ = try await alice.session.listSpaces()
        try await alice.session.sendRaw(text: "{nope")
        _ = try await alice.session.nextMessage(timeout: .seconds(5))
        let ok = try await server.awaitLogLines(
            containing: "event=request", "type=list-spaces", "outcome=ok", "duration_ms=")
        XCTAssertEqual(ok.count, 1)
        XCTAssertTrue(ok.first?.contains("level=info") ?? false)
        XCTAssertTrue(ok.first?.contains(" conn=") ?? false)
        let rejected = try await server.awaitLogLines(
            containing: "event=request", "outcome=rejected", "code=invalid-json", "reason=")
        XCTAssertEqual(rejected.count, 1)
        XCTAssertTrue(rejected.first?.contains("level=warn") ?? false)
        XCTAssertFalse(server.logs.all.contains { $0.contains("\n") })
        await server.stop()
    }

    func testShutdownClosesConnectionsWithGoingAway() async throws {
        let server = try await TestServer.start()
        let alice = try await server.participant()
        _ = try await alice.session.listSpaces()
        async let status = alice.session.waitForClose(timeout: .seconds(10))
        await server.stop()
        let closed = try await status
        XCTAssertEqual(closed.code, .goingAway)
    }
}
