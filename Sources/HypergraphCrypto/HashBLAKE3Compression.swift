// The BLAKE3 compression function, written once over a generic "word" so that the same code compresses one
// block (UInt32 words) or the same block position of several chunks at once (SIMD words, one chunk per lane).

/// A 32-bit word, or a vector of 32-bit words with one independent input per lane.
protocol BLAKE3Word: Sendable {
    /// The word holding `value` (in every lane).
    init(repeating value: UInt32)
    static func &+ (lhs: Self, rhs: Self) -> Self
    static func ^ (lhs: Self, rhs: Self) -> Self
    /// `self ^ other` rotated right by `count` (1...31) in every lane.
    func xorRotatedRight(_ other: Self, _ count: UInt32) -> Self
}

extension UInt32: BLAKE3Word {
    @inline(__always)
    init(repeating value: UInt32) { self = value }

    @inline(__always)
    func xorRotatedRight(_ other: UInt32, _ count: UInt32) -> UInt32 { rotateRight(self ^ other, count) }
}

// Two forms chosen for what LLVM makes of them on baseline x86-64 (SSE2, which has no vector rotate and no byte
// shuffle). Rotating by 16 swaps the 16-bit halves of each lane: two word shuffles (`pshuflw`, `pshufhw`) instead
// of two shifts and a combine. The XOR is done on the 16-bit view too: XORing as 32-bit lanes and then
// reinterpreting made LLVM rebuild one lane with a shift and a blend. The other rotations combine the two shifted
// halves with `&+` rather than `|` (the bits do not overlap, so the result is the same): LLVM turns the `|` form
// into a vector rotate, which it lowers to four scalar rotates on SSE2.

extension SIMD4: BLAKE3Word where Scalar == UInt32 {
    @inline(__always)
    func xorRotatedRight(_ other: Self, _ count: UInt32) -> Self {
        if count == 16 {
            let h = unsafeBitCast(self, to: SIMD8<UInt16>.self) ^ unsafeBitCast(other, to: SIMD8<UInt16>.self)
            return unsafeBitCast(SIMD8<UInt16>(h[1], h[0], h[3], h[2], h[5], h[4], h[7], h[6]), to: Self.self)
        }
        let x = self ^ other
        return (x &>> count) &+ (x &<< (32 &- count))
    }
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

extension BLAKE3ChainingValue {
    /// The chaining value whose word `i` is `combine` of word `i` of `self` and of `other`.
    @inline(__always)
    func combined(with other: Self, _ combine: (Word, Word) -> Word) -> Self {
        Self(
            h0: combine(h0, other.h0), h1: combine(h1, other.h1), h2: combine(h2, other.h2),
            h3: combine(h3, other.h3), h4: combine(h4, other.h4), h5: combine(h5, other.h5),
            h6: combine(h6, other.h6), h7: combine(h7, other.h7))
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

/// The sixteen-word state of the compression function, as four rows of four words (the 4×4 matrix of the
/// specification).
struct BLAKE3CompressionState<Word: BLAKE3Word> {
    private typealias Row = (Word, Word, Word, Word)
    private var a, b, c, d: Row

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
        (a, b) = ((h.h0, h.h1, h.h2, h.h3), (h.h4, h.h5, h.h6, h.h7))
        (c, d) = ((iv.h0, iv.h1, iv.h2, iv.h3), (counterLow, counterHigh, blockLength, flags))

        let m1 = block.permuted
        let m2 = m1.permuted
        let m3 = m2.permuted
        let m4 = m3.permuted
        let m5 = m4.permuted
        let m6 = m5.permuted
        round(block)
        round(m1)
        round(m2)
        round(m3)
        round(m4)
        round(m5)
        round(m6)
    }

    /// The output's first half folded with the second: the chaining value handed to the next node.
    @inline(__always)
    var chainingValue: BLAKE3ChainingValue<Word> {
        BLAKE3ChainingValue(
            h0: a.0 ^ c.0, h1: a.1 ^ c.1, h2: a.2 ^ c.2, h3: a.3 ^ c.3,
            h4: b.0 ^ d.0, h5: b.1 ^ d.1, h6: b.2 ^ d.2, h7: b.3 ^ d.3
        )
    }

    /// One round: G on the four columns, then on the four diagonals, which rotating rows `b`, `c` and `d` left
    /// by one, two and three words lines up as columns (for the compiler only a renaming of registers).
    @inline(__always)
    private mutating func round(_ m: BLAKE3MessageBlock<Word>) {
        Self.mixColumns(&a, &b, &c, &d, (m.m0, m.m2, m.m4, m.m6), (m.m1, m.m3, m.m5, m.m7))
        (b, c, d) = ((b.1, b.2, b.3, b.0), (c.2, c.3, c.0, c.1), (d.3, d.0, d.1, d.2))
        Self.mixColumns(&a, &b, &c, &d, (m.m8, m.m10, m.m12, m.m14), (m.m9, m.m11, m.m13, m.m15))
        (b, c, d) = ((b.3, b.0, b.1, b.2), (c.2, c.3, c.0, c.1), (d.1, d.2, d.3, d.0))
    }

    /// The quarter-round G of the specification on each of the four columns, with message words `x.i` and `y.i`
    /// for column `i`. The four are independent, so each step is written for all four at once: in this order the
    /// compiler keeps more of the state in registers than with one whole G after another.
    @inline(__always)
    private static func mixColumns(_ a: inout Row, _ b: inout Row, _ c: inout Row, _ d: inout Row, _ x: Row, _ y: Row) {
        halfMixColumns(&a, &b, &c, &d, x, rotations: (16, 12))
        halfMixColumns(&a, &b, &c, &d, y, rotations: (8, 7))
    }

    /// One half of G on each column: `a += b + m`, `d = (d ^ a) >>> rotations.0`, `c += d`,
    /// `b = (b ^ c) >>> rotations.1`.
    @inline(__always)
    private static func halfMixColumns(
        _ a: inout Row, _ b: inout Row, _ c: inout Row, _ d: inout Row, _ m: Row, rotations: (UInt32, UInt32)
    ) {
        a = (a.0 &+ b.0 &+ m.0, a.1 &+ b.1 &+ m.1, a.2 &+ b.2 &+ m.2, a.3 &+ b.3 &+ m.3)
        d = (
            d.0.xorRotatedRight(a.0, rotations.0), d.1.xorRotatedRight(a.1, rotations.0),
            d.2.xorRotatedRight(a.2, rotations.0), d.3.xorRotatedRight(a.3, rotations.0)
        )
        c = (c.0 &+ d.0, c.1 &+ d.1, c.2 &+ d.2, c.3 &+ d.3)
        b = (
            b.0.xorRotatedRight(c.0, rotations.1), b.1.xorRotatedRight(c.1, rotations.1),
            b.2.xorRotatedRight(c.2, rotations.1), b.3.xorRotatedRight(c.3, rotations.1)
        )
    }
}
