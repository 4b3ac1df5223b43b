/// Modular inversion by Bernstein and Yang's "safegcd", in libsecp256k1's two flavours (`modinv64` and
/// `modinv64_var`, Wuille and Dettman): numbers are five signed 62-bit limbs, and each round applies a batch of
/// division steps at once as a 2×2 matrix computed from the bottom limbs only.
///
/// * ``inverse(of:)`` is constant-time, for secrets (the signing nonce, k·G's Z): always ten rounds of 59 steps,
///   each step computed with masks, which suffices for any 256-bit input.
/// * ``inverseVariableTime(of:)`` is for public values (verification and recovery): rounds of 62 steps that skip
///   runs of zeros and cancel up to six bits of g per step, stopping as soon as g is 0; about ten rounds.
///
/// Both are several times faster than Fermat's x^(m−2). With f = m and g = x at the start, d = 0 and e = 1 keep
/// d·x ≡ f and e·x ≡ g (mod m) throughout: each round applies its matrix to [f, g] and to [d, e] alike and divides
/// both by 2^62, exactly for f and g, and modulo m for d and e (after adding the multiple of m that clears their
/// low 62 bits). When g reaches 0, f is the gcd, ±1, so ±d is the inverse. The updates of [d, e] and [f, g] use
/// every limb whatever the values, so both flavours share them.
struct SafegcdInverse: Sendable {
    /// The modulus, odd.
    private let modulus: SignedLimbs62
    /// modulus⁻¹ mod 2^62.
    private let modulusInverse62: UInt64

    /// p = 2^256 − 2^32 − 977.
    static let fieldPrime = SafegcdInverse(
        modulus: SignedLimbs62(-0x1_0000_03D1, 0, 0, 0, 256), modulusInverse62: 0x27C7_F6E2_2DDA_CACF)
    /// The group order n.
    static let groupOrder = SafegcdInverse(
        modulus: SignedLimbs62(0x3FD2_5E8C_D036_4141, 0x2ABB_739A_BD22_80EE, -0x15, 0, 256),
        modulusInverse62: 0x34F2_0099_AA77_4EC1)

    private static let mask62: UInt64 = (1 << 62) - 1

    /// value⁻¹ mod m for a value below m, in constant time (libsecp256k1's `modinv64`); 0 maps to 0.
    func inverse(of value: UInt256Limbs) -> UInt256Limbs {
        var d = SignedLimbs62(0, 0, 0, 0, 0)
        var e = SignedLimbs62(1, 0, 0, 0, 0)
        var f = modulus
        var g = SignedLimbs62(value)
        var zeta: Int64 = -1 // −(δ + 1/2), with δ starting at 1/2
        // 590 division steps bring any 256-bit input to g = 0.
        for _ in 0..<10 {
            let matrix: TransitionMatrix
            (matrix, zeta) = Self.constantTimeDivisionSteps(
                zeta: zeta, f: UInt64(bitPattern: f.v0),
                g: UInt64(bitPattern: g.v0))
            updateCoefficients(&d, &e, with: matrix)
            Self.updateValues(&f, &g, with: matrix)
        }
        return normalized(d, negateMask: f.v4 >> 63).unsigned
    }

    /// value⁻¹ mod m for a value below m, in variable time; 0 maps to 0.
    func inverseVariableTime(of value: UInt256Limbs) -> UInt256Limbs {
        var d = SignedLimbs62(0, 0, 0, 0, 0)
        var e = SignedLimbs62(1, 0, 0, 0, 0)
        var f = modulus
        var g = SignedLimbs62(value)
        var eta: Int64 = -1 // −δ, with δ starting at 1
        while true {
            let matrix: TransitionMatrix
            (matrix, eta) = Self.divisionSteps(eta: eta, f: UInt64(bitPattern: f.v0), g: UInt64(bitPattern: g.v0))
            updateCoefficients(&d, &e, with: matrix)
            Self.updateValues(&f, &g, with: matrix)
            if g.v0 == 0 && (g.v1 | g.v2 | g.v3 | g.v4) == 0 { break }
        }
        return normalized(d, negateMask: f.v4 >> 63).unsigned
    }

