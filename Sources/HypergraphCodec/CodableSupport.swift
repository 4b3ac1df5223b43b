import HypergraphJSON

// Helpers for the generated `Codable` conformances, which follow the same rules as the wire codec: optional members
// may be absent but not `null`, `const` members must have their value, seed spellings are accepted, and constraint
// violations are decoding errors.

/// The members of the `{"__type": …, "data": …}` envelopes in which JavaScript peers send `Bytes` (`Uint8Array`) and
/// `Timestamp` (`Date`).
enum EnvelopeCodingKeys: String, CodingKey {
    case type = "__type"
    case data
}

extension KeyedDecodingContainer {
    /// Decodes an optional member: `nil` when absent; a `DecodingError` when it is `null` (optional members are
    /// omitted, never `null`).
    @_spi(GeneratedCode) public func decodeOptionalMember<Value: Decodable>(_ type: Value.Type, forKey key: Key) throws
        -> Value?
    {
        guard contains(key) else { return nil }
        if try decodeNil(forKey: key) {
            throw DecodingError.valueNotFound(
                type,
                DecodingError.Context(
                    codingPath: codingPath + [key],
                    debugDescription: "null is not allowed: an absent optional member must be omitted"))
        }
        return try decode(type, forKey: key)
    }

    /// Decodes a required member, falling back to its seed spelling `alias` when it is absent. A message lacking
    /// both reports the real member as missing.
    @_spi(GeneratedCode) public func decode<Value: Decodable>(_ type: Value.Type, forKey key: Key, seedAlias alias: Key)
        throws -> Value
    {
        if !contains(key), contains(alias) { return try decode(type, forKey: alias) }
        return try decode(type, forKey: key)
    }

    /// Decodes the string member `key` and requires it to equal `expected` (a `type` discriminator).
    @_spi(GeneratedCode) public func decodeConstant(_ expected: String, forKey key: Key) throws {
        let actual = try decode(String.self, forKey: key)
        guard actual == expected else {
            throw DecodingError.dataCorruptedError(
                forKey: key, in: self, debugDescription: "expected \(quote(expected)), got \(quoteShortened(actual))")
        }
    }
}

/// The discriminator of the union value `decoder` holds: the string found by following `keys` through nested
/// objects (e.g. `transaction`, `type`).
@_spi(GeneratedCode) public func decodeDiscriminator(_ decoder: any Decoder, at keys: [String]) throws -> String {
    var container = try decoder.container(keyedBy: PathCodingKey.self)
    for key in keys.dropLast() {
        container = try container.nestedContainer(keyedBy: PathCodingKey.self, forKey: PathCodingKey(stringValue: key))
    }
    return try container.decode(String.self, forKey: PathCodingKey(stringValue: keys.last ?? "type"))
}

/// Turns the constraint violations a generated `checkMembers` reports into a `DecodingError`.
@_spi(GeneratedCode) public enum CodableValidation {
    /// Runs `checkMembers`; throws `DecodingError.dataCorrupted` listing every violation when there is one,
    /// located at the first violation.
    public static func check(
        _ decoder: any Decoder,
        _ checkMembers: ((_ path: [JSONPath.Component], _ message: String) -> Void) -> Void
    ) throws {
        var violations: [(path: [JSONPath.Component], message: String)] = []
        checkMembers { violations.append(($0, $1)) }
        guard let first = violations.first else { return }
        let description = violations.map { violation in
            let location = JSONPath(violation.path).description.dropFirst() // relative: drop the `$`
            return location.isEmpty ? violation.message : "\(location.drop { $0 == "." }): \(violation.message)"
        }.joined(separator: "; ")
        throw DecodingError.dataCorrupted(
            DecodingError.Context(
                codingPath: decoder.codingPath + first.path.map(PathCodingKey.init), debugDescription: description))
    }
}

/// A coding key for any JSON path component (used in error locations and to decode arbitrary objects).
@_spi(GeneratedCode) public struct PathCodingKey: CodingKey {
    /// The member name, or the decimal index.
    public var stringValue: String
    /// The array index, for an index component.
    public var intValue: Int?

    /// A key for the member `stringValue`.
    public init(stringValue: String) {
        self.stringValue = stringValue
    }

    /// A key for the array index `intValue`.
    public init(intValue: Int) {
        stringValue = String(intValue)
        self.intValue = intValue
    }

    /// The key of one path component.
    public init(_ component: JSONPath.Component) {
        switch component {
        case .key(let key): self.init(stringValue: key)
        case .index(let index): self.init(intValue: index)
        }
    }
}

/// `Codable` for an arbitrary `JSONValue`, used by the `unknown` cases of the unions. Member order survives
/// encoding; decoding through a Foundation keyed container cannot see the original member order, so it is sorted.
@_spi(GeneratedCode) public struct CodableJSONValue: Codable {
    /// The value.
    public var value: JSONValue

    /// Wraps `value`.
    public init(_ value: JSONValue) {
        self.value = value
    }

    /// Decodes any JSON value; object members are sorted by name.
    public init(from decoder: any Decoder) throws {
        if let object = try? decoder.container(keyedBy: PathCodingKey.self) {
            var members = JSONObject()
            for key in object.allKeys.sorted(by: { $0.stringValue < $1.stringValue }) {
                members[key.stringValue] = try object.decode(CodableJSONValue.self, forKey: key).value
            }
            value = .object(members)
        } else if var array = try? decoder.unkeyedContainer() {
            var elements: [JSONValue] = []
            while !array.isAtEnd { elements.append(try array.decode(CodableJSONValue.self).value) }
            value = .array(elements)
        } else {
            let single = try decoder.singleValueContainer()
            if single.decodeNil() {
                value = .null
            } else if let flag = try? single.decode(Bool.self) {
                value = .bool(flag)
            } else if let number = try? single.decode(Double.self) {
                value = .number(number)
            } else {
                value = .string(try single.decode(String.self))
            }
        }
    }

    /// Encodes the value, object members in their order.
    public func encode(to encoder: any Encoder) throws {
        switch value {
        case .null:
            var single = encoder.singleValueContainer()
            try single.encodeNil()
        case .bool(let flag):
            var single = encoder.singleValueContainer()
            try single.encode(flag)
        case .number(let number):
            var single = encoder.singleValueContainer()
            try single.encode(number)
        case .string(let text):
            var single = encoder.singleValueContainer()
            try single.encode(text)
        case .array(let elements):
            var array = encoder.unkeyedContainer()
            for element in elements { try array.encode(CodableJSONValue(element)) }
        case .object(let members):
            var object = encoder.container(keyedBy: PathCodingKey.self)
            for (key, member) in members {
                try object.encode(CodableJSONValue(member), forKey: PathCodingKey(stringValue: key))
            }
        }
    }
}
