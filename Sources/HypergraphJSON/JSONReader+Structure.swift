// Objects, arrays and literals: the container stack (`frames`) and the `path` it implies.

extension JSONReader {
    /// The JSON type of the next value, without consuming it.
    public mutating func peek() throws -> JSONValueKind {
        skipWhitespace()
        guard position < input.count else { throw unexpected("a value", at: position) }
        switch input[position] {
        case UInt8(ascii: "{"): return .object
        case UInt8(ascii: "["): return .array
        case UInt8(ascii: "\""): return .string
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .number
        case UInt8(ascii: "t"), UInt8(ascii: "f"): return .bool
        case UInt8(ascii: "n"): return .null
        default: throw unexpected("a value", at: position)
        }
    }

    /// Throws `.typeMismatch` ("expected \(expected), got …") unless the next value is of `kind`.
    mutating func expect(_ kind: JSONValueKind, _ expected: String) throws {
        let actual = try peek()
        if actual != kind {
            throw error(.typeMismatch, "expected \(expected), got \(try describeNextValue())")
        }
    }

    /// Checks the depth limit before a container is opened.
    func checkDepth() throws {
        if frames.count >= limits.maxDepth {
            throw error(.depthLimit, "nesting exceeds the limit of \(limits.maxDepth) levels")
        }
    }

    /// Consumes `{`; then call `nextKey()` until it returns `nil`.
    public mutating func beginObject() throws {
        try expect(.object, "object")
        try checkDepth()
        position += 1
        frames.append(Frame(isObject: true))
    }

    /// Consumes `[`; then call `nextElement()` until it returns `false`.
    public mutating func beginArray() throws {
        try expect(.array, "array")
        try checkDepth()
        position += 1
        frames.append(Frame(isObject: false))
    }

    /// Moves to the next member of the innermost object and returns its name, or consumes `}` and returns `nil`.
    /// The member's value must be read (or skipped) before the next call. Fails with `.duplicateKey` when the
    /// object already had a member of that name.
    public mutating func nextKey() throws -> String? {
        guard let top = frames.indices.last, frames[top].isObject else {
            throw error(.typeMismatch, "nextKey() called while not inside an object")
        }
        guard try advanceInContainer(closing: UInt8(ascii: "}"), frame: top) else { return nil }
        guard position < input.count, input[position] == UInt8(ascii: "\"") else {
            throw unexpected("a string key", at: position)
        }
        let keyOffset = position
        let key = try scanString()
        try register(key, at: keyOffset)
        skipWhitespace()
        guard position < input.count, input[position] == UInt8(ascii: ":") else {
            throw unexpected("':' after the object key", at: position)
        }
        position += 1
        enterMember(.key(key))
        return key
    }

    /// Moves to the next element of the innermost array and returns `true`, or consumes `]` and returns `false`.
    /// The element must be read (or skipped) before the next call.
    public mutating func nextElement() throws -> Bool {
        guard let top = frames.indices.last, !frames[top].isObject else {
            throw error(.typeMismatch, "nextElement() called while not inside an array")
        }
        guard try advanceInContainer(closing: UInt8(ascii: "]"), frame: top) else { return false }
        enterMember(.index(frames[top].count))
        return true
    }

    /// Consumes the separator before the next member of `frames[frame]`, or the closing bracket (then pops the
    /// frame and returns `false`). On `true` the position is at the start of the next member.
    private mutating func advanceInContainer(closing: UInt8, frame: Int) throws -> Bool {
        let count = frames[frame].count
        skipWhitespace()
        guard position < input.count else {
            let first = frames[frame].isObject ? "a string key" : "a value"
            let close = "'\(Character(Unicode.Scalar(closing)))'"
            throw unexpected(count == 0 ? "\(first) or \(close)" : "',' or \(close)", at: position)
        }
        let byte = input[position]
        if byte == closing {
            position += 1
            frames.removeLast()
            if count > 0 { path.components.removeLast() }
            return false
        }
        if count > 0 {
            guard byte == UInt8(ascii: ",") else {
                let what = frames[frame].isObject ? "object member" : "array element"
                throw unexpected("',' or '\(Character(Unicode.Scalar(closing)))' after the \(what)", at: position)
            }
            position += 1
            skipWhitespace()
            if position < input.count, input[position] == closing {
                let containerPath = JSONPath(path.components.dropLast())
                throw JSONError(
                    kind: .syntax, path: containerPath,
                    message: "trailing comma before '\(Character(Unicode.Scalar(closing)))'", byteOffset: position)
            }
        }
        return true
    }

    /// Points `path` at the member just started and counts it.
    private mutating func enterMember(_ component: JSONPath.Component) {
        let index = frames.count - 1
        if frames[index].count == 0 {
            path.components.append(component)
        } else {
            path.components[path.components.count - 1] = component
        }
        frames[index].count += 1
    }

    /// Records `key` for the innermost object, rejecting a repeat. Keys compare by exact UTF-8 bytes, as in
    /// JavaScript (Swift's `==` would also equate canonically equivalent strings).
    private mutating func register(_ key: String, at offset: Int) throws {
        let index = frames.count - 1
        let isDuplicate: Bool
        if let keyIndex = frames[index].keyIndex {
            isDuplicate = keyIndex.contains(ExactKey(key))
        } else {
            isDuplicate = frames[index].keys.contains { $0.utf8.elementsEqual(key.utf8) }
        }
        if isDuplicate {
            var objectPath = path
            if frames[index].count > 0 { objectPath.components.removeLast() }
            var quoted = JSONWriter(capacity: key.utf8.count + 2)
            quoted.string(key)
            throw JSONError(
                kind: .duplicateKey, path: objectPath,
                message: "duplicate key \(String(decoding: quoted.bytes, as: UTF8.self))", byteOffset: offset)
        }
        frames[index].keys.append(key)
        if frames[index].keyIndex != nil {
            frames[index].keyIndex?.insert(ExactKey(key))
        } else if frames[index].keys.count >= ExactKey.linearSearchLimit {
            frames[index].keyIndex = Set(frames[index].keys.map(ExactKey.init))
        }
    }

    /// Reads `true` or `false`.
    public mutating func readBool() throws -> Bool {
        try expect(.bool, "boolean")
        if input[position] == UInt8(ascii: "t") {
            try consumeLiteral("true")
            return true
        }
        try consumeLiteral("false")
        return false
    }

    /// Reads `null`.
    public mutating func readNull() throws {
        try expect(.null, "null")
        try consumeLiteral("null")
    }

    /// Consumes a `null` and returns `true`; returns `false` (consuming nothing) for any other value.
    public mutating func readIfNull() throws -> Bool {
        guard try peek() == .null else { return false }
        try consumeLiteral("null")
        return true
    }
}

/// A string compared and hashed by its exact UTF-8 bytes, for duplicate-key detection in large objects.
struct ExactKey: Hashable {
    /// Below this many members a linear scan beats hashing.
    static let linearSearchLimit = 16

    var text: String

    init(_ text: String) {
        self.text = text
    }

    static func == (lhs: ExactKey, rhs: ExactKey) -> Bool {
        lhs.text.utf8.elementsEqual(rhs.text.utf8)
    }

    func hash(into hasher: inout Hasher) {
        var copy = text
        copy.withUTF8 { hasher.combine(bytes: UnsafeRawBufferPointer($0)) }
    }
}
