// The optional `error` message (§1.5, §12 G3): reported, never required.
import HypergraphClient
import HypergraphProtocol

extension ConformanceSuite {
    static let extensionCases: [ConformanceCase] = [
        errorCase(
            "extension.error.invalid-json", "A frame that is not JSON is answered with `error` code invalid-json.",
            .invalidJson
        ) { peer in
            try await peer.session.sendRaw(text: "{oops")
        },
        errorCase(
            "extension.error.unknown-type", "An unknown message type is answered with `error` code unknown-type.",
            .unknownType
        ) { peer in
            try await peer.session.sendRaw(text: #"{"type":"no-such-request"}"#)
        },
        errorCase(
            "extension.error.invalid-message",
            "A request missing a member is answered with `error` code invalid-message.", .invalidMessage
        ) { peer in
            try await peer.session.sendRaw(text: #"{"type":"subscribe-space"}"#)
        },
        ConformanceCase(
            "extension.error.names-request", .extension, "§12 G3",
            "A refused create-update is answered with `error` naming requestType, spaceId and updateId.",
            area: .extension
        ) { context in
            let alice = try await context.peer("alice")
            let request = alice.identity.createUpdate(spaceId: RandomIdentifiers.uuid(), update: [1])
            let error = try await context.expectRefused(.createUpdate(request), on: alice, "no update-confirmed")
            try require(
                error?.requestType == "create-update" && error?.spaceId == request.spaceId
                    && error?.updateId == request.updateId,
                "an error with requestType create-update, the spaceId and the updateId",
                observed: "\(String(describing: error))")
        },
        ConformanceCase(
            "extension.error.invalid-signature", .extension, "§12 G3",
            "A create-update with a forged signature is answered with `error` code invalid-signature.",
            area: .extension
        ) { context in
            let alice = try await context.peer("alice")
            let space = try await context.createSpace(by: alice)
            var request = alice.identity.createUpdate(spaceId: space.id, update: [1])
            request.signature = BrokenSignatures.foreign(request.signingPayload)
            let error = try await context.expectRefused(.createUpdate(request), on: alice, "no update-confirmed")
            try requireEqual(error?.code, .invalidSignature, "the error code")
        },
    ]

    /// A case sending something malformed and requiring an `error` of `code`.
    private static func errorCase(
        _ id: String, _ requirement: String, _ code: ErrorCode, send: @escaping @Sendable (Peer) async throws -> Void
    ) -> ConformanceCase {
        ConformanceCase(id, .extension, "§12 G3", requirement, area: .extension) { context in
            let alice = try await context.peer("alice")
            try await send(alice)
            let message = try await context.expectMessage(on: alice, "an error message") { $0.type == "error" }
            guard case .error(let error) = message else { return }
            try requireEqual(error.code, code, "the error code")
        }
    }
}