    /// The matrix of 59 division steps (scaled by 2^62) and the new ζ, computed from the bottom 64 bits of f and g
    /// with masks only (libsecp256k1's `divsteps_59`): each step adds f to an odd g (negated when ζ < 0, in which
    /// case g then replaces f), and halves g.
    private static func constantTimeDivisionSteps(
        zeta: Int64, f f0: UInt64, g g0: UInt64
    ) -> (TransitionMatrix, Int64) {
        // The matrix starts at 8 = 2^(62 − 59) times the identity, so that it ends scaled by 2^62.
        var (u, v, q, r): (UInt64, UInt64, UInt64, UInt64) = (8, 0, 0, 8)
        var (f, g, zeta) = (f0, g0, zeta)
        for _ in 0..<59 {
            let zetaNegative = UInt64(bitPattern: zeta >> 63)
            let gOdd = 0 &- (g & 1)
            // g += ±f when g is odd, and the same for its coefficients.
            g &+= ((f ^ zetaNegative) &- zetaNegative) & gOdd
            q &+= ((u ^ zetaNegative) &- zetaNegative) & gOdd
            r &+= ((v ^ zetaNegative) &- zetaNegative) & gOdd
            // When ζ < 0 and g was odd, f takes g's old value (f + the new g) and ζ becomes −ζ − 2, else ζ − 1.
            let swap = zetaNegative & gOdd
            zeta = (zeta ^ Int64(bitPattern: swap)) &- 1
            f &+= g & swap
            u &+= q & swap
            v &+= r & swap
            g >>= 1
            u <<= 1
            v <<= 1
        }
        let matrix = TransitionMatrix(
            u: Int64(bitPattern: u), v: Int64(bitPattern: v), q: Int64(bitPattern: q), r: Int64(bitPattern: r))
        return (matrix, zeta)
    }

    /// The matrix of 62 division steps (scaled by 2^62) and the new η, computed from the bottom 64 bits of f and g
    /// (libsecp256k1's `divsteps_62_var`). Each step either halves an even g, or, for odd g, adds a multiple of f
    /// chosen to clear several low bits of g at once (swapping and negating first when η < 0).
    private static func divisionSteps(eta: Int64, f f0: UInt64, g g0: UInt64) -> (TransitionMatrix, Int64) {
        var (u, v, q, r): (UInt64, UInt64, UInt64, UInt64) = (1, 0, 0, 1)
        var (f, g, eta) = (f0, g0, eta)
        var remaining = 62
        while true {
            // A sentinel bit stops the count of zeros at the steps remaining.
            let zeros = (g | (UInt64.max << UInt64(remaining))).trailingZeroBitCount
            g >>= UInt64(zeros)
            u <<= UInt64(zeros)
            v <<= UInt64(zeros)
            eta -= Int64(zeros)
            remaining -= zeros
            if remaining == 0 { break }
            // f and g are odd here.
            let multiple: UInt64
            if eta < 0 {
                eta = -eta
                (f, g) = (g, 0 &- f)
                (u, q) = (q, 0 &- u)
                (v, r) = (r, 0 &- v)
                // Cancel up to six bits of g (no more than the steps remaining, nor than η + 1).
                let limit = min(Int(eta) + 1, remaining)
                let mask = (UInt64.max >> UInt64(64 - limit)) & 63
                multiple = (f &* g &* (f &* f &- 2)) & mask
            } else {
                // The simpler formula cancels up to four bits, enough as η tends to be small here.
                let limit = min(Int(eta) + 1, remaining)
                let mask = (UInt64.max >> UInt64(64 - limit)) & 15
                let w = f &+ (((f &+ 1) & 4) << 1)
                multiple = ((0 &- w) &* g) & mask
            }
            g &+= f &* multiple
            q &+= u &* multiple
            r &+= v &* multiple
        }
        let matrix = TransitionMatrix(
            u: Int64(bitPattern: u), v: Int64(bitPattern: v), q: Int64(bitPattern: q), r: Int64(bitPattern: r))
        return (matrix, eta)
    }

