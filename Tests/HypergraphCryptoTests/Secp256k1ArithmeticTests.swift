@testable import HypergraphCrypto
import XCTest

/// The internal field, scalar and group arithmetic, against values computed with Python integers and against
/// slower independent formulations (double-and-add, algebraic identities).
final class Secp256k1ArithmeticTests: XCTestCase {
    private let fieldA = field("d23f0824128b2f330c5c7fd0a6a3a4506513270e269e0d37f2a74de452e6b438")
    private let fieldB = field("36f675cc81e74ef5e8e25d940ed904759531985d5d9dc9f81818e811892f902b")
    private let pMinusOne = field("fffffffffffffffffffffffffffffffffffffffffffffffffffffffefffffc2e")

    func testFieldKnownAnswers() {
        XCTAssertEqual(fieldA * fieldB, field("dd756326b2cb45f901de9bae5c09657a54458c0666e3dd27f2a82bcdbc448cf7"))
        XCTAssertEqual(fieldA.squared(), field("8e597b06cb7500572c7a623fabed27e276085396a266a260ade62a3404b394c8"))
        XCTAssertEqual(fieldA.inverted(), field("e03b6ae236ffbff83f3bc20e62f9126ae78143c86e5d1857e7fb87c65d62b90e"))
        XCTAssertEqual(fieldA + fieldB, field("09357df094727e28f53edd64b57ca8c5fa44bf6b843bd7300ac035f6dc164834"))
        XCTAssertEqual(fieldA - fieldB, field("9b48925790a3e03d237a223c97ca9fdacfe18eb0c900433fda8e65d2c9b7240d"))
        XCTAssertEqual(fieldB - fieldA, field("64b76da86f5c1fc2dc85ddc368356025301e714f36ffbcc025719a2c3648d822"))
        XCTAssertEqual(
            fieldA.squared().squareRoot(),
            field("2dc0f7dbed74d0ccf3a3802f595c5baf9aecd8f1d961f2c80d58b21aad1947f7"))
        let twoTo255 = field("8000000000000000000000000000000000000000000000000000000000000000")
        XCTAssertEqual(
            pMinusOne * twoTo255, field("7ffffffffffffffffffffffffffffffffffffffffffffffffffffffefffffc2f"))
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
        XCTAssertNil(FieldElement(bigEndian: hex("fffffffffffffffffffffffffffffffffffffffffffffffffffffffefffffc2f")))
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
            let a = generator.fieldElement(), b = generator.fieldElement(), c = generator.fieldElement()
            XCTAssertEqual((a * b) * c, a * (b * c))
            XCTAssertEqual(a * (b + c), a * b + a * c)
            XCTAssertEqual(a.squared(), a * a)
            XCTAssertEqual((a - b) + b, a)
            XCTAssertEqual(a + (-a), .zero)
            XCTAssertEqual(a.multiplied(bySmall: 977), a * FieldElement(977))
            XCTAssertEqual(a * a.inverted(), .one)
            let square = a.squared()
            XCTAssertEqual(square.squareRoot()?.squared(), square)
        }
        // −1 is not a square modulo p (p ≡ 3 mod 4).
        XCTAssertNil(pMinusOne.squareRoot())
    }

    func testScalarKnownAnswers() {
        let a = scalar("8d116ece1738f7d93d9c172411e20b8f6b0d549b6f03675a1600a35a099950d8")
        let b = scalar("a170b33839263059f28c105d1fb17c2390c192cfd3ac94af0f21ddb66cad4a26")
        XCTAssertEqual(a * b, scalar("4b93f42179641a7fe14294a955bd6b136b66848090bffe530f215042e5bdd0cb"))
        XCTAssertEqual(a.inverted(), scalar("21fd2af4f286826665b688e003b32689a8349ce264c0527536821e82a8558b95"))
        XCTAssertEqual(a + b, scalar("2e822206505f283330282781319387b441200a8493675bcd65502283a61059bd"))
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
        XCTAssertEqual(reduced, scalar("000000000000000000000000000000014551231950b75fc4402da1732fc9bebe"))
    }

    func testScalarIdentitiesOnPseudorandomValues() {
        var generator = SplitMix64(seed: 2)
        for _ in 0..<100 {
            let a = generator.scalar(), b = generator.scalar(), c = generator.scalar()
            XCTAssertEqual((a * b) * c, a * (b * c))
            XCTAssertEqual(a * (b + c), a * b + a * c)
            XCTAssertEqual(a.squared(), a * a)
            XCTAssertEqual(a + (-a), .zero)
            XCTAssertEqual(a * a.inverted(), .one)
            XCTAssertEqual(a.invertedVariableTime(), a.inverted())
            XCTAssertEqual(a.negated(if: a.isHighMask).isHigh, false)
        }
    }

    func testGeneratorTableMultiplicationMatchesDoubleAndAdd() {
        var generator = SplitMix64(seed: 3)
        let special: [Scalar] = [.one, Scalar(reduced: UInt256Limbs(2, 0, 0, 0)), Scalar(reduced: UInt256Limbs(15, 0, 0, 0)),
                                 Scalar(reduced: UInt256Limbs(16, 0, 0, 0)), Scalar(reduced: UInt256Limbs(0, 1, 0, 0)),
                                 -Scalar.one, Scalar(reduced: Scalar.halfOrder)]
        for k in special + (0..<20).map({ _ in generator.scalar() }) {
            XCTAssertEqual(GeneratorMultiplication.multiply(k), doubleAndAdd(k, .generator).affine)
        }
        XCTAssertNil(GeneratorMultiplication.multiply(.zero))
    }

    /// The complete formulas must handle the cases that make incomplete formulas fail: P + P, P + (−P), O + P.
    func testCompleteAdditionExceptionalCases() {
        let point = AffinePoint.generator
        let projective = ProjectivePoint(x: point.x, y: point.y, z: .one)
        XCTAssertEqual(projective.adding(point).affine, JacobianPoint(point).doubled().affine)
        XCTAssertNil(projective.adding(point.negated).affine)
        XCTAssertEqual(ProjectivePoint.infinity.adding(point).affine, point)
        // Scaled coordinates (Z ≠ 1) represent the same point.
        let z = FieldElement(12345)
        let scaled = ProjectivePoint(x: point.x * z, y: point.y * z, z: z)
        XCTAssertEqual(scaled.adding(point).affine, JacobianPoint(point).doubled().affine)
    }

    func testJacobianAdditionSpecialCases() {
        let point = JacobianPoint(.generator)
        XCTAssertTrue(point.adding(point.negated).isInfinity)
        XCTAssertTrue(point.adding(AffinePoint.generator.negated).isInfinity)
        XCTAssertEqual(point.adding(point).affine, point.doubled().affine)
        XCTAssertEqual(JacobianPoint.infinity.adding(point).affine, .generator)
        XCTAssertEqual(point.adding(JacobianPoint.infinity).affine, .generator)
        XCTAssertTrue(JacobianPoint.infinity.doubled().isInfinity)
    }

    func testEndomorphismSplitRecombines() {
        let lambda = scalar("5363ad4cc05c30e0a5261c028812645a122e22ea20816678df02967c1b23bd72")
        XCTAssertEqual(doubleAndAdd(lambda, .generator).affine, AffinePoint.generator.endomorphism)
        var generator = SplitMix64(seed: 4)
        for k in [Scalar.zero, .one, -Scalar.one, lambda, -lambda] + (0..<50).map({ _ in generator.scalar() }) {
            let split = EndomorphismSplit(k)
            XCTAssertEqual(split.first.l2 | split.first.l3 | split.second.l2 | split.second.l3, 0, "halves < 2^128")
            let first = Scalar(reduced: split.first).negated(if: split.firstIsNegative ? .max : 0)
            let second = Scalar(reduced: split.second).negated(if: split.secondIsNegative ? .max : 0)
            XCTAssertEqual(first + second * lambda, k)
        }
    }

    func testLinearCombinationMatchesDoubleAndAdd() {
        var generator = SplitMix64(seed: 5)
        let point = doubleAndAdd(generator.scalar(), .generator).affine!
        let cases: [(Scalar, Scalar)] = [(.zero, .one), (.one, .zero), (-Scalar.one, -Scalar.one), (.one, -Scalar.one)]
            + (0..<20).map { _ in (generator.scalar(), generator.scalar()) }
        for (a, b) in cases {
            let expected = doubleAndAdd(a, .generator).adding(doubleAndAdd(b, point))
            let result = VariableTimeMultiplication.linearCombination(generatorScalar: a, point: point, pointScalar: b)
            XCTAssertEqual(result.affine, expected.affine)
        }
        // a·G + b·G with b = −a gives infinity.
        let a = generator.scalar()
        XCTAssertTrue(
            VariableTimeMultiplication.linearCombination(generatorScalar: a, point: .generator, pointScalar: -a)
                .isInfinity)
    }

    // MARK: Helpers

    /// Plain right-to-left double-and-add over the bits of k, independent of the windowed algorithms.
    private func doubleAndAdd(_ k: Scalar, _ point: AffinePoint) -> JacobianPoint {
        var result = JacobianPoint.infinity
        var addend = JacobianPoint(point)
        for index in 0..<256 {
            if k.limbs.bit(index) == 1 { result = result.adding(addend) }
            addend = addend.doubled()
        }
        return result
    }
}

private func hex(_ text: String) -> [UInt8] {
    (try? Hex.decode(text)) ?? []
}

private func field(_ text: String) -> FieldElement {
    FieldElement(UInt256Limbs(bigEndian: hex(text)))
}

private func scalar(_ text: String) -> Scalar {
    Scalar(reduced: UInt256Limbs(bigEndian: hex(text)))
}

/// A small deterministic generator (SplitMix64) so the pseudorandom tests are reproducible.
private struct SplitMix64 {
    var state: UInt64

    init(seed: UInt64) {
        state = seed
    }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    mutating func limbs() -> UInt256Limbs { UInt256Limbs(next(), next(), next(), next()) }

    mutating func fieldElement() -> FieldElement { FieldElement(limbs()) }

    mutating func scalar() -> Scalar { Scalar.reducing(UInt512Limbs(low: limbs(), high: .zero)) }
}
