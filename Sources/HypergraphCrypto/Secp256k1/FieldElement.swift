/// An element of the secp256k1 base field, the integers modulo p = 2^256 − 2^32 − 977.
///
/// Values are always fully reduced (0 ≤ value < p), so equality, parity and serialisation need no extra step.
/// Reduction exploits the special form of p: 2^256 ≡ 2^32 + 977 (mod p), so the high half of a product is folded
/// into the low half by one small multiplication instead of a division. All arithmetic is branch-free.
struct FieldElement: Hashable, Sendable {
    var limbs: UInt256Limbs

    /// 2^256 − p, the constant that folds a carry out of bit 256 back into the value.
    static let foldConstant: UInt64 = 0x1_0000_03D1

    static let modulus = UInt256Limbs(
        0xFFFF_FFFE_FFFF_FC2F, 0xFFFF_FFFF_FFFF_FFFF, 0xFFFF_FFFF_FFFF_FFFF, 0xFFFF_FFFF_FFFF_FFFF)

    static let zero = FieldElement(reduced: .zero)
    static let one = FieldElement(reduced: UInt256Limbs(1, 0, 0, 0))

    /// Wraps limbs already known to be below p.
    @inline(__always)
    init(reduced limbs: UInt256Limbs) {
        self.limbs = limbs
    }

    /// The element `value mod p` for a small integer.
    init(_ value: UInt64) {
        self.init(reduced: UInt256Limbs(value, 0, 0, 0))
    }

    /// Parses 32 big-endian bytes starting at `start`; `nil` when the value is not below p.
    init?(bigEndian bytes: [UInt8], from start: Int = 0) {
        let limbs = UInt256Limbs(bigEndian: bytes, from: start)
        guard limbs.isLess(than: Self.modulus) else { return nil }
        self.init(reduced: limbs)
    }

    var bigEndianBytes: [UInt8] { limbs.bigEndianBytes }

    var isZero: Bool { limbs.isZero }

    var isOdd: Bool { limbs.l0 & 1 == 1 }

    /// Reduces a value below 2^256 (and congruent to the intended element) into 0..<p.
    @inline(__always)
    static func reducingOnce(_ value: UInt256Limbs) -> FieldElement {
        // value ≥ p exactly when value + (2^256 − p) carries out of 256 bits; in that case the wrapped sum is value − p.
        let (wrapped, carry) = value.addingReportingCarry(UInt256Limbs(foldConstant, 0, 0, 0))
        return FieldElement(reduced: .select(.mask(ofBit: carry), wrapped, value))
    }

    /// Reduces a 512-bit product modulo p.
    @inline(__always)
    static func reducing(_ product: UInt512Limbs) -> FieldElement {
        let high = product.high
        // high * foldConstant fits in five limbs; each partial product is below 2^97.
        let (h0, m0) = high.l0.multipliedFullWidth(by: foldConstant)
        let (h1, m1) = high.l1.multipliedFullWidth(by: foldConstant)
        let (h2, m2) = high.l2.multipliedFullWidth(by: foldConstant)
        let (h3, m3) = high.l3.multipliedFullWidth(by: foldConstant)
        var carry: UInt64 = 0
        let f1 = UInt64.addWithCarry(m1, h0, &carry)
        let f2 = UInt64.addWithCarry(m2, h1, &carry)
        let f3 = UInt64.addWithCarry(m3, h2, &carry)
        let f4 = h3 &+ carry
        let (sum, carry2) = product.low.addingReportingCarry(UInt256Limbs(m0, f1, f2, f3))
        // What remains above 2^256 is below 2^34; fold it once more (product below 2^67).
        let (top, low) = (f4 &+ carry2).multipliedFullWidth(by: foldConstant)
        let (folded, carry3) = sum.addingReportingCarry(UInt256Limbs(low, top, 0, 0))
        // A last carry leaves a wrapped value below 2^67, so adding the constant cannot carry again.
        let (final, _) = folded.addingReportingCarry(UInt256Limbs(carry3 &* foldConstant, 0, 0, 0))
        return reducingOnce(final)
    }

    @inline(__always)
    static func + (a: FieldElement, b: FieldElement) -> FieldElement {
        // a + b < 2p; a carry out of 2^256 means the true sum is 2^256 + wrapped ≡ wrapped + foldConstant.
        let (sum, carry) = a.limbs.addingReportingCarry(b.limbs)
        let (adjusted, _) = sum.addingReportingCarry(UInt256Limbs(carry &* foldConstant, 0, 0, 0))
        return reducingOnce(adjusted)
    }

