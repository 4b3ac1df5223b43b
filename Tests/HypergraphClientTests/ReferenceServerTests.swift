// The client against the reference server in-process: the typical session, broadcasts, invitations, rejections.
import Foundation
import HypergraphClient
import HypergraphJSON
import HypergraphProtocol
import HypergraphServer
import HypergraphStore
import HypergraphTLS
import XCTest

extension ServerLimits {
    /// Default limits but updates of at most `updateBytes` and replies of at most `replyBytes`, so that a few dozen
    /// updates make a snapshot larger than one reply and the server sends it in parts.
    static func snapshotsInParts(updateBytes: Int, replyBytes: Int) -> ServerLimits {
        var limits = ServerLimits()
        limits.maximumUpdateBytes = updateBytes
        limits.maximumReplyBytes = replyBytes
        return limits
    }
}

/// The reference server on an ephemeral port with a temporary database.
struct ReferenceServer {
    let server: HypergraphServer
    let directory: URL

    /// Starts the server with `limits`; with `tls`, it serves wss:// and https://.
    static func start(limits: ServerLimits = ServerLimits(), tls: TLSServerContext? = nil) async throws
        -> ReferenceServer
    {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "hypergraph-client-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        var configuration = ServerConfiguration(
            port: 0, store: .sqlite(path: directory.appendingPathComponent("db.sqlite").path), logLevel: .error,
            logSink: LogSink { _ in }, limits: limits, shutdownGracePeriod: .seconds(2))
        configuration.tls = tls
        return ReferenceServer(server: try await HypergraphServer.start(configuration), directory: directory)
    }

    /// The reply limit of ``startSendingSnapshotsInParts()``.
    static let snapshotPartBytes = 16 * 1024

    /// A server that sends the snapshot of a few dozen 1,000-byte updates in parts (replies of at most
    /// ``snapshotPartBytes``), and an identity on it.
    static func startSendingSnapshotsInParts() async throws -> (server: ReferenceServer, identity: HypergraphIdentity) {
        let server = try await start(limits: .snapshotsInParts(updateBytes: 1_000, replyBytes: snapshotPartBytes))
        return (server, try await server.identity())
    }

    var url: String { "ws://127.0.0.1:\(server.port)" }

    /// A provisioned identity, read back through its JSON form as a load tool or the conformance suite would.
    func identity() async throws -> HypergraphIdentity {
        let provisioned = try await IdentityProvisioning.create(
            IdentityRequest(), in: server.storage, now: SQLiteStoreConfiguration.systemClock())
        return try HypergraphIdentity(json: JSONValue.parse(provisioned.jsonUTF8()))
    }

    func connect(_ identity: HypergraphIdentity) async throws -> HypergraphSession {
        try await HypergraphClient.connect(url: url, token: identity.sessionToken)
    }

    func stop() async {
        await server.shutdown()
        try? FileManager.default.removeItem(at: directory)
    }
}

final class ReferenceServerTests: XCTestCase {
    func testUpdatesAreConfirmedAndBroadcastToOtherSubscribersOnly() async throws {
        let server = try await ReferenceServer.start()
        let alice = try await server.identity()
        let writer = try await server.connect(alice)
        let reader = try await server.connect(alice)
        let space = try await writer.createSpace(alice.createSpaceEvent(name: "Notes"))
        XCTAssertEqual(space.name, "Notes")
        _ = try await writer.subscribe(spaceId: space.id)
        _ = try await reader.subscribe(spaceId: space.id)
        let listed = try await reader.listSpaces()
        XCTAssertEqual(listed.spaces.map(\.id), [space.id])

        let update = alice.createUpdate(spaceId: space.id, update: Array(repeating: 7, count: 40))
        let confirmation = try await writer.createUpdate(update)
        XCTAssertEqual(confirmation.clock, 0)
        let notification = try await reader.nextMessage("updates-notification", timeout: .seconds(10)) {
            $0.type == "updates-notification"
        }
        guard case .updatesNotification(let updates) = notification else { return XCTFail("got \(notification)") }
        XCTAssertEqual(updates.updates.updates.map(\.updateId), [update.updateId])
        XCTAssertEqual(updates.updates.firstUpdateClock, 0)

        let echoedToSender = try await writer.drainEvents(after: .milliseconds(200))
        XCTAssertEqual(echoedToSender, [], "the sender must not receive its own update")
        let again = try await writer.createUpdate(update)
        XCTAssertEqual(again.clock, 0, "a repeated updateId is confirmed with its original clock (§12 G9)")

        let full = try await reader.subscribe(spaceId: space.id)
        XCTAssertEqual(full.updates?.updates.map(\.updateId), [update.updateId])
        let second = try await writer.createUpdate(alice.createUpdate(spaceId: space.id, update: [8]))
        XCTAssertEqual(second.clock, 1)
        let later = try await reader.subscribe(spaceId: space.id, lastKnownUpdateClock: 0)
        XCTAssertEqual(later.updates?.updates.map(\.updateId), [second.updateId])
        await writer.close()
        await reader.close()
        await server.stop()
    }

