/// Renders the size limits (`x-hypergraph-size-limits`, `x-hypergraph-size-limit`): the `SizeLimit` enum of the
/// declared names, `SizeLimitedMember`, and `visitSizeLimitedMembers(at:_:)` on every struct and union that holds a
/// size-limited member, directly or nested. What each limit's value is stays with the reader (the server's limits).
enum SizeLimitRenderer {
    /// The generated file's name (without `.swift`).
    static let fileName = "SizeLimits"

    static func render(_ model: TypeModel, into source: inout SwiftSource) {
        renderKinds(model.sizeLimits, into: &source)
        source.line()
        renderMember(into: &source)
        let reaching = reachingTypes(model)
        for type in model.structs where reaching.contains(type.name) {
            source.line()
            source.block("extension \(type.name)") { body in
                visitorFunction(into: &body) { function in
                    for property in type.properties { renderProperty(property, reaching: reaching, into: &function) }
                }
            }
        }
        for union in model.unions where reaching.contains(union.name) {
            source.line()
            source.block("extension \(union.name)") { body in
                visitorFunction(into: &body) { function in
                    function.switchBlock("self") { cases in
                        let variants = union.variants.filter { reaching.contains($0.typeName) }
                        for variant in variants {
                            cases.line(
                                "case .\(variant.caseName)(let value): try value.visitSizeLimitedMembers(at: path, visit)"
                            )
                        }
                        cases.line(variants.count == union.variants.count ? "case .unknown: break" : "default: break")
                    }
                }
            }
        }
    }

    private static func renderKinds(_ kinds: [SizeLimitKind], into source: inout SwiftSource) {
        source.documentation(
            "A limit on the size of a member (`x-hypergraph-size-limits` of the union index). The schemas name which members it applies to; the reader decides its value."
        )
        source.block("public enum SizeLimit: String, CaseIterable, Hashable, Sendable") { body in
            for kind in kinds {
                let measure = kind.countsElements ? "Counts array elements." : "Counts bytes."
                body.documentation("`\(kind.name)`: \(kind.documentation) \(measure)")
                body.line(
                    "case \(kind.swiftName)"
                        + (kind.swiftName == kind.name ? "" : " = \(SwiftLiteral.string(kind.name))"))
            }
        }
    }

    private static func renderMember(into source: inout SwiftSource) {
        source.documentation("A member with a size limit, as `visitSizeLimitedMembers(at:_:)` finds it.")
        source.block("public struct SizeLimitedMember: Hashable, Sendable") { body in
            body.documentation("Where the member is, e.g. `event.transaction.id` or `keyBoxes[2].ciphertext`.")
            body.line("public var path: String")
            body.documentation(
                "Its size: the UTF-8 bytes of a string, the byte count of bytes, the element count of an array.")
            body.line("public var size: Int")
            body.documentation("The limit that applies.")
            body.line("public var limit: SizeLimit")
            body.line()
            body.documentation("A member at `path` of `size` under `limit`.")
            body.block("public init(path: String, size: Int, limit: SizeLimit)") { initializer in
                initializer.line("self.path = path")
                initializer.line("self.size = size")
                initializer.line("self.limit = limit")
            }
            body.line()
            body.documentation("The path of member `name` of the value at `path` (empty for a whole message).")
            body.block("static func path(_ path: String, member name: String) -> String") {
                $0.line("path.isEmpty ? name : path + \".\" + name")
            }
        }
    }

    private static func visitorFunction(into source: inout SwiftSource, _ body: (inout SwiftSource) -> Void) {
        source.documentation(
            "Calls `visit` for every member with a size limit (`x-hypergraph-size-limit`), nested values included, in schema order; an array's count comes before its elements. `path` is the path of this value, empty for a whole message."
        )
        source.block(
            "public func visitSizeLimitedMembers(at path: String = \"\", _ visit: (SizeLimitedMember) throws -> Void) rethrows",
            body)
    }

    private static func renderProperty(_ property: Property, reaching: Set<String>, into source: inout SwiftSource) {
        let isLimited = property.sizeLimit != nil
        guard isLimited || property.type.reaches(reaching) else { return }
        let path = "SizeLimitedMember.path(path, member: \(SwiftLiteral.string(property.jsonName)))"
        func render(_ value: String, into body: inout SwiftSource) {
            if let limit = property.sizeLimit {
                let size =
                    switch property.type {
                    case .bytes: "\(value).bytes.count"
                    case .string: "\(value).utf8.count"
                    default: "\(value).count"
                    }
                body.line(
                    "try visit(SizeLimitedMember(path: \(path), size: \(size), limit: .\(Naming.lowerCamelCase(limit.name))))"
                )
            }
            renderNested(property.type, value: value, path: path, depth: 0, reaching: reaching, into: &body)
        }
        if property.isOptional {
            source.block(property.unwrapping("self.\(property.swiftName)")) {
                render(property.unwrappedName, into: &$0)
            }
        } else {
            render("self.\(property.swiftName)", into: &source)
        }
    }

    /// The visits of the generated values inside `value` (an expression of `type`) at `path` (an expression).
    private static func renderNested(
        _ type: FieldType, value: String, path: String, depth: Int, reaching: Set<String>,
        into source: inout SwiftSource
    ) {
        guard type.reaches(reaching) else { return }
        let suffix = depth == 0 ? "" : "\(depth)"
        switch type {
        case .named:
            source.line("try \(value).visitSizeLimitedMembers(at: \(path), visit)")
        case .array(let element, _):
            source.block("for (index\(suffix), element\(suffix)) in \(value).enumerated()") {
                renderNested(
                    element, value: "element\(suffix)", path: "\(path) + \"[\\(index\(suffix))]\"", depth: depth + 1,
                    reaching: reaching, into: &$0)
            }
        case .map(let valueType):
            source.block("for (key\(suffix), value\(suffix)) in \(value).sorted(by: { $0.key < $1.key })") {
                renderNested(
                    valueType, value: "value\(suffix)", path: "SizeLimitedMember.path(\(path), member: key\(suffix))",
                    depth: depth + 1, reaching: reaching, into: &$0)
            }
        case .string, .integer, .number, .boolean, .bytes, .timestamp:
            break
        }
    }

    /// The structs and unions that hold a size-limited member, directly or in nested values.
    static func reachingTypes(_ model: TypeModel) -> Set<String> {
        var reaching = Set<String>()
        var changed = true
        while changed {
            changed = false
            for type in model.structs where !reaching.contains(type.name) {
                if type.properties.contains(where: { $0.sizeLimit != nil || $0.type.reaches(reaching) }) {
                    changed = reaching.insert(type.name).inserted || changed
                }
            }
            for union in model.unions where !reaching.contains(union.name) {
                if union.variants.contains(where: { reaching.contains($0.typeName) }) {
                    changed = reaching.insert(union.name).inserted || changed
                }
            }
        }
        return reaching
    }
}

extension FieldType {
    /// Whether the value holds a generated value of one of the types `names`.
    fileprivate func reaches(_ names: Set<String>) -> Bool {
        switch self {
        case .named(let name, _): names.contains(name)
        case .array(let element, _): element.reaches(names)
        case .map(let value): value.reaches(names)
        case .string, .integer, .number, .boolean, .bytes, .timestamp: false
        }
    }
}
