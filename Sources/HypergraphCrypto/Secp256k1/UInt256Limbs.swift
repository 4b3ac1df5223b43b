/// A 256-bit unsigned integer as four 64-bit limbs, least significant first.
///
/// This is the storage behind ``Scalar`` and the byte-level interchange format of ``FieldElement``; it knows
/// nothing about either modulus. The arithmetic here is branch-free: carries and borrows are computed with bit
/// operations rather than Booleans (which the optimizer may turn into conditional jumps), and selections use
/// masks, so the constant-time signing path can use it. Comparisons returning `Bool` are for public values.
struct UInt256Limbs: Hashable, Sendable {
    var l0: UInt64
    var l1: UInt64
    var l2: UInt64
    var l3: UInt64

    @inline(__always)
    init(_ l0: UInt64, _ l1: UInt64, _ l2: UInt64, _ l3: UInt64) {
        self.l0 = l0
        self.l1 = l1
        self.l2 = l2
        self.l3 = l3
    }

    static let zero = UInt256Limbs(0, 0, 0, 0)

    /// Reads exactly 32 big-endian bytes starting at `start`; callers check the length first.
    init(bigEndian bytes: [UInt8], from start: Int = 0) {
        func limb(_ index: Int) -> UInt64 {
            var value: UInt64 = 0
            for offset in 0..<8 { value = value << 8 | UInt64(bytes[start + 24 - 8 * index + offset]) }
            return value
        }
        self.init(limb(0), limb(1), limb(2), limb(3))
    }

    /// The 32 big-endian bytes of the value.
    var bigEndianBytes: [UInt8] {
        var bytes = [UInt8](repeating: 0, count: 32)
        for (index, limb) in [l3, l2, l1, l0].enumerated() {
            for offset in 0..<8 { bytes[8 * index + offset] = UInt8(truncatingIfNeeded: limb >> (56 - 8 * offset)) }
        }
        return bytes
    }

    var isZero: Bool { (l0 | l1 | l2 | l3) == 0 }

    /// All ones when the value is zero, otherwise all zeros.
    @inline(__always)
    var zeroMask: UInt64 { UInt64.mask(isZero: l0 | l1 | l2 | l3) }

    /// Bit `index` (0 = least significant) of the value.
    @inline(__always)
    func bit(_ index: Int) -> UInt64 {
        (limb(index >> 6) >> UInt64(index & 63)) & 1
    }

    /// The `count` bits (1...63) starting at bit `index`, for window decompositions. Bits beyond 255 read as zero.
    @inline(__always)
    func bits(_ index: Int, count: Int) -> UInt64 {
        let limbIndex = index >> 6
        let shift = index & 63
        var value = limb(limbIndex) >> UInt64(shift)
        if shift + count > 64 && limbIndex < 3 { value |= limb(limbIndex + 1) << UInt64(64 - shift) }
        return value & ((1 << UInt64(count)) - 1)
    }

    @inline(__always)
    func limb(_ index: Int) -> UInt64 {
        switch index {
        case 0: l0
        case 1: l1
        case 2: l2
        case 3: l3
        default: 0
        }
    }

    /// `self + other` modulo 2^256 and the carry out (0 or 1).
    @inline(__always)
    func addingReportingCarry(_ other: UInt256Limbs) -> (sum: UInt256Limbs, carry: UInt64) {
        var carry: UInt64 = 0
        let r0 = UInt64.addWithCarry(l0, other.l0, &carry)
        let r1 = UInt64.addWithCarry(l1, other.l1, &carry)
        let r2 = UInt64.addWithCarry(l2, other.l2, &carry)
        let r3 = UInt64.addWithCarry(l3, other.l3, &carry)
        return (UInt256Limbs(r0, r1, r2, r3), carry)
    }

    /// `self - other` modulo 2^256 and the borrow out (0 or 1).
    @inline(__always)
    func subtractingReportingBorrow(_ other: UInt256Limbs) -> (difference: UInt256Limbs, borrow: UInt64) {
        var borrow: UInt64 = 0
        let r0 = UInt64.subtractWithBorrow(l0, other.l0, &borrow)
        let r1 = UInt64.subtractWithBorrow(l1, other.l1, &borrow)
        let r2 = UInt64.subtractWithBorrow(l2, other.l2, &borrow)
        let r3 = UInt64.subtractWithBorrow(l3, other.l3, &borrow)
        return (UInt256Limbs(r0, r1, r2, r3), borrow)
    }

    /// `a` where `mask` is all ones, `b` where it is all zeros.
    @inline(__always)
    static func select(_ mask: UInt64, _ a: UInt256Limbs, _ b: UInt256Limbs) -> UInt256Limbs {
        UInt256Limbs(
            b.l0 ^ (mask & (a.l0 ^ b.l0)), b.l1 ^ (mask & (a.l1 ^ b.l1)),
            b.l2 ^ (mask & (a.l2 ^ b.l2)), b.l3 ^ (mask & (a.l3 ^ b.l3)))
    }

    /// Whether `self < other`, in variable time (for public values such as signature components).
    func isLess(than other: UInt256Limbs) -> Bool {
        subtractingReportingBorrow(other).borrow == 1
    }

