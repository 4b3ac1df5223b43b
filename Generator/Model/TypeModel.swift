// Stage 2 of the pipeline produces this model of the types described by Schemas/; the renderers only read it.

/// Everything the renderers need, in a deterministic order.
struct TypeModel {
    /// Object schemas, sorted by name.
    var structs: [StructType]
    /// String enumerations, sorted by name.
    var enums: [EnumType]
    /// Discriminated unions, sorted by name.
    var unions: [UnionType]
    /// Named formats (`Schemas/formats/`), sorted by name; they shape fields but are not types of their own.
    var formats: [FormatType]
    /// Every distinct `pattern`, sorted by matcher name.
    var patterns: [PatternMatcher]
    /// What answers each client request, in the order of the client union index.
    var requests: [RequestMetadata]
    /// The size limits the union indexes declare (`x-hypergraph-size-limits`), in declaration order.
    var sizeLimits: [SizeLimitKind]
}

/// Which part of the protocol a schema describes, from its folder.
enum SchemaRole: String {
    /// `Schemas/client/`: a client → server message.
    case clientMessage
    /// `Schemas/server/`: a server → client message.
    case serverMessage
    /// `Schemas/models/`: a type used inside messages.
    case model
    /// `Schemas/formats/`: a string format or a runtime type (bytes, timestamp).
    case format
    /// Top-level `Schemas/*.schema.json`: a union index of one direction.
    case messageUnion

    /// The role of a file in `folder`.
    init(folder: String, at location: SchemaLocation) throws {
        switch folder {
        case "client": self = .clientMessage
        case "server": self = .serverMessage
        case "models": self = .model
        case "formats": self = .format
        case "": self = .messageUnion
        default:
            throw GeneratorError(
                "unexpected folder \"\(folder)\" (expected client, server, models or formats)", at: location)
        }
    }
}

/// An object schema, rendered as a struct.
struct StructType {
    /// Swift type name (the schema's `title`).
    var name: String
    /// The schema's `description`.
    var documentation: String
    /// The schema file, relative to `Schemas/`.
    var source: String
    /// Where the schema sits in the protocol.
    var role: SchemaRole
    /// Members in schema order (the order of `jsonUTF8()` output).
    var members: [StructMember]

    /// The stored properties (members that are not constants).
    var properties: [Property] {
        members.compactMap { if case .property(let property) = $0 { property } else { nil } }
    }

    /// The constant members (`const`), e.g. `type`.
    var constants: [ConstantMember] {
        members.compactMap { if case .constant(let constant) = $0 { constant } else { nil } }
    }

    /// The value of the constant member `name`, if any.
    func constant(named name: String) -> String? {
        constants.first { $0.jsonName == name }?.value
    }

    /// The property whose wire name is `name`, if any.
    func property(named name: String) -> Property? {
        properties.first { $0.jsonName == name }
    }
}

/// One member of an object schema.
enum StructMember {
    /// A member with a fixed value, not stored.
    case constant(ConstantMember)
    /// A stored member.
    case property(Property)

    /// The member's name on the wire.
    var jsonName: String {
        switch self {
        case .constant(let constant): constant.jsonName
        case .property(let property): property.jsonName
        }
    }

    /// Whether the schema lists the member in `required`.
    var isRequired: Bool {
        switch self {
        case .constant(let constant): constant.isRequired
        case .property(let property): property.isRequired
        }
    }
}

/// A member whose value is fixed by `const` (a `type` discriminator).
struct ConstantMember {
    /// Name on the wire.
    var jsonName: String
    /// Swift name of the static constant.
    var swiftName: String
    /// The required value.
    var value: String
    /// The member's `description`.
    var documentation: String
    /// Whether the schema lists the member in `required`.
    var isRequired: Bool
}

