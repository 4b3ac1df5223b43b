// The BLAKE3 compression function, written once over a generic "word" so that the same code compresses one
// block (UInt32 words) or the same block position of several chunks at once (SIMD words, one chunk per lane).

/// A 32-bit word, or a vector of 32-bit words with one independent input per lane.
protocol BLAKE3Word: Sendable {
    /// The word holding `value` (in every lane).
    init(repeating value: UInt32)
    static func &+ (lhs: Self, rhs: Self) -> Self
    static func ^ (lhs: Self, rhs: Self) -> Self
    /// The bits rotated right by `count` (1...31) in every lane.
    func rotatedRight(_ count: UInt32) -> Self
}

extension UInt32: BLAKE3Word {
    @inline(__always)
    init(repeating value: UInt32) { self = value }

    @inline(__always)
    func rotatedRight(_ count: UInt32) -> UInt32 { rotateRight(self, count) }
}

// The two shifted halves are combined with `&+` rather than `|` (the bits do not overlap, so the result is the
// same): LLVM turns the `|` form into a vector rotate, which it lowers to four scalar rotates on baseline x86-64
// (SSE2), costing more than half of BLAKE3's throughput; the `&+` form stays two vector shifts and a combine.

extension SIMD4: BLAKE3Word where Scalar == UInt32 {
    @inline(__always)
    func rotatedRight(_ count: UInt32) -> Self { (self &>> count) &+ (self &<< (32 &- count)) }
}

/// Domain-separation flags of the BLAKE3 specification (§2.1) used by the default hash mode.
enum BLAKE3Flag {
    static let chunkStart: UInt32 = 1 << 0
    static let chunkEnd: UInt32 = 1 << 1
    static let parent: UInt32 = 1 << 2
    static let root: UInt32 = 1 << 3
}

/// Eight words: a chaining value, or the first or second half of a compression output.
struct BLAKE3ChainingValue<Word: BLAKE3Word>: Sendable {
    var h0, h1, h2, h3, h4, h5, h6, h7: Word

    /// The initial value (the SHA-256 IV), which is the key of the default hash mode.
    @inline(__always)
    static var initial: Self {
        Self(
            h0: Word(repeating: 0x6a09_e667), h1: Word(repeating: 0xbb67_ae85),
            h2: Word(repeating: 0x3c6e_f372), h3: Word(repeating: 0xa54f_f53a),
            h4: Word(repeating: 0x510e_527f), h5: Word(repeating: 0x9b05_688c),
            h6: Word(repeating: 0x1f83_d9ab), h7: Word(repeating: 0x5be0_cd19)
        )
    }
}

/// The sixteen message words of one 64-byte block.
struct BLAKE3MessageBlock<Word: BLAKE3Word> {
    var m0, m1, m2, m3, m4, m5, m6, m7, m8, m9, m10, m11, m12, m13, m14, m15: Word

    /// The block whose word `index` is `word(index)`.
    @inline(__always)
    init(_ word: (Int) -> Word) {
        (m0, m1, m2, m3, m4, m5, m6, m7) = (word(0), word(1), word(2), word(3), word(4), word(5), word(6), word(7))
        (m8, m9, m10, m11, m12, m13, m14, m15) =
            (word(8), word(9), word(10), word(11), word(12), word(13), word(14), word(15))
    }

    /// A parent node's block: the left child's chaining value followed by the right child's.
    @inline(__always)
    init(left: BLAKE3ChainingValue<Word>, right: BLAKE3ChainingValue<Word>) {
        (m0, m1, m2, m3, m4, m5, m6, m7) = (left.h0, left.h1, left.h2, left.h3, left.h4, left.h5, left.h6, left.h7)
        (m8, m9, m10, m11, m12, m13, m14, m15) =
            (right.h0, right.h1, right.h2, right.h3, right.h4, right.h5, right.h6, right.h7)
    }

    /// The words reordered by the specification's message permutation, applied between rounds. For the compiler
    /// this is only a renaming of registers.
    @inline(__always)
    var permuted: Self {
        var next = self
        (next.m0, next.m1, next.m2, next.m3, next.m4, next.m5, next.m6, next.m7) = (m2, m6, m3, m10, m7, m0, m4, m13)
        (next.m8, next.m9, next.m10, next.m11, next.m12, next.m13, next.m14, next.m15) =
            (m1, m11, m12, m5, m9, m14, m15, m8)
        return next
    }
}

/// The sixteen-word state of the compression function.
struct BLAKE3CompressionState<Word: BLAKE3Word> {
    private var v0, v1, v2, v3, v4, v5, v6, v7, v8, v9, v10, v11, v12, v13, v14, v15: Word

    /// Compresses `block` into `chainingValue` (specification §2.2): seven rounds of eight G mixes.
    @inline(__always)
    init(
        chainingValue h: BLAKE3ChainingValue<Word>,
        block: BLAKE3MessageBlock<Word>,
        counterLow: Word,
        counterHigh: Word,
        blockLength: Word,
        flags: Word
    ) {
        let iv = BLAKE3ChainingValue<Word>.initial
        (v0, v1, v2, v3, v4, v5, v6, v7) = (h.h0, h.h1, h.h2, h.h3, h.h4, h.h5, h.h6, h.h7)
        (v8, v9, v10, v11) = (iv.h0, iv.h1, iv.h2, iv.h3)
        (v12, v13, v14, v15) = (counterLow, counterHigh, blockLength, flags)

        var message = block
        round(message)
        for _ in 1..<7 {
            message = message.permuted
            round(message)
        }
    }

    /// The output's first half folded with the second: the chaining value handed to the next node.
    @inline(__always)
    var chainingValue: BLAKE3ChainingValue<Word> {
        BLAKE3ChainingValue(
            h0: v0 ^ v8, h1: v1 ^ v9, h2: v2 ^ v10, h3: v3 ^ v11,
            h4: v4 ^ v12, h5: v5 ^ v13, h6: v6 ^ v14, h7: v7 ^ v15
        )
    }

    @inline(__always)
    private mutating func round(_ m: BLAKE3MessageBlock<Word>) {
        // Columns, then diagonals.
        Self.mix(&v0, &v4, &v8, &v12, m.m0, m.m1)
        Self.mix(&v1, &v5, &v9, &v13, m.m2, m.m3)
        Self.mix(&v2, &v6, &v10, &v14, m.m4, m.m5)
        Self.mix(&v3, &v7, &v11, &v15, m.m6, m.m7)
        Self.mix(&v0, &v5, &v10, &v15, m.m8, m.m9)
        Self.mix(&v1, &v6, &v11, &v12, m.m10, m.m11)
        Self.mix(&v2, &v7, &v8, &v13, m.m12, m.m13)
        Self.mix(&v3, &v4, &v9, &v14, m.m14, m.m15)
    }

    /// The quarter-round G of the specification.
    @inline(__always)
    private static func mix(_ a: inout Word, _ b: inout Word, _ c: inout Word, _ d: inout Word, _ x: Word, _ y: Word) {
        a = a &+ b &+ x
        d = (d ^ a).rotatedRight(16)
        c = c &+ d
        b = (b ^ c).rotatedRight(12)
        a = a &+ b &+ y
        d = (d ^ a).rotatedRight(8)
        c = c &+ d
        b = (b ^ c).rotatedRight(7)
    }
}
