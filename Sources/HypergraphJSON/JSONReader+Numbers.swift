// Numbers: strict grammar scan, exact integer conversion (integral values such as 1.0 and 1e2 are integers, as
// in JavaScript), correctly rounded doubles, and the byte-array fast path.

/// Location of the parts of one number token in the input.
struct NumberToken {
    /// Offsets of the whole token.
    var range: Range<Int>
    /// Whether the token starts with `-`.
    var isNegative: Bool
    /// Offsets of the digits before the decimal point.
    var integerDigits: Range<Int>
    /// Offsets of the digits after the decimal point (empty when there is no fraction).
    var fractionDigits: Range<Int>
    /// Value of the exponent part, saturated to ±`exponentLimit` (0 when absent).
    var exponent: Int
    /// Whether the token has a fraction or exponent part.
    var isPlainInteger: Bool

    /// Exponents beyond this magnitude make every value 0 or infinite anyway.
    static let exponentLimit = 1_000_000
}

/// Why a number is not an `Int`.
enum IntegerConversionFailure: Error {
    case notIntegral, outOfRange
}

extension JSONReader {
    /// Reads an integral JSON number. `1.0`, `1e2` and `-0` are accepted (JavaScript has no separate integer
    /// type, so a JS peer may send them); `1.5` fails with `.typeMismatch`, values outside `Int` with
    /// `.numberOutOfRange`.
    public mutating func readInt() throws -> Int {
        try expect(.number, "integer")
        let token = try scanNumber()
        do {
            return try integerValue(of: token)
        } catch IntegerConversionFailure.notIntegral {
            throw error(.typeMismatch, "expected integer, got number \(text(of: token))", at: token.range.lowerBound)
        } catch {
            throw self.error(
                .numberOutOfRange, "number \(text(of: token)) is out of range for a 64-bit integer",
                at: token.range.lowerBound)
        }
    }

    /// Reads any JSON number as the nearest `Double`; a number too large for a finite `Double` fails with
    /// `.numberOutOfRange` (tiny numbers round to zero, as in JavaScript).
    public mutating func readDouble() throws -> Double {
        try expect(.number, "number")
        let token = try scanNumber()
        return try doubleValue(of: token)
    }

    /// Scans the number starting at `position` and leaves `position` after it.
    mutating func scanNumber() throws -> NumberToken {
        let start = position
        var index = position
        let isNegative = input[index] == UInt8(ascii: "-")
        if isNegative { index += 1 }
        let integerStart = index
        guard index < input.count, isDigit(input[index]) else {
            throw unexpected("a digit after '-'", at: index)
        }
        if input[index] == UInt8(ascii: "0") {
            index += 1
            if index < input.count, isDigit(input[index]) {
                throw error(.syntax, "leading zeros are not allowed in numbers", at: start)
            }
        } else {
            index = skipDigits(from: index)
        }
        let integerDigits = integerStart..<index
        var fractionDigits = index..<index
        var exponent = 0
        if index < input.count, input[index] == UInt8(ascii: ".") {
            index += 1
            let fractionEnd = skipDigits(from: index)
            guard fractionEnd > index else { throw unexpected("a digit after the decimal point", at: index) }
            fractionDigits = index..<fractionEnd
            index = fractionEnd
        }
        let hasExponent = index < input.count && input[index] | 0x20 == UInt8(ascii: "e")
        if hasExponent {
            index += 1
            var exponentIsNegative = false
            if index < input.count, input[index] == UInt8(ascii: "+") || input[index] == UInt8(ascii: "-") {
                exponentIsNegative = input[index] == UInt8(ascii: "-")
                index += 1
            }
            let exponentEnd = skipDigits(from: index)
            guard exponentEnd > index else { throw unexpected("a digit in the exponent", at: index) }
            for digitOffset in index..<exponentEnd where exponent < NumberToken.exponentLimit {
                exponent = exponent * 10 + Int(input[digitOffset] - UInt8(ascii: "0"))
            }
            exponent = min(exponent, NumberToken.exponentLimit)
            if exponentIsNegative { exponent = -exponent }
            index = exponentEnd
        }
        position = index
        return NumberToken(
            range: start..<index, isNegative: isNegative, integerDigits: integerDigits,
            fractionDigits: fractionDigits, exponent: exponent,
            isPlainInteger: fractionDigits.isEmpty && !hasExponent)
    }

    @inline(__always)
    private func isDigit(_ byte: UInt8) -> Bool {
        byte &- UInt8(ascii: "0") < 10
    }

