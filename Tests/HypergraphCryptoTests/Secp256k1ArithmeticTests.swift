import SeededRandom
import XCTest

@testable import HypergraphCrypto

/// The internal constant-time field, scalar and group arithmetic, against values computed with Python integers and
/// against slower independent formulations (``ReferenceCurve``, algebraic identities). The variable-time arithmetic
/// of verification and recovery is in Secp256k1VariableTimeTests.
final class Secp256k1ArithmeticTests: XCTestCase {
    private let fieldA = field(hex: "d23f0824128b2f330c5c7fd0a6a3a4506513270e269e0d37f2a74de452e6b438")
    private let fieldB = field(hex: "36f675cc81e74ef5e8e25d940ed904759531985d5d9dc9f81818e811892f902b")
    private let pMinusOne = field(hex: "fffffffffffffffffffffffffffffffffffffffffffffffffffffffefffffc2e")

    func testFieldKnownAnswers() {
        XCTAssertEqual(fieldA * fieldB, field(hex: "dd756326b2cb45f901de9bae5c09657a54458c0666e3dd27f2a82bcdbc448cf7"))
        XCTAssertEqual(fieldA.squared(), field(hex: "8e597b06cb7500572c7a623fabed27e276085396a266a260ade62a3404b394c8"))
        XCTAssertEqual(
            fieldA.inverted(), field(hex: "e03b6ae236ffbff83f3bc20e62f9126ae78143c86e5d1857e7fb87c65d62b90e"))
        XCTAssertEqual(fieldA + fieldB, field(hex: "09357df094727e28f53edd64b57ca8c5fa44bf6b843bd7300ac035f6dc164834"))
        XCTAssertEqual(fieldA - fieldB, field(hex: "9b48925790a3e03d237a223c97ca9fdacfe18eb0c900433fda8e65d2c9b7240d"))
        XCTAssertEqual(fieldB - fieldA, field(hex: "64b76da86f5c1fc2dc85ddc368356025301e714f36ffbcc025719a2c3648d822"))
        let twoTo255 = field(hex: "8000000000000000000000000000000000000000000000000000000000000000")
        XCTAssertEqual(
            pMinusOne * twoTo255, field(hex: "7ffffffffffffffffffffffffffffffffffffffffffffffffffffffefffffc2f"))
    }

    func testFieldEdgeValues() {
        XCTAssertEqual(pMinusOne + .one, .zero)
        XCTAssertEqual(FieldElement.zero - .one, pMinusOne)
        XCTAssertEqual(-pMinusOne, .one)
        XCTAssertEqual(-FieldElement.zero, .zero)
        XCTAssertEqual(pMinusOne * pMinusOne, .one)
        XCTAssertEqual(pMinusOne.squared(), .one)
        XCTAssertEqual(pMinusOne + pMinusOne, pMinusOne - .one)
        XCTAssertEqual(pMinusOne.multiplied(bySmall: 21), -FieldElement(21))
        XCTAssertEqual(FieldElement.zero.inverted(), .zero)
        XCTAssertNil(
            FieldElement(bigEndian: bytes(hex: "fffffffffffffffffffffffffffffffffffffffffffffffffffffffefffffc2f")))
        // 2^256 − 1 ≡ 2^32 + 976 (mod p): values from p to 2^256 − 1 are valid representations.
        let allOnes = FieldElement(UInt256Limbs(.max, .max, .max, .max))
        XCTAssertEqual(allOnes, FieldElement(0x1_0000_03D0))
        XCTAssertEqual(allOnes.limbs, UInt256Limbs(0x1_0000_03D0, 0, 0, 0))
        XCTAssertEqual(FieldElement(FieldElement.modulus), .zero)
        XCTAssertTrue(FieldElement(FieldElement.modulus).isZero)
        XCTAssertEqual(FieldElement(FieldElement.modulus).hashValue, FieldElement.zero.hashValue)
        XCTAssertEqual(allOnes * allOnes, FieldElement(0x1_0000_03D0) * FieldElement(0x1_0000_03D0))
        XCTAssertEqual(allOnes - allOnes, .zero)
        XCTAssertEqual(allOnes + pMinusOne, FieldElement(0x1_0000_03CF))
    }

    func testFieldIdentitiesOnPseudorandomValues() {
        var generator = SplitMix64(seed: 1)
        for _ in 0..<200 {
            let a = generator.fieldElement()
            let b = generator.fieldElement()
            let c = generator.fieldElement()
            XCTAssertEqual((a * b) * c, a * (b * c))
            XCTAssertEqual(a * (b + c), a * b + a * c)
            XCTAssertEqual(a.squared(), a * a)
            XCTAssertEqual((a - b) + b, a)
            XCTAssertEqual(a + (-a), .zero)
            XCTAssertEqual(a.multiplied(bySmall: 977), a * FieldElement(977))
            XCTAssertEqual(a * a.inverted(), .one)
        }
    }