    /// [d, e] ← matrix · [d, e] / 2^62 (mod m). Adding the multiples md, me of m that clear the low 62 bits makes
    /// the division exact. Inputs and outputs are in (−2m, m).
    private func updateCoefficients(_ d: inout SignedLimbs62, _ e: inout SignedLimbs62, with t: TransitionMatrix) {
        let mask62 = Self.mask62
        // Start md, me at the multiples that offset negative inputs, then correct their low 62 bits.
        let signD = d.v4 >> 63
        let signE = e.v4 >> 63
        var md = (t.u & signD) &+ (t.v & signE)
        var me = (t.q & signD) &+ (t.r & signE)
        var cd = Int128Accumulator(t.u, d.v0)
        cd.add(t.v, e.v0)
        var ce = Int128Accumulator(t.q, d.v0)
        ce.add(t.r, e.v0)
        md &-= Int64(bitPattern: (modulusInverse62 &* cd.low &+ UInt64(bitPattern: md)) & mask62)
        me &-= Int64(bitPattern: (modulusInverse62 &* ce.low &+ UInt64(bitPattern: me)) & mask62)
        cd.add(modulus.v0, md)
        ce.add(modulus.v0, me)
        cd.shiftRight62()
        ce.shiftRight62()
        // Limb by limb, shifting the result down by one limb (the division by 2^62).
        func column(_ dLimb: Int64, _ eLimb: Int64, _ modulusLimb: Int64) -> (Int64, Int64) {
            cd.add(t.u, dLimb)
            cd.add(t.v, eLimb)
            ce.add(t.q, dLimb)
            ce.add(t.r, eLimb)
            if modulusLimb != 0 {
                cd.add(modulusLimb, md)
                ce.add(modulusLimb, me)
            }
            let limbs = (Int64(bitPattern: cd.low & mask62), Int64(bitPattern: ce.low & mask62))
            cd.shiftRight62()
            ce.shiftRight62()
            return limbs
        }
        (d.v0, e.v0) = column(d.v1, e.v1, modulus.v1)
        (d.v1, e.v1) = column(d.v2, e.v2, modulus.v2)
        (d.v2, e.v2) = column(d.v3, e.v3, modulus.v3)
        (d.v3, e.v3) = column(d.v4, e.v4, modulus.v4)
        d.v4 = Int64(bitPattern: cd.low)
        e.v4 = Int64(bitPattern: ce.low)
    }

    /// [f, g] ← matrix · [f, g] / 2^62, an exact division by construction of the matrix.
    private static func updateValues(_ f: inout SignedLimbs62, _ g: inout SignedLimbs62, with t: TransitionMatrix) {
        var cf = Int128Accumulator(t.u, f.v0)
        cf.add(t.v, g.v0)
        var cg = Int128Accumulator(t.q, f.v0)
        cg.add(t.r, g.v0)
        cf.shiftRight62()
        cg.shiftRight62()
        func column(_ fLimb: Int64, _ gLimb: Int64) -> (Int64, Int64) {
            cf.add(t.u, fLimb)
            cf.add(t.v, gLimb)
            cg.add(t.q, fLimb)
            cg.add(t.r, gLimb)
            let limbs = (Int64(bitPattern: cf.low & mask62), Int64(bitPattern: cg.low & mask62))
            cf.shiftRight62()
            cg.shiftRight62()
            return limbs
        }
        (f.v0, g.v0) = column(f.v1, g.v1)
        (f.v1, g.v1) = column(f.v2, g.v2)
        (f.v2, g.v2) = column(f.v3, g.v3)
        (f.v3, g.v3) = column(f.v4, g.v4)
        f.v4 = Int64(bitPattern: cf.low)
        g.v4 = Int64(bitPattern: cg.low)
    }

