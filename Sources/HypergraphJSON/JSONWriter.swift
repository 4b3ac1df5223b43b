/// Fast writer of compact JSON (no whitespace) into a pre-reserved byte array. Commas between members and
/// elements are inserted automatically; the caller is responsible for balancing `begin…`/`end…` and for
/// writing a value after every `key(_:)`.
///
/// Strings are escaped exactly as JavaScript's `JSON.stringify` does, numbers are formatted like JavaScript's
/// `Number#toString`, so a value written here is byte-identical to what a JS peer would produce.
public struct JSONWriter: Sendable {
    /// The JSON written so far.
    public private(set) var bytes: [UInt8]
    /// Whether the next value or key needs a `,` first (i.e. something was written at this level already).
    private var needsComma = false

    /// Creates an empty writer with room for `capacity` bytes before it has to grow.
    public init(capacity: Int = 256) {
        bytes = []
        bytes.reserveCapacity(capacity)
    }

    @inline(__always)
    private mutating func separate() {
        if needsComma { bytes.append(UInt8(ascii: ",")) }
    }

    /// Writes `{`.
    public mutating func beginObject() {
        separate()
        bytes.append(UInt8(ascii: "{"))
        needsComma = false
    }

    /// Writes `}`.
    public mutating func endObject() {
        bytes.append(UInt8(ascii: "}"))
        needsComma = true
    }

    /// Writes a member name and `:`; the member's value must be written next.
    public mutating func key(_ name: String) {
        separate()
        appendQuoted(name)
        bytes.append(UInt8(ascii: ":"))
        needsComma = false
    }

    /// Writes `[`.
    public mutating func beginArray() {
        separate()
        bytes.append(UInt8(ascii: "["))
        needsComma = false
    }

    /// Writes `]`.
    public mutating func endArray() {
        bytes.append(UInt8(ascii: "]"))
        needsComma = true
    }

    /// Writes a string with `JSON.stringify` escaping: `\"`, `\\`, `\b \t \n \f \r`, other control characters
    /// as `\u00xx`, everything else (including `/`, DEL and U+2028) literally.
    public mutating func string(_ value: String) {
        separate()
        appendQuoted(value)
        needsComma = true
    }

    /// Writes an integer in decimal.
    public mutating func int(_ value: Int) {
        separate()
        JavaScriptNumber.appendInteger(value, to: &bytes)
        needsComma = true
    }

    /// Writes a number as JavaScript's `Number#toString` does (`1`, `0.5`, `1e+21`, `1.5e-7`; `-0` as `0`).
    /// NaN and infinities are written as `null`, as `JSON.stringify` does.
    public mutating func double(_ value: Double) {
        separate()
        if value.isFinite {
            JavaScriptNumber.append(value, to: &bytes)
        } else {
            bytes.append(contentsOf: "null".utf8)
        }
        needsComma = true
    }

    /// Writes `true` or `false`.
    public mutating func bool(_ value: Bool) {
        separate()
        bytes.append(contentsOf: value ? "true".utf8 : "false".utf8)
        needsComma = true
    }

    /// Writes `null`.
    public mutating func null() {
        separate()
        bytes.append(contentsOf: "null".utf8)
        needsComma = true
    }

    /// Writes bytes as an array of integers, `[0,1,255]`, using a table of decimal renderings.
    public mutating func byteArray(_ values: [UInt8]) {
        separate()
        needsComma = true
        guard !values.isEmpty else {
            bytes.append(contentsOf: "[]".utf8)
            return
        }
        // Reserve the worst case (`[` plus "255," per byte), store 4 bytes per element unconditionally, advance by
        // the real length, then drop the unused tail.
        let start = bytes.count
        let worstCase = 1 + 4 * values.count
        bytes.append(contentsOf: repeatElement(0, count: worstCase))
        let written = bytes.withUnsafeMutableBytes { output in
            Self.byteRenderings.withUnsafeBufferPointer { table in
                values.withUnsafeBufferPointer { values in
                    var offset = start
                    output[offset] = UInt8(ascii: "[")
                    offset += 1
                    for value in values {
                        let entry = table[Int(value)]
                        output.storeBytes(of: UInt32(truncatingIfNeeded: entry), toByteOffset: offset, as: UInt32.self)
                        offset += Int(truncatingIfNeeded: entry >> 32)
                    }
                    output[offset - 1] = UInt8(ascii: "]")
                    return offset - start
                }
            }
        }
        bytes.removeLast(worstCase - written)
    }

