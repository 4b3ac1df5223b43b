// Several server nodes on one PostgreSQL database: every broadcast reaches the connections of every node, in clock
// order and exactly once, also when a node's LISTEN connection is cut; GET /health tells a load balancer the truth.
import HypergraphClient
import HypergraphPostgres
import HypergraphProtocol
import HypergraphServer
import PostgresTestSupport
import Synchronization
import XCTest

final class MultiNodeTests: XCTestCase {
    /// A cluster and `count` in-process nodes on one new database of it.
    private struct Nodes {
        let cluster: PostgresTestCluster
        let nodes: [TestServer]

        static func start(_ count: Int) async throws -> Nodes {
            if let reason = PostgresTestCluster.unavailableReason { throw XCTSkip(reason) }
            let cluster = try await PostgresTestCluster.start()
            var nodes: [TestServer] = []
            for _ in 0..<count {
                nodes.append(try await TestServer.start(store: .postgres(cluster.configuration())))
            }
            return Nodes(cluster: cluster, nodes: nodes)
        }

        func stop() async {
            for node in nodes { await node.stop() }
            await cluster.stop()
        }
    }

    /// Writers on both nodes append to one space; subscribers on both nodes see clocks 0…K−1 once each, in order,
    /// minus their own (sender exclusion).
    func testUpdatesReachSubscribersOnEveryNodeInClockOrderExactlyOnce() async throws {
        let nodes = try await Nodes.start(2)
        let (a, b) = (nodes.nodes[0], nodes.nodes[1])
        let alice = try await a.participant()
        let bob = try await b.participant()
        let space = try await a.sharedSpace(owner: alice, member: bob)
        let aliceReader = try await a.secondSession(of: alice)
        let bobReader = try await b.secondSession(of: bob)
        try await aliceReader.subscribe(space.id)
        try await bobReader.subscribe(space.id)
        try await settle([aliceReader.session, bobReader.session])

        let perWriter = 40
        try await withThrowingTaskGroup(of: Void.self) { group in
            for writer in [alice, bob] {
                group.addTask {
                    for index in 0..<perWriter { _ = try await writer.createUpdate(space.id, [UInt8(index)]) }
                }
            }
            try await group.waitForAll()
        }
        for reader in [aliceReader, bobReader] {
            let clocks = try await Self.notifiedClocks(reader.session, count: 2 * perWriter)
            XCTAssertEqual(clocks, Array(0..<(2 * perWriter)), "every clock once, in order")
        }
        await nodes.stop()
    }

    /// The invitee connected to another node gets its `list-invitations` push; other subscribers there get the
    /// events; account broadcasts cross nodes too.
    func testEventsInvitationPushesAndAccountBroadcastsCrossNodes() async throws {
        let nodes = try await Nodes.start(2)
        let (a, b) = (nodes.nodes[0], nodes.nodes[1])
        let alice = try await a.participant()
        let bob = try await b.participant()
        let space = try await alice.createSpace(name: "Cross")
        let aliceOnB = try await b.connect(alice.identity)
        _ = try await aliceOnB.subscribe(spaceId: space.id)
        try await settle([aliceOnB, bob.session])

        try await a.invite(bob, to: space, by: alice)
        let push = try await bob.session.nextMessage("list-invitations", timeout: .seconds(5)) {
            $0.type == "list-invitations"
        }
        guard case .listInvitations(let invitations) = push else { return XCTFail("\(push)") }
        XCTAssertEqual(invitations.invitations.map(\.spaceId), [space.id])
        let event = try await aliceOnB.nextMessage("space-event", timeout: .seconds(5)) { $0.type == "space-event" }
        XCTAssertEqual(event.type, "space-event")

        let inbox = try await alice.session.createAccountInbox(
            alice.identity.createAccountInbox(isPublic: true, authPolicy: .anonymous))
        let announced = try await aliceOnB.nextMessage("account-inbox", timeout: .seconds(5)) {
            $0.type == "account-inbox"
        }
        guard case .accountInbox(let received) = announced else { return XCTFail("\(announced)") }
        XCTAssertEqual(received.inbox, inbox.inbox)
        await aliceOnB.close()
        await nodes.stop()
    }

