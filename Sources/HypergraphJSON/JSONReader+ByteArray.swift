// The hot path of the protocol: `[b0,b1,…]` with tens of thousands of byte values (create-update, updates).
// One tight loop over the raw bytes: direct digit accumulation, no per-element allocation, no String.

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

extension JSONReader {
    /// Reads an array of integers 0…255 as bytes (`[0,1,255]`). An element that is not such an integer fails at
    /// its own path (`…[i]`): `.typeMismatch` for non-numbers and fractions, `.numberOutOfRange` for other
    /// integers. Integral spellings (`1.0`, `1e1`, `-0`) are accepted like in `readInt()`.
    public mutating func readByteArray() throws -> [UInt8] {
        try expect(.array, "array of bytes")
        try checkDepth()
        position += 1
        skipWhitespace()
        if position < input.count, input[position] == UInt8(ascii: "]") {
            position += 1
            return []
        }
        // Every element needs at least two bytes (a digit plus `,` or the closing `]`) and numbers contain no `]`,
        // so the first `]` bounds the element count.
        var span = input.count - position
        if let base = input.baseAddress, let closing = memchr(base + position, Int32(UInt8(ascii: "]")), span) {
            span = UnsafeRawPointer(closing) - (base + position) + 1
        }
        let capacity = span / 2 + 1
        var count = 0
        let result = try [UInt8](unsafeUninitializedCapacity: capacity) { buffer, initializedCount in
            defer { initializedCount = count }
            count = try parseByteElements(into: buffer)
        }
        // Large, mostly 3-digit arrays leave the buffer up to ~45% unused; hand back an exact-size copy then.
        if capacity - count > 4096 {
            return [UInt8](unsafeUninitializedCapacity: count) { buffer, initializedCount in
                _ = buffer.initialize(from: result)
                initializedCount = count
            }
        }
        return result
    }

    /// Parses elements after `[` up to and including `]` into `buffer`; returns the element count.
    private mutating func parseByteElements(into buffer: UnsafeMutableBufferPointer<UInt8>) throws -> Int {
        var count = 0
        var index = position
        let end = input.count
        while true {
            var value: Int
            var next: Int
            if index + 4 <= end,
                let (fastValue, length) = Self.parseShortDigits(
                    input.loadUnaligned(fromByteOffset: index, as: UInt32.self))
            {
                value = fastValue
                next = index + length
            } else {
                position = index
                (value, next) = try readByteElementSlowly(index: count)
            }
            // Cannot fail given the capacity argument in readByteArray(); checked because the store is unchecked.
            guard count < buffer.count else {
                position = next
                throw error(.syntax, "byte array is longer than its brackets allow", at: next)
            }
            buffer[count] = UInt8(truncatingIfNeeded: value)
            count += 1
            // Separator: `,` or `]`, possibly after whitespace.
            var separator = next < end ? input[next] : 0
            if separator != UInt8(ascii: ",") && separator != UInt8(ascii: "]") {
                position = next
                skipWhitespace()
                next = position
                guard next < end, input[next] == UInt8(ascii: ",") || input[next] == UInt8(ascii: "]") else {
                    path.components.append(.index(count - 1))
                    defer { path.components.removeLast() }
                    throw unexpected("',' or ']' after the array element", at: next)
                }
                separator = input[next]
            }
            index = next + 1
            if separator == UInt8(ascii: "]") {
                position = index
                return count
            }
            if index < end {
                let byte = input[index]
                if byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09 {
                    position = index
                    skipWhitespace()
                    index = position
                }
                if index < end, input[index] == UInt8(ascii: "]") {
                    throw error(.syntax, "trailing comma before ']'", at: index)
                }
            }
        }
    }

    /// Branch-free parse of the common element form: 1–3 digits (no leading zero) with value 0…255, followed by
    /// `,` or `]`, in the 4 input bytes `word` (first byte in the low bits). Returns the value and the digit count,
    /// or `nil` for anything else (which then takes the general path). Random byte values have 1, 2 or 3 digits
    /// unpredictably, so avoiding per-digit branches is what makes this loop fast.
    @inline(__always)
    private static func parseShortDigits(_ word: UInt32) -> (value: Int, length: Int)? {
        let word = UInt32(littleEndian: word)
        // A byte is a digit iff its high nibble is 3 both before and after adding 6 (0x30…0x39). Carries from adding
        // 6 only start at a non-digit byte and only disturb later bytes, which are past the digits anyway.
        let highNibbles = word & 0xF0F0_F0F0
        let shiftedHighNibbles = (word &+ 0x0606_0606) & 0xF0F0_F0F0
        let nonDigits = (highNibbles ^ 0x3030_3030) | (shiftedHighNibbles ^ 0x3030_3030)
        let length = nonDigits.trailingZeroBitCount >> 3 // digits before the first non-digit; 4 if none
        guard length >= 1, length <= 3 else { return nil }
        let separator = UInt8(truncatingIfNeeded: word >> (8 * UInt32(length)))
        guard separator == UInt8(ascii: ",") || separator == UInt8(ascii: "]") else { return nil }
        guard length == 1 || word & 0xFF != UInt32(UInt8(ascii: "0")) else { return nil } // leading zero
        // Digit values right-aligned into three byte lanes (most significant first; missing digits are 0).
        let digits = ((word &- 0x3030_3030) & ((1 << (8 * UInt32(length))) - 1)) << (8 * (3 - UInt32(length)))
        let value = Int(digits & 0xFF) * 100 + Int(digits >> 8 & 0xFF) * 10 + Int(digits >> 16 & 0xFF)
        guard value <= 255 else { return nil }
        return (value, length)
    }

    /// The general path for one element at `position` (whitespace, other spellings, or an error); returns the
    /// byte value and the offset after the element.
    private mutating func readByteElementSlowly(index: Int) throws -> (value: Int, end: Int) {
        path.components.append(.index(index))
        defer { path.components.removeLast() }
        skipWhitespace()
        guard try peek() == .number else {
            throw error(.typeMismatch, "expected integer 0...255, got \(try describeNextValue())")
        }
        let token = try scanNumber()
        let value: Int
        do {
            value = try integerValue(of: token)
        } catch IntegerConversionFailure.notIntegral {
            throw error(
                .typeMismatch, "expected integer 0...255, got number \(text(of: token))", at: token.range.lowerBound)
        } catch {
            value = -1
        }
        guard (0...255).contains(value) else {
            throw error(
                .numberOutOfRange, "byte value \(text(of: token)) is out of range 0...255", at: token.range.lowerBound)
        }
        return (value, position)
    }
}
