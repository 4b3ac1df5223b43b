// The per-connection limits of docs/server.md: each refuses one request with an `error` and keeps the connection,
// except the transport's message-size limit, which closes it with 1009.
import HypergraphClient
import HypergraphProtocol
import HypergraphServer
import XCTest

final class LimitTests: XCTestCase {
    func testOversizedRequestIsRefusedAndTheConnectionStaysOpen() async throws {
        var limits = ServerLimits()
        limits.maximumRequestBytes = 2_048
        let server = try await TestServer.start(limits: limits)
        let alice = try await server.participant()
        let space = try await alice.createSpace()
        let large = alice.identity.createUpdate(spaceId: space.id, update: [UInt8](repeating: 7, count: 1_000))
        let error = try await alice.rejection(of: .createUpdate(large))
        XCTAssertEqual(error.code, .tooLarge)
        XCTAssertTrue(error.message.contains("2048"), error.message)
        _ = try await alice.createUpdate(space.id, [1])
        await server.stop()
    }

    func testMessagesBeyondTheTransportLimitCloseTheConnectionWith1009() async throws {
        var limits = ServerLimits()
        limits.maximumRequestBytes = 1_024
        limits.maximumMessageBytes = 4_096
        let server = try await TestServer.start(limits: limits)
        let alice = try await server.participant()
        try await alice.session.sendRaw(text: String(repeating: " ", count: 8_000))
        let status = try await alice.session.waitForClose(timeout: .seconds(5))
        XCTAssertEqual(status.code, .messageTooBig)
        await server.stop()
    }

    func testRequestsBeyondTheRateAreRefused() async throws {
        var limits = ServerLimits()
        limits.requestsPerSecond = 0
        limits.requestBurst = 3
        let server = try await TestServer.start(limits: limits)
        let alice = try await server.participant()
        for _ in 0..<3 { _ = try await alice.session.listSpaces() }
        let error = try await alice.rejection(of: .listSpaces(ListSpacesRequest()))
        XCTAssertEqual(error.code, .rateLimited)
        XCTAssertEqual(error.requestType, "list-spaces")
        let closeStatus = await alice.session.closeStatus
        XCTAssertNil(closeStatus)
        await server.stop()
    }

    func testSubscriptionsPerConnectionAreLimited() async throws {
        var limits = ServerLimits()
        limits.subscriptionsPerConnection = 1
        let server = try await TestServer.start(limits: limits)
        let alice = try await server.participant()
        let first = try await alice.createSpace()
        let second = try await alice.createSpace()
        try await alice.subscribe(first.id)
        try await alice.subscribe(first.id)
        let error = try await alice.rejection(of: .subscribeSpace(SubscribeSpaceRequest(id: second.id)))
        XCTAssertEqual(error.code, .forbidden)
        XCTAssertTrue(error.message.contains("1 spaces"), error.message)
        await server.stop()
    }
}
