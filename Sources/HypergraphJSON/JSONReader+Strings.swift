// String scanning: an 8-bytes-at-a-time scan for the common plain-ASCII case, UTF-8 validation only for bytes
// >= 0x80, and a slower decoding path only once a backslash is seen.

extension JSONReader {
    /// Reads a string value.
    public mutating func readString() throws -> String {
        try expect(.string, "string")
        return try scanString()
    }

    /// Scans the string whose opening quote is at `position` and leaves `position` after the closing quote.
    mutating func scanString() throws -> String {
        let start = position + 1
        var index = start
        while true {
            index = skipPlainASCII(from: index)
            guard index < input.count else {
                throw error(.truncated, "unterminated string", at: start - 1)
            }
            let byte = input[index]
            if byte == UInt8(ascii: "\"") {
                position = index + 1
                let content = UnsafeRawBufferPointer(rebasing: input[start..<index])
                try checkStringLength(content.count, at: start)
                return String(decoding: content, as: UTF8.self)
            } else if byte == UInt8(ascii: "\\") {
                return try scanEscapedString(contentStart: start, firstEscape: index)
            } else if byte < 0x20 {
                throw controlCharacter(byte, at: index)
            } else if byte >= 0x80 {
                index = try validateUTF8Sequence(at: index)
            } else {
                index += 1
            }
        }
    }

    /// Offset of the first byte at or after `index` that is a quote, backslash, control character or non-ASCII.
    @inline(__always)
    private func skipPlainASCII(from index: Int) -> Int {
        var index = index
        while index + 8 <= input.count {
            let word = input.loadUnaligned(fromByteOffset: index, as: UInt64.self)
            if Self.containsSpecialByte(word) { break }
            index += 8
        }
        while index < input.count {
            let byte = input[index]
            if byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") || byte < 0x20 || byte >= 0x80 { break }
            index += 1
        }
        return index
    }

    /// Whether any of the 8 bytes is `"`, `\`, below 0x20 or at least 0x80 (classic SWAR zero-byte tests;
    /// the answer is exact, independent of byte order).
    @inline(__always)
    private static func containsSpecialByte(_ word: UInt64) -> Bool {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highBits: UInt64 = 0x8080_8080_8080_8080
        let quote = word ^ (ones &* UInt64(UInt8(ascii: "\"")))
        let backslash = word ^ (ones &* UInt64(UInt8(ascii: "\\")))
        let hasQuote = (quote &- ones) & ~quote
        let hasBackslash = (backslash &- ones) & ~backslash
        let hasControl = (word &- ones &* 0x20) & ~word
        return ((hasQuote | hasBackslash | hasControl) & highBits) | (word & highBits) != 0
    }

