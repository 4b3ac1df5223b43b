/// Stage 2 of the pipeline: turns the loaded schemas into a `TypeModel`, checking that they only use what the
/// generator understands (unknown keywords fail generation rather than being silently ignored).
struct ModelBuilder {
    let documents: [String: SchemaDocument]
    var patterns: [String: PatternMatcher] = [:]
    var formats: [String: FormatType] = [:]

    /// What a schema file defines.
    enum Definition {
        case structure, enumeration, union
        case codec(FieldType)
        case format
    }

    /// Builds the model of all `documents`.
    static func build(_ documents: [SchemaDocument]) throws -> TypeModel {
        var builder = ModelBuilder(documents: Dictionary(uniqueKeysWithValues: documents.map { ($0.path, $0) }))
        return try builder.build(documents)
    }

    init(documents: [String: SchemaDocument]) {
        self.documents = documents
    }

    mutating func build(_ ordered: [SchemaDocument]) throws -> TypeModel {
        var structs: [StructType] = []
        var enums: [EnumType] = []
        var unions: [UnionType] = []
        for document in ordered {
            let role = try SchemaRole(folder: document.folder, at: document.root.location)
            switch try definition(of: document) {
            case .structure: structs.append(try structType(document, role: role))
            case .enumeration: enums.append(try enumType(document))
            case .union: unions.append(try unionType(document, role: role))
            case .codec, .format: try registerFormat(document)
            }
        }
        try resolveSeedDefaults(&structs)
        let names = structs.map(\.name) + enums.map(\.name) + unions.map(\.name)
        if let duplicate = Dictionary(grouping: names, by: { $0 }).first(where: { $0.value.count > 1 })?.key {
            throw GeneratorError("two schemas have the title \(duplicate)")
        }
        try checkMessageUnions(structs: structs, unions: unions)
        return TypeModel(
            structs: structs.sorted { $0.name < $1.name },
            enums: enums.sorted { $0.name < $1.name },
            unions: unions.sorted { $0.name < $1.name },
            formats: formats.values.sorted { $0.name < $1.name },
            patterns: patterns.values.sorted { $0.functionName < $1.functionName },
            requests: try requestMetadata(structs: structs, unions: unions),
            sizeLimits: try sizeLimits(structs: structs, unions: unions))
    }

    // MARK: Classification

    func definition(of document: SchemaDocument) throws -> Definition {
        let root = document.root
        if root["x-hypergraph-discriminator"] != nil { return .union }
        if let codec = try root.optionalString("x-hypergraph-codec") {
            switch codec {
            case "bytes": return .codec(.bytes)
            case "timestamp": return .codec(.timestamp)
            default:
                throw GeneratorError(
                    "unknown x-hypergraph-codec \"\(codec)\" (expected bytes or timestamp)", at: root.location)
            }
        }
        switch try root.optionalString("type") {
        case "object": return .structure
        case "string" where root["oneOf"] != nil || root["anyOf"] != nil || root["enum"] != nil: return .enumeration
        case _ where document.folder == "formats": return .format
        default:
            throw GeneratorError(
                "cannot tell what this schema defines: expected an object, a string enum, a union or a format",
                at: root.location)
        }
    }

    /// Fails on keywords the generator does not interpret, so a constraint is never dropped unnoticed.
    func checkKeywords(_ node: SchemaNode, allowed: Set<String>) throws {
        for key in node.keys where !allowed.contains(key) {
            throw GeneratorError(
                "unsupported keyword \"\(key)\" here (the generator understands: \(allowed.sorted().joined(separator: ", ")))",
                at: node.location)
        }
    }

    func title(of document: SchemaDocument) throws -> String {
        let title = try document.root.requiredString("title")
        guard Naming.isTypeName(title) else {
            throw GeneratorError(
                "title \"\(title)\" is not an UpperCamelCase Swift type name",
                at: document.root.location.appending("title"))
        }
        return title
    }

    func description(of node: SchemaNode) throws -> String {
        guard let text = try node.optionalString("description"), !text.isEmpty else {
            throw GeneratorError("missing description (every schema and property needs one)", at: node.location)
        }
        return text
    }

