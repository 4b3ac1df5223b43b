// Issue 11 §3: sessions that reconnect — the backoff policy, what is delivered across a reconnection (exactly once,
// in order), requests in flight, giving up; against scripted fakes and two reference servers sharing one SQLite file.
import Foundation
import HypergraphJSON
import HypergraphProtocol
import HypergraphServer
import HypergraphStore
import XCTest

@testable import HypergraphClient

/// A random number generator that always returns `value`.
private struct FixedRandom: RandomNumberGenerator {
    let value: UInt64
    mutating func next() -> UInt64 { value }
}

/// A policy that reconnects quickly, for tests.
private func quickly(attempts: Int?) -> HypergraphClientConfiguration {
    var configuration = HypergraphClientConfiguration()
    configuration.reconnect = HypergraphReconnectPolicy(
        initialDelay: .milliseconds(10), maximumDelay: .milliseconds(100), jitter: 0, maximumAttempts: attempts)
    return configuration
}

/// `count` updates from clock `first`, signed by a random identity.
private func updates(from first: Int, count: Int) -> Updates {
    let identity = HypergraphIdentity.random()
    let signed = (first..<first + count).map { clock in
        let request = identity.createUpdate(spaceId: "space-1", update: [UInt8(clock)])
        return SignedUpdate(
            update: request.update, accountAddress: request.accountAddress, signature: request.signature,
            updateId: request.updateId)
    }
    return Updates(updates: signed, firstUpdateClock: first, lastUpdateClock: first + count - 1)
}

/// The clocks of the `updates-notification` messages among `events`, in order.
private func notifiedClocks(_ events: [HypergraphSessionEvent]) -> [Int] {
    events.flatMap { event -> [Int] in
        guard case .message(.updatesNotification(let notification)) = event else { return [] }
        return Array(notification.updates.firstUpdateClock...notification.updates.lastUpdateClock)
    }
}

final class FailoverTests: XCTestCase {
    func testBackoffGrowsToTheCapWithItsJitteredFraction() {
        let policy = HypergraphReconnectPolicy(
            initialDelay: .milliseconds(100), multiplier: 2, maximumDelay: .seconds(1), jitter: 0.5, maximumAttempts: 3)
        var low = FixedRandom(value: 0)
        var high = FixedRandom(value: .max)
        XCTAssertEqual(policy.delay(beforeAttempt: 1, using: &low), .milliseconds(50))
        XCTAssertEqual(policy.delay(beforeAttempt: 3, using: &low), .milliseconds(200))
        XCTAssertEqual(
            policy.delay(beforeAttempt: 5, using: &low), .milliseconds(500), "capped at 1 s, half of it random")
        XCTAssertEqual(policy.delay(beforeAttempt: 1_000, using: &low), .milliseconds(500), "no overflow far out")
        XCTAssertEqual(policy.delay(beforeAttempt: 1, using: &high), .milliseconds(100))
        XCTAssertEqual(policy.delay(beforeAttempt: 4, using: &high), .milliseconds(800))

        var exact = HypergraphReconnectPolicy(initialDelay: .milliseconds(30), multiplier: 3, jitter: 0)
        XCTAssertEqual(exact.delay(beforeAttempt: 3, using: &high), .milliseconds(270))
        exact.jitter = 1
        XCTAssertEqual(exact.delay(beforeAttempt: 3, using: &low), .zero, "full jitter may retry at once")

        XCTAssertTrue(policy.allows(attempt: 3))
        XCTAssertFalse(policy.allows(attempt: 4))
        XCTAssertFalse(HypergraphReconnectPolicy.disabled.isEnabled)
        XCTAssertFalse(HypergraphReconnectPolicy.disabled.allows(attempt: 1))
        XCTAssertTrue(HypergraphReconnectPolicy(maximumAttempts: nil).allows(attempt: .max))
        XCTAssertEqual(HypergraphReconnectPolicy.standard.maximumAttempts, 10)
        XCTAssertEqual(HypergraphClientConfiguration().reconnect, .disabled)
    }

