/// An element of the secp256k1 base field for verification, recovery and public-key parsing: public data only.
///
/// The limbs are those of ``FieldElement`` (five of 52 bits), but the arithmetic follows libsecp256k1's lazy
/// scheme: additions cost a few instructions instead of a carry pass, multiplications about a third less, and
/// nothing promises constant time, so the signing path never uses this type.
///
/// * Additions, negations and small multiples only add limbs; nothing is carried or reduced. Each value has a
///   *magnitude* m bounding its limbs: limbs 0–3 are at most 2m·(2^52 − 1) and limb 4 at most 2m·(2^48 − 1).
///   Sums add magnitudes, ``negated(magnitude:)`` turns m into m + 1, and multiplication accepts m ≤ 8 and
///   returns m = 1. The callers' formulas keep to these bounds; debug builds store the magnitude and assert every
///   bound, so running the tests once through each formula proves it (the magnitudes never depend on the data).
/// * Multiplication is ``FieldLimbs/product(_:_:)``, shared with ``FieldElement``.
/// * Inversion is variable-time safegcd (``SafegcdInverse/inverseVariableTime(of:)``); the square root is x^((p+1)/4) by an addition chain.
struct VariableTimeFieldElement: Sendable {
    private var n0: UInt64
    private var n1: UInt64
    private var n2: UInt64
    private var n3: UInt64
    private var n4: UInt64
    #if DEBUG
        /// The magnitude described above. Debug builds store it and check every bound.
        private(set) var magnitude: Int
    #else
        /// The magnitude described above. Release builds do not track it; the expressions that compute it fold away.
        var magnitude: Int { 1 }
    #endif

    private static let mask52: UInt64 = (1 << 52) - 1
    private static let mask48: UInt64 = (1 << 48) - 1
    /// 2^256 mod p = 2^32 + 977.
    private static let fold256: UInt64 = 0x1_0000_03D1

    static let zero = Self(UInt256Limbs.zero)
    static let one = Self(UInt256Limbs(1, 0, 0, 0))

    @inline(__always)
    private init(_ n0: UInt64, _ n1: UInt64, _ n2: UInt64, _ n3: UInt64, _ n4: UInt64, magnitude: Int) {
        self.n0 = n0
        self.n1 = n1
        self.n2 = n2
        self.n3 = n3
        self.n4 = n4
        #if DEBUG
            self.magnitude = magnitude
            let bound = UInt64(2 * magnitude) * Self.mask52
            assert(
                magnitude >= 1 && n0 <= bound && n1 <= bound && n2 <= bound && n3 <= bound
                    && n4 <= UInt64(2 * magnitude) * Self.mask48,
                "field limbs exceed magnitude \(magnitude)")
        #endif
    }

    /// The element `value mod p` for any 256-bit value (magnitude 1).
    init(_ value: UInt256Limbs) {
        self.init(
            value.l0 & Self.mask52,
            (value.l0 >> 52 | value.l1 << 12) & Self.mask52,
            (value.l1 >> 40 | value.l2 << 24) & Self.mask52,
            (value.l2 >> 28 | value.l3 << 36) & Self.mask52,
            value.l3 >> 16,
            magnitude: 1)
    }

    init(_ element: FieldElement) {
        self.init(element.limbs)
    }

    /// The fully reduced value (0 ≤ value < p).
    var limbs: UInt256Limbs {
        let r = normalized
        return UInt256Limbs(
            r.n0 | r.n1 << 52, r.n1 >> 12 | r.n2 << 40, r.n2 >> 24 | r.n3 << 28, r.n3 >> 36 | r.n4 << 16)
    }

    var fieldElement: FieldElement { FieldElement(limbs) }

    var isZero: Bool { limbs.isZero }

    var isOdd: Bool { normalized.n0 & 1 == 1 }

    /// The same value with magnitude 1: one carry pass, after folding the bits above 2^256 back in.
    @inline(__always)
    var normalizedWeakly: Self {
        var t0 = n0 &+ (n4 >> 48) &* Self.fold256
        var t1 = n1 &+ t0 >> 52
        t0 &= Self.mask52
        var t2 = n2 &+ t1 >> 52
        t1 &= Self.mask52
        var t3 = n3 &+ t2 >> 52
        t2 &= Self.mask52
        let t4 = (n4 & Self.mask48) &+ t3 >> 52
        t3 &= Self.mask52
        return Self(t0, t1, t2, t3, t4, magnitude: 1)
    }

