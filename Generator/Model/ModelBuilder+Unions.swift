// String enumerations, discriminated unions, and the check that each direction's union lists all its messages.

extension ModelBuilder {
    // MARK: Enums

    func enumType(_ document: SchemaDocument) throws -> EnumType {
        let root = document.root
        try checkKeywords(root, allowed: ["$schema", "title", "description", "type", "oneOf", "anyOf", "enum"])
        var cases: [EnumCase] = []
        var otherValues: String?
        if let values = root["enum"] {
            for value in try values.elements() {
                let raw = try value.string()
                cases.append(
                    EnumCase(rawValue: raw, swiftName: Naming.lowerCamelCase(raw), documentation: "The value `\(raw)`.")
                )
            }
        } else if let alternatives = root["oneOf"] ?? root["anyOf"] {
            // `oneOf` lists a closed set; `anyOf` an open one, whose last alternative accepts any other string.
            let isOpen = root["anyOf"] != nil
            for alternative in try alternatives.elements() {
                if isOpen, alternative["const"] == nil {
                    try checkKeywords(alternative, allowed: ["description", "type"])
                    guard try alternative.optionalString("type") == "string", otherValues == nil else {
                        throw GeneratorError(
                            "an open enum (anyOf) has exactly one catch-all alternative {\"type\": \"string\", \"description\": …}",
                            at: alternative.location)
                    }
                    otherValues = try description(of: alternative)
                    continue
                }
                try checkKeywords(alternative, allowed: ["description", "const"])
                guard let constant = alternative["const"] else {
                    throw GeneratorError(
                        "each alternative of a string enum must be {\"const\": …, \"description\": …}",
                        at: alternative.location)
                }
                let raw = try constant.string()
                cases.append(
                    EnumCase(
                        rawValue: raw, swiftName: Naming.lowerCamelCase(raw),
                        documentation: try description(of: alternative)))
            }
            if isOpen, otherValues == nil {
                throw GeneratorError(
                    "an open enum (anyOf) needs a catch-all alternative {\"type\": \"string\"}; use oneOf for a closed set",
                    at: root.location)
            }
        }
        guard !cases.isEmpty else { throw GeneratorError("an enum needs values", at: root.location) }
        for enumCase in cases
        where !Naming.isIdentifier(enumCase.swiftName) || (otherValues != nil && enumCase.swiftName == "unknown") {
            throw GeneratorError("value \"\(enumCase.rawValue)\" does not give a Swift case name", at: root.location)
        }
        return EnumType(
            name: try title(of: document), documentation: try description(of: root), source: document.path,
            cases: cases,
            otherValues: otherValues)
    }

    // MARK: Unions

    func unionType(_ document: SchemaDocument, role: SchemaRole) throws -> UnionType {
        let root = document.root
        try checkKeywords(
            root,
            allowed: ["$schema", "title", "description", "x-hypergraph-discriminator", "oneOf", Self.sizeLimitsKeyword])
        let pointer = try root.requiredString("x-hypergraph-discriminator")
        let keys = pointer.split(separator: "/").map(String.init)
        guard pointer.hasPrefix("/"), !keys.isEmpty else {
            throw GeneratorError("x-hypergraph-discriminator must be a JSON pointer such as /type", at: root.location)
        }
        guard let alternatives = root["oneOf"] else { throw GeneratorError("a union needs oneOf", at: root.location) }
        var variants: [UnionVariant] = []
        for alternative in try alternatives.elements() {
            try checkKeywords(alternative, allowed: ["$ref"])
            let path = try SchemaLoader.resolve(
                try alternative.requiredString("$ref"), from: document.path, at: alternative.location)
            guard let target = documents[path], case .structure = try definition(of: target) else {
                throw GeneratorError("a union variant must reference an object schema", at: alternative.location)
            }
            let value = try discriminatorValue(of: target, keys: keys, at: alternative.location)
            guard !variants.contains(where: { $0.discriminatorValue == value }) else {
                throw GeneratorError("two variants have the discriminator \"\(value)\"", at: alternative.location)
            }
            variants.append(
                UnionVariant(
                    discriminatorValue: value, caseName: Naming.escaped(Naming.lowerCamelCase(value)),
                    typeName: try title(of: target), documentation: try description(of: target.root)))
        }
        return UnionType(
            name: try title(of: document), documentation: try description(of: root), source: document.path, role: role,
            discriminator: keys, variants: variants)
    }

    /// The `const` found by following `keys` through the variant's required struct members.
    func discriminatorValue(of document: SchemaDocument, keys: [String], at location: SchemaLocation) throws -> String {
        var node = document.root
        var current = document
        for (index, key) in keys.enumerated() {
            guard let member = node["properties"]?[key],
                try node["required"]?.elements().contains(where: { try $0.string() == key }) == true
            else {
                throw GeneratorError(
                    "\(current.path) has no required member \"\(key)\" for the discriminator", at: location)
            }
            if index == keys.count - 1 {
                guard let constant = member["const"] else {
                    throw GeneratorError("the discriminator member must be a const", at: member.location)
                }
                return try constant.string()
            }
            let path = try SchemaLoader.resolve(
                try member.requiredString("$ref"), from: current.path, at: member.location)
            guard let next = documents[path] else { throw GeneratorError("unresolvable $ref", at: member.location) }
            current = next
            node = next.root
        }
        throw GeneratorError("empty discriminator", at: location)
    }

    /// When a direction has a union index (a top-level union listing its messages), it lists exactly that
    /// direction's message schemas. A folder without union indexes is fine: its messages are generated alone.
    func checkMessageUnions(structs: [StructType], unions: [UnionType]) throws {
        for role in [SchemaRole.clientMessage, .serverMessage] {
            let messages = Set(structs.filter { $0.role == role }.map(\.name))
            let indexes = unions.filter { union in
                union.role == .messageUnion && union.variants.contains { messages.contains($0.typeName) }
            }
            guard indexes.count <= 1 else {
                throw GeneratorError(
                    "expected at most one union index file listing the \(role.rawValue) schemas, found \(indexes.count): \(indexes.map(\.name))"
                )
            }
            guard let index = indexes.first else { continue }
            let listed = Set(index.variants.map(\.typeName))
            guard listed == messages else {
                let missing = messages.subtracting(listed).sorted()
                let foreign = listed.subtracting(messages).sorted()
                throw GeneratorError(
                    "\(index.name) must list exactly the \(role.rawValue) schemas; missing \(missing), not messages of that direction \(foreign)",
                    at: SchemaLocation(file: index.source))
            }
        }
    }
}
