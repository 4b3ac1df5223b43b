import HypergraphJSON

/// The state of one decode: the options in force and the problems found so far.
///
/// Generated `read(from:context:)` functions use its helpers so that a problem in one member (wrong JSON type,
/// missing, `null`, a violated constraint) is recorded with its path and decoding goes on to find the others.
/// Only malformed JSON, which leaves the reader nowhere to continue from, is thrown.
public struct DecodingContext: Sendable {
    /// The options of this decode.
    public let options: DecodingOptions
    /// The problems recorded so far, in document order.
    public private(set) var issues: [JSONError] = []

    /// Creates an empty context.
    public init(options: DecodingOptions) {
        self.options = options
    }

    /// Records a problem.
    @_spi(GeneratedCode) public mutating func record(_ issue: JSONError) {
        issues.append(issue)
    }

    /// Records `.typeMismatch` "expected \(expected), got …" for the next value and skips it.
    @_spi(GeneratedCode) public mutating func recordMismatch(_ reader: inout JSONReader, expected: String) throws {
        let mismatch = reader.error(.typeMismatch, "expected \(expected), got \(try reader.describeNextValue())")
        // Skipped first: bytes that only start like a value (`nope` peeks as null) are a syntax error, not this.
        try reader.skipValue()
        record(mismatch)
    }

    /// Runs a `JSONReader` read that checks the JSON type before consuming anything; a type mismatch is
    /// recorded and the value skipped.
    private mutating func recovering<T>(
        _ reader: inout JSONReader, _ read: (inout JSONReader) throws -> T
    ) throws -> T? {
        do {
            return try read(&reader)
        } catch let error as JSONError where error.kind == .typeMismatch {
            try reader.skipValue() // first, as in `recordMismatch`
            record(error)
            return nil
        }
    }

    // MARK: Scalars

    /// Reads a string.
    @_spi(GeneratedCode) public mutating func readString(_ reader: inout JSONReader) throws -> String? {
        try recovering(&reader) { try $0.readString() }
    }

    /// Reads `true` or `false`.
    @_spi(GeneratedCode) public mutating func readBool(_ reader: inout JSONReader) throws -> Bool? {
        try recovering(&reader) { try $0.readBool() }
    }

    /// Reads any finite number.
    @_spi(GeneratedCode) public mutating func readNumber(_ reader: inout JSONReader) throws -> Double? {
        guard try reader.peek() == .number else {
            try recordMismatch(&reader, expected: "number")
            return nil
        }
        return try reader.readDouble()
    }

    /// Reads an integer; `expected` (e.g. `integer 0...3`) describes the accepted values in the message for a
    /// non-integer, so that it matches the message of a range violation.
    @_spi(GeneratedCode) public mutating func readInteger(_ reader: inout JSONReader, expected: String) throws -> Int? {
        guard try reader.peek() == .number else {
            try recordMismatch(&reader, expected: expected)
            return nil
        }
        var before = reader
        do {
            return try reader.readInt()
        } catch let error as JSONError where error.kind == .typeMismatch || error.kind == .numberOutOfRange {
            // The number was consumed; describe it from a copy taken before.
            record(
                JSONError(
                    kind: error.kind, path: error.path,
                    message: "expected \(expected), got \(try before.describeNextValue())", byteOffset: error.byteOffset
                ))
            return nil
        }
    }

    // MARK: Structure

    /// Opens an object; when the next value is not one, records the mismatch, skips it and returns `false`.
    @_spi(GeneratedCode) public mutating func beginObject(_ reader: inout JSONReader) throws -> Bool {
        try recovering(&reader) { try $0.beginObject() } != nil
    }

    /// Reads the `const` member whose value must be `expected` (a message or event `type`).
    @_spi(GeneratedCode) public mutating func readConstant(_ reader: inout JSONReader, _ expected: String) throws {
        let quoted = quote(expected)
        guard try reader.peek() == .string else {
            try recordMismatch(&reader, expected: quoted)
            return
        }
        let value = try reader.readString()
        if value != expected {
            record(reader.error(.invalidValue, "expected \(quoted), got \(describe(value))"))
        }
    }

    /// Reads a `{"__type": type, "data": …}` envelope, in which JavaScript peers send `Uint8Array` and `Date`
    /// values (the reader at its `{`): `readData` reads `data`, other members are skipped, and a missing member is
    /// reported. Nil when `data` is missing or could not be read.
    mutating func readEnvelope<Value>(
        _ reader: inout JSONReader, type: String,
        data readData: (inout JSONReader, inout DecodingContext) throws -> Value?
    ) throws -> Value? {
        try reader.beginObject()
        var value: Value?
        var present = MemberPresence()
        while let key = try reader.nextKey() {
            switch key {
            case "__type":
                present.insert(0)
                try readConstant(&reader, type)
            case "data":
                present.insert(1)
                value = try readData(&reader, &self)
            default:
                try reader.skipValue()
            }
        }
        if !present.containsAll(2) { reportMissing(["__type", "data"], present: present, in: reader) }
        return value
    }

