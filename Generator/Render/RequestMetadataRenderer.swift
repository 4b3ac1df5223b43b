/// Renders the request metadata (`x-hypergraph-reply`, `x-hypergraph-correlation`): `ClientMessage.expectedReply`,
/// `ServerMessage.correlatedMember(at:)`, the `RequestIdentifierKind` members of `error`, each request struct's
/// `ClientRequest` conformance (its reply type), and a line per request for messages.md. The runtime types
/// `ExpectedReply` and `ClientRequest` (hand-written, HypergraphProtocol) interpret them.
enum RequestMetadataRenderer {
    /// The generated file's name (without `.swift`).
    static let fileName = "RequestMetadata"

    static func render(_ model: TypeModel, into source: inout SwiftSource) {
        renderExpectedReply(model.requests, into: &source)
        source.line()
        renderCorrelatedMembers(model.requests, into: &source)
        for request in model.requests {
            source.line()
            renderRequestConformance(request, into: &source)
        }
        let errorMembers = errorMembers(model.requests)
        guard let errorType = errorTypeName(model), !errorMembers.isEmpty else { return }
        source.line()
        renderIdentifierKinds(errorMembers, errorType: errorType, into: &source)
        source.line()
        renderIdentifierPointers(model.requests, into: &source)
    }

    /// `Reply: `space` whose `id` equals the request's `event.transaction.id`. …` for the request `type`, or nil
    /// when it has no metadata.
    static func markdown(for requestType: String, in model: TypeModel) -> String? {
        guard let request = model.requests.first(where: { $0.requestType == requestType }) else { return nil }
        let matched = request.correlations.compactMap { correlation in
            correlation.reply.map {
                "`\(dotted($0.pointer))` equals the request's `\(dotted(correlation.requestPointer))`"
            }
        }
        var text = "Reply: [`\(request.replyType)`](#server-\(request.replyType))"
        if !matched.isEmpty { text += " whose " + matched.joined(separator: " and ") }
        text += ". An `error` rejecting it has `requestType` `\(request.requestType)`"
        var named: [(member: String, values: [String])] = []
        for correlation in request.correlations {
            guard let member = correlation.errorMember?.jsonName else { continue }
            let value = "`\(dotted(correlation.requestPointer))`"
            if let index = named.firstIndex(where: { $0.member == member }) {
                named[index].values.append(value)
            } else {
                named.append((member, [value]))
            }
        }
        if !named.isEmpty {
            text +=
                " and may name "
                + named.map { "`\($0.member)` (the request's \($0.values.joined(separator: " or ")))" }
                .joined(separator: ", ")
        }
        return text + "."
    }

    // MARK: Swift

    private static func renderExpectedReply(_ requests: [RequestMetadata], into source: inout SwiftSource) {
        source.block("extension ClientMessage") { body in
            body.documentation([
                "The server message that answers this request and the ids that tie it, or a rejecting `error`, to the request (`x-hypergraph-reply` and `x-hypergraph-correlation` of the request's schema). A request of unknown type has no reply; only an `error` answers it."
            ])
            body.block("public var expectedReply: ExpectedReply") { getter in
                getter.switchBlock("self") { cases in
                    for request in requests {
                        let usesValue = !request.correlations.isEmpty
                        cases.line("case .\(request.requestCase)\(usesValue ? "(let request)" : ""):")
                        cases.indented { $0.wrapped("ExpectedReply(", arguments(request), ")") }
                    }
                    cases.line("case .unknown(let type, _):")
                    cases.indented { $0.line("ExpectedReply(requestType: type, replyType: nil)") }
                }
            }
        }
    }

    private static func renderRequestConformance(_ request: RequestMetadata, into source: inout SwiftSource) {
        source.block("extension \(request.requestTypeName): ClientRequest") { body in
            body.documentation("`.\(request.requestCase)(self)`.")
            body.line("public var clientMessage: ClientMessage { .\(request.requestCase)(self) }")
            body.line()
            body.documentation("The `\(request.replyType)` message carried by `message`, if it is one.")
            body.block("public static func reply(in message: ServerMessage) -> \(request.replyTypeName)?") { function in
                function.line("if case .\(request.replyCase)(let reply) = message { reply } else { nil }")
            }
        }
    }

    private static func arguments(_ request: RequestMetadata) -> [String] {
        var arguments = [
            "requestType: \(SwiftLiteral.string(request.requestType))",
            "replyType: \(SwiftLiteral.string(request.replyType))",
        ]
        let members = request.correlations.compactMap { correlation in
            correlation.reply.map {
                ".init(pointer: \(SwiftLiteral.string($0.pointer)), value: \(value(correlation)))"
            }
        }
        if !members.isEmpty { arguments.append("replyMembers: [" + members.joined(separator: ", ") + "]") }
        let identifiers = request.correlations.compactMap { correlation in
            correlation.errorMember.map { ".init(kind: .\($0.swiftName), value: \(value(correlation)))" }
        }
        if !identifiers.isEmpty {
            arguments.append("errorIdentifiers: [" + identifiers.joined(separator: ", ") + "]")
        }
        return arguments
    }