    func testDeliveryTrackingDropsWhatWasDeliveredAndOwnUpdates() {
        XCTAssertEqual(
            SpaceDelivery(snapshot: snapshot(id: "space-1", name: "S"), lastKnownUpdateClock: 8).lastClock, 8)
        var space = SpaceDelivery(snapshot: snapshot(id: "space-1", name: "S"), lastKnownUpdateClock: nil)
        XCTAssertEqual(space.lastClock, -1)
        let first = space.undelivered(updates(from: 0, count: 3))
        XCTAssertEqual(first.map(\.firstUpdateClock), [0])
        space.confirm(clock: 4) // own update; 3 is someone else's, not yet delivered
        XCTAssertEqual(space.lastClock, 2)
        let gap = space.undelivered(updates(from: 0, count: 7))
        XCTAssertEqual(gap.map { [$0.firstUpdateClock, $0.lastUpdateClock] }, [[3, 3], [5, 6]])
        XCTAssertEqual(space.lastClock, 6)
        XCTAssertEqual(space.undelivered(updates(from: 6, count: 1)).count, 0)
        space.confirm(clock: 7)
        XCTAssertEqual(space.lastClock, 7, "an own update right after the last delivered one moves it on")
    }

    /// The connection drops while a `create-update` is in flight: it fails with `.connectionLost`; the session
    /// reconnects to the next URL, resubscribes from the last delivered clock, and of a snapshot that ignores that
    /// clock (like the TypeScript server) delivers only the space events and updates it had not delivered.
    func testInFlightRequestFailsAndTheNextNodeFillsTheGapExactlyOnce() async throws {
        let spaceEvents = (0..<3).map { _ in
            SpaceEvent.createSpace(HypergraphIdentity.random().createSpaceEvent(name: "E").event)
        }
        let first = try await FakeServer.start { text, peer in
            switch try? ClientMessage(json: text) {
            case .subscribeSpace(let request):
                var head = snapshot(id: request.id, name: "S")
                head.events = [spaceEvents[0]]
                peer.send(.space(head))
                peer.send(
                    .updatesNotification(
                        UpdatesNotificationResponse(spaceId: request.id, updates: updates(from: 0, count: 3))))
                peer.send(.spaceEvent(SpaceEventResponse(spaceId: request.id, event: spaceEvents[1])))
            case .createUpdate:
                peer.socket.close(code: .goingAway, reason: "node stopping")
            default:
                await FakeServer.standardReplies(text, peer)
            }
        }
        let second = try await FakeServer.start { text, peer in
            if case .subscribeSpace(let request) = try? ClientMessage(json: text) {
                var full = snapshot(id: request.id, name: "S")
                full.events = spaceEvents
                full.updates = updates(from: 0, count: 5)
                peer.send(.space(full))
            } else {
                await FakeServer.standardReplies(text, peer)
            }
        }
        let session = try await HypergraphClient.connect(
            urls: [first.url, second.url], token: validToken, configuration: quickly(attempts: 5))
        _ = try await session.subscribe(spaceId: "space-1")
        let live = try await session.nextMessage(timeout: .seconds(10))
        XCTAssertEqual(notifiedClocks([.message(live)]), [0, 1, 2])
        let liveEvent = try await session.nextMessage(timeout: .seconds(10))
        XCTAssertEqual(liveEvent, .spaceEvent(SpaceEventResponse(spaceId: "space-1", event: spaceEvents[1])))

        let update = HypergraphIdentity.random().createUpdate(spaceId: "space-1", update: [1])
        do {
            _ = try await session.createUpdate(update, timeout: .seconds(10))
            XCTFail("the request whose connection dropped succeeded")
        } catch {
            XCTAssertEqual(error, .connectionLost(code: .goingAway, reason: "node stopping"))
        }
        var events: [HypergraphSessionEvent] = []
        while events.last.map({ if case .reconnected = $0 { false } else { true } }) ?? true {
            events.append(try await session.nextEvent(timeout: .seconds(10)))
        }
        XCTAssertEqual(events.first, .disconnected(code: .goingAway, reason: "node stopping"))
        XCTAssertEqual(events.last, .reconnected(url: second.url))
        XCTAssertEqual(notifiedClocks(events), [3, 4])
        let missedEvents = events.compactMap { event -> SpaceEvent? in
            if case .message(.spaceEvent(let response)) = event { response.event } else { nil }
        }
        XCTAssertEqual(missedEvents, [spaceEvents[2]])
        XCTAssertEqual(session.remoteAddress, "127.0.0.1:\(second.port)")
        let resubscription = await second.log.texts.compactMap { text -> SubscribeSpaceRequest? in
            if case .subscribeSpace(let request) = try? ClientMessage(json: text) { request } else { nil }
        }
        XCTAssertEqual(resubscription.map(\.lastKnownUpdateClock), [2])
        // The same session goes on working on the new node.
        let confirmation = try await session.createUpdate(update)
        XCTAssertEqual(confirmation.updateId, update.updateId)
        await session.close()
        await first.shutdown()
        await second.shutdown()
    }

