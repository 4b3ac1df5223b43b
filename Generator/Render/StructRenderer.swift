/// Renders the declaration of a struct: constants, stored properties and the memberwise initialiser.
enum StructRenderer {
    static func render(_ type: StructType, into source: inout SwiftSource) {
        var documentation = [type.documentation]
        if let wireType = type.constant(named: "type") {
            documentation.append("Wire `type`: `\"\(wireType)\"`. Schema: `\(source.schemaPath(type.source))`.")
        } else {
            documentation.append("Schema: `\(source.schemaPath(type.source))`.")
        }
        source.documentation(documentation)
        source.block("public struct \(type.name): Hashable, Sendable") { body in
            for constant in type.constants {
                body.documentation(
                    "The fixed value of the `\(constant.jsonName)` member (\(constant.documentation.trimmingSuffix(".").lowercasedFirst))."
                )
                body.line("public static let \(constant.swiftName) = \(SwiftLiteral.string(constant.value))")
                body.line()
            }
            for property in type.properties {
                body.documentation(propertyDocumentation(property))
                body.line(
                    "public var \(property.swiftName): \(property.type.swiftTypeName)\(property.isOptional ? "?" : "")")
                body.line()
            }
            renderInitializer(type, into: &body)
        }
    }

    /// The doc comment paragraphs of a property: its description, then its wire rules.
    static func propertyDocumentation(_ property: Property) -> [String] {
        var paragraphs = [property.documentation]
        if let rules = constraintSummary(property.type) { paragraphs.append(rules) }
        if property.isOptional {
            paragraphs.append("Optional: `nil` is omitted from the wire; an explicit `null` is rejected on decode.")
        }
        if let alias = property.seedAlias {
            paragraphs.append(
                "Seed spelling: decoding also accepts the member name `\(alias)` when `\(property.jsonName)` is absent."
            )
        }
        switch property.seedDefault {
        case .value(_, let json)?:
            paragraphs.append("Seed spelling: decoding accepts a message without this member and then uses `\(json)`.")
        case .copy(let path, _)?:
            paragraphs.append(
                "Seed spelling: decoding accepts a message without this member and then uses `\(path.joined(separator: "."))`."
            )
        case nil:
            break
        }
        return paragraphs
    }

    /// One sentence describing the constraints of `type`, or `nil` when there are none worth stating.
    static func constraintSummary(_ type: FieldType) -> String? {
        switch type {
        case .string(let rules):
            var parts: [String] = []
            if let pattern = rules.pattern { parts.append("must be \(pattern.expectation) (`\(pattern.source)`)") }
            if let minimum = rules.minimumLength { parts.append("at least \(counted(minimum, "character"))") }
            if let maximum = rules.maximumLength { parts.append("at most \(counted(maximum, "character"))") }
            if let allowed = rules.allowedValues {
                parts.append("one of " + allowed.map { "`\"\($0)\"`" }.joined(separator: ", "))
            }
            let prefix = rules.format.map { "Format `\($0)`" } ?? "Constraint"
            if parts.isEmpty { return rules.format.map { "Format `\($0)`." } }
            return prefix + ": " + parts.joined(separator: "; ") + "."
        case .integer(let rules) where rules.minimum != nil || rules.maximum != nil:
            return (rules.format.map { "Format `\($0)`: must be an " } ?? "Must be an ") + rules.expectation + "."
        case .array(let element, let rules):
            var parts: [String] = []
            if let minimum = rules.minimumCount {
                parts.append("at least \(counted(minimum, "element"))")
            }
            if let maximum = rules.maximumCount { parts.append("at most \(counted(maximum, "element"))") }
            let elementRules = constraintSummary(element).map { " Each element: " + $0.lowercasedFirst } ?? ""
            return parts.isEmpty
                ? (elementRules.isEmpty ? nil : elementRules.dropFirst().description)
                : "Must have " + parts.joined(separator: " and ") + "." + elementRules
        case .bytes:
            return "Wire form `{\"__type\":\"Uint8Array\",\"data\":[…]}`; a bare array is accepted on decode."
        case .timestamp:
            return "Wire form `YYYY-MM-DDTHH:mm:ss.sssZ`; see `Timestamp` for the accepted input forms."
        default:
            return nil
        }
    }

    private static func renderInitializer(_ type: StructType, into source: inout SwiftSource) {
        let implied = type.constants.map { "`\($0.jsonName)`" }
        source.documentation(
            "Creates a value from its members"
                + (implied.isEmpty ? "." : " (\(implied.joined(separator: ", ")) is implied)."))
        let parameters = type.properties.map { property in
            "\(property.swiftName): \(property.type.swiftTypeName)" + (property.isOptional ? "? = nil" : "")
        }
        let signature = "public init(\(parameters.joined(separator: ", ")))"
        if type.properties.isEmpty {
            source.line(signature + " {}")
            return
        }
        let opener =
            signature.count + 2 <= SwiftSource.lineWidth - 8
            ? signature
            : "public init(\n        " + parameters.joined(separator: ",\n        ") + "\n    )"
        source.block(opener) { body in
            for property in type.properties { body.line("self.\(property.swiftName) = \(property.swiftName)") }
        }
    }
}

extension String {
    /// The string without `suffix` at its end, if it has it.
    func trimmingSuffix(_ suffix: String) -> String {
        hasSuffix(suffix) ? String(dropLast(suffix.count)) : self
    }

    /// The string with its first character lowercased (for embedding a description in a sentence).
    var lowercasedFirst: String {
        prefix(1).lowercased() + dropFirst()
    }
}