    /// Writes bytes the way the protocol's canonical JSON sees a `Uint8Array` (PROTOCOL.md §7.1): an object with
    /// the decimal indices as keys in string order, `{"0":b0,"1":b1,"10":b10,…,"2":b2,…}`. Byte-identical to
    /// `JSONValue.indexKeyedBytes(bytes).canonicalUTF8()` but without building the tree (signing a 64 KiB update
    /// payload is then about as fast as writing it).
    public mutating func indexKeyedBytes(_ values: [UInt8]) {
        separate()
        needsComma = true
        guard !values.isEmpty else {
            bytes.append(contentsOf: "{}".utf8)
            return
        }
        var indexDigits = 1
        var power = 10
        while power < values.count {
            indexDigits += 1
            power *= 10
        }
        // Per member at most `"` + index digits + `":` + "255,"; `{` replaces the first member's slot for `,`.
        let start = bytes.count
        let worstCase = 1 + values.count * (indexDigits + 7)
        bytes.append(contentsOf: repeatElement(0, count: worstCase))
        let written = bytes.withUnsafeMutableBytes { output in
            Self.byteRenderings.withUnsafeBufferPointer { table in
                var offset = start
                output[offset] = UInt8(ascii: "{")
                offset += 1
                for index in JSONObject.decimalStringOrder(count: values.count) {
                    output[offset] = UInt8(ascii: "\"")
                    var digitCount = 1
                    var remaining = index / 10
                    while remaining > 0 {
                        digitCount += 1
                        remaining /= 10
                    }
                    remaining = index
                    for position in stride(from: offset + digitCount, to: offset, by: -1) {
                        output[position] = UInt8(ascii: "0") + UInt8(truncatingIfNeeded: remaining % 10)
                        remaining /= 10
                    }
                    offset += digitCount + 1
                    output[offset] = UInt8(ascii: "\"")
                    output[offset + 1] = UInt8(ascii: ":")
                    offset += 2
                    let entry = table[Int(values[index])]
                    output.storeBytes(of: UInt32(truncatingIfNeeded: entry), toByteOffset: offset, as: UInt32.self)
                    offset += Int(truncatingIfNeeded: entry >> 32)
                }
                output[offset - 1] = UInt8(ascii: "}")
                return offset - start
            }
        }
        bytes.removeLast(worstCase - written)
    }

    /// For each byte value: its decimal digits followed by `,`, in memory order in the low 32 bits, and the
    /// length (2…4) in the high 32 bits.
    private static let byteRenderings: [UInt64] = (0...255).map { value in
        let text = Array(String(value).utf8) + [UInt8(ascii: ",")]
        var packed: UInt32 = 0
        for (index, byte) in text.enumerated() { packed |= UInt32(byte) << (8 * index) }
        return UInt64(packed.littleEndian) | UInt64(text.count) << 32
    }

    /// Writes a whole value, keeping object member order.
    public mutating func value(_ value: JSONValue) {
        switch value {
        case .null: null()
        case .bool(let flag): bool(flag)
        case .number(let number): double(number)
        case .string(let text): string(text)
        case .array(let elements):
            beginArray()
            for element in elements { self.value(element) }
            endArray()
        case .object(let object):
            beginObject()
            for (name, member) in object {
                key(name)
                self.value(member)
            }
            endObject()
        }
    }

    /// Appends `value` quoted and escaped; plain runs are copied in bulk.
    private mutating func appendQuoted(_ value: String) {
        bytes.append(UInt8(ascii: "\""))
        var value = value
        value.withUTF8 { utf8 in
            var runStart = 0
            for index in 0..<utf8.count {
                let byte = utf8[index]
                guard byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") else { continue }
                bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart..<index]))
                appendEscape(byte)
                runStart = index + 1
            }
            bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart..<utf8.count]))
        }
        bytes.append(UInt8(ascii: "\""))
    }

    private mutating func appendEscape(_ byte: UInt8) {
        let short: UInt8
        switch byte {
        case UInt8(ascii: "\""): short = UInt8(ascii: "\"")
        case UInt8(ascii: "\\"): short = UInt8(ascii: "\\")
        case 0x08: short = UInt8(ascii: "b")
        case 0x09: short = UInt8(ascii: "t")
        case 0x0A: short = UInt8(ascii: "n")
        case 0x0C: short = UInt8(ascii: "f")
        case 0x0D: short = UInt8(ascii: "r")
        default:
            let hexDigits = Array("0123456789abcdef".utf8)
            bytes.append(contentsOf: "\\u00".utf8)
            bytes.append(hexDigits[Int(byte >> 4)])
            bytes.append(hexDigits[Int(byte & 0xF)])
            return
        }
        bytes.append(UInt8(ascii: "\\"))
        bytes.append(short)
    }
}