    /// The full 512-bit product, by product scanning (one column of partial products at a time).
    @inline(__always)
    func multipliedFullWidth(by b: UInt256Limbs) -> UInt512Limbs {
        var accumulator = ColumnAccumulator()
        accumulator.add(l0, b.l0)
        let r0 = accumulator.shift()
        accumulator.add(l0, b.l1)
        accumulator.add(l1, b.l0)
        let r1 = accumulator.shift()
        accumulator.add(l0, b.l2)
        accumulator.add(l1, b.l1)
        accumulator.add(l2, b.l0)
        let r2 = accumulator.shift()
        accumulator.add(l0, b.l3)
        accumulator.add(l1, b.l2)
        accumulator.add(l2, b.l1)
        accumulator.add(l3, b.l0)
        let r3 = accumulator.shift()
        accumulator.add(l1, b.l3)
        accumulator.add(l2, b.l2)
        accumulator.add(l3, b.l1)
        let r4 = accumulator.shift()
        accumulator.add(l2, b.l3)
        accumulator.add(l3, b.l2)
        let r5 = accumulator.shift()
        accumulator.add(l3, b.l3)
        let r6 = accumulator.shift()
        return UInt512Limbs(low: UInt256Limbs(r0, r1, r2, r3), high: UInt256Limbs(r4, r5, r6, accumulator.c0))
    }

    /// The full 512-bit square; cross products are computed once and doubled, saving six multiplications.
    @inline(__always)
    func squaredFullWidth() -> UInt512Limbs {
        var accumulator = ColumnAccumulator()
        accumulator.add(l0, l0)
        let r0 = accumulator.shift()
        accumulator.addTwice(l0, l1)
        let r1 = accumulator.shift()
        accumulator.addTwice(l0, l2)
        accumulator.add(l1, l1)
        let r2 = accumulator.shift()
        accumulator.addTwice(l0, l3)
        accumulator.addTwice(l1, l2)
        let r3 = accumulator.shift()
        accumulator.addTwice(l1, l3)
        accumulator.add(l2, l2)
        let r4 = accumulator.shift()
        accumulator.addTwice(l2, l3)
        let r5 = accumulator.shift()
        accumulator.add(l3, l3)
        let r6 = accumulator.shift()
        return UInt512Limbs(low: UInt256Limbs(r0, r1, r2, r3), high: UInt256Limbs(r4, r5, r6, accumulator.c0))
    }
}

/// A 512-bit product, split into its low and high 256-bit halves.
struct UInt512Limbs {
    var low: UInt256Limbs
    var high: UInt256Limbs
}

/// Three-limb accumulator for one column of a product-scanning multiplication.
struct ColumnAccumulator {
    var c0: UInt64 = 0
    var c1: UInt64 = 0
    var c2: UInt64 = 0

    /// Adds `a * b`.
    @inline(__always)
    mutating func add(_ a: UInt64, _ b: UInt64) {
        let (high, low) = a.multipliedFullWidth(by: b)
        var carry: UInt64 = 0
        c0 = UInt64.addWithCarry(c0, low, &carry)
        c1 = UInt64.addWithCarry(c1, high, &carry)
        c2 &+= carry
    }

    /// Adds a single limb.
    @inline(__always)
    mutating func add(_ a: UInt64) {
        var carry: UInt64 = 0
        c0 = UInt64.addWithCarry(c0, a, &carry)
        c1 = UInt64.addWithCarry(c1, 0, &carry)
        c2 &+= carry
    }

    /// Adds `2 * a * b`.
    @inline(__always)
    mutating func addTwice(_ a: UInt64, _ b: UInt64) {
        let (high, low) = a.multipliedFullWidth(by: b)
        c2 &+= high >> 63
        var carry: UInt64 = 0
        c0 = UInt64.addWithCarry(c0, low << 1, &carry)
        c1 = UInt64.addWithCarry(c1, high << 1 | low >> 63, &carry)
        c2 &+= carry
    }

    /// Returns the finished lowest limb and moves the accumulator one column up.
    @inline(__always)
    mutating func shift() -> UInt64 {
        let limb = c0
        c0 = c1
        c1 = c2
        c2 = 0
        return limb
    }
}

extension UInt64 {
    /// `a + b + carry`, updating `carry` (0 or 1) to the carry out.
    @inline(__always)
    static func addWithCarry(_ a: UInt64, _ b: UInt64, _ carry: inout UInt64) -> UInt64 {
        let sum = a &+ b &+ carry
        // The carry out is the majority of the top bits of a, b and ¬sum (Hacker's Delight §2-13). Computing it
        // with bit operations leaves the optimizer no Boolean that it could turn into a branch.
        carry = ((a & b) | ((a | b) & ~sum)) >> 63
        return sum
    }

    /// `a - b - borrow`, updating `borrow` (0 or 1) to the borrow out.
    @inline(__always)
    static func subtractWithBorrow(_ a: UInt64, _ b: UInt64, _ borrow: inout UInt64) -> UInt64 {
        let difference = a &- b &- borrow
        borrow = ((~a & b) | (~(a ^ b) & difference)) >> 63
        return difference
    }

    /// All ones when `bit` is 1, all zeros when it is 0.
    @inline(__always)
    static func mask(ofBit bit: UInt64) -> UInt64 { 0 &- bit }

    /// All ones when `value` is zero, all zeros otherwise, without branching.
    @inline(__always)
    static func mask(isZero value: UInt64) -> UInt64 {
        // (value | -value) has its top bit set exactly when value != 0.
        mask(ofBit: ((value | (0 &- value)) >> 63) ^ 1)
    }

    /// `value`, through a function the optimizer may neither inline nor analyse. A mask passed through it stays an
    /// unknown 64-bit value, so selections with it remain bit operations: LLVM turned the table scan of
    /// ``GeneratorMultiplication`` (sixteen masks of which exactly one is all ones) back into a comparison and a
    /// branch to the one wanted entry, which scripts/check-constant-time-signing.sh caught.
    @_optimize(none) @inline(never)
    static func hiddenFromOptimizer(_ value: UInt64) -> UInt64 { value }
}
