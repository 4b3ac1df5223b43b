/// Hexadecimal encoding of byte strings, as used for keys, digests and signatures on the wire.
///
/// Encoding always produces lowercase digits without a prefix. Decoding accepts upper- and lowercase digits,
/// requires an even number of digits, and rejects anything else (including a `0x` prefix, which callers strip
/// themselves because the protocol decides per field whether one is required) by throwing ``HexError``.
public enum Hex {
    /// The lowercase hexadecimal digits of `bytes`, two per byte, without a prefix.
    public static func encode(_ bytes: some Sequence<UInt8>) -> String {
        var utf8: [UInt8] = []
        utf8.reserveCapacity(bytes.underestimatedCount * 2)
        for byte in bytes {
            utf8.append(digit(byte >> 4))
            utf8.append(digit(byte & 0x0F))
        }
        return String(decoding: utf8, as: UTF8.self)
    }

    /// The bytes spelled by `text`, two hexadecimal digits (either case) per byte.
    ///
    /// - Throws: ``HexError/oddLength(_:)`` when the number of characters is odd, and
    ///   ``HexError/invalidCharacter(_:offset:)`` naming the first character that is not a hexadecimal digit.
    public static func decode(_ text: some StringProtocol) throws(HexError) -> [UInt8] {
        let utf8 = text.utf8
        var bytes: [UInt8] = []
        bytes.reserveCapacity(utf8.count / 2)
        var high: UInt8?
        for (offset, unit) in utf8.enumerated() {
            guard let value = value(ofDigit: unit) else {
                throw .invalidCharacter(character(at: offset, in: text), offset: offset)
            }
            if let pending = high {
                bytes.append(pending << 4 | value)
                high = nil
            } else {
                high = value
            }
        }
        guard high == nil else { throw .oddLength(utf8.count) }
        return bytes
    }

    @inline(__always)
    private static func digit(_ nibble: UInt8) -> UInt8 {
        nibble < 10 ? UInt8(ascii: "0") + nibble : UInt8(ascii: "a") + nibble - 10
    }

    @inline(__always)
    private static func value(ofDigit unit: UInt8) -> UInt8? {
        switch unit {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): unit - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): unit - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): unit - UInt8(ascii: "A") + 10
        default: nil
        }
    }

    /// The whole character containing the UTF-8 code unit at `offset`, so that errors show what the user typed
    /// rather than a fragment of a multi-byte sequence.
    private static func character(at offset: Int, in text: some StringProtocol) -> Character {
        var characterStart = 0
        for character in text {
            let characterEnd = characterStart + character.utf8.count
            if offset < characterEnd { return character }
            characterStart = characterEnd
        }
        return "\u{FFFD}"
    }
}

/// Why a string is not valid hexadecimal.
public enum HexError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The string has this odd number of UTF-8 code units, so the last byte would be incomplete.
    case oddLength(Int)
    /// The character at this UTF-8 offset is not one of `0-9`, `a-f`, `A-F`.
    case invalidCharacter(Character, offset: Int)

    /// A sentence naming the problem, where it is, and what was expected.
    public var description: String {
        switch self {
        case .oddLength(let count):
            "hex string has an odd number of digits (\(count)); expected two digits per byte"
        case .invalidCharacter(let character, let offset):
            "invalid hex digit \(String(reflecting: String(character))) at offset \(offset); "
                + "expected 0-9, a-f or A-F"
        }
    }
}
