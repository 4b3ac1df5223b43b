import HypergraphJSON
import HypergraphProtocol
import HypergraphWebSocket
import XCTest

@_spi(Testing) @testable import HypergraphClient

final class EventStreamTests: XCTestCase {
    /// Answers "push" with frames a client must surface, not drop.
    private static let pushScript: FakeServer.Script = { text, peer in
        switch text {
        case "push":
            peer.send(text: #"{"type":"space-renamed","spaceId":"s","name":"New"}"#)
            peer.send(text: "{not json")
            peer.send(text: #"{"type":"error","code":"forbidden","message":"m","spaceId":null}"#)
            peer.socket.send(binary: [0xde, 0xad])
            peer.send(.listSpaces(ListSpacesResponse(spaces: [])))
        case "close":
            peer.socket.close(code: .goingAway, reason: "bye")
        case let other where other.hasPrefix("echo "):
            peer.send(text: String(other.dropFirst(5)))
        default:
            await FakeServer.standardReplies(text, peer)
        }
    }

    func testUnknownTypesAndUndecodableFramesAreSurfacedInOrder() async throws {
        let server = try await FakeServer.start(script: Self.pushScript)
        let session = try await HypergraphClient.connect(url: server.url, token: validToken)
        try await session.sendRaw(text: "push")

        let unknown = try await session.nextMessage(timeout: .seconds(10))
        XCTAssertEqual(
            unknown, .unknown(type: "space-renamed", raw: ["type": "space-renamed", "spaceId": "s", "name": "New"]))

        do {
            _ = try await session.nextMessage(timeout: .seconds(10))
            XCTFail("invalid JSON decoded")
        } catch .undecodableFrame(let frame) {
            XCTAssertEqual(frame.payload, .text("{not json"))
            XCTAssertFalse(frame.reason.isEmpty)
        }

        guard case .undecodable(let nullFrame) = try await session.nextEvent(timeout: .seconds(10)) else {
            return XCTFail("a null optional member decoded")
        }
        XCTAssertTrue(nullFrame.reason.contains("spaceId"), nullFrame.reason)

        guard case .undecodable(let binary) = try await session.nextEvent(timeout: .seconds(10)) else {
            return XCTFail("a binary frame was not surfaced as undecodable")
        }
        XCTAssertEqual(binary.payload, .binary([0xde, 0xad]))
        XCTAssertTrue(binary.description.contains("0xdead"), binary.description)

        let last = try await session.nextMessage(timeout: .seconds(10))
        XCTAssertEqual(last, .listSpaces(ListSpacesResponse(spaces: [])))
        await session.close()
        await server.shutdown()
    }

    func testNextMessageWhereTakesTheFirstMatchAndLeavesTheRest() async throws {
        let server = try await FakeServer.start(script: Self.pushScript)
        let session = try await HypergraphClient.connect(url: server.url, token: validToken)
        try await session.sendRaw(text: "push")
        let list = try await session.nextMessage("list-spaces", timeout: .seconds(10)) { $0.type == "list-spaces" }
        XCTAssertEqual(list.type, "list-spaces")
        let rest = await session.drainEvents()
        XCTAssertEqual(rest.count, 4)
        do {
            _ = try await session.nextMessage("space", timeout: .milliseconds(20)) { $0.type == "space" }
            XCTFail("nothing was sent")
        } catch {
            XCTAssertEqual(error, .timedOut(waitingFor: "space", after: .milliseconds(20)))
        }
        await session.close()
        await server.shutdown()
    }

    func testTheStreamEndsWithClosedAndEndingAStreamKeepsTheQueue() async throws {
        let server = try await FakeServer.start(script: Self.pushScript)
        let session = try await HypergraphClient.connect(url: server.url, token: validToken)
        try await session.sendRaw(text: #"echo {"type":"one"}"#)
        try await session.sendRaw(text: #"echo {"type":"two"}"#)
        for await event in session.events {
            XCTAssertEqual(event, .message(.unknown(type: "one", raw: ["type": "one"])))
            break
        }
        let two = try await session.nextEvent(timeout: .seconds(10))
        XCTAssertEqual(two, .message(.unknown(type: "two", raw: ["type": "two"])))

        let blocked = Task {
            var seen: [HypergraphSessionEvent] = []
            for await event in session.events { seen.append(event) }
            return seen
        }
        blocked.cancel()
        let seenByCancelled = await blocked.value
        XCTAssertEqual(seenByCancelled, [])

        try await session.sendRaw(text: #"echo {"type":"three"}"#)
        try await session.sendRaw(text: "close")
        var events: [HypergraphSessionEvent] = []
        for await event in session.events { events.append(event) }
        XCTAssertEqual(
            events,
            [.message(.unknown(type: "three", raw: ["type": "three"])), .closed(code: .goingAway, reason: "bye")])
        do {
            _ = try await session.nextEvent(timeout: .seconds(1))
            XCTFail("an event after closed")
        } catch {
            XCTAssertEqual(error, .closed(code: .goingAway, reason: "bye"))
        }
        await server.shutdown()
    }

    func testRawSendsReachTheServerAsTheyAre() async throws {
        let server = try await FakeServer.start()
        let session = try await HypergraphClient.connect(url: server.url, token: validToken)
        try await session.sendRaw(text: "{not json")
        let error = try await session.nextMessage(timeout: .seconds(10))
        guard case .error(let response) = error else { return XCTFail("expected an error, got \(error)") }
        XCTAssertEqual(response.code, .invalidJson)

        try await session.sendRaw(binary: [1, 2, 3])
        try await session.sendFrame(
            WebSocketFrame(
                opcode: .text, maskingKey: WebSocketMaskingKey(1, 2, 3, 4),
                payload: Array(#"{"type":"list-spaces"}"#.utf8)))
        _ = try await session.nextMessage("list-spaces", timeout: .seconds(10)) { $0.type == "list-spaces" }
        let texts = await server.log.texts
        let binaries = await server.log.binaries
        XCTAssertEqual(texts, ["{not json", #"{"type":"list-spaces"}"#])
        XCTAssertEqual(binaries, [[1, 2, 3]])
        await session.close()
        await server.shutdown()
    }

    func testTheTranscriptRecordsBothDirectionsInOrder() async throws {
        let server = try await FakeServer.start()
        let session = try await HypergraphClient.connect(url: server.url, token: validToken)
        _ = try await session.listSpaces()
        try await session.ping([7])
        try await waitUntil { await session.transcript.entries.contains { $0.content == .pong([7]) } }
        _ = await session.close()
        let transcript = await session.transcript
        let entries = Array(transcript.entries)
        XCTAssertGreaterThanOrEqual(entries.count, 5)
        guard entries.count >= 5 else { return }
        XCTAssertEqual(entries[0].direction, .sent)
        XCTAssertEqual(entries[0].content, .data(.text(#"{"type":"list-spaces"}"#)))
        XCTAssertEqual(entries[1].direction, .received)
        XCTAssertEqual(
            entries[1].content, .data(.text(#"{"type":"list-spaces","spaces":[{"id":"space-1","name":"One"}]}"#)))
        XCTAssertEqual(entries[2].content, .ping([7]))
        XCTAssertTrue(entries.contains { $0.content == .pong([7]) && $0.direction == .received })
        XCTAssertEqual(entries.last?.content, .close(code: .normalClosure, reason: ""))
        XCTAssertEqual(entries.map(\.elapsed), entries.map(\.elapsed).sorted())
        let text = transcript.description
        XCTAssertTrue(text.contains(#"→ text {"type":"list-spaces"}"#), text)
        XCTAssertTrue(text.contains("← text {\"type\":\"list-spaces\",\"spaces\""), text)
        await server.shutdown()
    }

    func testTheTranscriptKeepsTheMostRecentEntries() {
        var transcript = Transcript(limit: 3)
        for index in 0..<10 {
            transcript.append(
                Transcript.Entry(
                    elapsed: .milliseconds(index), date: Date(), direction: .sent, content: .data(.text("\(index)"))))
        }
        XCTAssertEqual(transcript.entries.map(\.content), [.data(.text("7")), .data(.text("8")), .data(.text("9"))])
        XCTAssertEqual(transcript.omittedCount, 7)
        XCTAssertTrue(
            transcript.description.hasPrefix("(7 earlier entries omitted)\n+7.000 ms → text 7"), transcript.description)

        var none = Transcript(limit: 0)
        none.append(Transcript.Entry(elapsed: .zero, date: Date(), direction: .received, content: .pong([])))
        XCTAssertTrue(none.entries.isEmpty)
        XCTAssertEqual(none.omittedCount, 1)

        let long = Transcript.Content.data(.text(String(repeating: "x", count: 50))).rendered(payloadLimit: 10)
        XCTAssertEqual(long, "text xxxxxxxxxx… (50 characters)")
    }

    func testDrainingAfterAQuietPeriodCollectsWhatArrived() async throws {
        let server = try await FakeServer.start(script: Self.pushScript)
        let session = try await HypergraphClient.connect(url: server.url, token: validToken)
        let nothing = try await session.drainEvents(after: .milliseconds(20))
        XCTAssertEqual(nothing, [])
        try await session.sendRaw(text: #"echo {"type":"late"}"#)
        try await waitUntil { await server.log.texts.count == 1 }
        let late = try await session.nextEvent(timeout: .seconds(10))
        XCTAssertEqual(late, .message(.unknown(type: "late", raw: ["type": "late"])))
        await session.close()
        await server.shutdown()
    }
}