/// A stored member of a struct.
struct Property {
    /// Name on the wire.
    var jsonName: String
    /// Swift property name.
    var swiftName: String
    /// The member's `description`.
    var documentation: String
    /// Whether the schema lists the member in `required` (the real client's spelling always has it).
    var isRequired: Bool
    /// The value's type and constraints.
    var type: FieldType
    /// The seed document's name for this member, accepted on decode when the real name is absent.
    var seedAlias: String?
    /// The value used on decode when the member is absent (a seed spelling that omitted it).
    var seedDefault: SeedDefault?
    /// The limit on the member's size (`x-hypergraph-size-limit`), if any.
    var sizeLimit: SizeLimitUse? = nil

    /// Whether the Swift property is an optional (`T?`): the member may be absent and has no default.
    var isOptional: Bool { !isRequired }

    /// The local name an optional member is unwrapped to (`if let <name> = self.<name>`): its own name, unless
    /// that is a parameter of the generated function it appears in.
    var unwrappedName: String {
        ["issues", "path", "writer", "encoder", "visit"].contains(jsonName) ? jsonName + "Value" : swiftName
    }

    /// `if let <unwrappedName> = <expression>`, shortened to `if let <name>` when both are the same name.
    func unwrapping(_ expression: String) -> String {
        expression == unwrappedName ? "if let \(unwrappedName)" : "if let \(unwrappedName) = \(expression)"
    }

    /// Whether an absent member is reported as missing.
    var mustBePresent: Bool { isRequired && seedDefault == nil }
}

/// What to use for a member the seed spelling leaves out.
enum SeedDefault {
    /// A fixed value, as a Swift expression.
    case value(swiftExpression: String, json: String)
    /// The value of another member of the same message, by property path (e.g. `event.transaction.id`).
    case copy(propertyPath: [String], pointer: String)
}

/// The type of a field and the constraints the validators check.
indirect enum FieldType {
    /// A JSON string.
    case string(StringRules)
    /// A JSON number that must be an integer.
    case integer(IntegerRules)
    /// Any JSON number.
    case number(NumberRules)
    /// `true` or `false`.
    case boolean
    /// The runtime type `Bytes` (`x-hypergraph-codec: bytes`).
    case bytes
    /// The runtime type `Timestamp` (`x-hypergraph-codec: timestamp`).
    case timestamp
    /// A generated struct, enum or union.
    case named(String, NamedKind)
    /// A JSON array.
    case array(FieldType, ArrayRules)
    /// A JSON object used as a map from member names to values.
    case map(FieldType)
}

/// The kind of a generated type.
enum NamedKind {
    case structure, enumeration, union
}

/// Constraints on a string.
struct StringRules {
    /// The named format the string comes from (`AccountAddress`…), if any.
    var format: String?
    /// The `pattern`, compiled.
    var pattern: PatternMatcher?
    /// `minLength` / `maxLength`, in Unicode code points as JSON Schema counts them.
    var minimumLength: Int?
    var maximumLength: Int?
    /// An inline `enum` of allowed values.
    var allowedValues: [String]?

    /// Whether any check applies.
    var hasChecks: Bool {
        pattern != nil || minimumLength != nil || maximumLength != nil || allowedValues != nil
    }
}

/// Constraints on an integer.
struct IntegerRules {
    /// The named format the integer comes from (`Clock`), if any.
    var format: String?
    var minimum: Int?
    var maximum: Int?

    /// How an error message names the accepted values: `integer`, `integer 0...3`, `integer >= 0`.
    var expectation: String {
        rangeExpectation("integer", minimum: minimum.map { "\($0)" }, maximum: maximum.map { "\($0)" })
    }
}

/// Constraints on a number.
struct NumberRules {
    var minimum: Double?
    var maximum: Double?

    /// How an error message names the accepted values: `number`, `number 0.0...1.0`, `number >= 0.5`.
    var expectation: String {
        rangeExpectation("number", minimum: minimum.map { "\($0)" }, maximum: maximum.map { "\($0)" })
    }
}

/// `kind` with its bounds as error messages name them: `integer`, `integer 0...3`, `number >= 0.5`.
private func rangeExpectation(_ kind: String, minimum: String?, maximum: String?) -> String {
    switch (minimum, maximum) {
    case (let low?, let high?): "\(kind) \(low)...\(high)"
    case (let low?, nil): "\(kind) >= \(low)"
    case (nil, let high?): "\(kind) <= \(high)"
    case (nil, nil): kind
    }
}