    private static func value(_ correlation: Correlation) -> String {
        "request." + correlation.requestPath.joined(separator: ".")
    }

    private static func renderCorrelatedMembers(_ requests: [RequestMetadata], into source: inout SwiftSource) {
        var seen = Set<String>()
        var cases: [(replyCase: String, pointer: String, path: [String])] = []
        for request in requests {
            for case (let pointer, let path)? in request.correlations.map(\.reply)
            where seen.insert(request.replyCase + pointer).inserted {
                cases.append((request.replyCase, pointer, path))
            }
        }
        source.block("extension ServerMessage") { body in
            body.documentation(
                "The string member at `pointer` of a message that answers a request, where `x-hypergraph-correlation` names it (e.g. `/id` of `space`); nil for other members and messages."
            )
            body.block("public func correlatedMember(at pointer: String) -> String?") { function in
                guard !cases.isEmpty else {
                    function.line("nil")
                    return
                }
                function.switchBlock("(self, pointer)") { body in
                    for item in cases {
                        body.line(
                            "case (.\(item.replyCase)(let message), \(SwiftLiteral.string(item.pointer))): message."
                                + item.path.joined(separator: "."))
                    }
                    body.line("default: nil")
                }
            }
        }
    }

    private static func renderIdentifierKinds(
        _ members: [Property], errorType: String, into source: inout SwiftSource
    ) {
        source.documentation(
            "A member of the `error` message that names an id of the rejected request (the `error` of an `x-hypergraph-correlation` entry)."
        )
        source.block("public enum RequestIdentifierKind: String, CaseIterable, Hashable, Sendable") { body in
            for member in members {
                body.documentation("`\(member.jsonName)`: \(member.documentation)")
                body.line("case \(member.swiftName)")
            }
        }
        source.line()
        source.block("extension \(errorType)") { body in
            body.documentation("The id this error names in the member `kind`.")
            body.block("public subscript(identifier kind: RequestIdentifierKind) -> String?") { subscriptBody in
                subscriptBody.block("get") { getter in
                    getter.switchBlock("kind") { cases in
                        for member in members { cases.line("case .\(member.swiftName): \(member.swiftName)") }
                    }
                }
                subscriptBody.block("set") { setter in
                    setter.switchBlock("kind") { cases in
                        for member in members {
                            cases.line("case .\(member.swiftName): \(member.swiftName) = newValue")
                        }
                    }
                }
            }
        }
    }

    private static func renderIdentifierPointers(_ requests: [RequestMetadata], into source: inout SwiftSource) {
        source.block("extension ClientMessage") { body in
            body.documentation(
                "For each request `type`, the members whose values a rejecting `error` may name, as JSON pointers, in schema order (`x-hypergraph-correlation`): what a server can still report for a request it could not decode."
            )
            body.line(
                "public static let errorIdentifierPointers: [String: [(kind: RequestIdentifierKind, pointer: String)]] = ["
            )
            body.indented { entries in
                for request in requests {
                    let pointers = request.correlations.compactMap { correlation in
                        correlation.errorMember.map {
                            "(.\($0.swiftName), \(SwiftLiteral.string(correlation.requestPointer)))"
                        }
                    }
                    guard !pointers.isEmpty else { continue }
                    entries.line(
                        "\(SwiftLiteral.string(request.requestType)): [" + pointers.joined(separator: ", ") + "],")
                }
            }
            body.line("]")
        }
    }

    /// The `error` members the correlations name, each once, in order of first use.
    private static func errorMembers(_ requests: [RequestMetadata]) -> [Property] {
        var seen = Set<String>()
        return requests.flatMap(\.correlations).compactMap(\.errorMember).filter { seen.insert($0.jsonName).inserted }
    }

    /// The Swift type of the server's `error` message.
    private static func errorTypeName(_ model: TypeModel) -> String? {
        let serverMessages = Set(model.structs.filter { $0.role == .serverMessage }.map(\.name))
        return model.unions.filter { $0.role == .messageUnion }.flatMap(\.variants)
            .first { $0.discriminatorValue == ModelBuilder.errorMessageType && serverMessages.contains($0.typeName) }?
            .typeName
    }

    /// `/event/transaction/id` as `event.transaction.id`.
    private static func dotted(_ pointer: String) -> String {
        pointer.split(separator: "/").joined(separator: ".")
    }
}
