// Request metadata (docs/schemas.md, "Custom keywords"): `x-hypergraph-reply` and `x-hypergraph-correlation` of the
// client request schemas, checked against the server messages and resolved to Swift property paths.

/// What the schema of one client request says about its answer.
struct RequestMetadata {
    /// The request's `type`.
    var requestType: String
    /// Its `ClientMessage` case.
    var requestCase: String
    /// Its Swift struct.
    var requestTypeName: String
    /// The `type` of the server message that answers it (`x-hypergraph-reply`).
    var replyType: String
    /// That message's `ServerMessage` case.
    var replyCase: String
    /// That message's Swift struct.
    var replyTypeName: String
    /// The `x-hypergraph-correlation` entries, in schema order.
    var correlations: [Correlation]
}

/// One entry of `x-hypergraph-correlation`: a string member of the request, the reply member that must equal it
/// and/or the member of a rejecting `error` that may name it.
struct Correlation {
    /// The request member as written, e.g. `/event/transaction/id`.
    var requestPointer: String
    /// Its Swift property path, e.g. `["event", "transaction", "id"]`.
    var requestPath: [String]
    /// The reply member that must be equal, if any.
    var reply: (pointer: String, path: [String])?
    /// The member of the `error` message that may name the value, if any.
    var errorMember: Property?
}

extension ModelBuilder {
    /// The keywords of this file; only client request schemas may use them.
    static let requestMetadataKeywords: Set<String> = ["x-hypergraph-reply", "x-hypergraph-correlation"]
    /// The `error` message type whose members a correlation may name.
    static let errorMessageType = "error"

    /// The metadata of every client request, in the order of the client union index; none when no request uses the
    /// keywords or the schemas lack a union index of either direction. Fails with the schema location when a
    /// request lacks `x-hypergraph-reply` while others have it, names an unknown server message, or a pointer or
    /// error member does not resolve to a required string member.
    func requestMetadata(structs: [StructType], unions: [UnionType]) throws -> [RequestMetadata] {
        let byName = Dictionary(uniqueKeysWithValues: structs.map { ($0.name, $0) })
        for type in structs where type.role != .clientMessage {
            guard let document = documents[type.source] else { continue }
            for keyword in Self.requestMetadataKeywords {
                if let node = document.root[keyword] {
                    throw GeneratorError("\(keyword) belongs only in client request schemas", at: node.location)
                }
            }
        }
        func messageUnion(_ role: SchemaRole) -> UnionType? {
            unions.first { union in
                union.role == .messageUnion && union.variants.contains { byName[$0.typeName]?.role == role }
            }
        }
        // Schema folders that do not use the keywords (other packages' messages) get no metadata; once one request
        // has it, every request needs it.
        guard let requests = messageUnion(.clientMessage), let replies = messageUnion(.serverMessage),
            requests.variants.contains(where: { variant in
                byName[variant.typeName].flatMap { documents[$0.source]?.root["x-hypergraph-reply"] } != nil
            })
        else { return [] }
        let errorMessage = replies.variants.first { $0.discriminatorValue == Self.errorMessageType }
            .flatMap { byName[$0.typeName] }
        return try requests.variants.map { variant in
            guard let request = byName[variant.typeName], let document = documents[request.source] else {
                throw GeneratorError("no schema for \(variant.typeName)", at: SchemaLocation(file: requests.source))
            }
            guard let replyNode = document.root["x-hypergraph-reply"] else {
                throw GeneratorError(
                    "a client request needs \"x-hypergraph-reply\": the type of the server message that answers it",
                    at: document.root.location)
            }
            let replyType = try replyNode.string()
            guard let replyVariant = replies.variants.first(where: { $0.discriminatorValue == replyType }),
                let reply = byName[replyVariant.typeName]
            else {
                throw GeneratorError(
                    "x-hypergraph-reply names \"\(replyType)\", which is not a server message (expected one of "
                        + replies.variants.map(\.discriminatorValue).joined(separator: ", ") + ")",
                    at: replyNode.location)
            }
            let entries = try document.root["x-hypergraph-correlation"]?.elements() ?? []
            let correlations = try entries.map { entry in
                try correlation(entry, request: request, reply: reply, error: errorMessage, structs: byName)
            }
            return RequestMetadata(
                requestType: variant.discriminatorValue, requestCase: variant.caseName, requestTypeName: request.name,
                replyType: replyType, replyCase: replyVariant.caseName, replyTypeName: reply.name,
                correlations: correlations)
        }
    }

    /// One `x-hypergraph-correlation` entry: `{"request": pointer, "reply": pointer, "error": member}`.
    private func correlation(
        _ entry: SchemaNode, request: StructType, reply: StructType, error: StructType?,
        structs: [String: StructType]
    ) throws -> Correlation {
        try checkKeywords(entry, allowed: ["request", "reply", "error"])
        let requestPointer = try entry.requiredString("request")
        var result = Correlation(
            requestPointer: requestPointer,
            requestPath: try stringMemberPath(
                requestPointer, in: request, structs: structs, at: entry.location.appending("request")))
        if let node = entry["reply"] {
            let pointer = try node.string()
            result.reply = (pointer, try stringMemberPath(pointer, in: reply, structs: structs, at: node.location))
        }
        if let node = entry["error"] {
            let name = try node.string()
            guard let error, name != "requestType", let member = error.property(named: name),
                case .string = member.type
            else {
                let candidates = error?.properties.filter {
                    if case .string = $0.type { $0.jsonName != "requestType" } else { false }
                }
                throw GeneratorError(
                    "\"\(name)\" is not a string member of the \(Self.errorMessageType) message that names a request id "
                        + "(expected one of \((candidates ?? []).map(\.jsonName).joined(separator: ", ")))",
                    at: node.location)
            }
            result.errorMember = member
        }
        guard result.reply != nil || result.errorMember != nil else {
            throw GeneratorError("a correlation needs \"reply\", \"error\" or both", at: entry.location)
        }
        return result
    }

    /// The Swift property path of `pointer` (e.g. `/inbox/inboxId`): every step a member the decoded struct always
    /// has (required), through structs, ending at a string.
    private func stringMemberPath(
        _ pointer: String, in type: StructType, structs: [String: StructType], at location: SchemaLocation
    ) throws -> [String] {
        let names = pointer.split(separator: "/", omittingEmptySubsequences: false).dropFirst().map(String.init)
        guard pointer.hasPrefix("/"), !names.isEmpty, !names.contains("") else {
            throw GeneratorError("\"\(pointer)\" is not a JSON pointer to a member, such as /spaceId", at: location)
        }
        var current = type
        var path: [String] = []
        for (index, name) in names.enumerated() {
            guard let step = current.property(named: name), step.isRequired else {
                throw GeneratorError(
                    "\(pointer): \"\(name)\" is not a required member of \(current.name)", at: location)
            }
            path.append(step.swiftName)
            if index == names.count - 1 {
                guard case .string = step.type else {
                    throw GeneratorError("\(pointer) is not a string member of \(type.name)", at: location)
                }
            } else {
                guard case .named(let next, .structure) = step.type, let nextType = structs[next] else {
                    throw GeneratorError("\(pointer): \"\(name)\" of \(current.name) is not an object", at: location)
                }
                current = nextType
            }
        }
        return path
    }
}
