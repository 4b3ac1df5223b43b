/// The multiplication of secp256k1 field elements in five 52-bit limbs (value = Σ nᵢ·2^(52·i)), shared by
/// ``FieldElement`` (secrets) and ``VariableTimeFieldElement`` (public data).
///
/// Partial products are summed in 128-bit accumulators (``UInt128Accumulator``) and the upper half is folded in
/// with 2^260 mod p while it goes (libsecp256k1's `field_5x52_int128`): 25 + 6 limb products, no final carry pass.
/// Input limbs may be up to 2^56 (2^52 for the top one); output limbs are below 2^52 (the top one below 2^49),
/// so the value is reduced only weakly. The code is straight-line: with `UInt128`, LLVM emits each addition as an
/// add/adc pair, so the instructions executed never depend on the values, which is what lets signing use it
/// (`scripts/check-constant-time-signing.sh` checks this in the release build).
enum FieldLimbs {
    /// Five 52-bit limbs, least significant first.
    typealias Limbs = (UInt64, UInt64, UInt64, UInt64, UInt64)

    private static let mask52: UInt64 = (1 << 52) - 1
    private static let mask48: UInt64 = (1 << 48) - 1
    /// 2^260 mod p, for folding the limbs above the fifth.
    private static let fold260: UInt64 = 0x10_0000_3D10

    /// a·b; see the type's description for the bounds.
    @inline(__always)
    static func product(_ a: Limbs, _ b: Limbs) -> Limbs {
        let (a0, a1, a2, a3, a4) = a
        let (b0, b1, b2, b3, b4) = b
        // pₖ is the column Σ aᵢ·bⱼ (i + j = k); column k ≥ 5 folds onto k − 5 times 2^260 mod p. Comments give the
        // bit bounds from libsecp256k1's analysis for limbs below 2^56 (2^52 for limb 4).
        var d = UInt128Accumulator(a0, b3)
        d.add(a1, b2)
        d.add(a2, b1)
        d.add(a3, b0) // p3, < 2^114
        var c = UInt128Accumulator(a4, b4) // p8, < 2^112
        d.add(fold260, c.low)
        c.shiftRight64() // d < 2^115, c < 2^48
        let t3 = d.low & mask52
        d.shiftRight52()
        d.add(a0, b4)
        d.add(a1, b3)
        d.add(a2, b2)
        d.add(a3, b1)
        d.add(a4, b0) // + p4
        d.add(fold260 << 12, c.low) // < 2^116
        var t4 = d.low & mask52
        d.shiftRight52()
        let tx = t4 >> 48
        t4 &= mask48
        c = UInt128Accumulator(a0, b0) // p0
        d.add(a1, b4)
        d.add(a2, b3)
        d.add(a3, b2)
        d.add(a4, b1) // + p5
        var u0 = d.low & mask52
        d.shiftRight52()
        u0 = u0 << 4 | tx
        c.add(u0, fold260 >> 4)
        let r0 = c.low & mask52
        c.shiftRight52()
        c.add(a0, b1)
        c.add(a1, b0) // + p1
        d.add(a2, b4)
        d.add(a3, b3)
        d.add(a4, b2) // + p6
        c.add(d.low & mask52, fold260)
        d.shiftRight52()
        let r1 = c.low & mask52
        c.shiftRight52()
        c.add(a0, b2)
        c.add(a1, b1)
        c.add(a2, b0) // + p2
        d.add(a3, b4)
        d.add(a4, b3) // + p7
        return finishing(&c, &d, r0, r1, t3, t4)
    }

    /// a², the product above with the cross products computed once and doubled.
    @inline(__always)
    static func square(_ a: Limbs) -> Limbs {
        var (a0, a1, a2, a3, a4) = a
        var d = UInt128Accumulator(a0 &* 2, a3)
        d.add(a1 &* 2, a2) // p3
        var c = UInt128Accumulator(a4, a4) // p8
        d.add(fold260, c.low)
        c.shiftRight64()
        let t3 = d.low & mask52
        d.shiftRight52()
        a4 &*= 2
        d.add(a0, a4)
        d.add(a1 &* 2, a3)
        d.add(a2, a2) // + p4
        d.add(fold260 << 12, c.low)
        var t4 = d.low & mask52
        d.shiftRight52()
        let tx = t4 >> 48
        t4 &= mask48
        c = UInt128Accumulator(a0, a0) // p0
        d.add(a1, a4)
        d.add(a2 &* 2, a3) // + p5
        var u0 = d.low & mask52
        d.shiftRight52()
        u0 = u0 << 4 | tx
        c.add(u0, fold260 >> 4)
        let r0 = c.low & mask52
        c.shiftRight52()
        a0 &*= 2
        c.add(a0, a1) // + p1
        d.add(a2, a4)
        d.add(a3, a3) // + p6
        c.add(d.low & mask52, fold260)
        d.shiftRight52()
        let r1 = c.low & mask52
        c.shiftRight52()
        c.add(a0, a2)
        c.add(a1, a1) // + p2
        d.add(a3, a4) // + p7
        return finishing(&c, &d, r0, r1, t3, t4)
    }

    /// The common end of ``product(_:_:)`` and ``square(_:)``, once columns 2 and 7 are in `c` and `d`: folds
    /// column 7 onto column 2, carries up to limb 3 and adds the saved limbs 3 and 4.
    @inline(__always)
    private static func finishing(
        _ c: inout UInt128Accumulator, _ d: inout UInt128Accumulator,
        _ r0: UInt64, _ r1: UInt64, _ t3: UInt64, _ t4: UInt64
    ) -> Limbs {
        c.add(fold260, d.low)
        d.shiftRight64()
        let r2 = c.low & mask52
        c.shiftRight52()
        c.add(fold260 << 12, d.low)
        c.add(t3)
        let r3 = c.low & mask52
        c.shiftRight52()
        return (r0, r1, r2, r3, c.low &+ t4)
    }
}
