// Word-level helpers shared by the hash functions.

/// Rotates the 32 bits of `x` right by `count` (1...31), written in the form compilers turn into one rotate
/// instruction.
@inline(__always)
func rotateRight(_ x: UInt32, _ count: UInt32) -> UInt32 {
    (x &>> count) | (x &<< (32 &- count))
}

/// Rotates the 32 bits of `x` left by `count` (1...31).
@inline(__always)
func rotateLeft(_ x: UInt32, _ count: UInt32) -> UInt32 {
    (x &<< count) | (x &>> (32 &- count))
}

extension Array where Element == UInt8 {
    /// The concatenation of `words`, each serialised big-endian (the SHA family's digest layout).
    init(bigEndianWords words: UInt32...) {
        self.init(unsafeUninitializedCapacity: words.count * 4) { bytes, initializedCount in
            for (index, word) in words.enumerated() {
                bytes[index * 4] = UInt8(truncatingIfNeeded: word >> 24)
                bytes[index * 4 + 1] = UInt8(truncatingIfNeeded: word >> 16)
                bytes[index * 4 + 2] = UInt8(truncatingIfNeeded: word >> 8)
                bytes[index * 4 + 3] = UInt8(truncatingIfNeeded: word)
            }
            initializedCount = words.count * 4
        }
    }
}