    /// Consumes a `null` given for an optional member and records it (optional members are omitted, never
    /// `null`: the TS peers reject the whole message). Returns whether the value was `null`.
    @_spi(GeneratedCode) public mutating func rejectNull(_ reader: inout JSONReader, expected: String) throws -> Bool {
        guard try reader.peek() == .null else { return false }
        let issue = reader.error(
            .typeMismatch, "expected \(expected), got null (an absent optional member must be omitted, not null)")
        try reader.readNull() // first, as in `recordMismatch`
        record(issue)
        return true
    }

    /// Reads an array whose elements `element` reads; `nil` when any element could not be built.
    @_spi(GeneratedCode) public mutating func readArray<Element>(
        _ reader: inout JSONReader,
        element: (inout JSONReader, inout DecodingContext) throws -> Element?
    ) throws -> [Element]? {
        guard try recovering(&reader, { try $0.beginArray() }) != nil else { return nil }
        var elements: [Element] = []
        var isComplete = true
        while try reader.nextElement() {
            if let value = try element(&reader, &self) {
                elements.append(value)
            } else {
                isComplete = false
            }
        }
        return isComplete ? elements : nil
    }

    /// Reads an object used as a map from member names to values that `value` reads; `nil` when any value
    /// could not be built.
    @_spi(GeneratedCode) public mutating func readMap<Value>(
        _ reader: inout JSONReader,
        value: (inout JSONReader, inout DecodingContext) throws -> Value?
    ) throws -> [String: Value]? {
        guard try beginObject(&reader) else { return nil }
        var entries: [String: Value] = [:]
        var isComplete = true
        while let key = try reader.nextKey() {
            if let entry = try value(&reader, &self) {
                entries[key] = entry
            } else {
                isComplete = false
            }
        }
        return isComplete ? entries : nil
    }

    /// Records a `.missingMember` issue for each of `names` whose bit is not in `present`. Called after the
    /// object was read, when the reader's path is the object's path.
    @_spi(GeneratedCode) public mutating func reportMissing(
        _ names: [String], present: MemberPresence, in reader: JSONReader
    ) {
        for (bit, name) in names.enumerated() where !present.contains(bit) {
            record(
                JSONError(
                    kind: .missingMember, path: reader.path.appending(key: name), message: "missing required member"))
        }
    }

    /// Records constraint violations reported relative to the value the reader has just finished.
    @_spi(GeneratedCode) public mutating func recordViolation(
        at reader: JSONReader, _ relativePath: [JSONPath.Component], _ message: String
    ) {
        record(violation(at: reader.path, relativePath, message))
    }

    /// Reads one of the raw values of `Enumeration`; anything else is reported with the allowed values.
    @_spi(GeneratedCode) public mutating func readEnumeration<Enumeration: RawRepresentable & CaseIterable>(
        _ reader: inout JSONReader, as type: Enumeration.Type
    ) throws -> Enumeration? where Enumeration.RawValue == String {
        var expectation: String { "one of " + Enumeration.allCases.map { quote($0.rawValue) }.joined(separator: ", ") }
        guard try reader.peek() == .string else {
            try recordMismatch(&reader, expected: expectation)
            return nil
        }
        let text = try reader.readString()
        guard let value = Enumeration(rawValue: text) else {
            record(reader.error(.invalidValue, "expected \(expectation), got \(describe(text))"))
            return nil
        }
        return value
    }

    /// Reads a value of an open string enumeration: any string is accepted (an unknown one is kept as `unknown`).
    @_spi(GeneratedCode) public mutating func readOpenEnumeration<Enumeration: RawRepresentable>(
        _ reader: inout JSONReader, as type: Enumeration.Type
    ) throws -> Enumeration? where Enumeration.RawValue == String {
        guard try reader.peek() == .string else {
            try recordMismatch(&reader, expected: "a string")
            return nil
        }
        return Enumeration(rawValue: try reader.readString())
    }

    // MARK: Seed spellings

    /// Reads a member given under its seed spelling, keeping its problems aside: they only count when the real
    /// member turns out to be absent (otherwise the alias is an unknown member, which is ignored).
    @_spi(GeneratedCode) public mutating func readSeedAlias<Value>(
        _ reader: inout JSONReader, _ read: (inout JSONReader, inout DecodingContext) throws -> Value?
    ) throws -> SeedAliasValue<Value> {
        var scratch = DecodingContext(options: options)
        let value = try read(&reader, &scratch)
        return SeedAliasValue(value: value, issues: scratch.issues)
    }

