/// A finite point (x, y) on secp256k1: y² = x³ + 7 over the base field. The point at infinity is never an
/// `AffinePoint`; code that can meet it uses ``JacobianPoint`` or an optional.
struct AffinePoint: Hashable, Sendable {
    var x: FieldElement
    var y: FieldElement

    static let curveB = FieldElement(7)

    /// The standard generator G.
    static let generator = AffinePoint(
        x: FieldElement(
            UInt256Limbs(
                0x59F2_815B_16F8_1798, 0x029B_FCDB_2DCE_28D9, 0x55A0_6295_CE87_0B07, 0x79BE_667E_F9DC_BBAC)),
        y: FieldElement(
            UInt256Limbs(
                0x9C47_D08F_FB10_D4B8, 0xFD17_B448_A685_5419, 0x5DA4_FBFC_0E11_08A8, 0x483A_DA77_26A3_C465)))

    var isOnCurve: Bool {
        y.squared() == x.squared() * x + Self.curveB
    }

    /// The point with this x coordinate whose y has the requested parity, if x³ + 7 is a square.
    /// Variable-time; only used on public data (public-key parsing).
    init?(x: FieldElement, yIsOdd: Bool) {
        guard let point = AffineCoordinates(x: VariableTimeFieldElement(x), yIsOdd: yIsOdd) else { return nil }
        self.init(point)
    }

    init(x: FieldElement, y: FieldElement) {
        self.x = x
        self.y = y
    }
}