    func testScalarKnownAnswers() {
        let a = scalar(hex: "8d116ece1738f7d93d9c172411e20b8f6b0d549b6f03675a1600a35a099950d8")
        let b = scalar(hex: "a170b33839263059f28c105d1fb17c2390c192cfd3ac94af0f21ddb66cad4a26")
        XCTAssertEqual(a * b, scalar(hex: "4b93f42179641a7fe14294a955bd6b136b66848090bffe530f215042e5bdd0cb"))
        XCTAssertEqual(a.inverted(), scalar(hex: "21fd2af4f286826665b688e003b32689a8349ce264c0527536821e82a8558b95"))
        XCTAssertEqual(a + b, scalar(hex: "2e822206505f283330282781319387b441200a8493675bcd65502283a61059bd"))
        let nMinusOne = -Scalar.one
        XCTAssertEqual(nMinusOne * (nMinusOne + (-Scalar.one)), Scalar(reduced: UInt256Limbs(2, 0, 0, 0)))
        XCTAssertEqual(nMinusOne + .one, .zero)
        XCTAssertEqual(-Scalar.zero, .zero)
        XCTAssertEqual(nMinusOne.inverted(), nMinusOne)
        XCTAssertEqual(a.invertedVariableTime(), a.inverted())
        for small: UInt64 in [1, 2, 3, 1 << 63] {
            let value = Scalar(reduced: UInt256Limbs(small, 0, 0, 0))
            XCTAssertEqual(value * value.invertedVariableTime(), .one)
        }
        XCTAssertEqual(nMinusOne.invertedVariableTime(), nMinusOne)
        XCTAssertEqual(Scalar.zero.invertedVariableTime(), .zero)
        XCTAssertTrue(nMinusOne.isHigh)
        XCTAssertFalse(Scalar(reduced: Scalar.halfOrder).isHigh)
        XCTAssertTrue((Scalar(reduced: Scalar.halfOrder) + .one).isHigh)
        let (reduced, overflowed) = Scalar.reducing(bigEndian: [UInt8](repeating: 0xFF, count: 32))
        XCTAssertTrue(overflowed)
        XCTAssertEqual(reduced, scalar(hex: "000000000000000000000000000000014551231950b75fc4402da1732fc9bebe"))
    }

    func testScalarIdentitiesOnPseudorandomValues() {
        var generator = SplitMix64(seed: 2)
        for _ in 0..<100 {
            let a = generator.scalar()
            let b = generator.scalar()
            let c = generator.scalar()
            XCTAssertEqual((a * b) * c, a * (b * c))
            XCTAssertEqual(a * (b + c), a * b + a * c)
            XCTAssertEqual(a.squared(), a * a)
            XCTAssertEqual(a + (-a), .zero)
            XCTAssertEqual(a * a.inverted(), .one)
            XCTAssertEqual(a.invertedVariableTime(), a.inverted())
            XCTAssertEqual(a.negated(if: a.isHighMask).isHigh, false)
        }
    }

    func testGeneratorTableMultiplicationMatchesReference() {
        var generator = SplitMix64(seed: 3)
        let special: [Scalar] = [
            .one, Scalar(reduced: UInt256Limbs(2, 0, 0, 0)), Scalar(reduced: UInt256Limbs(15, 0, 0, 0)),
            Scalar(reduced: UInt256Limbs(16, 0, 0, 0)), Scalar(reduced: UInt256Limbs(0, 1, 0, 0)),
            -Scalar.one, Scalar(reduced: Scalar.halfOrder),
        ]
        // The signed five-bit recoding: digits 16 (the largest kept positive), 17 and 31 (negative, carrying),
        // 32 (a zero digit that carries), every window 16 or 17, and a carry into the top window (bit 255).
        let recoding: [Scalar] =
            [17, 31, 32, 33].map { Scalar(reduced: UInt256Limbs($0, 0, 0, 0)) } + [
                Scalar(
                    reduced: UInt256Limbs(
                        0x0842_1084_2108_4210, 0x1084_2108_4210_8421, 0x2108_4210_8421_0842, 0x4210_8421_0842_1084)),
                Scalar(
                    reduced: UInt256Limbs(
                        0x18C6_318C_6318_C631, 0x318C_6318_C631_8C63, 0x6318_C631_8C63_18C6, 0x4631_8C63_18C6_318C)),
                Scalar(reduced: UInt256Limbs(0, 0, 0, 0xFC00_0000_0000_0000)),
            ]
        for k in special + recoding + (0..<20).map({ _ in generator.scalar() }) {
            XCTAssertEqual(GeneratorMultiplication.multiply(k), ReferenceCurve.multiply(k, .generator))
        }
        XCTAssertNil(GeneratorMultiplication.multiply(.zero))
    }

    /// The complete formulas must handle the cases that make incomplete formulas fail: P + P, P + (−P), O + P.
    func testCompleteAdditionExceptionalCases() {
        let point = AffinePoint.generator
        let projective = ProjectivePoint(x: point.x, y: point.y, z: .one)
        let double = ReferenceCurve.add(point, point)
        XCTAssertEqual(projective.adding(point).affine, double)
        XCTAssertNil(projective.adding(ReferenceCurve.negate(point)).affine)
        XCTAssertEqual(ProjectivePoint.infinity.adding(point).affine, point)
        // Scaled coordinates (Z ≠ 1) represent the same point.
        let z = FieldElement(12345)
        let scaled = ProjectivePoint(x: point.x * z, y: point.y * z, z: z)
        XCTAssertEqual(scaled.adding(point).affine, double)
    }
}

func bytes(hex text: String) -> [UInt8] {
    (try? Hex.decode(text)) ?? []
}

func field(hex text: String) -> FieldElement {
    FieldElement(UInt256Limbs(bigEndian: bytes(hex: text)))
}

func scalar(hex text: String) -> Scalar {
    Scalar(reduced: UInt256Limbs(bigEndian: bytes(hex: text)))
}

/// Field elements and scalars from the seeded generator (shared by the Secp256k1 test files, like the parsers above).
extension SplitMix64 {
    mutating func limbs() -> UInt256Limbs { UInt256Limbs(next(), next(), next(), next()) }

    mutating func fieldElement() -> FieldElement { FieldElement(limbs()) }

    mutating func scalar() -> Scalar { Scalar.reducing(UInt512Limbs(low: limbs(), high: .zero)) }
}