    @inline(__always)
    static func - (a: FieldElement, b: FieldElement) -> FieldElement {
        // On borrow the wrapped difference is a − b + 2^256; subtracting 2^256 − p gives a − b + p, which fits.
        let (difference, borrow) = a.limbs.subtractingReportingBorrow(b.limbs)
        let (adjusted, _) = difference.subtractingReportingBorrow(UInt256Limbs(borrow &* foldConstant, 0, 0, 0))
        return FieldElement(reduced: adjusted)
    }

    @inline(__always)
    static prefix func - (a: FieldElement) -> FieldElement {
        zero - a
    }

    @inline(__always)
    static func * (a: FieldElement, b: FieldElement) -> FieldElement {
        reducing(a.limbs.multipliedFullWidth(by: b.limbs))
    }

    @inline(__always)
    static func += (a: inout FieldElement, b: FieldElement) { a = a + b }

    @inline(__always)
    static func -= (a: inout FieldElement, b: FieldElement) { a = a - b }

    @inline(__always)
    static func *= (a: inout FieldElement, b: FieldElement) { a = a * b }

    @inline(__always)
    func squared() -> FieldElement {
        Self.reducing(limbs.squaredFullWidth())
    }

    /// `self` squared `count` times, i.e. raised to 2^count.
    @inline(__always)
    func squared(times count: Int) -> FieldElement {
        var result = self
        for _ in 0..<count { result = result.squared() }
        return result
    }

    /// `self * small` for a small constant such as 2, 3 or 21 (below 2^31).
    @inline(__always)
    func multiplied(bySmall small: UInt64) -> FieldElement {
        let (h0, m0) = limbs.l0.multipliedFullWidth(by: small)
        let (h1, m1) = limbs.l1.multipliedFullWidth(by: small)
        let (h2, m2) = limbs.l2.multipliedFullWidth(by: small)
        let (h3, m3) = limbs.l3.multipliedFullWidth(by: small)
        var carry: UInt64 = 0
        let r1 = UInt64.addWithCarry(m1, h0, &carry)
        let r2 = UInt64.addWithCarry(m2, h1, &carry)
        let r3 = UInt64.addWithCarry(m3, h2, &carry)
        // The part above 2^256 is below `small`, so folding it in adds less than 2^64.
        let top = (h3 &+ carry) &* Self.foldConstant
        let (sum, carry2) = UInt256Limbs(m0, r1, r2, r3).addingReportingCarry(UInt256Limbs(top, 0, 0, 0))
        // After a carry the wrapped sum is below 2^64, so adding the constant cannot carry again.
        let (adjusted, _) = sum.addingReportingCarry(UInt256Limbs(carry2 &* Self.foldConstant, 0, 0, 0))
        return Self.reducingOnce(adjusted)
    }

    /// `a` where `mask` is all ones, `b` where it is all zeros.
    @inline(__always)
    static func select(_ mask: UInt64, _ a: FieldElement, _ b: FieldElement) -> FieldElement {
        FieldElement(reduced: .select(mask, a.limbs, b.limbs))
    }

    /// The powers x^(2^k − 1) for the block lengths shared by the inversion and square-root addition chains
    /// (taken from libsecp256k1: 255 squarings and about 15 multiplications instead of a generic ladder).
    private func commonChain() -> (x2: FieldElement, x3: FieldElement, x22: FieldElement, x223: FieldElement) {
        let x2 = squared() * self
        let x3 = x2.squared() * self
        let x6 = x3.squared(times: 3) * x3
        let x9 = x6.squared(times: 3) * x3
        let x11 = x9.squared(times: 2) * x2
        let x22 = x11.squared(times: 11) * x11
        let x44 = x22.squared(times: 22) * x22
        let x88 = x44.squared(times: 44) * x44
        let x176 = x88.squared(times: 88) * x88
        let x220 = x176.squared(times: 44) * x44
        let x223 = x220.squared(times: 3) * x3
        return (x2, x3, x22, x223)
    }

    /// The multiplicative inverse, x^(p−2); zero maps to zero. Fixed exponent, so constant-time.
    func inverted() -> FieldElement {
        let chain = commonChain()
        var t = chain.x223.squared(times: 23) * chain.x22
        t = t.squared(times: 5) * self
        t = t.squared(times: 3) * chain.x2
        return t.squared(times: 2) * self
    }

    /// A square root, x^((p+1)/4), when one exists (p ≡ 3 mod 4). Variable-time: only used on public values.
    func squareRoot() -> FieldElement? {
        let chain = commonChain()
        var t = chain.x223.squared(times: 23) * chain.x22
        t = t.squared(times: 6) * chain.x2
        let root = t.squared(times: 2)
        return root.squared() == self ? root : nil
    }
}
