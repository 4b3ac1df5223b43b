/// k = first + second·λ (mod n) with both halves below 2^128 in magnitude (libsecp256k1's lattice constants).
///
/// secp256k1 has an efficient endomorphism: λ·(x, y) = (β·x, y), where β is a cube root of unity mod p and λ the
/// matching one mod n. So k·P = first·P + second·(βx, y), two half-length multiplications that can share doublings.
struct EndomorphismSplit {
    /// β, the cube root of unity mod p with λ·(x, y) = (βx, y).
    static let beta = VariableTimeFieldElement(
        UInt256Limbs(
            0xC139_6C28_7195_01EE, 0x9CF0_4975_12F5_8995, 0x6E64_479E_AC34_34E9, 0x7AE9_6A2B_657C_0710))

    var first: UInt256Limbs
    var firstIsNegative: Bool
    var second: UInt256Limbs
    var secondIsNegative: Bool

    private static let minusB1 = Scalar(reduced: UInt256Limbs(0x6F54_7FA9_0ABF_E4C3, 0xE443_7ED6_010E_8828, 0, 0))
    private static let minusB2 = Scalar(
        reduced: UInt256Limbs(
            0xD765_CDA8_3DB1_562C, 0x8A28_0AC5_0774_346D, 0xFFFF_FFFF_FFFF_FFFE, 0xFFFF_FFFF_FFFF_FFFF))
    private static let g1 = UInt256Limbs(
        0xE893_209A_45DB_B031, 0x3DAA_8A14_71E8_CA7F, 0xE86C_90E4_9284_EB15, 0x3086_D221_A7D4_6BCD)
    private static let g2 = UInt256Limbs(
        0x1571_B4AE_8AC4_7F71, 0x2212_08AC_9DF5_06C6, 0x6F54_7FA9_0ABF_E4C4, 0xE443_7ED6_010E_8828)
    private static let minusLambda = -Scalar(
        reduced: UInt256Limbs(
            0xDF02_967C_1B23_BD72, 0x122E_22EA_2081_6678, 0xA526_1C02_8812_645A, 0x5363_AD4C_C05C_30E0))

    init(_ k: Scalar) {
        let c1 = Self.roundedHighProduct(k.limbs, Self.g1)
        let c2 = Self.roundedHighProduct(k.limbs, Self.g2)
        let second = c1 * Self.minusB1 + c2 * Self.minusB2
        let first = second * Self.minusLambda + k
        firstIsNegative = first.isHigh
        secondIsNegative = second.isHigh
        self.first = first.negated(if: first.isHighMask).limbs
        self.second = second.negated(if: second.isHighMask).limbs
    }

    /// round(a·b / 2^384), which is below 2^128 for these constants.
    private static func roundedHighProduct(_ a: UInt256Limbs, _ b: UInt256Limbs) -> Scalar {
        let high = a.multipliedFullWidth(by: b).high
        let roundingBit = high.l1 >> 63
        return Scalar(
            reduced: UInt256Limbs(high.l2, high.l3, 0, 0).addingReportingCarry(
                UInt256Limbs(roundingBit, 0, 0, 0)
            ).sum)
    }
}
