// `HypergraphHTTPClient` against the reference server in-process: inbox posts (§10.1–10.2), the public inbox reads
// (§10.3), the identity lookup (§10.4), and URL parsing.
import HypergraphClient
import HypergraphHTTP
import HypergraphJSON
import HypergraphProtocol
import HypergraphTLS
import HypergraphWebSocket
import XCTest

final class HTTPClientTests: XCTestCase {
    func testSignedSpaceInboxPostIsBroadcastAndTheInboxIsReadable() async throws {
        let server = try await ReferenceServer.start()
        let alice = try await server.identity()
        let session = try await server.connect(alice)
        let space = try await session.createSpace(alice.createSpaceEvent(name: "Mail"))
        let hash = try XCTUnwrap(space.lastEventHash)
        let inboxRequest = alice.createSpaceInboxEvent(
            spaceId: space.id, previousEventHash: hash, isPublic: true, authPolicy: .requiresAuth)
        let inboxId = inboxRequest.event.transaction.inboxId
        _ = try await session.createSpaceInbox(inboxRequest)
        _ = try await session.subscribe(spaceId: space.id)
        let http = HypergraphHTTPClient(host: "127.0.0.1", port: server.server.port)

        let anonymous = try await http.postSpaceInboxMessage(spaceId: space.id, inboxId: inboxId, ciphertext: "0x01")
        XCTAssertEqual(anonymous.status, 400, anonymous.text)
        XCTAssertEqual(anonymous.json?["error"]?.stringValue, "Signature and authorAccountAddress required")
        let posted = try await http.postSpaceInboxMessage(
            spaceId: space.id, inboxId: inboxId, ciphertext: "0xabcdef", author: alice)
        XCTAssertEqual(posted.status, 200, posted.text)
        XCTAssertEqual(posted.json, .object([:]))
        XCTAssertEqual(posted.header("CONTENT-TYPE")?.hasPrefix("application/json"), true)
        let broadcast = try await session.nextMessage("space-inbox-message", timeout: .seconds(10)) {
            $0.type == "space-inbox-message"
        }
        guard case .spaceInboxMessage(let message) = broadcast else { return XCTFail("got \(broadcast)") }
        XCTAssertEqual(message.inboxId, inboxId)
        XCTAssertEqual(message.message.ciphertext, "0xabcdef")
        XCTAssertEqual(message.message.authorAccountAddress, alice.accountAddress)

        let list = try await http.spaceInboxes(spaceId: space.id)
        XCTAssertEqual(list.status, 200, list.text)
        XCTAssertEqual(list.json?["inboxes"]?.arrayValue?.compactMap { $0["inboxId"]?.stringValue }, [inboxId])
        let single = try await http.spaceInbox(spaceId: space.id, inboxId: inboxId)
        XCTAssertEqual(single.json?["inbox"]?["inboxId"]?.stringValue, inboxId)
        await session.close()
        await server.stop()
    }