    private func skipDigits(from index: Int) -> Int {
        var index = index
        while index < input.count, isDigit(input[index]) { index += 1 }
        return index
    }

    /// The token's text for messages, shortened when very long.
    func text(of token: NumberToken) -> String {
        let shown = token.range.count > 40 ? token.range.lowerBound..<token.range.lowerBound + 40 : token.range
        let text = String(decoding: UnsafeRawBufferPointer(rebasing: input[shown]), as: UTF8.self)
        return shown == token.range ? text : text + "…"
    }

    /// The digit at position `index` of the concatenated integer and fraction digits.
    @inline(__always)
    private func digit(_ index: Int, of token: NumberToken) -> UInt64 {
        let integerCount = token.integerDigits.count
        let offset =
            index < integerCount
            ? token.integerDigits.lowerBound + index
            : token.fractionDigits.lowerBound + index - integerCount
        return UInt64(input[offset] &- UInt8(ascii: "0"))
    }

    /// The exact integer value of `token`, computed from its decimal digits (never via `Double`).
    func integerValue(of token: NumberToken) throws(IntegerConversionFailure) -> Int {
        if token.isPlainInteger && token.integerDigits.count <= 18 {
            var value = 0
            for offset in token.integerDigits { value = value &* 10 &+ Int(input[offset] &- UInt8(ascii: "0")) }
            return token.isNegative ? -value : value
        }
        // value = digits × 10^scale; strip leading and trailing zeros, then require scale >= 0.
        let digitCount = token.integerDigits.count + token.fractionDigits.count
        var first = 0
        while first < digitCount, digit(first, of: token) == 0 { first += 1 }
        if first == digitCount { return 0 }
        var last = digitCount
        while digit(last - 1, of: token) == 0 { last -= 1 }
        let scale = token.exponent - token.fractionDigits.count + (digitCount - last)
        guard scale >= 0 else { throw .notIntegral }
        guard last - first + scale <= 19 else { throw .outOfRange }
        var magnitude: UInt64 = 0
        for index in first..<last { magnitude = magnitude * 10 + digit(index, of: token) }
        for _ in 0..<scale {
            let (product, overflow) = magnitude.multipliedReportingOverflow(by: 10)
            guard !overflow else { throw .outOfRange }
            magnitude = product
        }
        if token.isNegative {
            guard magnitude <= UInt64(Int.max) + 1 else { throw .outOfRange }
            return magnitude == UInt64(Int.max) + 1 ? Int.min : -Int(magnitude)
        }
        guard magnitude <= UInt64(Int.max) else { throw .outOfRange }
        return Int(magnitude)
    }

    /// The nearest `Double` to `token`: exact arithmetic when the digits and exponent are small (Clinger's fast
    /// path), otherwise the standard library's correctly rounded conversion.
    func doubleValue(of token: NumberToken) throws -> Double {
        if token.isPlainInteger && token.integerDigits.count <= 15 { // exact: below 2^53
            var value = 0
            for offset in token.integerDigits { value = value &* 10 &+ Int(input[offset] &- UInt8(ascii: "0")) }
            return token.isNegative ? -Double(value) : Double(value)
        }
        let digitCount = token.integerDigits.count + token.fractionDigits.count
        var mantissa: UInt64 = 0
        var significant = 0
        for index in 0..<digitCount {
            let value = digit(index, of: token)
            if significant > 0 || value != 0 { significant += 1 }
            mantissa = mantissa &* 10 &+ value
            if significant > 19 { break }
        }
        let scale = token.exponent - token.fractionDigits.count
        var result: Double
        if mantissa == 0 && significant == 0 {
            result = 0
        } else if significant <= 19, mantissa < 1 << 53, (-22...22).contains(scale) {
            result = Double(mantissa)
            result = scale < 0 ? result / Self.powersOfTen[-scale] : result * Self.powersOfTen[scale]
        } else {
            let unsigned = token.integerDigits.lowerBound..<token.range.upperBound
            let text = String(decoding: UnsafeRawBufferPointer(rebasing: input[unsigned]), as: UTF8.self)
            result = Double(text) ?? .infinity
        }
        guard result.isFinite else {
            throw error(
                .numberOutOfRange, "number \(text(of: token)) is out of range for a 64-bit floating-point value",
                at: token.range.lowerBound)
        }
        return token.isNegative ? -result : result
    }

    /// 10^0 … 10^22, all exactly representable as `Double`.
    private static let powersOfTen: [Double] = {
        var powers: [Double] = [1]
        for _ in 1...22 { powers.append(powers[powers.count - 1] * 10) }
        return powers
    }()
}
