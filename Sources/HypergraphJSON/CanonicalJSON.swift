// Canonical JSON of PROTOCOL.md §7.1 (the `canonicalize` of the TypeScript implementation): object keys sorted
// by UTF-16 code units, no whitespace, JSON.stringify string escaping, JavaScript number formatting.

extension JSONValue {
    /// Canonical JSON (PROTOCOL.md §7.1) as a string. Throws `.invalidValue` for NaN or infinite numbers.
    public func canonicalString() throws(JSONError) -> String {
        String(decoding: try canonicalUTF8(), as: UTF8.self)
    }

    /// Canonical JSON (PROTOCOL.md §7.1) as UTF-8 bytes, the input to signatures and event hashes.
    /// Throws `.invalidValue` for NaN or infinite numbers.
    public func canonicalUTF8() throws(JSONError) -> [UInt8] {
        var writer = JSONWriter()
        var path: [JSONPath.Component] = []
        try writer.canonicalValue(self, path: &path)
        return writer.bytes
    }

    /// A `Uint8Array` as JavaScript's `canonicalize` sees it: an object whose keys are the decimal indices and whose
    /// values are the bytes, `{"0":b0,"1":b1,…}` (§7.1 "Byte arrays inside signed payloads"). Canonicalisation
    /// then sorts the keys as strings: `"10"` before `"2"`.
    public static func indexKeyedBytes(_ bytes: [UInt8]) -> JSONValue {
        var object = JSONObject()
        for (index, byte) in bytes.enumerated() {
            object.appendUnchecked(key: String(index), value: .number(Double(byte)))
        }
        return .object(object)
    }
}

extension JSONWriter {
    /// Writes `value` in canonical form. `path` locates the value, for the non-finite-number error; it is only
    /// extended for nested containers, so scalar members cost no path bookkeeping.
    mutating func canonicalValue(_ value: JSONValue, path: inout [JSONPath.Component]) throws(JSONError) {
        switch value {
        case .array(let elements):
            beginArray()
            for (index, element) in elements.enumerated() {
                try canonicalMember(element, at: .index(index), path: &path)
            }
            endArray()
        case .object(let object):
            beginObject()
            for member in object.canonicallyOrderedMembers() {
                key(member.key)
                try canonicalMember(member.value, at: .key(member.key), path: &path)
            }
            endObject()
        case .number(let number) where !number.isFinite:
            throw Self.nonFiniteNumber(number, at: path)
        case .null, .bool, .number, .string:
            self.value(value)
        }
    }

    private mutating func canonicalMember(
        _ value: JSONValue, at component: JSONPath.Component, path: inout [JSONPath.Component]
    ) throws(JSONError) {
        switch value {
        case .array, .object:
            path.append(component)
            defer { path.removeLast() }
            try canonicalValue(value, path: &path)
        case .number(let number) where !number.isFinite:
            throw Self.nonFiniteNumber(number, at: path + [component])
        case .null, .bool, .number, .string:
            self.value(value)
        }
    }

    private static func nonFiniteNumber(_ number: Double, at path: [JSONPath.Component]) -> JSONError {
        JSONError(
            kind: .invalidValue, path: JSONPath(path),
            message: "\(number) cannot be canonicalised (JSON has no NaN or Infinity)")
    }
}

extension JSONObject {
    /// Members sorted by UTF-16 code units (JavaScript's default sort). Objects whose keys are exactly "0"…"n-1"
    /// in order (index-keyed bytes) are ordered by walking the decimal digit tree instead of sorting strings.
    func canonicallyOrderedMembers() -> [Entry] {
        if isIndexKeyed {
            return Self.decimalStringOrder(count: entries.count).map { entries[$0] }
        }
        return entries.sorted { $0.key.utf16.lexicographicallyPrecedes($1.key.utf16) }
    }

    /// Whether the keys are "0", "1", … "n-1" in this order (checked without creating strings).
    private var isIndexKeyed: Bool {
        guard entries.count > 1 else { return false }
        for (index, member) in entries.enumerated() {
            var value = 0
            var digitCount = 0
            for byte in member.key.utf8 {
                let digit = Int(byte &- UInt8(ascii: "0"))
                guard digit < 10, digitCount < 18 else { return false }
                value = value * 10 + digit
                digitCount += 1
            }
            let hasLeadingZero = digitCount > 1 && member.key.utf8.first == UInt8(ascii: "0")
            guard digitCount > 0, !hasLeadingZero, value == index else { return false }
        }
        return true
    }

    /// 0..<count ordered as their decimal strings sort: 0, 1, 10, 100, …, 11, …, 2, … (pre-order walk of the
    /// digit tree: a number, then its ten-fold extensions).
    static func decimalStringOrder(count: Int) -> [Int] {
        var order: [Int] = []
        order.reserveCapacity(count)
        var stack = Array((0..<Swift.min(count, 10)).reversed())
        while let number = stack.popLast() {
            order.append(number)
            guard number != 0 else { continue }
            let (base, overflow) = number.multipliedReportingOverflow(by: 10)
            guard !overflow, base < count else { continue }
            for digit in (0..<10).reversed() where base + digit < count {
                stack.append(base + digit)
            }
        }
        return order
    }
}