    func testAccountInboxPostAndIdentityLookup() async throws {
        let server = try await ReferenceServer.start()
        let alice = try await server.identity()
        let bob = try await server.identity()
        let session = try await server.connect(alice)
        let inbox = try await session.createAccountInbox(
            alice.createAccountInbox(isPublic: true, authPolicy: .optionalAuth))
        let http = try HypergraphHTTPClient(baseURL: "http://127.0.0.1:\(server.server.port)/ignored/path")

        let posted = try await http.postAccountInboxMessage(
            accountAddress: alice.accountAddress, inboxId: inbox.inbox.inboxId, ciphertext: "0x0102", author: bob)
        XCTAssertEqual(posted.status, 200, posted.text)
        let broadcast = try await session.nextMessage("account-inbox-message", timeout: .seconds(10)) {
            $0.type == "account-inbox-message"
        }
        guard case .accountInboxMessage(let message) = broadcast else { return XCTFail("got \(broadcast)") }
        XCTAssertEqual(message.message.ciphertext, "0x0102")
        XCTAssertEqual(message.message.authorAccountAddress, bob.accountAddress)
        let missing = try await http.postAccountInboxMessage(
            accountAddress: alice.accountAddress, inboxId: "0x" + String(repeating: "4", count: 64), ciphertext: "0x01")
        XCTAssertEqual(missing.status, 404, missing.text)

        let inboxes = try await http.accountInboxes(accountAddress: alice.accountAddress)
        XCTAssertEqual(
            inboxes.json?["inboxes"]?.arrayValue?.compactMap { $0["inboxId"]?.stringValue }, [inbox.inbox.inboxId])
        let single = try await http.accountInbox(accountAddress: alice.accountAddress, inboxId: inbox.inbox.inboxId)
        XCTAssertEqual(single.json?["inbox"]?["inboxId"]?.stringValue, inbox.inbox.inboxId)

        let found = try await http.identity(
            accountAddress: alice.accountAddress, signaturePublicKey: alice.signaturePublicKey)
        XCTAssertEqual(found.status, 200, found.text)
        XCTAssertEqual(found.json?["signaturePublicKey"]?.stringValue, alice.signaturePublicKey)
        let unknown = try await http.identity(accountAddress: alice.accountAddress, appId: "no-such-app")
        XCTAssertEqual(unknown.status, 404, unknown.text)
        await session.close()
        await server.stop()
    }

    func testBaseURLsAreParsedAndBadOnesRejected() throws {
        let v6 = try HypergraphHTTPClient(baseURL: "http://[::1]:8080")
        XCTAssertEqual(v6.host, "::1")
        XCTAssertEqual(v6.port, 8080)
        XCTAssertEqual(try HypergraphHTTPClient(baseURL: "http://example.test").port, 80)
        let secure = try HypergraphHTTPClient(baseURL: "https://example.test/ignored")
        XCTAssertEqual([secure.host, "\(secure.port)"], ["example.test", "443"])
        XCTAssertEqual(secure.tls, TLSClientConfiguration())
        XCTAssertNil(v6.tls)
        XCTAssertThrowsError(try HypergraphHTTPClient(baseURL: "ftp://example.test"))
        XCTAssertThrowsError(try HypergraphHTTPClient(baseURL: "http://example.test:99999"))
        XCTAssertThrowsError(try HypergraphHTTPClient(baseURL: "http://:80"))
    }

    func testUnreachableServerThrows() async throws {
        let server = try await ReferenceServer.start()
        let port = server.server.port
        await server.stop()
        let http = HypergraphHTTPClient(host: "127.0.0.1", port: port, timeout: .seconds(2))
        do {
            _ = try await http.request(method: "GET", path: "/")
            XCTFail("a request to a closed port must throw")
        } catch let error as HypergraphHTTPError {
            XCTAssertTrue(error.description.contains("127.0.0.1:\(port)"), error.description)
        }
    }

    func testRepeatedResponseHeadersAreAllKept() async throws {
        let server = WebSocketServer(
            httpHandler: { request in
                var response = HTTPResponse.text("cookies for \(request.headers.values(for: "X-Name"))")
                response.headers.add(name: "Set-Cookie", value: "a=1; Path=/")
                response.headers.add(name: "Via", value: "1.1 first")
                response.headers.add(name: "set-cookie", value: "b=2, c=3")
                response.headers.add(name: "Via", value: "1.1 second")
                return response
            },
            upgradeHandler: { _ in .reject(.text("no", status: 403)) })
        let port = try await server.start()
        let http = HypergraphHTTPClient(host: "127.0.0.1", port: port)
        let response = try await http.request(method: "GET", path: "/", headers: ["X-Name": "x", "x-name": "y"])
        XCTAssertEqual(response.text, #"cookies for ["x", "y"]"#, "repeated request headers reach the server too")
        XCTAssertEqual(response.headers.values(for: "SET-COOKIE"), ["a=1; Path=/", "b=2, c=3"])
        XCTAssertEqual(response.header("set-cookie"), "a=1; Path=/")
        XCTAssertEqual(response.headers.combinedValue(for: "via"), "1.1 first, 1.1 second")
        await server.shutdown()
    }
}
