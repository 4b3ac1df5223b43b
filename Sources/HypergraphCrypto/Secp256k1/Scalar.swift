/// An integer modulo the secp256k1 group order n: private keys, nonces and signature components.
///
/// Values are always fully reduced (0 ≤ value < n). Reduction folds the high half of a product back in using
/// 2^256 ≡ 2^256 − n (mod n), a 129-bit constant. All arithmetic is branch-free, so signing may use it on secrets.
struct Scalar: Hashable, Sendable {
    var limbs: UInt256Limbs

    static let order = UInt256Limbs(
        0xBFD2_5E8C_D036_4141, 0xBAAE_DCE6_AF48_A03B, 0xFFFF_FFFF_FFFF_FFFE, 0xFFFF_FFFF_FFFF_FFFF)

    /// ⌊n / 2⌋: a scalar above it is "high" and is negated for low-S normalisation.
    static let halfOrder = UInt256Limbs(
        0xDFE9_2F46_681B_20A0, 0x5D57_6E73_57A4_501D, 0xFFFF_FFFF_FFFF_FFFF, 0x7FFF_FFFF_FFFF_FFFF)

    /// 2^256 − n = 0x1_4551231950B75FC4_402DA1732FC9BEBF, split into its two low limbs (the third limb is 1).
    private static let complementLow: UInt64 = 0x402D_A173_2FC9_BEBF
    private static let complementMiddle: UInt64 = 0x4551_2319_50B7_5FC4

    static let zero = Scalar(reduced: .zero)
    static let one = Scalar(reduced: UInt256Limbs(1, 0, 0, 0))

    /// Wraps limbs already known to be below n.
    @inline(__always)
    init(reduced limbs: UInt256Limbs) {
        self.limbs = limbs
    }

    /// Reads 32 big-endian bytes from `start`, reducing modulo n; `overflowed` tells whether the value was ≥ n.
    /// Branch-free, because private keys and nonces pass through here.
    static func reducing(bigEndian bytes: [UInt8], from start: Int = 0) -> (scalar: Scalar, overflowed: Bool) {
        let (scalar, overflowMask) = subtractingOrderIfNeeded(UInt256Limbs(bigEndian: bytes, from: start), carry: 0)
        return (scalar, overflowMask != 0)
    }

    var bigEndianBytes: [UInt8] { limbs.bigEndianBytes }

    var isZero: Bool { limbs.isZero }

    /// Whether the value exceeds ⌊n / 2⌋. Branch-free.
    var isHigh: Bool { isHighMask != 0 }

    /// All ones when the value exceeds ⌊n / 2⌋.
    var isHighMask: UInt64 {
        UInt64.mask(ofBit: Self.halfOrder.subtractingReportingBorrow(limbs).borrow)
    }