    // MARK: Structs

    static let structKeywords: Set<String> = Set([
        "$schema", "title", "description", "type", "required", "properties", "additionalProperties",
    ]).union(requestMetadataKeywords)
    static let propertyKeywords: Set<String> = [
        "description", "type", "$ref", "const", "enum", "pattern", "minLength", "maxLength", "minimum", "maximum",
        "items", "minItems", "maxItems", "additionalProperties", "format", "x-hypergraph-expected",
        "x-hypergraph-seed-alias", "x-hypergraph-seed-default", sizeLimitKeyword,
    ]
    /// The keywords of an array's `items` or a map's values: a size limit belongs to the member itself.
    static let elementKeywords = propertyKeywords.subtracting([sizeLimitKeyword])

    mutating func structType(_ document: SchemaDocument, role: SchemaRole) throws -> StructType {
        let root = document.root
        try checkKeywords(root, allowed: Self.structKeywords)
        if let additional = root["additionalProperties"], additional.value != .bool(true) {
            throw GeneratorError(
                "additionalProperties must be true or absent: unknown members are always allowed (PROTOCOL.md §2.4)",
                at: additional.location)
        }
        let name = try title(of: document)
        let required = Set(try root["required"]?.elements().map { try $0.string() } ?? [])
        let properties = try root["properties"]?.members() ?? []
        for member in required where !properties.contains(where: { $0.key == member }) {
            throw GeneratorError(
                "\"\(member)\" is required but not a property", at: root.location.appending("required"))
        }
        var members: [StructMember] = []
        for (key, node) in properties {
            try checkKeywords(node, allowed: Self.propertyKeywords)
            guard Naming.isIdentifier(key), !Naming.reservedPropertyNames.contains(key) else {
                throw GeneratorError(
                    "member name \"\(key)\" is not usable as a Swift property name (reserved: \(Naming.reservedPropertyNames.sorted()))",
                    at: node.location)
            }
            let documentation = try description(of: node)
            if let constant = node["const"] {
                guard node.keys.allSatisfy({ ["description", "const", "type"].contains($0) }) else {
                    throw GeneratorError(
                        "a const member may only have description and type besides const", at: node.location)
                }
                members.append(
                    .constant(
                        ConstantMember(
                            jsonName: key, swiftName: Naming.escaped(key), value: try constant.string(),
                            documentation: documentation, isRequired: required.contains(key))))
                continue
            }
            members.append(
                .property(
                    Property(
                        jsonName: key, swiftName: Naming.escaped(key), documentation: documentation,
                        isRequired: required.contains(key),
                        type: try fieldType(node, document: document, matcherName: name + Naming.upperCamelCase(key)),
                        seedAlias: try node.optionalString("x-hypergraph-seed-alias"),
                        seedDefault: nil, sizeLimit: try sizeLimitUse(node))))
        }
        let type = StructType(
            name: name, documentation: try description(of: root), source: document.path, role: role, members: members)
        try checkStructRules(type, at: root.location)
        return type
    }

    func checkStructRules(_ type: StructType, at location: SchemaLocation) throws {
        if let expected = Naming.messageTypeName(type: type.constant(named: "type") ?? "", role: type.role) {
            guard type.constant(named: "type") != nil else {
                throw GeneratorError("a message needs a const \"type\" member", at: location)
            }
            guard type.name == expected else {
                throw GeneratorError(
                    "message title must be \(expected) (naming rule, docs/codec.md)", at: location.appending("title"))
            }
        }
        guard type.members.filter(\.isRequired).count <= 64 else {
            throw GeneratorError("more than 64 required members are not supported", at: location)
        }
        for property in type.properties {
            if let alias = property.seedAlias {
                guard property.isRequired, !type.members.contains(where: { $0.jsonName == alias }) else {
                    throw GeneratorError(
                        "seed alias \"\(alias)\" must name no other member and belong to a required member",
                        at: location)
                }
            }
        }
    }
}