    /// With nothing to reconnect to, the session gives up after the policy's attempts and ends with `.closed`;
    /// while it tries, requests fail with `.connectionLost` at once.
    func testGivesUpAfterTheAttemptLimit() async throws {
        let server = try await FakeServer.start()
        let session = try await HypergraphClient.connect(
            urls: [server.url], token: validToken, configuration: quickly(attempts: 3))
        _ = try await session.listSpaces()
        await server.shutdown()
        guard case .disconnected = try await session.nextEvent(timeout: .seconds(10)) else {
            return XCTFail("no disconnected event")
        }
        let ending = try await session.nextEvent(timeout: .seconds(10))
        guard case .closed(_, let reason) = ending else { return XCTFail("got \(ending)") }
        XCTAssertTrue(reason.hasPrefix("gave up reconnecting after 3 attempt(s)"), reason)
        let tokens = await server.log.tokens
        XCTAssertEqual(tokens.count, 1, "the server was gone for every attempt")
        do {
            _ = try await session.listSpaces()
            XCTFail("a request on a session that gave up succeeded")
        } catch {
            guard case .closed = error else { return XCTFail("got \(error)") }
        }
    }

    func testRequestsWhileReconnectingFailAtOnceAndCloseEndsTheSession() async throws {
        let server = try await FakeServer.start()
        var configuration = HypergraphClientConfiguration()
        configuration.reconnect = HypergraphReconnectPolicy(initialDelay: .seconds(60), jitter: 0)
        let session = try await HypergraphClient.connect(
            urls: [server.url], token: validToken, configuration: configuration)
        await server.shutdown()
        _ = try await session.nextEvent(timeout: .seconds(10))
        do {
            _ = try await session.listSpaces()
            XCTFail("a request while reconnecting succeeded")
        } catch {
            guard case .connectionLost = error else { return XCTFail("got \(error)") }
        }
        let status = await session.close()
        XCTAssertEqual(status.code, .normalClosure)
        let last = try await session.nextEvent(timeout: .seconds(1))
        XCTAssertEqual(last, .closed(code: .normalClosure, reason: ""))
    }

    /// Two reference servers share one SQLite file; a writer and a subscriber on the first. The first stops while
    /// the writer keeps writing (resending an update whose request was lost, §12 G9); both fail over to the second,
    /// and the subscriber sees clocks 0…K−1 exactly once, in order (whether it resubscribed before or after the
    /// writer's next updates).
    func testSubscriberSeesEveryClockOnceAcrossANodeStopping() async throws {
        let nodes = try await TwoNodes.start()
        let alice = try await nodes.identity()
        let writer = try await HypergraphClient.connect(
            urls: nodes.urls, token: alice.sessionToken, configuration: quickly(attempts: 50))
        let subscriber = try await HypergraphClient.connect(
            urls: nodes.urls, token: alice.sessionToken, configuration: quickly(attempts: 50))
        let space = try await writer.createSpace(alice.createSpaceEvent(name: "Failover"))
        _ = try await subscriber.subscribe(spaceId: space.id)

        let count = 60
        let received = collectUpdates(of: subscriber, through: count - 1)
        for index in 0..<count {
            if index == count / 3 { await nodes.first.shutdown() }
            try await write(clock: index, by: alice, in: space.id, on: writer)
        }
        let events = try await received.value
        XCTAssertEqual(notifiedClocks(events), Array(0..<count))
        XCTAssertTrue(events.contains { if case .disconnected = $0 { true } else { false } })
        XCTAssertTrue(events.contains(.reconnected(url: nodes.urls[1])))
        await writer.close()
        await subscriber.close()
        await nodes.stop()
    }