    /// Uses a member read under its seed spelling: records its problems and returns its value.
    @_spi(GeneratedCode) public mutating func adopt<Value>(_ alias: SeedAliasValue<Value>) -> Value? {
        issues.append(contentsOf: alias.issues)
        return alias.value
    }

    // MARK: Unions

    /// Finds the discriminator of the union value at the reader's position without consuming it: follows
    /// `keys` (e.g. `["transaction", "type"]`) through nested objects, in whatever member order they come.
    /// Returns `nil` after recording the problem and skipping the value when there is no string there.
    @_spi(GeneratedCode) public mutating func readDiscriminator(_ reader: inout JSONReader, at keys: [String]) throws
        -> String?
    {
        var probe = reader
        for key in keys {
            guard try probe.peek() == .object else {
                var probeForMessage = probe
                try recordMismatch(&probeForMessage, expected: "object")
                try reader.skipValue()
                return nil
            }
            try probe.beginObject()
            var found = false
            while let name = try probe.nextKey() {
                if name == key {
                    found = true
                    break
                }
                try probe.skipValue()
            }
            guard found else {
                record(
                    JSONError(
                        kind: .missingMember, path: probe.path.appending(key: key), message: "missing required member"))
                try reader.skipValue()
                return nil
            }
        }
        guard try probe.peek() == .string else {
            try recordMismatch(&probe, expected: "string")
            try reader.skipValue()
            return nil
        }
        return try probe.readString()
    }

    /// Handles a union value whose discriminator is none of `knownTypes`: keeps the raw JSON when unknown types
    /// are accepted, otherwise records the problem at the discriminator and skips the value.
    @_spi(GeneratedCode) public mutating func readUnknown(
        _ reader: inout JSONReader, type: String, knownTypes: [String], discriminator keys: [String]
    ) throws -> JSONValue? {
        if options.acceptsUnknownTypes { return try reader.readValue() }
        var path = reader.path
        path.components.append(contentsOf: keys.map(JSONPath.Component.key))
        let expected = knownTypes.map(quote).joined(separator: ", ")
        record(
            JSONError(
                kind: .invalidValue, path: path, message: "unknown type \(quote(type)), expected one of \(expected)"))
        try reader.skipValue()
        return nil
    }
}

/// A member read under its seed spelling, with the problems found in it.
@_spi(GeneratedCode) public struct SeedAliasValue<Value> {
    /// The value, when it could be built.
    var value: Value?
    /// Problems in the value, recorded only if the alias is used.
    var issues: [JSONError]
}

/// A constraint violation of a value at `base`, reported relative to it by a generated `checkMembers`.
@_spi(GeneratedCode) public func violation(at base: JSONPath, _ relativePath: [JSONPath.Component], _ message: String)
    -> JSONError
{
    var path = base
    path.components.append(contentsOf: relativePath)
    return JSONError(kind: .invalidValue, path: path, message: message)
}

/// Which required members of an object were present, one bit per member in the order the generated code lists
/// them (at most 64, which the generator checks).
@_spi(GeneratedCode) public struct MemberPresence {
    private var bits: UInt64 = 0

    /// Creates an empty set.
    public init() {}

    /// Marks member `bit` as present.
    public mutating func insert(_ bit: Int) {
        bits |= 1 << UInt64(bit)
    }

    /// Whether member `bit` was present.
    public func contains(_ bit: Int) -> Bool {
        bits & (1 << UInt64(bit)) != 0
    }

    /// Whether all of the first `count` members were present.
    public func containsAll(_ count: Int) -> Bool {
        let mask: UInt64 = count >= 64 ? .max : (1 << UInt64(count)) - 1
        return bits & mask == mask
    }
}

/// `text` as a JSON string literal, for messages.
func quote(_ text: String) -> String {
    var writer = JSONWriter(capacity: text.utf8.count + 2)
    writer.string(text)
    return String(decoding: writer.bytes, as: UTF8.self)
}

/// A string value as messages describe it: `string "…"`.
func describe(_ text: String) -> String {
    "string " + quoteShortened(text)
}

/// `text` quoted for a message, shortened to 80 characters (enough for any address, id or hash in full) so a huge
/// value does not flood the message.
@_spi(GeneratedCode) public func quoteShortened(_ text: String) -> String {
    text.count > 80 ? quote(String(text.prefix(80)) + "…") : quote(text)
}
