/// MD5 (RFC 1321), needed only for PostgreSQL's legacy `md5` password authentication.
///
/// MD5 is broken for collision resistance; do not use it for anything else.
public enum MD5 {
    /// The size of a digest in bytes.
    public static let byteCount = 16

    /// The 16-byte MD5 digest of `bytes`.
    public static func hash(_ bytes: some Collection<UInt8>) -> [UInt8] {
        var buffer = HashBlockBuffer<MD5Compression>()
        buffer.update(bytes)
        return buffer.finalize()
    }
}

/// The MD5 chaining value and compression function: four rounds of sixteen steps over little-endian words.
struct MD5Compression: HashBlockCompression {
    private var state: (UInt32, UInt32, UInt32, UInt32) = (0x6745_2301, 0xefcd_ab89, 0x98ba_dcfe, 0x1032_5476)

    static var lengthIsBigEndian: Bool { false }

    /// The per-step additive constants, `floor(abs(sin(i + 1)) * 2^32)`.
    private static let constants: [UInt32] = [
        0xd76a_a478, 0xe8c7_b756, 0x2420_70db, 0xc1bd_ceee, 0xf57c_0faf, 0x4787_c62a, 0xa830_4613, 0xfd46_9501,
        0x6980_98d8, 0x8b44_f7af, 0xffff_5bb1, 0x895c_d7be, 0x6b90_1122, 0xfd98_7193, 0xa679_438e, 0x49b4_0821,
        0xf61e_2562, 0xc040_b340, 0x265e_5a51, 0xe9b6_c7aa, 0xd62f_105d, 0x0244_1453, 0xd8a1_e681, 0xe7d3_fbc8,
        0x21e1_cde6, 0xc337_07d6, 0xf4d5_0d87, 0x455a_14ed, 0xa9e3_e905, 0xfcef_a3f8, 0x676f_02d9, 0x8d2a_4c8a,
        0xfffa_3942, 0x8771_f681, 0x6d9d_6122, 0xfde5_380c, 0xa4be_ea44, 0x4bde_cfa9, 0xf6bb_4b60, 0xbebf_bc70,
        0x289b_7ec6, 0xeaa1_27fa, 0xd4ef_3085, 0x0488_1d05, 0xd9d4_d039, 0xe6db_99e5, 0x1fa2_7cf8, 0xc4ac_5665,
        0xf429_2244, 0x432a_ff97, 0xab94_23a7, 0xfc93_a039, 0x655b_59c3, 0x8f0c_cc92, 0xffef_f47d, 0x8584_5dd1,
        0x6fa8_7e4f, 0xfe2c_e6e0, 0xa301_4314, 0x4e08_11a1, 0xf753_7e82, 0xbd3a_f235, 0x2ad7_d2bb, 0xeb86_d391,
    ]

    /// The left-rotation amounts, four per round.
    private static let rotations: [UInt32] = [7, 12, 17, 22, 5, 9, 14, 20, 4, 11, 16, 23, 6, 10, 15, 21]

    init() {}

    var digest: [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(16)
        for word in [state.0, state.1, state.2, state.3] {
            withUnsafeBytes(of: word.littleEndian) { bytes.append(contentsOf: $0) }
        }
        return bytes
    }

    mutating func compress(blocks: UnsafeRawPointer, count: Int) {
        var block = blocks
        for _ in 0..<count {
            compress(block: block)
            block += 64
        }
    }

    private mutating func compress(block: UnsafeRawPointer) {
        func word(_ index: Int) -> UInt32 {
            UInt32(littleEndian: block.loadUnaligned(fromByteOffset: index * 4, as: UInt32.self))
        }
        var (a, b, c, d) = state
        for step in 0..<64 {
            let mixed: UInt32
            let index: Int
            switch step {
            case 0..<16:
                mixed = d ^ (b & (c ^ d))
                index = step
            case 16..<32:
                mixed = c ^ (d & (b ^ c))
                index = (5 &* step &+ 1) & 15
            case 32..<48:
                mixed = b ^ c ^ d
                index = (3 &* step &+ 5) & 15
            default:
                mixed = c ^ (b | ~d)
                index = (7 &* step) & 15
            }
            let rotation = Self.rotations[(step >> 4) << 2 | (step & 3)]
            let sum = a &+ mixed &+ Self.constants[step] &+ word(index)
            (a, d, c) = (d, c, b)
            b = b &+ rotateLeft(sum, rotation)
        }
        state = (state.0 &+ a, state.1 &+ b, state.2 &+ c, state.3 &+ d)
    }
}