    /// Brings a value in (−2m, m) with limbs in (−2^62, 2^62) into [0, m), negating it first when `negateMask` is
    /// all ones (libsecp256k1's `normalize_62`, with masks only).
    private func normalized(_ value: SignedLimbs62, negateMask: Int64) -> SignedLimbs62 {
        var r = value.adding(modulus.masked(value.v4 >> 63))
        r = SignedLimbs62(
            (r.v0 ^ negateMask) &- negateMask, (r.v1 ^ negateMask) &- negateMask, (r.v2 ^ negateMask) &- negateMask,
            (r.v3 ^ negateMask) &- negateMask, (r.v4 ^ negateMask) &- negateMask
        ).carried()
        return r.adding(modulus.masked(r.v4 >> 63)).carried()
    }
}

/// A 2×2 matrix of division steps, [u v; q r], applied to column vectors [f, g] and [d, e].
private struct TransitionMatrix {
    var u: Int64
    var v: Int64
    var q: Int64
    var r: Int64
}

/// A signed integer Σ vᵢ·2^(62·i): limbs 0–3 normally in [0, 2^62), the top limb signed.
private struct SignedLimbs62 {
    var v0: Int64
    var v1: Int64
    var v2: Int64
    var v3: Int64
    var v4: Int64

    init(_ v0: Int64, _ v1: Int64, _ v2: Int64, _ v3: Int64, _ v4: Int64) {
        (self.v0, self.v1, self.v2, self.v3, self.v4) = (v0, v1, v2, v3, v4)
    }

    init(_ value: UInt256Limbs) {
        let mask: UInt64 = (1 << 62) - 1
        self.init(
            Int64(bitPattern: value.l0 & mask), Int64(bitPattern: (value.l0 >> 62 | value.l1 << 2) & mask),
            Int64(bitPattern: (value.l1 >> 60 | value.l2 << 4) & mask),
            Int64(bitPattern: (value.l2 >> 58 | value.l3 << 6) & mask), Int64(bitPattern: value.l3 >> 56))
    }

    /// The value as four 64-bit limbs, for a value in [0, 2^256) with limbs 0–3 in [0, 2^62).
    var unsigned: UInt256Limbs {
        let (u0, u1, u2, u3, u4) = (
            UInt64(bitPattern: v0), UInt64(bitPattern: v1), UInt64(bitPattern: v2), UInt64(bitPattern: v3),
            UInt64(bitPattern: v4)
        )
        return UInt256Limbs(u0 | u1 << 62, u1 >> 2 | u2 << 60, u2 >> 4 | u3 << 58, u3 >> 6 | u4 << 56)
    }

    func adding(_ other: SignedLimbs62) -> SignedLimbs62 {
        SignedLimbs62(v0 &+ other.v0, v1 &+ other.v1, v2 &+ other.v2, v3 &+ other.v3, v4 &+ other.v4)
    }

    /// The value where `mask` is all ones, zero where it is all zeros.
    func masked(_ mask: Int64) -> SignedLimbs62 {
        SignedLimbs62(v0 & mask, v1 & mask, v2 & mask, v3 & mask, v4 & mask)
    }

    /// The same value with limbs 0–3 moved back into [0, 2^62) (arithmetic shifts carry signed overflow up).
    func carried() -> SignedLimbs62 {
        let mask: Int64 = (1 << 62) - 1
        var r = self
        r.v1 &+= r.v0 >> 62
        r.v0 &= mask
        r.v2 &+= r.v1 >> 62
        r.v1 &= mask
        r.v3 &+= r.v2 >> 62
        r.v2 &= mask
        r.v4 &+= r.v3 >> 62
        r.v3 &= mask
        return r
    }
}