    func testTheInvitationFlow() async throws {
        let server = try await ReferenceServer.start()
        let alice = try await server.identity()
        let bob = try await server.identity()
        let owner = try await server.connect(alice)
        let invitee = try await server.connect(bob)
        let space = try await owner.createSpace(alice.createSpaceEvent(name: "Shared"))
        let invitation = try XCTUnwrap(
            alice.createInvitationEvent(in: space, inviteeAccountAddress: bob.accountAddress))
        let afterInvite = try await owner.createInvitation(invitation)
        XCTAssertEqual(afterInvite.events.count, 2)

        let pushed = try await invitee.nextMessage("list-invitations", timeout: .seconds(10)) {
            $0.type == "list-invitations"
        }
        guard case .listInvitations(let invitations) = pushed, let pending = invitations.invitations.first else {
            return XCTFail("no invitation pushed: \(pushed)")
        }
        XCTAssertEqual(pending.spaceId, space.id)
        let listed = try await invitee.listInvitations()
        XCTAssertEqual(listed.invitations, invitations.invitations)

        _ = try await owner.subscribe(spaceId: space.id)
        let accepted = try await invitee.acceptInvitation(
            bob.acceptInvitationEvent(spaceId: space.id, previousEventHash: pending.previousEventHash))
        XCTAssertEqual(accepted.events.count, 3)
        let broadcast = try await owner.nextMessage("space-event", timeout: .seconds(10)) { $0.type == "space-event" }
        guard case .spaceEvent(let event) = broadcast else { return XCTFail("got \(broadcast)") }
        XCTAssertEqual(event.spaceId, space.id)

        let inbox = try await owner.createSpaceInbox(
            alice.createSpaceInboxEvent(
                spaceId: space.id, previousEventHash: try XCTUnwrap(accepted.lastEventHash), isPublic: true,
                authPolicy: .anonymous))
        XCTAssertEqual(inbox.inboxes.count, 1)
        await owner.close()
        await invitee.close()
        await server.stop()
    }

    func testAccountInboxesAndRejections() async throws {
        let server = try await ReferenceServer.start()
        let alice = try await server.identity()
        let session = try await server.connect(alice)
        let request = alice.createAccountInbox(isPublic: false, authPolicy: .requiresAuth)
        let created = try await session.createAccountInbox(request)
        XCTAssertEqual(created.inbox.inboxId, request.inboxId)
        let inboxes = try await session.accountInboxes()
        XCTAssertEqual(inboxes.inboxes.map(\.inboxId), [request.inboxId])
        let messages = try await session.latestAccountInboxMessages(
            accountAddress: alice.accountAddress, inboxId: request.inboxId)
        XCTAssertEqual(messages.messages, [])

        do {
            _ = try await session.subscribe(spaceId: RandomIdentifiers.uuid())
            XCTFail("subscribed to a space that does not exist")
        } catch {
            XCTAssertNotNil(error.serverErrorCode, "\(error)")
        }
        let space = try await session.createSpace(alice.createSpaceEvent(name: "Mine"))
        let stranger = HypergraphIdentity.random(accountAddress: alice.accountAddress)
        do {
            _ = try await session.createUpdate(stranger.createUpdate(spaceId: space.id, update: [1]))
            XCTFail("an update signed by an unregistered key was confirmed")
        } catch {
            XCTAssertEqual(error.serverErrorCode, .invalidSignature, "\(error)")
        }
        do {
            _ = try await HypergraphClient.connect(url: server.url, token: "not-a-token")
            XCTFail("connected with an unknown token")
        } catch .connectionFailed(.handshakeRejected(let status, _, _, _)) {
            XCTAssertEqual(status, 401)
        }
        await session.close()
        await server.stop()
    }
}