    /// Decodes a string containing escapes into `scratch`; `firstEscape` is the offset of the first backslash.
    private mutating func scanEscapedString(contentStart: Int, firstEscape: Int) throws -> String {
        scratch.removeAll(keepingCapacity: true)
        scratch.append(contentsOf: UnsafeRawBufferPointer(rebasing: input[contentStart..<firstEscape]))
        var runStart = firstEscape
        var index = firstEscape
        while true {
            index = skipPlainASCII(from: index)
            guard index < input.count else {
                throw error(.truncated, "unterminated string", at: contentStart - 1)
            }
            let byte = input[index]
            if byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") {
                scratch.append(contentsOf: UnsafeRawBufferPointer(rebasing: input[runStart..<index]))
                if byte == UInt8(ascii: "\"") {
                    position = index + 1
                    try checkStringLength(scratch.count, at: contentStart)
                    return String(decoding: scratch, as: UTF8.self)
                }
                index = try decodeEscape(at: index)
                runStart = index
            } else if byte < 0x20 {
                throw controlCharacter(byte, at: index)
            } else if byte >= 0x80 {
                index = try validateUTF8Sequence(at: index)
            } else {
                index += 1
            }
        }
    }

    /// Decodes the escape whose backslash is at `index` into `scratch`; returns the offset after it.
    private mutating func decodeEscape(at index: Int) throws -> Int {
        guard index + 1 < input.count else { throw unexpected("an escape character", at: index + 1) }
        let replacement: UInt8
        switch input[index + 1] {
        case UInt8(ascii: "\""): replacement = 0x22
        case UInt8(ascii: "\\"): replacement = 0x5C
        case UInt8(ascii: "/"): replacement = 0x2F
        case UInt8(ascii: "b"): replacement = 0x08
        case UInt8(ascii: "f"): replacement = 0x0C
        case UInt8(ascii: "n"): replacement = 0x0A
        case UInt8(ascii: "r"): replacement = 0x0D
        case UInt8(ascii: "t"): replacement = 0x09
        case UInt8(ascii: "u"): return try decodeUnicodeEscape(at: index)
        default:
            throw error(.syntax, "invalid escape: backslash followed by \(describeByte(at: index + 1))", at: index)
        }
        scratch.append(replacement)
        return index + 2
    }

    /// Decodes `\uXXXX` (or a `\uXXXX\uXXXX` surrogate pair) at `index`; lone surrogates are rejected because
    /// they cannot be represented in a Swift `String` (valid Unicode only).
    private mutating func decodeUnicodeEscape(at index: Int) throws -> Int {
        let unit = try hexQuad(at: index + 2)
        var end = index + 6
        var scalarValue = UInt32(unit)
        if (0xD800...0xDBFF).contains(unit) {
            guard end + 1 < input.count, input[end] == UInt8(ascii: "\\"), input[end + 1] == UInt8(ascii: "u"),
                case let low = try hexQuad(at: end + 2), (0xDC00...0xDFFF).contains(low)
            else {
                throw loneSurrogate(unit, at: index)
            }
            scalarValue = 0x10000 + ((UInt32(unit) - 0xD800) << 10) + (UInt32(low) - 0xDC00)
            end += 6
        } else if (0xDC00...0xDFFF).contains(unit) {
            throw loneSurrogate(unit, at: index)
        }
        appendUTF8(scalarValue)
        return end
    }

    /// Appends the UTF-8 encoding of a Unicode scalar value (surrogates already excluded) to `scratch`.
    private mutating func appendUTF8(_ scalar: UInt32) {
        switch scalar {
        case ..<0x80:
            scratch.append(UInt8(scalar))
        case ..<0x800:
            scratch.append(0xC0 | UInt8(scalar >> 6))
            scratch.append(0x80 | UInt8(scalar & 0x3F))
        case ..<0x10000:
            scratch.append(0xE0 | UInt8(scalar >> 12))
            scratch.append(0x80 | UInt8((scalar >> 6) & 0x3F))
            scratch.append(0x80 | UInt8(scalar & 0x3F))
        default:
            scratch.append(0xF0 | UInt8(scalar >> 18))
            scratch.append(0x80 | UInt8((scalar >> 12) & 0x3F))
            scratch.append(0x80 | UInt8((scalar >> 6) & 0x3F))
            scratch.append(0x80 | UInt8(scalar & 0x3F))
        }
    }

    /// The value of the four hex digits at `offset`.
    private func hexQuad(at offset: Int) throws -> UInt16 {
        var value: UInt16 = 0
        for digitOffset in offset..<offset + 4 {
            guard digitOffset < input.count else { throw unexpected("4 hex digits after '\\u'", at: digitOffset) }
            let byte = input[digitOffset]
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
            default: throw unexpected("4 hex digits after '\\u'", at: digitOffset)
            }
            value = value << 4 | UInt16(digit)
        }
        return value
    }

    private func loneSurrogate(_ unit: UInt16, at offset: Int) -> JSONError {
        let hex = String(unit, radix: 16)
        return error(
            .syntax, "lone surrogate escape '\\u\(hex)' is not allowed (strings must be valid Unicode)", at: offset)
    }

    private func hexByte(_ byte: UInt8) -> String {
        String(byte, radix: 16, uppercase: true).leftPadded(to: 2)
    }

    private func controlCharacter(_ byte: UInt8, at offset: Int) -> JSONError {
        let hex = String(byte, radix: 16, uppercase: true).leftPadded(to: 4)
        return error(.syntax, "unescaped control character U+\(hex) in string", at: offset)
    }

    private func checkStringLength(_ length: Int, at offset: Int) throws {
        if length > limits.maxStringBytes {
            throw error(
                .invalidValue, "string of \(length) bytes exceeds the limit of \(limits.maxStringBytes) bytes",
                at: offset)
        }
    }

    /// Validates the multi-byte UTF-8 sequence starting at `index` (Unicode Table 3-7: no overlong forms, no
    /// surrogates, nothing above U+10FFFF) and returns the offset after it.
    private func validateUTF8Sequence(at index: Int) throws -> Int {
        let lead = input[index]
        let length: Int
        var secondRange: ClosedRange<UInt8> = 0x80...0xBF
        switch lead {
        case 0xC2...0xDF: length = 2
        case 0xE0:
            length = 3
            secondRange = 0xA0...0xBF
        case 0xED:
            length = 3
            secondRange = 0x80...0x9F
        case 0xE1...0xEF: length = 3
        case 0xF0:
            length = 4
            secondRange = 0x90...0xBF
        case 0xF4:
            length = 4
            secondRange = 0x80...0x8F
        case 0xF1...0xF3: length = 4
        default:
            throw error(.invalidUTF8, "invalid UTF-8 lead byte 0x\(hexByte(lead)) in string", at: index)
        }
        for offset in 1..<length {
            guard index + offset < input.count else {
                throw error(.truncated, "unterminated string (input ends inside a UTF-8 sequence)", at: index)
            }
            let byte = input[index + offset]
            guard (offset == 1 ? secondRange : 0x80...0xBF).contains(byte) else {
                throw error(
                    .invalidUTF8, "invalid UTF-8 sequence starting with byte 0x\(hexByte(lead)) in string", at: index)
            }
        }
        return index + length
    }
}