    /// The LISTEN connection of node B is terminated while node A writes: B reconnects, reads what it missed, and
    /// its subscriber still sees every clock exactly once, in order.
    func testATerminatedListenConnectionMissesNothingAndRepeatsNothing() async throws {
        let nodes = try await Nodes.start(2)
        let (a, b) = (nodes.nodes[0], nodes.nodes[1])
        let alice = try await a.participant()
        let bob = try await b.participant()
        let space = try await a.sharedSpace(owner: alice, member: bob)
        try await bob.subscribe(space.id)
        try await settle([bob.session])

        let total = 60
        for index in 0..<total {
            _ = try await alice.createUpdate(space.id, [UInt8(index)])
            if index == 20 || index == 40 {
                _ = try await nodes.cluster.psql(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE query LIKE 'LISTEN%'")
            }
        }
        let clocks = try await Self.notifiedClocks(bob.session, count: total)
        XCTAssertEqual(clocks, Array(0..<total))
        let catchUps = try await b.awaitLogLines(count: 2, containing: "remote.catch_up")
        XCTAssertEqual(catchUps.count, 2, "node B read what it missed after each cut")
        let repeated = try await receivedMessages(bob.session).filter { $0.type == "updates-notification" }
        XCTAssertEqual(repeated.count, 0, "nothing is delivered twice")
        let health = try await b.http("GET", "/health")
        XCTAssertEqual(health.status, 200, String(decoding: health.body, as: UTF8.self))
        await nodes.stop()
    }

    /// `GET /health` is 200 while PostgreSQL answers and 503 with a reason while it is down; requests meanwhile get
    /// `unavailable` and the connection stays open; afterwards everything works again.
    func testHealthAndRequestsFollowTheDatabase() async throws {
        let nodes = try await Nodes.start(1)
        let node = nodes.nodes[0]
        let alice = try await node.participant()
        let space = try await alice.createSpace(name: "Outage")
        let healthy = try await node.http("GET", "/health")
        XCTAssertEqual(healthy.status, 200)

        _ = try await nodes.cluster.psql(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE pid <> pg_backend_pid()")
        try await nodes.cluster.stopServer()
        let down = try await node.http("GET", "/health")
        XCTAssertEqual(down.status, 503)
        XCTAssertTrue(String(decoding: down.body, as: UTF8.self).contains("reason"))
        try await alice.assertRejected(
            .createUpdate(alice.identity.createUpdate(spaceId: space.id, update: [1])), with: .unavailable)

        try await nodes.cluster.startServer()
        var status = 0
        for _ in 0..<100 where status != 200 {
            status = try await node.http("GET", "/health").status
            if status != 200 { try await Task.sleep(for: .milliseconds(100)) }
        }
        XCTAssertEqual(status, 200, "the node recovers by itself")
        let confirmed = try await alice.createUpdate(space.id, [2])
        XCTAssertEqual(confirmed.clock, 0, "the refused update stored nothing")
        await nodes.stop()
    }

    /// Issue 11 point 6: writers on two nodes append to one space; subscribers on all three nodes, one of them through
    /// a failover client whose node is stopped mid-run, each see clocks 0…K−1 exactly once, in order.
    func testOrderAndExactlyOnceUnderLoadAcrossANodeFailure() async throws {
        let nodes = try await Nodes.start(3)
        let (a, b, c) = (nodes.nodes[0], nodes.nodes[1], nodes.nodes[2])
        let alice = try await a.participant()
        let bob = try await b.participant()
        let space = try await a.sharedSpace(owner: alice, member: bob)
        let readers = [try await a.secondSession(of: alice).session, try await b.secondSession(of: bob).session]
        var configuration = HypergraphClientConfiguration()
        configuration.reconnect = HypergraphReconnectPolicy(
            initialDelay: .milliseconds(20), maximumDelay: .milliseconds(200), maximumAttempts: 50)
        let failover = try await HypergraphClient.connect(
            urls: [c.url, a.url], token: bob.identity.sessionToken, configuration: configuration)
        for reader in readers + [failover] { _ = try await reader.subscribe(spaceId: space.id) }
        try await settle(readers + [failover])

        let perWriter = 60
        let collected = (readers + [failover]).map { reader in
            Task { try await Self.notifiedClocks(reader, count: 2 * perWriter) }
        }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for (index, writer) in [alice, bob].enumerated() {
                group.addTask {
                    for update in 0..<perWriter {
                        if index == 0, update == perWriter / 2 { await c.server.shutdown() }
                        _ = try await writer.createUpdate(space.id, [UInt8(update)])
                    }
                }
            }
            try await group.waitForAll()
        }
        for (index, task) in collected.enumerated() {
            let clocks = try await task.value
            XCTAssertEqual(clocks, Array(0..<(2 * perWriter)), "subscriber \(index): every clock once, in order")
        }
        await failover.close()
        await nodes.stop()
    }

    /// The clocks of the next `count` `updates-notification`s the session receives.
    private static func notifiedClocks(_ session: HypergraphSession, count: Int) async throws -> [Int] {
        var clocks: [Int] = []
        while clocks.count < count {
            let message = try await session.nextMessage("updates-notification", timeout: .seconds(10)) {
                $0.type == "updates-notification"
            }
            guard case .updatesNotification(let notification) = message else { continue }
            clocks += Array(notification.updates.firstUpdateClock...notification.updates.lastUpdateClock)
        }
        return clocks
    }
}
