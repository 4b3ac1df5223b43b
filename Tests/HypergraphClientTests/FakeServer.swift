// A scripted stand-in for a Hypergraph server on loopback, so the client is tested without the reference server.
//
// Concurrency: the WebSocket server runs on its event loops; `FrameLog` (an actor) owns what the fake received.
import HypergraphProtocol
import HypergraphSigning
import HypergraphWebSocket
import XCTest

/// What the fake received: the tokens of upgrade requests and every text frame.
actor FrameLog {
    private(set) var tokens: [String?] = []
    private(set) var texts: [String] = []
    private(set) var binaries: [[UInt8]] = []
    private var clock = 0

    func recordToken(_ token: String?) { tokens.append(token) }
    func record(text: String) { texts.append(text) }
    func record(binary: [UInt8]) { binaries.append(binary) }

    /// The next update clock (0, 1, 2, …).
    func nextClock() -> Int {
        defer { clock += 1 }
        return clock
    }
}

/// One accepted connection, as a script sees it.
struct FakePeer: Sendable {
    let socket: WebSocket
    let log: FrameLog

    func send(_ message: ServerMessage) { socket.send(text: message.jsonString()) }
    func send(text: String) { socket.send(text: text) }
}

/// A loopback WebSocket server that checks the `token` query parameter and answers each text frame with `script`.
final class FakeServer: Sendable {
    /// Answers one received text frame.
    typealias Script = @Sendable (_ text: String, _ peer: FakePeer) async -> Void

    /// What happens to an upgrade request with an unknown token.
    enum Refusal: Sendable {
        /// HTTP 401 instead of 101.
        case httpUnauthorized
        /// 101, then an immediate close frame with 4401.
        case closeWith4401
    }

    let log: FrameLog
    private let server: WebSocketServer
    let port: UInt16

    var url: String { "ws://127.0.0.1:\(port)" }

    private init(server: WebSocketServer, port: UInt16, log: FrameLog) {
        self.server = server
        self.port = port
        self.log = log
    }

    static func start(
        acceptedTokens: Set<String> = ["token-1"], refusal: Refusal = .closeWith4401,
        script: @escaping Script = FakeServer.standardReplies
    ) async throws -> FakeServer {
        let log = FrameLog()
        let server = WebSocketServer { request in
            let token = request.queryValue("token")
            await log.recordToken(token)
            if let token, acceptedTokens.contains(token) {
                return .accept { socket in
                    let peer = FakePeer(socket: socket, log: log)
                    for await event in socket.events {
                        switch event {
                        case .text(let text):
                            await log.record(text: text)
                            await script(text, peer)
                        case .binary(let bytes):
                            await log.record(binary: bytes)
                        case .pong, .closed:
                            break
                        }
                    }
                }
            }
            switch refusal {
            case .httpUnauthorized:
                return .reject(.text("unknown token\n", status: 401))
            case .closeWith4401:
                return .accept { socket in socket.close(code: .unknown(4401), reason: "unauthorized") }
            }
        }
        let port = try await server.start()
        return FakeServer(server: server, port: port, log: log)
    }

    func shutdown() async {
        await server.shutdown(gracePeriod: .seconds(1))
    }

    /// Replies like a correct server for the requests the tests use; rejects a forged update and unknown spaces with
    /// the extension `error`, and anything undecodable with `invalid-json`/`invalid-message`.
    static let standardReplies: Script = { text, peer in
        let request: ClientMessage
        do throws(MessageDecodingError) {
            request = try ClientMessage(json: text)
        } catch {
            return peer.send(.error(ErrorResponse(rejecting: error)))
        }
        switch request {
        case .listSpaces:
            peer.send(.listSpaces(ListSpacesResponse(spaces: [SpaceSummary(id: "space-1", name: "One")])))
        case .listInvitations:
            peer.send(.listInvitations(ListInvitationsResponse(invitations: [])))
        case .subscribeSpace(let subscribe):
            if subscribe.id == "missing" {
                peer.send(
                    .error(
                        ErrorResponse(
                            code: .notFound, message: "no such space", requestType: request.type,
                            spaceId: subscribe.id)))
            } else {
                peer.send(.space(snapshot(id: subscribe.id, name: "Space")))
            }
        case .createSpaceEvent(let create):
            peer.send(
                .space(
                    SpaceResponse(
                        id: create.event.transaction.id, name: create.name, events: [.createSpace(create.event)],
                        keyBoxes: [create.keyBox], inboxes: [])))
        case .createAccountInbox(let create):
            let inbox = AccountInbox(
                accountAddress: create.accountAddress, inboxId: create.inboxId, isPublic: create.isPublic,
                authPolicy: create.authPolicy, encryptionPublicKey: create.encryptionPublicKey,
                signature: create.signature)
            peer.send(.accountInbox(AccountInboxResponse(inbox: inbox)))
        case .createUpdate(let update):
            guard (try? update.signer()) != nil else {
                return peer.send(
                    .error(
                        ErrorResponse(
                            code: .invalidSignature, message: "the signature does not recover",
                            requestType: request.type, spaceId: update.spaceId, updateId: update.updateId)))
            }
            let clock = await peer.log.nextClock()
            peer.send(
                .updateConfirmed(
                    UpdateConfirmedResponse(updateId: update.updateId, clock: clock, spaceId: update.spaceId)))
        case .unknown(let type, _):
            peer.send(.error(ErrorResponse(code: .unknownType, message: "unknown type", requestType: type)))
        default:
            break // silence, as the TypeScript server answers what it does not handle
        }
    }
}

/// The token every fake accepts by default.
let validToken = "token-1"

/// Polls `condition` until it holds; fails the test after 10 s so a broken client cannot hang the suite.
func waitUntil(
    _ condition: @Sendable () async -> Bool, file: StaticString = #filePath, line: UInt = #line
) async throws {
    for _ in 0..<2000 {
        if await condition() { return }
        try await Task.sleep(for: .milliseconds(5))
    }
    XCTFail("condition not met within 10 s", file: file, line: line)
}

/// A minimal valid `space` snapshot: no events, one fixed key box.
func snapshot(id: String, name: String) -> SpaceResponse {
    let keyBox = KeyBoxWithKeyId(
        id: "key-1", accountAddress: "0x" + String(repeating: "1", count: 40),
        ciphertext: "0x" + String(repeating: "2", count: 96),
        nonce: "0x" + String(repeating: "3", count: 48), authorPublicKey: "0x" + String(repeating: "4", count: 64))
    return SpaceResponse(id: id, name: name, events: [], keyBoxes: [keyBox], inboxes: [])
}
