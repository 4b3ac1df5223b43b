/// An element of the secp256k1 base field, the integers modulo p = 2^256 − 2^32 − 977.
///
/// Five limbs of 52 bits (value = Σ nᵢ·2^(52·i)), as in libsecp256k1. Multiplication is the straight-line
/// ``FieldLimbs/product(_:_:)``; everything else moves carries between limbs by shifts and masks. Nothing in this
/// file computes a Boolean from data, so the optimizer has nothing to turn into a branch and all arithmetic is
/// constant-time.
///
/// Results are *weakly normalised*: each limb below 2^52 (the top one below 2^48), so the value is below 2^256
/// but may still be p or a little above. Comparison, hashing, parity and serialisation reduce fully first.
struct FieldElement: Sendable {
    private var n0: UInt64
    private var n1: UInt64
    private var n2: UInt64
    private var n3: UInt64
    private var n4: UInt64

    private static let mask52: UInt64 = (1 << 52) - 1
    private static let mask48: UInt64 = (1 << 48) - 1
    /// 2^256 mod p = 2^32 + 977.
    private static let fold256: UInt64 = 0x1_0000_03D1

    static let modulus = UInt256Limbs(
        0xFFFF_FFFE_FFFF_FC2F, 0xFFFF_FFFF_FFFF_FFFF, 0xFFFF_FFFF_FFFF_FFFF, 0xFFFF_FFFF_FFFF_FFFF)

    static let zero = FieldElement(UInt256Limbs.zero)
    static let one = FieldElement(1)

    @inline(__always)
    private init(_ n0: UInt64, _ n1: UInt64, _ n2: UInt64, _ n3: UInt64, _ n4: UInt64) {
        self.n0 = n0
        self.n1 = n1
        self.n2 = n2
        self.n3 = n3
        self.n4 = n4
    }

    /// The element `value mod p` for any 256-bit value.
    init(_ value: UInt256Limbs) {
        self.init(
            value.l0 & Self.mask52,
            (value.l0 >> 52 | value.l1 << 12) & Self.mask52,
            (value.l1 >> 40 | value.l2 << 24) & Self.mask52,
            (value.l2 >> 28 | value.l3 << 36) & Self.mask52,
            value.l3 >> 16)
    }

    /// The element `value mod p` for a small integer.
    init(_ value: UInt64) {
        self.init(UInt256Limbs(value, 0, 0, 0))
    }

    /// Parses 32 big-endian bytes starting at `start`; `nil` when the value is not below p.
    init?(bigEndian bytes: [UInt8], from start: Int = 0) {
        let value = UInt256Limbs(bigEndian: bytes, from: start)
        guard value.isLess(than: Self.modulus) else { return nil }
        self.init(value)
    }

    /// The fully reduced value (0 ≤ value < p) as four 64-bit limbs.
    var limbs: UInt256Limbs {
        let r = normalized
        return UInt256Limbs(
            r.n0 | r.n1 << 52, r.n1 >> 12 | r.n2 << 40, r.n2 >> 24 | r.n3 << 28, r.n3 >> 36 | r.n4 << 16)
    }

    var bigEndianBytes: [UInt8] { limbs.bigEndianBytes }

    var isZero: Bool { limbs.isZero }

    var isOdd: Bool { normalized.n0 & 1 == 1 }

    /// The same element with 0 ≤ value < p.
    @inline(__always)
    private var normalized: FieldElement {
        // value ≥ p exactly when value + (2^256 − p) reaches 2^256; then that sum, without bit 256, is value − p.
        var t0 = n0 &+ Self.fold256
        var t1 = n1 &+ t0 >> 52
        t0 &= Self.mask52
        var t2 = n2 &+ t1 >> 52
        t1 &= Self.mask52
        var t3 = n3 &+ t2 >> 52
        t2 &= Self.mask52
        var t4 = n4 &+ t3 >> 52
        t3 &= Self.mask52
        let reachedMask = UInt64.mask(ofBit: t4 >> 48)
        t4 &= Self.mask48
        return .select(reachedMask, FieldElement(t0, t1, t2, t3, t4), self)
    }