    /// The same value with 0 ≤ value < p.
    private var normalized: Self {
        var r = normalizedWeakly
        // Now the value is below 2p; it is ≥ p exactly when value + (2^256 − p) reaches 2^256.
        var t0 = r.n0 &+ Self.fold256
        var t1 = r.n1 &+ t0 >> 52
        t0 &= Self.mask52
        var t2 = r.n2 &+ t1 >> 52
        t1 &= Self.mask52
        var t3 = r.n3 &+ t2 >> 52
        t2 &= Self.mask52
        let t4 = r.n4 &+ t3 >> 52
        t3 &= Self.mask52
        if t4 >> 48 != 0 { r = Self(t0, t1, t2, t3, t4 & Self.mask48, magnitude: 1) }
        return r
    }

    @inline(__always)
    static func + (a: Self, b: Self) -> Self {
        Self(a.n0 &+ b.n0, a.n1 &+ b.n1, a.n2 &+ b.n2, a.n3 &+ b.n3, a.n4 &+ b.n4, magnitude: a.magnitude + b.magnitude)
    }

    @inline(__always)
    static func += (a: inout Self, b: Self) { a = a + b }

    /// −self, given that self's magnitude is at most `bound`: 2(bound + 1)·p − self limb by limb, which stays
    /// non-negative in every limb. The result has magnitude `bound` + 1.
    @inline(__always)
    func negated(magnitude bound: Int) -> Self {
        assert(magnitude <= bound, "negating magnitude \(magnitude) as if it were at most \(bound)")
        let factor = UInt64(2 * (bound + 1))
        return Self(
            0xF_FFFE_FFFF_FC2F &* factor &- n0, Self.mask52 &* factor &- n1, Self.mask52 &* factor &- n2,
            Self.mask52 &* factor &- n3, Self.mask48 &* factor &- n4, magnitude: bound + 1)
    }

    /// self · small, multiplying the magnitude by `small`.
    @inline(__always)
    func multiplied(bySmall small: Int) -> Self {
        let factor = UInt64(small)
        return Self(
            n0 &* factor, n1 &* factor, n2 &* factor, n3 &* factor, n4 &* factor, magnitude: magnitude * small)
    }

    /// self / 2: adds p when the value is odd, then shifts every limb right, moving each limb's low bit into the
    /// top of the one below. Magnitude m becomes m/2 + 1.
    @inline(__always)
    func halved() -> Self {
        let mask = (0 &- (n0 & 1)) >> 12 // p's limbs 1–3 when odd, else 0
        let t0 = n0 &+ (0xF_FFFE_FFFF_FC2F & mask)
        let t1 = n1 &+ mask
        let t2 = n2 &+ mask
        let t3 = n3 &+ mask
        let t4 = n4 &+ (mask >> 4)
        return Self(
            t0 >> 1 &+ (t1 & 1) << 51, t1 >> 1 &+ (t2 & 1) << 51, t2 >> 1 &+ (t3 & 1) << 51,
            t3 >> 1 &+ (t4 & 1) << 51, t4 >> 1, magnitude: magnitude / 2 + 1)
    }

    @inline(__always)
    static func * (a: Self, b: Self) -> Self {
        assert(a.magnitude <= 8 && b.magnitude <= 8, "multiplying magnitudes \(a.magnitude) and \(b.magnitude)")
        let r = FieldLimbs.product((a.n0, a.n1, a.n2, a.n3, a.n4), (b.n0, b.n1, b.n2, b.n3, b.n4))
        return Self(r.0, r.1, r.2, r.3, r.4, magnitude: 1)
    }

    @inline(__always)
    static func *= (a: inout Self, b: Self) { a = a * b }

    @inline(__always)
    func squared() -> Self {
        assert(magnitude <= 8, "squaring magnitude \(magnitude)")
        let r = FieldLimbs.square((n0, n1, n2, n3, n4))
        return Self(r.0, r.1, r.2, r.3, r.4, magnitude: 1)
    }

    /// The multiplicative inverse (zero maps to zero), by variable-time safegcd.
    func inverted() -> Self {
        Self(SafegcdInverse.fieldPrime.inverseVariableTime(of: limbs))
    }

    /// A square root, x^((p+1)/4) since p ≡ 3 (mod 4), or `nil` when x is not a square. The exponent is computed
    /// with libsecp256k1's addition chain: blocks of ones x^(2^k − 1), 253 squarings and 13 multiplications.
    func squareRoot() -> Self? {
        let (x2, x22, x223) = blocksOfOnes()
        let root = ((x223.squared(times: 23) * x22).squared(times: 6) * x2).squared(times: 2)
        return root.squared() == self ? root : nil
    }
}

extension VariableTimeFieldElement: Equatable {
    /// Equality of the values modulo p, whatever the representations.
    static func == (a: Self, b: Self) -> Bool {
        a.limbs == b.limbs
    }
}