/// Constraints on an array.
struct ArrayRules {
    var minimumCount: Int?
    var maximumCount: Int?
}

/// A string enumeration.
struct EnumType {
    /// Swift type name.
    var name: String
    /// The schema's `description`.
    var documentation: String
    /// The schema file, relative to `Schemas/`.
    var source: String
    /// The allowed values in schema order.
    var cases: [EnumCase]
    /// For an open set (`anyOf` with a catch-all string alternative): what the catch-all means; nil for a closed set.
    var otherValues: String?
}

/// One value of an enumeration.
struct EnumCase {
    /// The string on the wire.
    var rawValue: String
    /// Swift case name.
    var swiftName: String
    /// The value's `description`.
    var documentation: String
}

/// A union discriminated by a string found at a fixed path (`type`, `transaction.type`).
struct UnionType {
    /// Swift type name.
    var name: String
    /// The schema's `description`.
    var documentation: String
    /// The schema file, relative to `Schemas/`.
    var source: String
    /// Where the schema sits in the protocol.
    var role: SchemaRole
    /// Member names leading to the discriminator.
    var discriminator: [String]
    /// The known variants in schema order.
    var variants: [UnionVariant]
}

/// One variant of a union.
struct UnionVariant {
    /// The discriminator value that selects it.
    var discriminatorValue: String
    /// Swift case name.
    var caseName: String
    /// The struct carried by the case.
    var typeName: String
    /// The struct's documentation.
    var documentation: String
}

/// A named format of `Schemas/formats/`.
struct FormatType {
    /// The format's `title`.
    var name: String
    /// The schema's `description`.
    var documentation: String
    /// The schema file, relative to `Schemas/`.
    var source: String
    /// The field type it stands for.
    var type: FieldType
}

/// A compiled `pattern`, rendered as a matcher function.
struct PatternMatcher {
    /// Swift function name, e.g. `isAccountAddress`.
    var functionName: String
    /// The regular expression as written in the schema.
    var source: String
    /// How error messages describe matching values, e.g. `0x followed by 40 hexadecimal digits`.
    var expectation: String
    /// The compiled form.
    var program: PatternProgram
}

extension FieldType {
    /// The Swift type of a stored value of this type.
    var swiftTypeName: String {
        switch self {
        case .string: "String"
        case .integer: "Int"
        case .number: "Double"
        case .boolean: "Bool"
        case .bytes: "Bytes"
        case .timestamp: "Timestamp"
        case .named(let name, _): name
        case .array(let element, _): "[\(element.swiftTypeName)]"
        case .map(let value): "[String: \(value.swiftTypeName)]"
        }
    }

    /// How error messages name an acceptable value: `string`, `integer 0...3`, `object`, `array`…
    var expectation: String {
        switch self {
        case .string: "string"
        case .integer(let rules): rules.expectation
        case .number: "number"
        case .boolean: "boolean"
        case .bytes: "bytes"
        case .timestamp: "timestamp"
        case .named(_, .enumeration): "string"
        case .named: "object"
        case .array: "array"
        case .map: "object"
        }
    }

    /// Whether a struct must check something about this value itself (its nested generated types check
    /// themselves).
    var hasOwnChecks: Bool {
        switch self {
        case .string(let rules): rules.hasChecks
        case .integer(let rules): rules.minimum != nil || rules.maximum != nil
        case .number(let rules): rules.minimum != nil || rules.maximum != nil
        case .boolean, .bytes, .timestamp, .named: false
        case .array(let element, let rules):
            rules.minimumCount != nil || rules.maximumCount != nil || element.hasOwnChecks
        case .map(let value): value.hasOwnChecks
        }
    }

    /// Whether the value contains generated structs or unions that have issues of their own to collect.
    var containsNestedValues: Bool {
        switch self {
        case .named(_, .enumeration): false
        case .named: true
        case .array(let element, _): element.containsNestedValues
        case .map(let value): value.containsNestedValues
        case .string, .integer, .number, .boolean, .bytes, .timestamp: false
        }
    }
}
