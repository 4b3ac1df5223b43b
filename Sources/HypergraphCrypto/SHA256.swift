/// SHA-256 (FIPS 180-4): the digest that protocol signatures cover and the hash inside HMAC-SHA256.
///
/// Use ``hash(_:)`` for a whole message, or create a hasher, feed it with ``update(_:)`` any number of times and
/// call ``finalize()`` once. A hasher is a value: copying it forks the computation, which HMAC uses to reuse a
/// key's padded blocks.
public struct SHA256: Sendable {
    /// The size of a digest in bytes.
    public static let byteCount = 32
    /// The size of the blocks the compression function consumes, in bytes (HMAC pads keys to this size).
    public static let blockByteCount = 64

    private var buffer = HashBlockBuffer<SHA256Compression>()

    /// A hasher that has absorbed nothing yet.
    public init() {}

    /// Absorbs `bytes` as the next part of the message.
    public mutating func update(_ bytes: some Collection<UInt8>) {
        buffer.update(bytes)
    }

    /// Absorbs the bytes of `buffer` as the next part of the message.
    public mutating func update(_ buffer: UnsafeRawBufferPointer) {
        self.buffer.update(buffer)
    }

    /// The 32-byte digest of everything absorbed.
    public consuming func finalize() -> [UInt8] {
        buffer.finalize()
    }

    /// The 32-byte SHA-256 digest of `bytes`.
    public static func hash(_ bytes: some Collection<UInt8>) -> [UInt8] {
        var hasher = SHA256()
        hasher.update(bytes)
        return hasher.finalize()
    }
}

/// The SHA-256 chaining value and compression function.
struct SHA256Compression: HashBlockCompression {
    private var h0: UInt32 = 0x6a09_e667
    private var h1: UInt32 = 0xbb67_ae85
    private var h2: UInt32 = 0x3c6e_f372
    private var h3: UInt32 = 0xa54f_f53a
    private var h4: UInt32 = 0x510e_527f
    private var h5: UInt32 = 0x9b05_688c
    private var h6: UInt32 = 0x1f83_d9ab
    private var h7: UInt32 = 0x5be0_cd19

    init() {}

    var digest: [UInt8] {
        [UInt8](bigEndianWords: h0, h1, h2, h3, h4, h5, h6, h7)
    }

    mutating func compress(blocks: UnsafeRawPointer, count: Int) {
        Self.roundConstants.withUnsafeBufferPointer { k in
            var block = blocks
            for _ in 0..<count {
                compress(block: block, k: k)
                block += SHA256.blockByteCount
            }
        }
    }

    /// One block: the 64 rounds are written as four groups of sixteen, with the message schedule kept in
    /// sixteen local words updated in place (no 64-word array to allocate, index or bounds-check).
    @inline(__always)
    private mutating func compress(block: UnsafeRawPointer, k: UnsafeBufferPointer<UInt32>) {
        @inline(__always) func load(_ index: Int) -> UInt32 {
            UInt32(bigEndian: block.loadUnaligned(fromByteOffset: index * 4, as: UInt32.self))
        }
        var w0 = load(0)
        var w1 = load(1)
        var w2 = load(2)
        var w3 = load(3)
        var w4 = load(4)
        var w5 = load(5)
        var w6 = load(6)
        var w7 = load(7)
        var w8 = load(8)
        var w9 = load(9)
        var w10 = load(10)
        var w11 = load(11)
        var w12 = load(12)
        var w13 = load(13)
        var w14 = load(14)
        var w15 = load(15)

        var a = h0
        var b = h1
        var c = h2
        var d = h3
        var e = h4
        var f = h5
        var g = h6
        var h = h7

        for group in 0..<4 {
            if group > 0 {
                w0 &+= sigma1(w14) &+ w9 &+ sigma0(w1)
                w1 &+= sigma1(w15) &+ w10 &+ sigma0(w2)
                w2 &+= sigma1(w0) &+ w11 &+ sigma0(w3)
                w3 &+= sigma1(w1) &+ w12 &+ sigma0(w4)
                w4 &+= sigma1(w2) &+ w13 &+ sigma0(w5)
                w5 &+= sigma1(w3) &+ w14 &+ sigma0(w6)
                w6 &+= sigma1(w4) &+ w15 &+ sigma0(w7)
                w7 &+= sigma1(w5) &+ w0 &+ sigma0(w8)
                w8 &+= sigma1(w6) &+ w1 &+ sigma0(w9)
                w9 &+= sigma1(w7) &+ w2 &+ sigma0(w10)
                w10 &+= sigma1(w8) &+ w3 &+ sigma0(w11)
                w11 &+= sigma1(w9) &+ w4 &+ sigma0(w12)
                w12 &+= sigma1(w10) &+ w5 &+ sigma0(w13)
                w13 &+= sigma1(w11) &+ w6 &+ sigma0(w14)
                w14 &+= sigma1(w12) &+ w7 &+ sigma0(w15)
                w15 &+= sigma1(w13) &+ w8 &+ sigma0(w0)
            }
            let base = group * 16
            round(a, b, c, &d, e, f, g, &h, k[base + 0] &+ w0)
            round(h, a, b, &c, d, e, f, &g, k[base + 1] &+ w1)
            round(g, h, a, &b, c, d, e, &f, k[base + 2] &+ w2)
            round(f, g, h, &a, b, c, d, &e, k[base + 3] &+ w3)
            round(e, f, g, &h, a, b, c, &d, k[base + 4] &+ w4)
            round(d, e, f, &g, h, a, b, &c, k[base + 5] &+ w5)
            round(c, d, e, &f, g, h, a, &b, k[base + 6] &+ w6)
            round(b, c, d, &e, f, g, h, &a, k[base + 7] &+ w7)
            round(a, b, c, &d, e, f, g, &h, k[base + 8] &+ w8)
            round(h, a, b, &c, d, e, f, &g, k[base + 9] &+ w9)
            round(g, h, a, &b, c, d, e, &f, k[base + 10] &+ w10)
            round(f, g, h, &a, b, c, d, &e, k[base + 11] &+ w11)
            round(e, f, g, &h, a, b, c, &d, k[base + 12] &+ w12)
            round(d, e, f, &g, h, a, b, &c, k[base + 13] &+ w13)
            round(c, d, e, &f, g, h, a, &b, k[base + 14] &+ w14)
            round(b, c, d, &e, f, g, h, &a, k[base + 15] &+ w15)
        }

        h0 &+= a
        h1 &+= b
        h2 &+= c
        h3 &+= d
        h4 &+= e
        h5 &+= f
        h6 &+= g
        h7 &+= h
    }

