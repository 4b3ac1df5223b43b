import HypergraphClient
import HypergraphJSON
import HypergraphProtocol
import XCTest

final class RequestHelperTests: XCTestCase {
    func testHelpersReturnTheirReplies() async throws {
        let server = try await FakeServer.start()
        let session = try await HypergraphClient.connect(url: server.url, token: validToken)
        let identity = HypergraphIdentity.random()

        let spaces = try await session.listSpaces()
        XCTAssertEqual(spaces.spaces, [SpaceSummary(id: "space-1", name: "One")])
        let space = try await session.subscribe(spaceId: "space-9")
        XCTAssertEqual(space.id, "space-9")

        let create = identity.createSpaceEvent(name: "Mine")
        let created = try await session.createSpace(create)
        XCTAssertEqual(created.id, create.event.transaction.id)
        XCTAssertEqual(created.name, "Mine")

        let inboxRequest = identity.createAccountInbox(isPublic: true, authPolicy: .anonymous)
        let inbox = try await session.createAccountInbox(inboxRequest)
        XCTAssertEqual(inbox.inbox.inboxId, inboxRequest.inboxId)

        let first = try await session.createUpdate(identity.createUpdate(spaceId: created.id, update: [1, 2, 3]))
        let second = try await session.createUpdate(identity.createUpdate(spaceId: created.id, update: [4]))
        XCTAssertEqual([first.clock, second.clock], [0, 1])
        let queued = await session.drainEvents()
        XCTAssertEqual(queued, [], "replies claimed by helpers must not also be queued")
        await session.close()
        await server.shutdown()
    }

