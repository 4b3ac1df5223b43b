/// SHA-1 (FIPS 180-4), needed only for the WebSocket opening handshake (RFC 6455 `Sec-WebSocket-Accept`).
///
/// SHA-1 is broken for collision resistance; do not use it for anything else.
public enum SHA1 {
    /// The size of a digest in bytes.
    public static let byteCount = 20

    /// The 20-byte SHA-1 digest of `bytes`.
    public static func hash(_ bytes: some Collection<UInt8>) -> [UInt8] {
        var buffer = HashBlockBuffer<SHA1Compression>()
        buffer.update(bytes)
        return buffer.finalize()
    }
}

/// The SHA-1 chaining value and compression function.
struct SHA1Compression: HashBlockCompression {
    private var state: (UInt32, UInt32, UInt32, UInt32, UInt32) =
        (0x6745_2301, 0xefcd_ab89, 0x98ba_dcfe, 0x1032_5476, 0xc3d2_e1f0)

    init() {}

    var digest: [UInt8] {
        [UInt8](bigEndianWords: state.0, state.1, state.2, state.3, state.4)
    }

    mutating func compress(blocks: UnsafeRawPointer, count: Int) {
        withUnsafeTemporaryAllocation(of: UInt32.self, capacity: 80) { schedule in
            var block = blocks
            for _ in 0..<count {
                compress(block: block, schedule: schedule)
                block += 64
            }
        }
    }

    private mutating func compress(block: UnsafeRawPointer, schedule w: UnsafeMutableBufferPointer<UInt32>) {
        for index in 0..<16 {
            w[index] = UInt32(bigEndian: block.loadUnaligned(fromByteOffset: index * 4, as: UInt32.self))
        }
        for index in 16..<80 {
            w[index] = rotateLeft(w[index - 3] ^ w[index - 8] ^ w[index - 14] ^ w[index - 16], 1)
        }

        var (a, b, c, d, e) = state
        for index in 0..<80 {
            let mixed: UInt32
            let constant: UInt32
            switch index {
            case 0..<20:
                mixed = d ^ (b & (c ^ d))
                constant = 0x5a82_7999
            case 20..<40:
                mixed = b ^ c ^ d
                constant = 0x6ed9_eba1
            case 40..<60:
                mixed = (b & c) | (d & (b | c))
                constant = 0x8f1b_bcdc
            default:
                mixed = b ^ c ^ d
                constant = 0xca62_c1d6
            }
            let next = rotateLeft(a, 5) &+ mixed &+ e &+ constant &+ w[index]
            e = d
            d = c
            c = rotateLeft(b, 30)
            b = a
            a = next
        }

        state.0 &+= a
        state.1 &+= b
        state.2 &+= c
        state.3 &+= d
        state.4 &+= e
    }
}