    /// The updates missed while the subscriber was on a node that did not see them (no fan-out across SQLite nodes)
    /// arrive in the resubscription's snapshot, which the server sends in parts; live updates written meanwhile are
    /// held back until the parts are in.
    func testResubscriptionSnapshotInPartsIsDeliveredInOrder() async throws {
        let limits = ServerLimits.snapshotsInParts(updateBytes: 512, replyBytes: 8 * 1024)
        let nodes = try await TwoNodes.start(limits: limits)
        let alice = try await nodes.identity()
        let subscriber = try await HypergraphClient.connect(
            urls: nodes.urls, token: alice.sessionToken, configuration: quickly(attempts: 50))
        var writer = try await HypergraphClient.connect(url: nodes.urls[0], token: alice.sessionToken)
        let space = try await writer.createSpace(alice.createSpaceEvent(name: "Parts"))
        _ = try await subscriber.subscribe(spaceId: space.id)
        let received = collectUpdates(of: subscriber, through: 59)
        let payload = [UInt8](repeating: 9, count: 500)
        for index in 0..<60 {
            if index == 20 {
                await writer.close()
                writer = try await HypergraphClient.connect(url: nodes.urls[1], token: alice.sessionToken)
            }
            if index == 40 { await nodes.first.shutdown() }
            try await write(clock: index, by: alice, in: space.id, on: writer, payload: payload)
        }
        let events = try await received.value
        XCTAssertEqual(notifiedClocks(events), Array(0..<60))
        let partial = await subscriber.transcript.entries.contains { entry in
            guard case .data(.text(let text)) = entry.content else { return false }
            return text.contains("\"snapshotLastUpdateClock\"")
        }
        XCTAssertTrue(partial, "the resubscription's snapshot came in parts")
        await writer.close()
        await subscriber.close()
        await nodes.stop()
    }

    /// Collects `session`'s events until an `updates-notification` reaches clock `last`.
    private func collectUpdates(
        of session: HypergraphSession, through last: Int
    ) -> Task<[HypergraphSessionEvent], any Error> {
        Task {
            var events: [HypergraphSessionEvent] = []
            while notifiedClocks(events).last != last {
                events.append(try await session.nextEvent(timeout: .seconds(30)))
            }
            return events
        }
    }

    /// Appends an update and checks it got `clock`, sending it again with the same `updateId` while the session
    /// reconnects (§12 G9: a repeat is confirmed with the clock first assigned).
    private func write(
        clock: Int, by identity: HypergraphIdentity, in spaceId: String, on session: HypergraphSession,
        payload: [UInt8] = [1]
    ) async throws {
        let update = identity.createUpdate(spaceId: spaceId, update: payload)
        while true {
            do {
                let confirmation = try await session.createUpdate(update)
                return XCTAssertEqual(confirmation.clock, clock)
            } catch .connectionLost {
                try await Task.sleep(for: .milliseconds(20))
            }
        }
    }
}

/// Two reference servers on one SQLite file (SQLite's locks serialise their writes).
private struct TwoNodes {
    let first: HypergraphServer
    let second: HypergraphServer
    let directory: URL

    static func start(limits: ServerLimits = ServerLimits()) async throws -> TwoNodes {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "hypergraph-failover-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let configuration = ServerConfiguration(
            port: 0, store: .sqlite(path: directory.appendingPathComponent("db.sqlite").path), logLevel: .error,
            logSink: LogSink { _ in }, limits: limits, shutdownGracePeriod: .seconds(1))
        return TwoNodes(
            first: try await HypergraphServer.start(configuration),
            second: try await HypergraphServer.start(configuration),
            directory: directory)
    }

    var urls: [String] { ["ws://127.0.0.1:\(first.port)", "ws://127.0.0.1:\(second.port)"] }

    func identity() async throws -> HypergraphIdentity {
        let provisioned = try await IdentityProvisioning.create(
            IdentityRequest(), in: first.storage, now: SQLiteStoreConfiguration.systemClock())
        return try HypergraphIdentity(json: JSONValue.parse(provisioned.jsonUTF8()))
    }

    /// Stops the second node (the first was stopped by the test) and removes the database.
    func stop() async {
        await second.shutdown()
        try? FileManager.default.removeItem(at: directory)
    }
}
