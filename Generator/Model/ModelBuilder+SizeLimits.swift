// Size limits (docs/schemas.md, "Custom keywords"): the limit names a union index declares in
// `x-hypergraph-size-limits`, and the members that name one in `x-hypergraph-size-limit`.

/// A limit name declared by `x-hypergraph-size-limits`, rendered as a case of `SizeLimit`.
struct SizeLimitKind {
    /// The name in the schemas, e.g. `inbox-secret-key`.
    var name: String
    /// The Swift case name, e.g. `inboxSecretKey`.
    var swiftName: String
    /// What the limit applies to (the declaration's value).
    var documentation: String
    /// Whether the limit counts array elements (otherwise bytes), from the members that use it.
    var countsElements: Bool
}

/// A member's `x-hypergraph-size-limit`, checked against the declarations once all schemas are read.
struct SizeLimitUse {
    /// The limit name.
    var name: String
    /// Where the keyword is.
    var location: SchemaLocation
}

extension ModelBuilder {
    /// The keyword of a union index that declares the limit names.
    static let sizeLimitsKeyword = "x-hypergraph-size-limits"
    /// The keyword of a member that names its limit.
    static let sizeLimitKeyword = "x-hypergraph-size-limit"

    /// The member's limit, if it names one.
    func sizeLimitUse(_ node: SchemaNode) throws -> SizeLimitUse? {
        guard let name = try node.optionalString(Self.sizeLimitKeyword) else { return nil }
        return SizeLimitUse(name: name, location: node.location.appending(Self.sizeLimitKeyword))
    }

    /// The limits declared by the union indexes, in declaration order. Fails with the schema location when a member
    /// names an undeclared limit, a limit sits on a member that is neither a string, bytes nor an array, or one limit
    /// measures both bytes and array elements.
    func sizeLimits(structs: [StructType], unions: [UnionType]) throws -> [SizeLimitKind] {
        var kinds: [SizeLimitKind] = []
        var measured: [String: Bool] = [:]
        for union in unions {
            guard let node = documents[union.source]?.root[Self.sizeLimitsKeyword] else { continue }
            guard union.role == .messageUnion else {
                throw GeneratorError("\(Self.sizeLimitsKeyword) belongs only in a union index file", at: node.location)
            }
            for (name, value) in try node.members() {
                let swiftName = Naming.lowerCamelCase(name)
                guard Naming.isIdentifier(swiftName), !kinds.contains(where: { $0.name == name }) else {
                    throw GeneratorError(
                        "size limit \"\(name)\" is declared twice or does not give a Swift case name",
                        at: value.location)
                }
                let documentation = try value.string()
                kinds.append(
                    SizeLimitKind(name: name, swiftName: swiftName, documentation: documentation, countsElements: false)
                )
            }
        }
        for type in structs {
            for property in type.properties {
                guard let use = property.sizeLimit else { continue }
                guard kinds.contains(where: { $0.name == use.name }) else {
                    let declared = kinds.map(\.name).joined(separator: ", ")
                    throw GeneratorError(
                        "unknown size limit \"\(use.name)\" (declared in \(Self.sizeLimitsKeyword) of a union index: \(declared.isEmpty ? "none" : declared))",
                        at: use.location)
                }
                let countsElements: Bool
                switch property.type {
                case .string, .bytes: countsElements = false
                case .array: countsElements = true
                default:
                    throw GeneratorError(
                        "a size limit applies to a string, bytes or an array member, not \(property.type.expectation)",
                        at: use.location)
                }
                if let earlier = measured.updateValue(countsElements, forKey: use.name), earlier != countsElements {
                    throw GeneratorError(
                        "size limit \"\(use.name)\" is used both on an array (element count) and on a string or bytes",
                        at: use.location)
                }
            }
        }
        return kinds.map { kind in
            var kind = kind
            kind.countsElements = measured[kind.name] ?? false
            return kind
        }
    }
}
