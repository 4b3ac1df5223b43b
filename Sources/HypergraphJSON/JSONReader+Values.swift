// Whole values: skipping, tree building and short descriptions for error messages. Both walks are iterative,
// so nesting is bounded only by `JSONLimits.maxDepth`, never by the thread's stack.

extension JSONReader {
    /// Consumes the next value completely, validating it exactly as `readValue()` would (grammar, UTF-8, duplicate
    /// keys, depth, numbers beyond the `Double` range).
    public mutating func skipValue() throws {
        let outerDepth = frames.count
        repeat {
            switch try peek() {
            case .object: try beginObject()
            case .array: try beginArray()
            case .string: _ = try scanString()
            case .number:
                let token = try scanNumber()
                _ = try doubleValue(of: token) // same range check as readValue(): 1e400 is rejected either way
            case .bool: _ = try readBool()
            case .null: try readNull()
            }
            // Move to the next value still to skip, closing finished containers on the way.
            while frames.count > outerDepth {
                let hasMore = frames[frames.count - 1].isObject ? try nextKey() != nil : try nextElement()
                if hasMore { break }
            }
        } while frames.count > outerDepth
    }

    /// Reads the next value as a tree. Numbers become `Double`s (as in JavaScript).
    public mutating func readValue() throws -> JSONValue {
        // Open containers, innermost last; `isObjectLevel` says which of `objects`/`arrays` holds each level.
        var isObjectLevel: [Bool] = []
        var objects: [JSONObject] = []
        var pendingKeys: [String] = []
        var arrays: [[JSONValue]] = []
        while true {
            var value: JSONValue
            switch try peek() {
            case .object:
                try beginObject()
                if let key = try nextKey() {
                    isObjectLevel.append(true)
                    objects.append(JSONObject())
                    pendingKeys.append(key)
                    continue
                }
                value = .object(JSONObject())
            case .array:
                try beginArray()
                if try nextElement() {
                    isObjectLevel.append(false)
                    arrays.append([])
                    continue
                }
                value = .array([])
            case .string: value = .string(try scanString())
            case .number:
                let token = try scanNumber() // separate statement: `doubleValue(of: try scanNumber())` copies self
                value = .number(try doubleValue(of: token))
            case .bool: value = .bool(try readBool())
            case .null:
                try readNull()
                value = .null
            }
            // Store the finished value in its container; close containers that are complete.
            while let isObject = isObjectLevel.last {
                if isObject {
                    objects[objects.count - 1].appendUnchecked(key: pendingKeys.removeLast(), value: value)
                    if let key = try nextKey() {
                        pendingKeys.append(key)
                        break
                    }
                    value = .object(objects.removeLast())
                } else {
                    arrays[arrays.count - 1].append(value)
                    if try nextElement() { break }
                    value = .array(arrays.removeLast())
                }
                isObjectLevel.removeLast()
            }
            if isObjectLevel.isEmpty { return value }
        }
    }

    /// A short description of the next value for error messages, without consuming it: `string "1"`,
    /// `number 3.5`, `true`, `null`, `object`, `array`.
    public mutating func describeNextValue() throws -> String {
        let kind = try peek()
        let start = position
        defer { position = start }
        switch kind {
        case .object: return "object"
        case .array: return "array"
        case .null: return "null"
        case .bool: return input[position] == UInt8(ascii: "t") ? "true" : "false"
        case .number:
            let token = try scanNumber()
            return "number " + text(of: token)
        case .string:
            var text = try scanString()
            if text.count > 40 { text = String(text.prefix(40)) + "…" }
            var quoted = JSONWriter(capacity: text.utf8.count + 2)
            quoted.string(text)
            return "string " + String(decoding: quoted.bytes, as: UTF8.self)
        }
    }
}
