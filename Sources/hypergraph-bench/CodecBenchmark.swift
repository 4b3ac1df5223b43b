// `hypergraph-bench codec`: the generated wire codec against Foundation's JSONDecoder/JSONEncoder (through the same
// types' Codable conformance, which validates too) on the same inputs, in the same run.
import Foundation
import HypergraphCommandLine
import HypergraphProtocol

enum CodecBenchmark {
    /// One benchmark input: a message and its wire bytes.
    private struct Case {
        var label: String
        var message: ClientOrServer
        var bytes: [UInt8]
    }

    /// The message under test, in its union so both directions are decoded the way a peer decodes them.
    private enum ClientOrServer {
        case client(ClientMessage)
        case server(ServerMessage)
    }

    static let command = benchmarkCommand(
        name: "codec",
        abstract: "Protocol message decode+validate and encode, against Foundation's JSONDecoder/JSONEncoder.",
        options: [.value("seconds", valueName: "S", help: "Time per measurement.", default: "1")]
    ) { arguments in try run(seconds: arguments.seconds("seconds")) }

    private static func run(seconds: Double) throws {
        print("codec: decode+validate and encode, generated codec vs Foundation Codable (same types, same input)")
        for benchmarkCase in try cases() {
            print("\n\(benchmarkCase.label): \(benchmarkCase.bytes.count) bytes of JSON")
            switch benchmarkCase.message {
            case .client(let message): try compare(message, benchmarkCase.bytes, seconds: seconds)
            case .server(let message): try compare(message, benchmarkCase.bytes, seconds: seconds)
            }
        }
    }

    private static func compare<Message: WireCodable>(_ message: Message, _ bytes: [UInt8], seconds: Double) throws {
        let data = Data(bytes)
        let decoder = JSONDecoder()
        let encoder = JSONEncoder()
        let ours = try measure(minimumSeconds: seconds) { blackHole(try Message(jsonUTF8: bytes)) }
        let foundation = try measure(minimumSeconds: seconds) {
            blackHole(try decoder.decode(Message.self, from: data))
        }
        report("decode+validate", ours, foundation, bytes: bytes.count, baselineName: "JSONDecoder")
        let oursEncode = measure(minimumSeconds: seconds) { blackHole(message.jsonUTF8()) }
        let foundationEncode = try measure(minimumSeconds: seconds) { blackHole(try encoder.encode(message)) }
        report("encode", oursEncode, foundationEncode, bytes: bytes.count, baselineName: "JSONEncoder")
    }

    private static func report(
        _ operation: String, _ ours: Timing, _ baseline: Timing, bytes: Int, baselineName: String
    ) {
        printComparison(
            "  \(operation) messages/s", ours: ours.perSecond, baseline: baseline.perSecond, unit: "msg/s",
            baselineName: baselineName)
        printComparison(
            "  \(operation) MB/s", ours: ours.megabytesPerSecond(bytesPerIteration: bytes),
            baseline: baseline.megabytesPerSecond(bytesPerIteration: bytes), unit: "MB/s", baselineName: baselineName)
    }

    // MARK: Inputs

    private static let account = "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed"
    private static let spaceId = "5b1b8f0e-6a34-4c55-9f0e-2f8b0d0c7a11"
    private static let signature = SignatureWithRecovery(
        hex:
            "9e4b604ddf1acfefb06613ab45dddeb2f9446ab7cdfa71f5e579c52cbb8db34063dd9a0f67f665508ae00ff0929d280e49a2722971adc4652ec4a56d57467176",
        recovery: 0)

    /// Deterministic pseudo-random bytes (an encrypted update looks random, so its JSON numbers are mostly 3 digits).
    private static func randomBytes(_ count: Int, seed: UInt64) -> Bytes {
        var state = seed
        return Bytes(
            (0..<count).map { _ in
                state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
                return UInt8(truncatingIfNeeded: state >> 56)
            })
    }

    private static func createUpdate(updateSize: Int) -> ClientMessage {
        .createUpdate(
            CreateUpdateRequest(
                accountAddress: account, spaceId: spaceId, updateId: "c3d4e5f6-0718-4293-a4b5-c6d7e8f90a1b",
                update: randomBytes(updateSize, seed: UInt64(updateSize)), signature: signature))
    }

    /// A `space` snapshot with `eventCount` events (a create-space, then alternating invitations and acceptances)
    /// and `updateCount` updates of `updateSize` bytes.
    private static func space(eventCount: Int, updateCount: Int, updateSize: Int) -> ServerMessage {
        let author = EventAuthor(accountAddress: account, signature: signature)
        let hash = "0x9776aba59b09c795e143f7cfb2c89d6f10abe23ce3f605fb12f55e9b85c2e513"
        var events: [SpaceEvent] = [
            .createSpace(
                CreateSpaceEvent(
                    transaction: CreateSpaceTransaction(id: spaceId, creatorAccountAddress: account), author: author))
        ]
        for index in 1..<eventCount {
            let id = String(format: "0e6f2c1d-3b4a-4f5e-8a7b-%012d", index)
            events.append(
                index % 2 == 1
                    ? .createInvitation(
                        CreateInvitationEvent(
                            transaction: CreateInvitationTransaction(
                                id: id, inviteeAccountAddress: account, previousEventHash: hash), author: author))
                    : .acceptInvitation(
                        AcceptInvitationEvent(
                            transaction: AcceptInvitationTransaction(id: id, previousEventHash: hash), author: author)))
        }
        let updates = (0..<updateCount).map { index in
            SignedUpdate(
                update: randomBytes(updateSize, seed: UInt64(index)), accountAddress: account, signature: signature,
                updateId: String(format: "c3d4e5f6-0718-4293-a4b5-%012d", index))
        }
        let keyBox = KeyBoxWithKeyId(
            id: "8f14e45f-ceea-467a-a866-051f8b0f7a3c", accountAddress: account,
            ciphertext: "0x" + String(repeating: "ab", count: 48),
            nonce: "0x" + String(repeating: "cd", count: 24), authorPublicKey: "0x" + String(repeating: "ef", count: 32)
        )
        return .space(
            SpaceResponse(
                id: spaceId, name: "Benchmark space", events: events, keyBoxes: [keyBox], inboxes: [],
                updates: Updates(updates: updates, firstUpdateClock: 0, lastUpdateClock: updateCount - 1)))
    }

    private static func cases() throws -> [Case] {
        let subscribe = ClientMessage.subscribeSpace(SubscribeSpaceRequest(id: spaceId))
        let messages: [(String, ClientOrServer)] = [
            ("create-update, 1 KiB update", .client(createUpdate(updateSize: 1024))),
            ("create-update, 64 KiB update", .client(createUpdate(updateSize: 65_536))),
            (
                "space, 100 events + 1,000 updates of 256 bytes",
                .server(space(eventCount: 100, updateCount: 1000, updateSize: 256))
            ),
            ("subscribe-space", .client(subscribe)),
        ]
        return try messages.map { label, message in
            let bytes: [UInt8]
            switch message {
            case .client(let message):
                try message.validate()
                bytes = message.jsonUTF8()
            case .server(let message):
                try message.validate()
                bytes = message.jsonUTF8()
            }
            return Case(label: label, message: message, bytes: bytes)
        }
    }
}
