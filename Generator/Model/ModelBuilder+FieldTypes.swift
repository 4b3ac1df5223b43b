// Member types: inline schemas, references to other files, and the named formats of Schemas/formats/.

extension ModelBuilder {
    // MARK: Field types

    mutating func fieldType(_ node: SchemaNode, document: SchemaDocument, matcherName: String) throws -> FieldType {
        if let reference = try node.optionalString("$ref") {
            let extra = Set(node.keys).subtracting([
                "$ref", "description", "x-hypergraph-seed-alias", "x-hypergraph-seed-default", Self.sizeLimitKeyword,
            ])
            guard extra.isEmpty else {
                throw GeneratorError(
                    "next to $ref only description, seed and size-limit keywords are supported, found \(extra.sorted())",
                    at: node.location)
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
        let common: Set<String> = [
            "description", "type", "x-hypergraph-seed-alias", "x-hypergraph-seed-default", Self.sizeLimitKeyword,
        ]
        try checkKeywords(node, allowed: allowed.union(common))
        switch type {
        case "string":
            return .string(try stringRules(node, matcherName: matcherName, format: nil))
        case "integer":
            return .integer(
                IntegerRules(minimum: try node.optionalInteger("minimum"), maximum: try node.optionalInteger("maximum"))
            )
        case "number":
            return .number(
                NumberRules(minimum: node["minimum"]?.value.doubleValue, maximum: node["maximum"]?.value.doubleValue))
        case "boolean":
            return .boolean
        case "array":
            guard let items = node["items"] else { throw GeneratorError("an array needs \"items\"", at: node.location) }
            try checkKeywords(items, allowed: Self.elementKeywords)
            let element = try fieldType(items, document: document, matcherName: matcherName + "Element")
            return .array(
                element,
                ArrayRules(
                    minimumCount: try node.optionalInteger("minItems"),
                    maximumCount: try node.optionalInteger("maxItems")))
        default:
            guard let values = node["additionalProperties"], values.isObject else {
                throw GeneratorError(
                    "an object member must be a map: {\"type\":\"object\",\"additionalProperties\":{…}} (use a schema file for structs)",
                    at: node.location)
            }
            try checkKeywords(values, allowed: Self.elementKeywords)
            return .map(try fieldType(values, document: document, matcherName: matcherName + "Value"))
        }
    }

    mutating func stringRules(_ node: SchemaNode, matcherName: String, format: String?) throws -> StringRules {
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

    mutating func referencedType(_ reference: String, from document: SchemaDocument, at location: SchemaLocation) throws
        -> FieldType
    {
        let path = try SchemaLoader.resolve(reference, from: document.path, at: location)
        guard let target = documents[path] else {
            throw GeneratorError(
                "$ref \"\(reference)\" names no schema file (resolved to Schemas/\(path))", at: location)
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

    static let formatKeywords: Set<String> = [
        "$schema", "title", "description", "type", "pattern", "minLength", "maxLength", "minimum", "maximum",
        "format", "x-hypergraph-expected",
    ]

    /// Records a named format and returns the field type it stands for.
    @discardableResult
    mutating func registerFormat(_ document: SchemaDocument) throws -> FieldType {
        let name = try title(of: document)
        if let known = formats[name] { return known.type }
        let root = document.root
        let type: FieldType
        if case .codec(let codec) = try definition(of: document) {
            type = codec // the rest of a codec schema documents the accepted JSON; the runtime type implements it
        } else {
            try checkKeywords(root, allowed: Self.formatKeywords)
            switch try root.optionalString("type") {
            case "string": type = .string(try stringRules(root, matcherName: name, format: name))
            case "integer":
                type = .integer(
                    IntegerRules(
                        format: name, minimum: try root.optionalInteger("minimum"),
                        maximum: try root.optionalInteger("maximum")))
            default: throw GeneratorError("a format must be a string or an integer", at: root.location)
            }
        }
        formats[name] = FormatType(
            name: name, documentation: try description(of: root), source: document.path, type: type)
        return type
    }
}
