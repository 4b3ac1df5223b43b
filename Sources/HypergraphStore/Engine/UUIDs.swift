/// Generates UUID version 7 strings (RFC 9562 §5.7): a 48-bit Unix millisecond timestamp, then random bits, so ids
/// sort by creation time. Within one millisecond the 12-bit `rand_a` field is a counter that starts at a random value
/// in its lower half (RFC 9562 §6.2, method 1), so ids from one generator are strictly increasing even when many are
/// made in the same millisecond or the clock steps back.
///
/// A value type with mutable state: the store keeps one on the writer thread.
package struct UUIDv7Generator {
    private var lastTimestamp: UInt64 = 0
    private var counter: UInt16 = 0
    private var random = SystemRandomNumberGenerator()

    /// A generator that has made no id yet.
    package init() {}

    /// The next id for the time `milliseconds` (clamped to the 48-bit range), in lowercase 8-4-4-4-12 form.
    package mutating func next(at milliseconds: UnixMilliseconds) -> String {
        let maximumTimestamp: UInt64 = (1 << 48) - 1
        let now = UInt64(clamping: max(milliseconds, 0))
        var timestamp = min(now, maximumTimestamp)
        if timestamp <= lastTimestamp {
            // Same millisecond, or the clock went back: continue the sequence of the last timestamp.
            timestamp = lastTimestamp
            if counter < 0xFFF {
                counter += 1
            } else {
                timestamp = min(lastTimestamp + 1, maximumTimestamp)
                counter = UInt16.random(in: 0..<0x800, using: &random)
            }
        } else {
            counter = UInt16.random(in: 0..<0x800, using: &random)
        }
        lastTimestamp = timestamp

        var bytes = [UInt8](repeating: 0, count: 16)
        for index in 0..<6 {
            bytes[index] = UInt8(truncatingIfNeeded: timestamp >> (8 * (5 - index)))
        }
        bytes[6] = 0x70 | UInt8(truncatingIfNeeded: counter >> 8)
        bytes[7] = UInt8(truncatingIfNeeded: counter)
        let tail = random.next()
        for index in 8..<16 {
            bytes[index] = UInt8(truncatingIfNeeded: tail >> (8 * (15 - index)))
        }
        bytes[8] = 0x80 | (bytes[8] & 0x3F) // RFC 9562 variant 0b10.
        return formatUUID(bytes)
    }
}

/// Random UUIDs.
package enum UUIDv4 {
    /// A random UUID version 4 (RFC 9562 §5.4) in lowercase 8-4-4-4-12 form.
    package static func random() -> String {
        var random = SystemRandomNumberGenerator()
        var bytes = (0..<16).map { _ in UInt8.random(in: .min ... .max, using: &random) }
        bytes[6] = 0x40 | (bytes[6] & 0x0F)
        bytes[8] = 0x80 | (bytes[8] & 0x3F)
        return formatUUID(bytes)
    }
}

/// Writes 16 bytes in the lowercase 8-4-4-4-12 UUID form.
private func formatUUID(_ bytes: [UInt8]) -> String {
    let digits = Array("0123456789abcdef".utf8)
    var text: [UInt8] = []
    text.reserveCapacity(36)
    for (index, byte) in bytes.enumerated() {
        if index == 4 || index == 6 || index == 8 || index == 10 {
            text.append(UInt8(ascii: "-"))
        }
        text.append(digits[Int(byte >> 4)])
        text.append(digits[Int(byte & 0x0F)])
    }
    return String(decoding: text, as: UTF8.self)
}