    /// One round with the roles of the eight working variables passed in rotated order, which replaces the
    /// standard's shuffle of all eight by renaming: only `d` and `h` change.
    @inline(__always)
    private func round(
        _ a: UInt32, _ b: UInt32, _ c: UInt32, _ d: inout UInt32,
        _ e: UInt32, _ f: UInt32, _ g: UInt32, _ h: inout UInt32,
        _ constantPlusWord: UInt32
    ) {
        let sum1 = rotateRight(e, 6) ^ rotateRight(e, 11) ^ rotateRight(e, 25)
        let choice = g ^ (e & (f ^ g))
        let t1 = h &+ sum1 &+ choice &+ constantPlusWord
        let sum0 = rotateRight(a, 2) ^ rotateRight(a, 13) ^ rotateRight(a, 22)
        let majority = (a & b) | (c & (a | b))
        d &+= t1
        h = t1 &+ sum0 &+ majority
    }

    @inline(__always)
    private func sigma0(_ x: UInt32) -> UInt32 { rotateRight(x, 7) ^ rotateRight(x, 18) ^ (x >> 3) }

    @inline(__always)
    private func sigma1(_ x: UInt32) -> UInt32 { rotateRight(x, 17) ^ rotateRight(x, 19) ^ (x >> 10) }

    private static let roundConstants: [UInt32] = [
        0x428a_2f98, 0x7137_4491, 0xb5c0_fbcf, 0xe9b5_dba5, 0x3956_c25b, 0x59f1_11f1, 0x923f_82a4, 0xab1c_5ed5,
        0xd807_aa98, 0x1283_5b01, 0x2431_85be, 0x550c_7dc3, 0x72be_5d74, 0x80de_b1fe, 0x9bdc_06a7, 0xc19b_f174,
        0xe49b_69c1, 0xefbe_4786, 0x0fc1_9dc6, 0x240c_a1cc, 0x2de9_2c6f, 0x4a74_84aa, 0x5cb0_a9dc, 0x76f9_88da,
        0x983e_5152, 0xa831_c66d, 0xb003_27c8, 0xbf59_7fc7, 0xc6e0_0bf3, 0xd5a7_9147, 0x06ca_6351, 0x1429_2967,
        0x27b7_0a85, 0x2e1b_2138, 0x4d2c_6dfc, 0x5338_0d13, 0x650a_7354, 0x766a_0abb, 0x81c2_c92e, 0x9272_2c85,
        0xa2bf_e8a1, 0xa81a_664b, 0xc24b_8b70, 0xc76c_51a3, 0xd192_e819, 0xd699_0624, 0xf40e_3585, 0x106a_a070,
        0x19a4_c116, 0x1e37_6c08, 0x2748_774c, 0x34b0_bcb5, 0x391c_0cb3, 0x4ed8_aa4a, 0x5b9c_ca4f, 0x682e_6ff3,
        0x748f_82ee, 0x78a5_636f, 0x84c8_7814, 0x8cc7_0208, 0x90be_fffa, 0xa450_6ceb, 0xbef9_a3f7, 0xc671_78f2,
    ]
}