    /// Reduces a 512-bit value modulo n in three folds, as libsecp256k1 does: with c = 2^256 − n (129 bits),
    /// low + high·2^256 ≡ low + high·c, which shrinks the value below 2^386, then 2^259, then 2^256 + 2^131.
    /// The last bit above 2^256 is handled like the carry of an addition.
    @inline(__always)
    static func reducing(_ product: UInt512Limbs) -> Scalar {
        let (l0, l1, l2, l3) = (product.low.l0, product.low.l1, product.low.l2, product.low.l3)
        let (h0, h1, h2, h3) = (product.high.l0, product.high.l1, product.high.l2, product.high.l3)
        let (c0, c1) = (complementLow, complementMiddle) // c = c0 + c1·2^64 + 2^128
        var accumulator = ColumnAccumulator()

        // m = l + h·c, at most 385 bits (m6 ≤ 1).
        accumulator.add(l0)
        accumulator.add(h0, c0)
        let m0 = accumulator.shift()
        accumulator.add(l1)
        accumulator.add(h1, c0)
        accumulator.add(h0, c1)
        let m1 = accumulator.shift()
        accumulator.add(l2)
        accumulator.add(h2, c0)
        accumulator.add(h1, c1)
        accumulator.add(h0)
        let m2 = accumulator.shift()
        accumulator.add(l3)
        accumulator.add(h3, c0)
        accumulator.add(h2, c1)
        accumulator.add(h1)
        let m3 = accumulator.shift()
        accumulator.add(h3, c1)
        accumulator.add(h2)
        let m4 = accumulator.shift()
        accumulator.add(h3)
        let m5 = accumulator.shift()
        let m6 = accumulator.c0

        // p = m[0...3] + m[4...6]·c, at most 259 bits.
        accumulator = ColumnAccumulator()
        accumulator.add(m0)
        accumulator.add(m4, c0)
        let p0 = accumulator.shift()
        accumulator.add(m1)
        accumulator.add(m5, c0)
        accumulator.add(m4, c1)
        let p1 = accumulator.shift()
        accumulator.add(m2)
        accumulator.add(m6, c0)
        accumulator.add(m5, c1)
        accumulator.add(m4)
        let p2 = accumulator.shift()
        accumulator.add(m3)
        accumulator.add(m6, c1)
        accumulator.add(m5)
        let p3 = accumulator.shift()
        accumulator.add(m6)
        let p4 = accumulator.c0

        // r = p[0...3] + p4·c, below 2^256 + 2^131.
        accumulator = ColumnAccumulator()
        accumulator.add(p0)
        accumulator.add(p4, c0)
        let r0 = accumulator.shift()
        accumulator.add(p1)
        accumulator.add(p4, c1)
        let r1 = accumulator.shift()
        accumulator.add(p2)
        accumulator.add(p4)
        let r2 = accumulator.shift()
        accumulator.add(p3)
        let r3 = accumulator.shift()
        return subtractingOrderIfNeeded(UInt256Limbs(r0, r1, r2, r3), carry: accumulator.c0).0
    }

    /// The reduced value of `2^256 · carry + value`, given that it is below 2n, and a mask that is all ones when
    /// n had to be subtracted.
    @inline(__always)
    private static func subtractingOrderIfNeeded(_ value: UInt256Limbs, carry: UInt64) -> (Scalar, UInt64) {
        // With a carry the true value exceeds n, and the wrapped difference value − n is exactly the true value − n.
        let (difference, borrow) = value.subtractingReportingBorrow(order)
        let overflowMask = UInt64.mask(ofBit: carry | (borrow ^ 1))
        return (Scalar(reduced: .select(overflowMask, difference, value)), overflowMask)
    }

    static func + (a: Scalar, b: Scalar) -> Scalar {
        let (sum, carry) = a.limbs.addingReportingCarry(b.limbs)
        return subtractingOrderIfNeeded(sum, carry: carry).0
    }

    static prefix func - (a: Scalar) -> Scalar {
        let (negated, _) = order.subtractingReportingBorrow(a.limbs)
        return Scalar(reduced: .select(a.limbs.zeroMask, .zero, negated))
    }

    static func * (a: Scalar, b: Scalar) -> Scalar {
        reducing(a.limbs.multipliedFullWidth(by: b.limbs))
    }

    func squared() -> Scalar {
        Self.reducing(limbs.squaredFullWidth())
    }

    /// `self` when `mask` is all zeros, `−self` when it is all ones.
    func negated(if mask: UInt64) -> Scalar {
        Scalar(reduced: .select(mask, (-self).limbs, limbs))
    }

    /// The multiplicative inverse (zero maps to zero) by constant-time safegcd (``SafegcdInverse/inverse(of:)``).
    func inverted() -> Scalar {
        Scalar(reduced: SafegcdInverse.groupOrder.inverse(of: limbs))
    }
}

extension Scalar {
    /// The multiplicative inverse (zero maps to zero) by variable-time safegcd, about twice as fast as
    /// ``inverted()`` but with data-dependent branches: for public values only (verification and recovery).
    func invertedVariableTime() -> Scalar {
        Scalar(reduced: SafegcdInverse.groupOrder.inverseVariableTime(of: limbs))
    }
}
