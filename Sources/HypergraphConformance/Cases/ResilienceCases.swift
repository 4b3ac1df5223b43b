// §1.4, §1.5: malformed input never breaks the connection (or closes it as specified).
import HypergraphClient
import HypergraphProtocol

extension ConformanceSuite {
    static let resilienceCases: [ConformanceCase] = [
        garbageCase(
            "resilience.invalid-json.connection-kept",
            "A frame that is not JSON gets no reply and the connection stays usable.",
            frames: ["{not json", "", "{\"type\":"]),
        garbageCase(
            "resilience.unknown-type.connection-kept",
            "A message with an unknown `type` gets no reply and the connection stays usable.",
            frames: [#"{"type":"delete-everything"}"#, #"{"type":"connect-create-space-event"}"#]),
        garbageCase(
            "resilience.not-an-object.connection-kept",
            "JSON that is not an object with a string `type` gets no reply and the connection stays usable.",
            frames: ["[1,2,3]", "42", "null", #"{"type":7}"#]),
        ConformanceCase(
            "resilience.binary-frame.connection-kept", .must, "§1.4",
            "A binary frame holding a request is answered as text or ignored, and the connection stays usable.",
            area: .resilience
        ) { context in
            let alice = try await context.peer("alice")
            try await alice.session.sendRaw(binary: Array(#"{"type":"list-invitations"}"#.utf8))
            try await context.expectUsable(alice, after: "a binary frame")
        },
        ConformanceCase(
            "resilience.oversized-message.handled", .must, "§1.1, §12 G26",
            "A 9 MiB message is answered, refused with the connection kept usable, or the connection is closed with 1009 (message too big).",
            area: .resilience
        ) { context in
            let alice = try await context.peer("alice")
            let padding = String(repeating: "x", count: 9 * 1024 * 1024)
            try await alice.session.sendRaw(text: #"{"type":"list-invitations","padding":""# + padding + #""}"#)
            do {
                _ = try await alice.session.accountInboxes(timeout: context.timeout)
            } catch let error as HypergraphClientError {
                guard case .closed(let code, let reason) = error else {
                    throw CaseFailure(expected: "the connection usable or closed with 1009", observed: "\(error)")
                }
                try require(
                    code == .messageTooBig, "a close with 1009 if the connection is closed",
                    observed: "close \(code) \(reason)")
            }
        },
    ]

    /// A case sending each of `frames` as text and then requiring that the connection is usable and nothing but
    /// optional `error` messages came back.
    private static func garbageCase(_ id: String, _ requirement: String, frames: [String]) -> ConformanceCase {
        ConformanceCase(id, .must, "§1.5, §2.4", requirement, area: .resilience) { context in
            let alice = try await context.peer("alice")
            for frame in frames { try await alice.session.sendRaw(text: frame) }
            try await context.expectUsable(alice, after: "malformed frames")
            let replies = await alice.session.drainEvents().filter { !ExtensionFrames.isError($0) }.map { "\($0)" }
            try require(replies.isEmpty, "no reply to malformed frames", observed: replies.joined(separator: "; "))
        }
    }
}