    /// Weakly normalises limbs that are each below 2^62 (the value may exceed 2^256): moves carries up, folds
    /// everything from bit 256 up back in as a multiple of 2^256 mod p, and repeats once for the rare carry
    /// that the fold itself causes (after which the value is tiny and a last fold cannot carry further).
    @inline(__always)
    private static func normalizingWeakly(
        _ t0: UInt64, _ t1: UInt64, _ t2: UInt64, _ t3: UInt64, _ t4: UInt64
    ) -> FieldElement {
        var (t0, t1, t2, t3, t4) = (t0, t1, t2, t3, t4)
        for _ in 0..<2 {
            t1 &+= t0 >> 52
            t0 &= mask52
            t2 &+= t1 >> 52
            t1 &= mask52
            t3 &+= t2 >> 52
            t2 &= mask52
            t4 &+= t3 >> 52
            t3 &= mask52
            t0 &+= (t4 >> 48) &* fold256
            t4 &= mask48
        }
        t1 &+= t0 >> 52
        t0 &= mask52
        return FieldElement(t0, t1, t2, t3, t4)
    }

    @inline(__always)
    static func + (a: FieldElement, b: FieldElement) -> FieldElement {
        normalizingWeakly(a.n0 &+ b.n0, a.n1 &+ b.n1, a.n2 &+ b.n2, a.n3 &+ b.n3, a.n4 &+ b.n4)
    }

    /// a − b computed as a + 2p − b, where every limb of 2p exceeds the matching limb of b, so no limb goes
    /// negative.
    @inline(__always)
    static func - (a: FieldElement, b: FieldElement) -> FieldElement {
        normalizingWeakly(
            a.n0 &+ (0x1F_FFFD_FFFF_F85E &- b.n0), a.n1 &+ (0x1F_FFFF_FFFF_FFFE &- b.n1),
            a.n2 &+ (0x1F_FFFF_FFFF_FFFE &- b.n2), a.n3 &+ (0x1F_FFFF_FFFF_FFFE &- b.n3),
            a.n4 &+ (0x1_FFFF_FFFF_FFFE &- b.n4))
    }

    @inline(__always)
    static prefix func - (a: FieldElement) -> FieldElement {
        zero - a
    }

    /// `self * small` for a small constant such as 2, 3 or 21 (below 2^10, so limbs stay below 2^62).
    @inline(__always)
    func multiplied(bySmall small: UInt64) -> FieldElement {
        Self.normalizingWeakly(n0 &* small, n1 &* small, n2 &* small, n3 &* small, n4 &* small)
    }

    @inline(__always)
    static func * (a: FieldElement, b: FieldElement) -> FieldElement {
        let r = FieldLimbs.product((a.n0, a.n1, a.n2, a.n3, a.n4), (b.n0, b.n1, b.n2, b.n3, b.n4))
        return normalizingWeakly(r.0, r.1, r.2, r.3, r.4)
    }

    @inline(__always)
    func squared() -> FieldElement {
        let r = FieldLimbs.square((n0, n1, n2, n3, n4))
        return Self.normalizingWeakly(r.0, r.1, r.2, r.3, r.4)
    }

    @inline(__always)
    static func += (a: inout FieldElement, b: FieldElement) { a = a + b }

    @inline(__always)
    static func -= (a: inout FieldElement, b: FieldElement) { a = a - b }

    @inline(__always)
    static func *= (a: inout FieldElement, b: FieldElement) { a = a * b }

    /// `a` where `mask` is all ones, `b` where it is all zeros.
    @inline(__always)
    static func select(_ mask: UInt64, _ a: FieldElement, _ b: FieldElement) -> FieldElement {
        FieldElement(
            b.n0 ^ (mask & (a.n0 ^ b.n0)), b.n1 ^ (mask & (a.n1 ^ b.n1)), b.n2 ^ (mask & (a.n2 ^ b.n2)),
            b.n3 ^ (mask & (a.n3 ^ b.n3)), b.n4 ^ (mask & (a.n4 ^ b.n4)))
    }

    /// The multiplicative inverse (zero maps to zero) by constant-time safegcd (``SafegcdInverse/inverse(of:)``).
    func inverted() -> FieldElement {
        FieldElement(SafegcdInverse.fieldPrime.inverse(of: limbs))
    }
}

extension FieldElement: Hashable {
    /// Equal elements may differ in representation (v and v + p), so both sides are reduced first. Variable-time.
    static func == (a: FieldElement, b: FieldElement) -> Bool {
        a.limbs == b.limbs
    }

    func hash(into hasher: inout Hasher) {
        hasher.combine(limbs)
    }
}
