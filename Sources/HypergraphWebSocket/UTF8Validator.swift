// Incremental UTF-8 validation for text messages that arrive in pieces (fragments, partial reads).

/// Validates UTF-8 (RFC 3629: no overlong forms, no surrogates, nothing above U+10FFFF) across chunk
/// boundaries, rejecting at the first byte that cannot continue a valid sequence — so a bad text message
/// fails as soon as the offending byte arrives, not when the message ends.
struct UTF8Validator {
    /// Continuation bytes still expected by the current sequence.
    private var pending: UInt8 = 0
    /// The allowed range of the next continuation byte (narrower than 0x80...0xBF right after some lead bytes).
    private var lower: UInt8 = 0x80
    private var upper: UInt8 = 0xBF

    /// Whether the bytes so far end on a character boundary (a complete text).
    var isAtCharacterBoundary: Bool { pending == 0 }

    /// Consumes `bytes`; returns false at the first invalid byte (the validator is then unusable).
    mutating func consume(_ bytes: UnsafeRawBufferPointer) -> Bool {
        guard let base = bytes.baseAddress else { return true }
        var index = 0
        let count = bytes.count
        while index < count {
            if pending == 0 {
                // Fast path: skip ASCII eight bytes at a time.
                while index + 8 <= count,
                    base.loadUnaligned(fromByteOffset: index, as: UInt64.self) & 0x8080_8080_8080_8080 == 0
                {
                    index += 8
                }
                guard index < count else { return true }
                let byte = base.load(fromByteOffset: index, as: UInt8.self)
                index += 1
                switch byte {
                case 0x00...0x7F: continue
                case 0xC2...0xDF: begin(1, 0x80, 0xBF)
                case 0xE0: begin(2, 0xA0, 0xBF) // no overlong three-byte forms
                case 0xE1...0xEC, 0xEE...0xEF: begin(2, 0x80, 0xBF)
                case 0xED: begin(2, 0x80, 0x9F) // no UTF-16 surrogates
                case 0xF0: begin(3, 0x90, 0xBF) // no overlong four-byte forms
                case 0xF1...0xF3: begin(3, 0x80, 0xBF)
                case 0xF4: begin(3, 0x80, 0x8F) // nothing above U+10FFFF
                default: return false
                }
            } else {
                let byte = base.load(fromByteOffset: index, as: UInt8.self)
                index += 1
                guard byte >= lower, byte <= upper else { return false }
                pending -= 1
                lower = 0x80
                upper = 0xBF
            }
        }
        return true
    }

    private mutating func begin(_ continuations: UInt8, _ lower: UInt8, _ upper: UInt8) {
        pending = continuations
        self.lower = lower
        self.upper = upper
    }
}