    func testTheReplyIsPickedByItsIdsAndEverythingElseIsQueued() async throws {
        let server = try await FakeServer.start { text, peer in
            guard case .subscribeSpace(let request)? = try? ClientMessage(json: text) else { return }
            peer.send(.space(snapshot(id: "other", name: "Other")))
            peer.send(text: #"{"type":"future-push","x":1}"#)
            peer.send(
                .error(
                    ErrorResponse(
                        code: .forbidden, message: "not yours", requestType: "subscribe-space", spaceId: "other")))
            peer.send(.space(snapshot(id: request.id, name: "Mine")))
        }
        let session = try await HypergraphClient.connect(url: server.url, token: validToken)
        let space = try await session.subscribe(spaceId: "mine")
        XCTAssertEqual(space.name, "Mine")
        let queued = await session.drainEvents()
        XCTAssertEqual(queued.count, 3)
        guard queued.count == 3 else { return }
        XCTAssertEqual(queued[0], .message(.space(snapshot(id: "other", name: "Other"))))
        XCTAssertEqual(queued[1], .message(.unknown(type: "future-push", raw: ["type": "future-push", "x": 1])))
        guard case .message(.error(let error)) = queued[2] else {
            return XCTFail("expected the error, got \(queued[2])")
        }
        XCTAssertEqual(error.spaceId, "other")
        await session.close()
        await server.shutdown()
    }

    func testConcurrentUpdatesAreMatchedByUpdateIdWhateverTheReplyOrder() async throws {
        let pending = PendingUpdates()
        let server = try await FakeServer.start { text, peer in
            guard case .createUpdate(let request)? = try? ClientMessage(json: text) else { return }
            let batch = await pending.add(request)
            for (offset, update) in batch.reversed().enumerated() {
                peer.send(
                    .updateConfirmed(
                        UpdateConfirmedResponse(updateId: update.updateId, clock: offset, spaceId: update.spaceId)))
            }
        }
        let session = try await HypergraphClient.connect(url: server.url, token: validToken)
        let identity = HypergraphIdentity.random()
        let requests = (0..<PendingUpdates.batchSize).map { identity.createUpdate(spaceId: "s", update: [UInt8($0)]) }
        let confirmations = try await withThrowingTaskGroup(of: (String, UpdateConfirmedResponse).self) { group in
            for request in requests {
                group.addTask { (request.updateId, try await session.createUpdate(request)) }
            }
            var results: [(String, UpdateConfirmedResponse)] = []
            for try await result in group { results.append(result) }
            return results
        }
        XCTAssertEqual(confirmations.count, requests.count)
        for (updateId, confirmation) in confirmations {
            XCTAssertEqual(confirmation.updateId, updateId)
        }
        XCTAssertEqual(Set(confirmations.map(\.1.clock)), Set(0..<PendingUpdates.batchSize))
        await session.close()
        await server.shutdown()
    }

    func testAServerErrorRejectsTheMatchingRequestWithItsCode() async throws {
        let server = try await FakeServer.start()
        let session = try await HypergraphClient.connect(url: server.url, token: validToken)
        do {
            _ = try await session.subscribe(spaceId: "missing")
            XCTFail("subscribed to a missing space")
        } catch {
            XCTAssertEqual(error.serverErrorCode, .notFound)
            guard case .serverError(let response) = error else { return XCTFail("expected serverError, got \(error)") }
            XCTAssertEqual(response.spaceId, "missing")
            XCTAssertTrue(error.description.contains("not-found"), error.description)
        }

        let identity = HypergraphIdentity.random()
        var forged = identity.createUpdate(spaceId: "s", update: [1])
        forged.signature = SignatureWithRecovery(hex: String(repeating: "0", count: 128), recovery: 0)
        do {
            _ = try await session.createUpdate(forged)
            XCTFail("a forged update was confirmed")
        } catch {
            XCTAssertEqual(error.serverErrorCode, .invalidSignature)
        }

        do {
            _ = try await session.request(.unknown(type: "frobnicate", raw: ["type": "frobnicate"]))
            XCTFail("an unknown request was answered")
        } catch {
            XCTAssertEqual(error.serverErrorCode, .unknownType)
        }
        await session.close()
        await server.shutdown()
    }

    func testSilenceTimesOutAndALateReplyIsQueued() async throws {
        let server = try await FakeServer.start { text, peer in
            guard text.contains("list-invitations") else { return }
            try? await Task.sleep(for: .milliseconds(300))
            peer.send(.listInvitations(ListInvitationsResponse(invitations: [])))
        }
        let session = try await HypergraphClient.connect(url: server.url, token: validToken)
        do {
            _ = try await session.listInvitations(timeout: .milliseconds(50))
            XCTFail("answered although the server was silent")
        } catch {
            XCTAssertEqual(error, .timedOut(waitingFor: "list-invitations", after: .milliseconds(50)))
        }
        let late = try await session.nextMessage(timeout: .seconds(10))
        XCTAssertEqual(late, .listInvitations(ListInvitationsResponse(invitations: [])))
        await session.close()
        await server.shutdown()
    }

    func testAShortTimeoutFiresWhileALongerWaitContinues() async throws {
        let server = try await FakeServer.start { text, peer in
            if text == "release" { peer.send(.listInvitations(ListInvitationsResponse(invitations: []))) }
        }
        let session = try await HypergraphClient.connect(url: server.url, token: validToken)
        let long = Task { try await session.listInvitations(timeout: .seconds(60)) }
        try await waitUntil { await server.log.texts.count == 1 }
        do {
            _ = try await session.nextEvent(timeout: .milliseconds(20))
            XCTFail("an event arrived from a silent server")
        } catch {
            XCTAssertEqual(error, .timedOut(waitingFor: "any frame", after: .milliseconds(20)))
        }
        try await session.sendRaw(text: "release")
        let reply = try await long.value
        XCTAssertEqual(reply.invitations, [])
        await session.close()
        await server.shutdown()
    }

    func testCancellingAWaitingHelperThrowsCancelled() async throws {
        let server = try await FakeServer.start { _, _ in }
        let session = try await HypergraphClient.connect(url: server.url, token: validToken)
        let waiting = Task { try await session.listSpaces(timeout: .seconds(60)) }
        try await waitUntil { await server.log.texts.count == 1 }
        waiting.cancel()
        switch await waiting.result {
        case .success(let reply): XCTFail("got \(reply)")
        case .failure(let error): XCTAssertEqual(error as? HypergraphClientError, .cancelled)
        }
        await session.close()
        await server.shutdown()
    }
}

/// Collects create-update requests until a batch is complete.
actor PendingUpdates {
    static let batchSize = 5
    private var requests: [CreateUpdateRequest] = []

    /// Adds one; returns the whole batch when it is complete, else nothing.
    func add(_ request: CreateUpdateRequest) -> [CreateUpdateRequest] {
        requests.append(request)
        return requests.count == Self.batchSize ? requests : []
    }
}
