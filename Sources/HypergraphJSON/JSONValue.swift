/// A JSON document as a tree. Objects keep member order; after parsing they never contain duplicate names.
/// Numbers are `Double`s, as in JavaScript (integers above 2^53 lose precision exactly as they do in a JS peer).
public enum JSONValue: Hashable, Sendable {
    /// `null`
    case null
    /// `true` / `false`
    case bool(Bool)
    /// Any number.
    case number(Double)
    /// A string.
    case string(String)
    /// An array.
    case array([JSONValue])
    /// An object, members in order.
    case object(JSONObject)

    /// Parses a complete document strictly (see `JSONReader`).
    public static func parse(_ bytes: [UInt8], limits: JSONLimits = .init()) throws -> JSONValue {
        try JSONReader.read(bytes, limits: limits) { try $0.readValue() }
    }

    /// Parses a complete document strictly from raw UTF-8 bytes (see `JSONReader`).
    public static func parse(_ bytes: UnsafeRawBufferPointer, limits: JSONLimits = .init()) throws -> JSONValue {
        try JSONReader.read(bytes, limits: limits) { try $0.readValue() }
    }

    /// Parses a complete document strictly from text (see `JSONReader`).
    public static func parse(_ text: String, limits: JSONLimits = .init()) throws -> JSONValue {
        var text = text
        return try text.withUTF8 { try parse(UnsafeRawBufferPointer($0), limits: limits) }
    }

    /// Compact JSON (no whitespace), member order kept, strings and numbers formatted like `JSON.stringify`.
    public func serialized() -> [UInt8] {
        var writer = JSONWriter()
        writer.value(self)
        return writer.bytes
    }

    /// The JSON type of this value.
    public var kind: JSONValueKind {
        switch self {
        case .null: .null
        case .bool: .bool
        case .number: .number
        case .string: .string
        case .array: .array
        case .object: .object
        }
    }

    /// The member named `key` if this is an object that has one.
    public subscript(key: String) -> JSONValue? {
        objectValue?[key]
    }

    /// The element at `index` if this is an array that long.
    public subscript(index: Int) -> JSONValue? {
        guard case .array(let elements) = self, elements.indices.contains(index) else { return nil }
        return elements[index]
    }

    /// The string, if this is a string.
    public var stringValue: String? {
        if case .string(let text) = self { text } else { nil }
    }

    /// The number, if this is a number.
    public var doubleValue: Double? {
        if case .number(let number) = self { number } else { nil }
    }

    /// The number as `Int`, if this is an integral number that `Int` can hold exactly.
    public var intValue: Int? {
        guard case .number(let number) = self, number == number.rounded(.towardZero) else { return nil }
        return Int(exactly: number)
    }

    /// The flag, if this is a boolean.
    public var boolValue: Bool? {
        if case .bool(let flag) = self { flag } else { nil }
    }

    /// The elements, if this is an array.
    public var arrayValue: [JSONValue]? {
        if case .array(let elements) = self { elements } else { nil }
    }

    /// The members, if this is an object.
    public var objectValue: JSONObject? {
        if case .object(let object) = self { object } else { nil }
    }

    /// Whether this is `null`.
    public var isNull: Bool {
        self == .null
    }
}

extension JSONValue: ExpressibleByNilLiteral, ExpressibleByBooleanLiteral, ExpressibleByIntegerLiteral,
    ExpressibleByFloatLiteral, ExpressibleByStringLiteral, ExpressibleByArrayLiteral, ExpressibleByDictionaryLiteral
{
    /// `nil` as `null`.
    public init(nilLiteral: ()) { self = .null }
    /// A boolean literal.
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    /// An integer literal as a number.
    public init(integerLiteral value: Int) { self = .number(Double(value)) }
    /// A floating-point literal as a number.
    public init(floatLiteral value: Double) { self = .number(value) }
    /// A string literal.
    public init(stringLiteral value: String) { self = .string(value) }
    /// An array literal.
    public init(arrayLiteral elements: JSONValue...) { self = .array(elements) }
    /// An object literal, members in the order written.
    public init(dictionaryLiteral elements: (String, JSONValue)...) {
        self = .object(JSONObject(elements.lazy.map { (key: $0.0, value: $0.1) }))
    }
}
