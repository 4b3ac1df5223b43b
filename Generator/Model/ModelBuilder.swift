import Foundation

/// Stage 2 of the pipeline: turns the loaded schemas into a `TypeModel`, checking that they only use what the
/// generator understands (unknown keywords fail generation rather than being silently ignored).
struct ModelBuilder {
    private let documents: [String: SchemaDocument]
    private var patterns: [String: PatternMatcher] = [:]
    private var formats: [String: FormatType] = [:]

    /// What a schema file defines.
    private enum Definition {
        case structure, enumeration, union, codec(FieldType), format
    }

    /// Builds the model of all `documents`.
    static func build(_ documents: [SchemaDocument]) throws -> TypeModel {
        var builder = ModelBuilder(documents: Dictionary(uniqueKeysWithValues: documents.map { ($0.path, $0) }))
        return try builder.build(documents)
    }

    private init(documents: [String: SchemaDocument]) {
        self.documents = documents
    }

    private mutating func build(_ ordered: [SchemaDocument]) throws -> TypeModel {
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
            patterns: patterns.values.sorted { $0.functionName < $1.functionName })
    }

    // MARK: Classification

    private func definition(of document: SchemaDocument) throws -> Definition {
        let root = document.root
        if root["x-hypergraph-discriminator"] != nil { return .union }
        if let codec = try root.optionalString("x-hypergraph-codec") {
            switch codec {
            case "bytes": return .codec(.bytes)
            case "timestamp": return .codec(.timestamp)
            default: throw GeneratorError("unknown x-hypergraph-codec \"\(codec)\" (expected bytes or timestamp)", at: root.location)
            }
        }
        switch try root.optionalString("type") {
        case "object": return .structure
        case "string" where root["oneOf"] != nil || root["enum"] != nil: return .enumeration
        case _ where document.folder == "formats": return .format
        default: throw GeneratorError("cannot tell what this schema defines: expected an object, a string enum, a union or a format", at: root.location)
        }
    }

    /// Fails on keywords the generator does not interpret, so a constraint is never dropped unnoticed.
    private func checkKeywords(_ node: SchemaNode, allowed: Set<String>) throws {
        for key in node.keys where !allowed.contains(key) {
            throw GeneratorError("unsupported keyword \"\(key)\" here (the generator understands: \(allowed.sorted().joined(separator: ", ")))", at: node.location)
        }
    }

    private func title(of document: SchemaDocument) throws -> String {
        let title = try document.root.requiredString("title")
        guard Naming.isTypeName(title) else {
            throw GeneratorError("title \"\(title)\" is not an UpperCamelCase Swift type name", at: document.root.location.appending("title"))
        }
        return title
    }

    private func description(of node: SchemaNode) throws -> String {
        guard let text = try node.optionalString("description"), !text.isEmpty else {
            throw GeneratorError("missing description (every schema and property needs one)", at: node.location)
        }
        return text
    }

    // MARK: Structs

    private static let structKeywords: Set<String> = ["$schema", "title", "description", "type", "required", "properties", "additionalProperties"]
    private static let propertyKeywords: Set<String> = [
        "description", "type", "$ref", "const", "enum", "pattern", "minLength", "maxLength", "minimum", "maximum",
        "items", "minItems", "maxItems", "additionalProperties", "format", "x-hypergraph-expected",
        "x-hypergraph-seed-alias", "x-hypergraph-seed-default",
    ]

    private mutating func structType(_ document: SchemaDocument, role: SchemaRole) throws -> StructType {
        let root = document.root
        try checkKeywords(root, allowed: Self.structKeywords)
        if let additional = root["additionalProperties"], additional.value != .bool(true) {
            throw GeneratorError("additionalProperties must be true or absent: unknown members are always allowed (PROTOCOL.md §2.4)", at: additional.location)
        }
        let name = try title(of: document)
        let required = Set(try root["required"]?.elements().map { try $0.string() } ?? [])
        let properties = try root["properties"]?.members() ?? []
        for member in required where !properties.contains(where: { $0.key == member }) {
            throw GeneratorError("\"\(member)\" is required but not a property", at: root.location.appending("required"))
        }
        var members: [StructMember] = []
        for (key, node) in properties {
            try checkKeywords(node, allowed: Self.propertyKeywords)
            guard Naming.isIdentifier(key), !Naming.reservedPropertyNames.contains(key) else {
                throw GeneratorError("member name \"\(key)\" is not usable as a Swift property name (reserved: \(Naming.reservedPropertyNames.sorted()))", at: node.location)
            }
            let documentation = try description(of: node)
            if let constant = node["const"] {
                guard node.keys.allSatisfy({ ["description", "const", "type"].contains($0) }) else {
                    throw GeneratorError("a const member may only have description and type besides const", at: node.location)
                }
                members.append(.constant(ConstantMember(
                    jsonName: key, swiftName: Naming.escaped(key), value: try constant.string(),
                    documentation: documentation, isRequired: required.contains(key))))
                continue
            }
            members.append(.property(Property(
                jsonName: key, swiftName: Naming.escaped(key), documentation: documentation,
                isRequired: required.contains(key),
                type: try fieldType(node, document: document, matcherName: name + Naming.upperCamelCase(key)),
                seedAlias: try node.optionalString("x-hypergraph-seed-alias"),
                seedDefault: nil)))
        }
        let type = StructType(name: name, documentation: try description(of: root), source: document.path, role: role, members: members)
        try checkStructRules(type, at: root.location)
        return type
    }

    /// Resolves `x-hypergraph-seed-default` once every struct is known (a copy default refers to members of
    /// nested structs).
    private func resolveSeedDefaults(_ structs: inout [StructType]) throws {
        let byName = Dictionary(uniqueKeysWithValues: structs.map { ($0.name, $0) })
        for structIndex in structs.indices {
            let type = structs[structIndex]
            guard let document = documents[type.source] else { continue }
            for (memberIndex, member) in type.members.enumerated() {
                guard case .property(var property) = member,
                    let node = document.root["properties"]?[property.jsonName]?["x-hypergraph-seed-default"]
                else { continue }
                guard property.isRequired else {
                    throw GeneratorError("a seed default only makes sense for a required member", at: node.location)
                }
                if let value = node["value"] {
                    let json = String(decoding: value.value.serialized(), as: UTF8.self)
                    property.seedDefault = .value(swiftExpression: try swiftLiteral(value, for: property.type), json: json)
                } else if let pointer = try node.optionalString("copy") {
                    let path = try propertyPath(pointer, in: type, structs: byName, matching: property, at: node.location)
                    property.seedDefault = .copy(propertyPath: path, pointer: pointer)
                } else {
                    throw GeneratorError("x-hypergraph-seed-default needs \"value\" or \"copy\"", at: node.location)
                }
                structs[structIndex].members[memberIndex] = .property(property)
            }
        }
    }

    /// A Swift expression for the JSON `value` as a field of `type`.
    private func swiftLiteral(_ value: SchemaNode, for type: FieldType) throws -> String {
        switch (type, value.value) {
        case (.string, .string(let text)):
            return SwiftLiteral.string(text)
        case (.integer, .number(let number)) where Int(exactly: number) != nil:
            return String(Int(number))
        case (.boolean, .bool(let flag)):
            return String(flag)
        case (.timestamp, .string(let text)):
            let formatter = ISO8601DateFormatter()
            formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
            guard let date = formatter.date(from: text) else {
                throw GeneratorError("a timestamp default must be written as YYYY-MM-DDTHH:mm:ss.sssZ", at: value.location)
            }
            return "Timestamp(millisecondsSince1970: \(Int64((date.timeIntervalSince1970 * 1000).rounded())))"
        default:
            throw GeneratorError("default value does not fit the member's type", at: value.location)
        }
    }

    /// The property names along `pointer` (e.g. `/event/transaction/id`), checking that every step is a required
    /// struct member and that the target has the same type as `property`.
    private func propertyPath(
        _ pointer: String, in type: StructType, structs: [String: StructType], matching property: Property,
        at location: SchemaLocation
    ) throws -> [String] {
        let names = pointer.split(separator: "/").map(String.init)
        guard pointer.hasPrefix("/"), !names.isEmpty else {
            throw GeneratorError("copy must be a JSON pointer such as /event/transaction/id", at: location)
        }
        var current = type
        for (index, name) in names.enumerated() {
            guard let step = current.property(named: name), step.mustBePresent else {
                throw GeneratorError("\(pointer): \"\(name)\" is not a required member of \(current.name)", at: location)
            }
            if index == names.count - 1 {
                guard step.type.swiftTypeName == property.type.swiftTypeName else {
                    throw GeneratorError("\(pointer) has a different type than the member", at: location)
                }
            } else {
                guard case .named(let next, .structure) = step.type, let nextType = structs[next] else {
                    throw GeneratorError("\(pointer): \"\(name)\" is not a struct", at: location)
                }
                current = nextType
            }
        }
        return names.map(Naming.escaped)
    }

    private func checkStructRules(_ type: StructType, at location: SchemaLocation) throws {
        if let expected = Naming.messageTypeName(type: type.constant(named: "type") ?? "", role: type.role) {
            guard type.constant(named: "type") != nil else {
                throw GeneratorError("a message needs a const \"type\" member", at: location)
            }
            guard type.name == expected else {
                throw GeneratorError("message title must be \(expected) (naming rule, docs/codec.md)", at: location.appending("title"))
            }
        }
        guard type.members.filter(\.isRequired).count <= 64 else {
            throw GeneratorError("more than 64 required members are not supported", at: location)
        }
        for property in type.properties {
            if let alias = property.seedAlias {
                guard property.isRequired, !type.members.contains(where: { $0.jsonName == alias }) else {
                    throw GeneratorError("seed alias \"\(alias)\" must name no other member and belong to a required member", at: location)
                }
            }
        }
    }

    // MARK: Field types

    private mutating func fieldType(_ node: SchemaNode, document: SchemaDocument, matcherName: String) throws -> FieldType {
        if let reference = try node.optionalString("$ref") {
            let extra = Set(node.keys).subtracting(["$ref", "description", "x-hypergraph-seed-alias", "x-hypergraph-seed-default"])
            guard extra.isEmpty else {
                throw GeneratorError("next to $ref only description and seed keywords are supported, found \(extra.sorted())", at: node.location)
            }
            return try referencedType(reference, from: document, at: node.location)
        }
        guard let type = try node.optionalString("type") else {
            throw GeneratorError("a member needs \"type\" or \"$ref\"", at: node.location)
        }
        let rulesKeywords: [String: Set<String>] = [
            "string": ["pattern", "minLength", "maxLength", "enum", "format", "x-hypergraph-expected"],
            "integer": ["minimum", "maximum"], "number": ["minimum", "maximum"], "boolean": [],
            "array": ["items", "minItems", "maxItems"], "object": ["additionalProperties"],
        ]
        guard let allowed = rulesKeywords[type] else {
            throw GeneratorError("unsupported type \"\(type)\"", at: node.location)
        }
        let common: Set<String> = ["description", "type", "x-hypergraph-seed-alias", "x-hypergraph-seed-default"]
        try checkKeywords(node, allowed: allowed.union(common))
        switch type {
        case "string":
            return .string(try stringRules(node, matcherName: matcherName, format: nil))
        case "integer":
            return .integer(IntegerRules(minimum: try node.optionalInteger("minimum"), maximum: try node.optionalInteger("maximum")))
        case "number":
            return .number(NumberRules(minimum: node["minimum"]?.value.doubleValue, maximum: node["maximum"]?.value.doubleValue))
        case "boolean":
            return .boolean
        case "array":
            guard let items = node["items"] else { throw GeneratorError("an array needs \"items\"", at: node.location) }
            try checkKeywords(items, allowed: Self.propertyKeywords)
            let element = try fieldType(items, document: document, matcherName: matcherName + "Element")
            return .array(element, ArrayRules(minimumCount: try node.optionalInteger("minItems"), maximumCount: try node.optionalInteger("maxItems")))
        default:
            guard let values = node["additionalProperties"], values.isObject else {
                throw GeneratorError("an object member must be a map: {\"type\":\"object\",\"additionalProperties\":{…}} (use a schema file for structs)", at: node.location)
            }
            try checkKeywords(values, allowed: Self.propertyKeywords)
            return .map(try fieldType(values, document: document, matcherName: matcherName + "Value"))
        }
    }

    private mutating func stringRules(_ node: SchemaNode, matcherName: String, format: String?) throws -> StringRules {
        var rules = StringRules(format: format)
        if let pattern = try node.optionalString("pattern") {
            if let existing = patterns[matcherName] {
                rules.pattern = existing
            } else {
                let expectation = try node.optionalString("x-hypergraph-expected") ?? "a string matching \(pattern)"
                let matcher = PatternMatcher(
                    functionName: "is" + matcherName, source: pattern, expectation: expectation,
                    program: try PatternCompiler.compile(pattern, at: node.location.appending("pattern")))
                patterns[matcherName] = matcher
                rules.pattern = matcher
            }
        }
        rules.minimumLength = try node.optionalInteger("minLength")
        rules.maximumLength = try node.optionalInteger("maxLength")
        rules.allowedValues = try node["enum"]?.elements().map { try $0.string() }
        return rules
    }

    private mutating func referencedType(_ reference: String, from document: SchemaDocument, at location: SchemaLocation) throws -> FieldType {
        let path = try SchemaLoader.resolve(reference, from: document.path, at: location)
        guard let target = documents[path] else {
            throw GeneratorError("$ref \"\(reference)\" names no schema file (resolved to Schemas/\(path))", at: location)
        }
        switch try definition(of: target) {
        case .structure: return .named(try title(of: target), .structure)
        case .enumeration: return .named(try title(of: target), .enumeration)
        case .union: return .named(try title(of: target), .union)
        case .codec(let type): return type
        case .format: return try registerFormat(target)
        }
    }

    // MARK: Formats

    private static let formatKeywords: Set<String> = [
        "$schema", "title", "description", "type", "pattern", "minLength", "maxLength", "minimum", "maximum",
        "format", "x-hypergraph-expected",
    ]

    /// Records a named format and returns the field type it stands for.
    @discardableResult
    private mutating func registerFormat(_ document: SchemaDocument) throws -> FieldType {
        let name = try title(of: document)
        if let known = formats[name] { return known.type }
        let root = document.root
        let type: FieldType
        if case .codec(let codec) = try definition(of: document) {
            type = codec  // the rest of a codec schema documents the accepted JSON; the runtime type implements it
        } else {
            try checkKeywords(root, allowed: Self.formatKeywords)
            switch try root.optionalString("type") {
            case "string": type = .string(try stringRules(root, matcherName: name, format: name))
            case "integer":
                type = .integer(IntegerRules(format: name, minimum: try root.optionalInteger("minimum"), maximum: try root.optionalInteger("maximum")))
            default: throw GeneratorError("a format must be a string or an integer", at: root.location)
            }
        }
        formats[name] = FormatType(name: name, documentation: try description(of: root), source: document.path, type: type)
        return type
    }

    // MARK: Enums

    private func enumType(_ document: SchemaDocument) throws -> EnumType {
        let root = document.root
        try checkKeywords(root, allowed: ["$schema", "title", "description", "type", "oneOf", "enum"])
        var cases: [EnumCase] = []
        if let values = root["enum"] {
            for value in try values.elements() {
                let raw = try value.string()
                cases.append(EnumCase(rawValue: raw, swiftName: Naming.lowerCamelCase(raw), documentation: "The value `\(raw)`."))
            }
        } else if let alternatives = root["oneOf"] {
            for alternative in try alternatives.elements() {
                try checkKeywords(alternative, allowed: ["description", "const"])
                guard let constant = alternative["const"] else {
                    throw GeneratorError("each alternative of a string enum must be {\"const\": …, \"description\": …}", at: alternative.location)
                }
                let raw = try constant.string()
                cases.append(EnumCase(rawValue: raw, swiftName: Naming.lowerCamelCase(raw), documentation: try description(of: alternative)))
            }
        }
        guard !cases.isEmpty else { throw GeneratorError("an enum needs values", at: root.location) }
        for enumCase in cases where !Naming.isIdentifier(enumCase.swiftName) {
            throw GeneratorError("value \"\(enumCase.rawValue)\" does not give a Swift case name", at: root.location)
        }
        return EnumType(name: try title(of: document), documentation: try description(of: root), source: document.path, cases: cases)
    }

    // MARK: Unions

    private func unionType(_ document: SchemaDocument, role: SchemaRole) throws -> UnionType {
        let root = document.root
        try checkKeywords(root, allowed: ["$schema", "title", "description", "x-hypergraph-discriminator", "oneOf"])
        let pointer = try root.requiredString("x-hypergraph-discriminator")
        let keys = pointer.split(separator: "/").map(String.init)
        guard pointer.hasPrefix("/"), !keys.isEmpty else {
            throw GeneratorError("x-hypergraph-discriminator must be a JSON pointer such as /type", at: root.location)
        }
        guard let alternatives = root["oneOf"] else { throw GeneratorError("a union needs oneOf", at: root.location) }
        var variants: [UnionVariant] = []
        for alternative in try alternatives.elements() {
            try checkKeywords(alternative, allowed: ["$ref"])
            let path = try SchemaLoader.resolve(try alternative.requiredString("$ref"), from: document.path, at: alternative.location)
            guard let target = documents[path], case .structure = try definition(of: target) else {
                throw GeneratorError("a union variant must reference an object schema", at: alternative.location)
            }
            let value = try discriminatorValue(of: target, keys: keys, at: alternative.location)
            guard !variants.contains(where: { $0.discriminatorValue == value }) else {
                throw GeneratorError("two variants have the discriminator \"\(value)\"", at: alternative.location)
            }
            variants.append(UnionVariant(
                discriminatorValue: value, caseName: Naming.escaped(Naming.lowerCamelCase(value)),
                typeName: try title(of: target), documentation: try description(of: target.root)))
        }
        return UnionType(
            name: try title(of: document), documentation: try description(of: root), source: document.path, role: role,
            discriminator: keys, variants: variants)
    }

    /// The `const` found by following `keys` through the variant's required struct members.
    private func discriminatorValue(of document: SchemaDocument, keys: [String], at location: SchemaLocation) throws -> String {
        var node = document.root
        var current = document
        for (index, key) in keys.enumerated() {
            guard let member = node["properties"]?[key],
                try node["required"]?.elements().contains(where: { try $0.string() == key }) == true
            else {
                throw GeneratorError("\(current.path) has no required member \"\(key)\" for the discriminator", at: location)
            }
            if index == keys.count - 1 {
                guard let constant = member["const"] else {
                    throw GeneratorError("the discriminator member must be a const", at: member.location)
                }
                return try constant.string()
            }
            let path = try SchemaLoader.resolve(try member.requiredString("$ref"), from: current.path, at: member.location)
            guard let next = documents[path] else { throw GeneratorError("unresolvable $ref", at: member.location) }
            current = next
            node = next.root
        }
        throw GeneratorError("empty discriminator", at: location)
    }

    /// Every message schema belongs to exactly the union index of its direction, and vice versa.
    private func checkMessageUnions(structs: [StructType], unions: [UnionType]) throws {
        for role in [SchemaRole.clientMessage, .serverMessage] {
            let messages = Set(structs.filter { $0.role == role }.map(\.name))
            let indexes = unions.filter { union in union.role == .messageUnion && union.variants.contains { messages.contains($0.typeName) } }
            guard indexes.count == 1, let index = indexes.first else {
                throw GeneratorError("expected exactly one union index file listing the \(role.rawValue) schemas, found \(indexes.count)")
            }
            let listed = Set(index.variants.map(\.typeName))
            guard listed == messages else {
                let missing = messages.subtracting(listed).sorted(), foreign = listed.subtracting(messages).sorted()
                throw GeneratorError("\(index.name) must list exactly the \(role.rawValue) schemas; missing \(missing), not messages of that direction \(foreign)", at: SchemaLocation(file: index.source))
            }
        }
    }
}
