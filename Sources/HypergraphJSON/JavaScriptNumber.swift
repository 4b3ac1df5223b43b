/// Number formatting exactly as ECMAScript `Number::toString(x)` (radix 10) specifies it, which is what
/// `JSON.stringify` and the protocol's canonical JSON use.
enum JavaScriptNumber {
    /// Appends `value` in decimal.
    static func appendInteger(_ value: Int, to bytes: inout [UInt8]) {
        if value < 0 { bytes.append(UInt8(ascii: "-")) }
        var magnitude = value.magnitude
        let start = bytes.count
        repeat {
            bytes.append(UInt8(ascii: "0") + UInt8(truncatingIfNeeded: magnitude % 10))
            magnitude /= 10
        } while magnitude > 0
        bytes[start...].reverse()
    }

    /// Appends the JavaScript rendering of the finite `value`.
    static func append(_ value: Double, to bytes: inout [UInt8]) {
        if value == 0 {
            bytes.append(UInt8(ascii: "0")) // JavaScript prints -0 as "0"
            return
        }
        // Integers below 2^53 have exactly their integer digits as shortest representation.
        if value.magnitude < 9_007_199_254_740_992, value == value.rounded(.towardZero) {
            appendInteger(Int(value), to: &bytes)
            return
        }
        if value < 0 { bytes.append(UInt8(ascii: "-")) }
        let (digits, pointPosition) = shortestDigits(of: value.magnitude)
        appendFormatted(digits: digits, pointPosition: pointPosition, to: &bytes)
    }

    /// The shortest digit string d1…dk (no leading or trailing zeros) that round-trips to the positive finite
    /// `value`, and n such that value ≈ 0.d1…dk × 10^n. Swift's `description` already produces the shortest,
    /// closest digits (SwiftDtoa); only its layout differs from JavaScript's, so it is re-parsed here.
    private static func shortestDigits(of value: Double) -> (digits: [UInt8], pointPosition: Int) {
        var digits: [UInt8] = []
        var integerDigitCount: Int?
        var exponent = 0
        var exponentIsNegative = false
        var inExponent = false
        for byte in value.description.utf8 {
            switch byte {
            case UInt8(ascii: "."): integerDigitCount = digits.count
            case UInt8(ascii: "e"), UInt8(ascii: "E"): inExponent = true
            case UInt8(ascii: "-"): exponentIsNegative = true
            case UInt8(ascii: "0")...UInt8(ascii: "9"):
                if inExponent {
                    exponent = exponent * 10 + Int(byte - UInt8(ascii: "0"))
                } else {
                    digits.append(byte)
                }
            default: break // "+"
            }
        }
        var pointPosition = (integerDigitCount ?? digits.count) + (exponentIsNegative ? -exponent : exponent)
        let leadingZeros = digits.prefix { $0 == UInt8(ascii: "0") }.count
        digits.removeFirst(leadingZeros)
        pointPosition -= leadingZeros
        while digits.last == UInt8(ascii: "0") { digits.removeLast() }
        return (digits, pointPosition)
    }

    /// Lays out digits per ECMAScript Number::toString steps 6–10 (k digits, decimal point after position n).
    private static func appendFormatted(digits: [UInt8], pointPosition n: Int, to bytes: inout [UInt8]) {
        let k = digits.count
        if k <= n && n <= 21 {
            bytes.append(contentsOf: digits)
            bytes.append(contentsOf: repeatElement(UInt8(ascii: "0"), count: n - k))
        } else if 0 < n && n <= 21 {
            bytes.append(contentsOf: digits[..<n])
            bytes.append(UInt8(ascii: "."))
            bytes.append(contentsOf: digits[n...])
        } else if -6 < n && n <= 0 {
            bytes.append(contentsOf: "0.".utf8)
            bytes.append(contentsOf: repeatElement(UInt8(ascii: "0"), count: -n))
            bytes.append(contentsOf: digits)
        } else {
            bytes.append(digits[0])
            if k > 1 {
                bytes.append(UInt8(ascii: "."))
                bytes.append(contentsOf: digits[1...])
            }
            bytes.append(UInt8(ascii: "e"))
            bytes.append(n - 1 >= 0 ? UInt8(ascii: "+") : UInt8(ascii: "-"))
            appendInteger(abs(n - 1), to: &bytes)
        }
    }
}
