import SeededRandom
import XCTest

@testable import HypergraphCrypto

/// The variable-time arithmetic of verification and recovery (lazy field, safegcd inversion, Jacobian formulas,
/// effective-affine tables, endomorphism split, a·G + b·P), against the constant-time arithmetic and against
/// ``ReferenceCurve``. Debug builds also check every magnitude bound of ``VariableTimeFieldElement`` as the
/// formulas run, so passing these tests in debug proves the formulas keep to the bounds.
final class Secp256k1VariableTimeTests: XCTestCase {
    private typealias Lazy = VariableTimeFieldElement

    private let pMinusOne = UInt256Limbs(
        0xFFFF_FFFE_FFFF_FC2E, 0xFFFF_FFFF_FFFF_FFFF, 0xFFFF_FFFF_FFFF_FFFF, 0xFFFF_FFFF_FFFF_FFFF)
    private let lambda = scalar(hex: "5363ad4cc05c30e0a5261c028812645a122e22ea20816678df02967c1b23bd72")

    // MARK: Field

    func testFieldMatchesConstantTimeField() {
        var generator = SplitMix64(seed: 10)
        let edges = [
            UInt256Limbs.zero, UInt256Limbs(1, 0, 0, 0), pMinusOne, FieldElement.modulus,
            UInt256Limbs(.max, .max, .max, .max), UInt256Limbs(0, 0, 0, 1 << 63),
        ]
        let values = edges + (0..<100).map { _ in generator.limbs() }
        for (a, b) in zip(values, values.reversed()) {
            let (fa, fb) = (FieldElement(a), FieldElement(b))
            let (la, lb) = (Lazy(a), Lazy(b))
            XCTAssertEqual((la * lb).limbs, (fa * fb).limbs)
            XCTAssertEqual(la.squared().limbs, fa.squared().limbs)
            XCTAssertEqual((la + lb).limbs, (fa + fb).limbs)
            XCTAssertEqual(la.negated(magnitude: 1).limbs, (-fa).limbs)
            XCTAssertEqual((la + lb.negated(magnitude: 1)).limbs, (fa - fb).limbs)
            XCTAssertEqual(la.multiplied(bySmall: 3).limbs, fa.multiplied(bySmall: 3).limbs)
            XCTAssertEqual(la.halved().multiplied(bySmall: 2).limbs, fa.limbs)
            XCTAssertEqual(la.inverted().limbs, fa.inverted().limbs)
            XCTAssertEqual(la.normalizedWeakly.limbs, fa.limbs)
            XCTAssertEqual(la.fieldElement, fa)
            XCTAssertEqual(la.isZero, fa.isZero)
            XCTAssertEqual(la.isOdd, fa.isOdd)
            XCTAssertEqual(la == lb, fa == fb)
        }
        XCTAssertEqual(Lazy(FieldElement.modulus), .zero)
        XCTAssertTrue(Lazy(pMinusOne).negated(magnitude: 1).normalizedWeakly == .one)
    }

    /// Multiplication at its input limit (magnitude 8, every limb at its largest) and the lazy operations at large
    /// magnitudes, against the constant-time field on the reduced values.
    func testFieldAtMaximumMagnitudes() {
        let largest = Lazy(UInt256Limbs(.max, .max, .max, .max)) // limbs 2^52 − 1, top 2^48 − 1
        let values = [largest, Lazy(pMinusOne), Lazy(FieldElement.modulus), Lazy.one, Lazy.zero]
        for a in values {
            // −a with bound 7 has magnitude 8; 8·a has magnitude 8.
            let negated = a.negated(magnitude: 7)
            let eightfold = a.multiplied(bySmall: 8)
            #if DEBUG
                XCTAssertEqual(negated.magnitude, 8)
                XCTAssertEqual(eightfold.magnitude, 8)
            #endif
            let fa = a.fieldElement
            let (fNegated, fEightfold) = (-fa, fa.multiplied(bySmall: 8))
            XCTAssertEqual((negated * negated).fieldElement, fNegated * fNegated)
            XCTAssertEqual((negated * eightfold).fieldElement, fNegated * fEightfold)
            XCTAssertEqual((eightfold * eightfold).fieldElement, fEightfold * fEightfold)
            XCTAssertEqual(negated.squared().fieldElement, fNegated.squared())
            XCTAssertEqual(eightfold.squared().fieldElement, fEightfold.squared())
            XCTAssertEqual(eightfold.halved().fieldElement, fa.multiplied(bySmall: 4))
            var sum = eightfold
            for _ in 0..<3 { sum += eightfold } // magnitude 32
            XCTAssertEqual(sum.fieldElement, fa.multiplied(bySmall: 32))
            XCTAssertEqual(sum.normalizedWeakly.fieldElement, fa.multiplied(bySmall: 32))
        }
    }

    func testSquareRoots() {
        let a = Lazy(field(hex: "d23f0824128b2f330c5c7fd0a6a3a4506513270e269e0d37f2a74de452e6b438"))
        XCTAssertEqual(
            a.squared().squareRoot()?.fieldElement,
            field(hex: "2dc0f7dbed74d0ccf3a3802f595c5baf9aecd8f1d961f2c80d58b21aad1947f7"))
        var generator = SplitMix64(seed: 11)
        for _ in 0..<50 {
            let square = Lazy(generator.limbs()).squared()
            XCTAssertEqual(square.squareRoot()?.squared(), square)
        }
        XCTAssertEqual(Lazy.zero.squareRoot(), .zero)
        // −1 is not a square modulo p (p ≡ 3 mod 4).
        XCTAssertNil(Lazy(pMinusOne).squareRoot())
    }

    // MARK: Inversion

    func testVariableTimeInversionMatchesConstantTime() {
        var generator = SplitMix64(seed: 12)
        let two = UInt256Limbs(2, 0, 0, 0)
        let nMinusOne = Scalar.order.subtractingReportingBorrow(UInt256Limbs(1, 0, 0, 0)).difference
        let fieldEdges = [
            UInt256Limbs(1, 0, 0, 0), two, pMinusOne, UInt256Limbs(0, 0, 0, 1 << 63),
            UInt256Limbs(0x1_0000_03D1, 0, 0, 0),
        ]
        for value in fieldEdges + (0..<100).map({ _ in FieldElement(generator.limbs()).limbs }) {
            let inverse = SafegcdInverse.fieldPrime.inverseVariableTime(of: value)
            XCTAssertEqual(inverse, FieldElement(value).inverted().limbs)
        }
        let scalarEdges = [UInt256Limbs(1, 0, 0, 0), two, nMinusOne, Scalar.halfOrder, lambda.limbs]
        for value in scalarEdges + (0..<100).map({ _ in generator.scalar().limbs }) {
            let inverse = SafegcdInverse.groupOrder.inverseVariableTime(of: value)
            XCTAssertEqual(inverse, Scalar(reduced: value).inverted().limbs)
        }
        XCTAssertEqual(SafegcdInverse.fieldPrime.inverseVariableTime(of: .zero), .zero)
        XCTAssertEqual(SafegcdInverse.groupOrder.inverseVariableTime(of: .zero), .zero)
    }

    // MARK: Points

    func testJacobianFormulasMatchReference() {
        var generator = SplitMix64(seed: 13)
        for _ in 0..<10 {
            let p = ReferenceCurve.multiply(generator.scalar(), .generator)!
            let q = ReferenceCurve.multiply(generator.scalar(), .generator)!
            // A Jacobian representative with Z ≠ 1, so the formulas meet general coordinates.
            let z = Lazy(generator.limbs())
            let z2 = z.squared()
            let scaledP = JacobianPoint(x: Lazy(p.x) * z2, y: Lazy(p.y) * z2 * z, z: z, isInfinity: false)
            XCTAssertEqual(affine(scaledP), p)
            XCTAssertEqual(affine(scaledP.doubled()), ReferenceCurve.add(p, p))
            XCTAssertEqual(affine(scaledP.doubled().doubled()), ReferenceCurve.multiply(Scalar(4), p))
            XCTAssertEqual(affine(scaledP.adding(AffineCoordinates(q))), ReferenceCurve.add(p, q))
            let (sum, zRatio) = scaledP.addingReportingZRatio(AffineCoordinates(q))
            XCTAssertEqual(affine(sum), ReferenceCurve.add(p, q))
            XCTAssertEqual(sum.z, scaledP.z * zRatio)
            // The same sum kept on the curve scaled by s: P is (X, Y, Z/s) there, and the result's Z times s is
            // the real one.
            let s = Lazy(generator.limbs())
            let onScaledCurve = JacobianPoint(x: scaledP.x, y: scaledP.y, z: z * s.inverted(), isInfinity: false)
            var viaScale = onScaledCurve.adding(AffineCoordinates(q), zScale: s)
            viaScale.z *= s
            XCTAssertEqual(affine(viaScale), ReferenceCurve.add(p, q))
            var fromInfinity = JacobianPoint.infinity.adding(AffineCoordinates(q), zScale: s)
            fromInfinity.z *= s
            XCTAssertEqual(affine(fromInfinity), q)
        }
    }

    /// The exceptional cases of the incomplete formulas: P + P, P + (−P), O + P, 2·O, in plain and scaled form.
    func testJacobianExceptionalCases() {
        let g = AffineCoordinates(.generator)
        let point = JacobianPoint(g)
        XCTAssertEqual(affine(point.adding(g)), ReferenceCurve.add(.generator, .generator))
        XCTAssertEqual(affine(point.addingReportingZRatio(g).sum), ReferenceCurve.add(.generator, .generator))
        XCTAssertTrue(point.adding(g.negated).isInfinity)
        XCTAssertTrue(point.addingReportingZRatio(g.negated).sum.isInfinity)
        XCTAssertEqual(affine(JacobianPoint.infinity.adding(g)), .generator)
        XCTAssertTrue(JacobianPoint.infinity.doubled().isInfinity)
        XCTAssertNil(JacobianPoint.infinity.affine)
        let s = Lazy(UInt256Limbs(12345, 0, 0, 0))
        let onScaledCurve = JacobianPoint(x: point.x, y: point.y, z: s.inverted(), isInfinity: false)
        var doubled = onScaledCurve.adding(g, zScale: s)
        doubled.z *= s
        XCTAssertEqual(affine(doubled), ReferenceCurve.add(.generator, .generator))
        XCTAssertTrue(onScaledCurve.adding(g.negated, zScale: s).isInfinity)
    }

    func testBatchAffine() {
        var point = JacobianPoint(AffineCoordinates(.generator))
        var points: [JacobianPoint] = []
        for _ in 0..<5 {
            points.append(point)
            point = point.doubled().adding(AffineCoordinates(.generator))
        }
        let batch = JacobianPoint.batchAffine(points)
        XCTAssertEqual(batch.map(AffinePoint.init), points.compactMap { affine($0) })
        XCTAssertTrue(JacobianPoint.batchAffine([]).isEmpty)
    }

    func testGeneratorTablesHoldOddMultiples() {
        let tables = VariableTimeMultiplication.generatorTables
        let size = 1 << (VariableTimeMultiplication.generatorWindow - 2)
        XCTAssertEqual(tables.multiples.count, size)
        XCTAssertEqual(tables.images.count, size)
        for index in [0, 1, 2, 3, 100, size - 2, size - 1] {
            let multiple = Scalar(UInt64(2 * index + 1))
            XCTAssertEqual(AffinePoint(tables.multiples[index]), ReferenceCurve.multiply(multiple, .generator))
            XCTAssertEqual(AffinePoint(tables.images[index]), ReferenceCurve.multiply(multiple * lambda, .generator))
        }
    }

    // MARK: Endomorphism and a·G + b·P

    func testEndomorphism() {
        let g = AffinePoint.generator
        let image = AffinePoint(x: (Lazy(g.x) * EndomorphismSplit.beta).fieldElement, y: g.y)
        XCTAssertEqual(ReferenceCurve.multiply(lambda, g), image)
        XCTAssertEqual(lambda * lambda * lambda, .one)
    }

    func testEndomorphismSplitRecombines() {
        var generator = SplitMix64(seed: 14)
        let twoTo128 = Scalar(reduced: UInt256Limbs(0, 0, 1, 0))
        let edges: [Scalar] = [
            .zero, .one, -Scalar.one, lambda, -lambda, lambda + .one, lambda * lambda,
            twoTo128, twoTo128 + -Scalar.one, -twoTo128, Scalar(reduced: Scalar.halfOrder),
            Scalar(reduced: Scalar.halfOrder) + .one,
        ]
        for k in edges + (0..<100).map({ _ in generator.scalar() }) {
            let split = EndomorphismSplit(k)
            XCTAssertEqual(split.first.l2 | split.first.l3 | split.second.l2 | split.second.l3, 0, "halves < 2^128")
            let first = Scalar(reduced: split.first).negated(if: split.firstIsNegative ? .max : 0)
            let second = Scalar(reduced: split.second).negated(if: split.secondIsNegative ? .max : 0)
            XCTAssertEqual(first + second * lambda, k)
        }
        // k = λ splits into 0 + 1·λ.
        let split = EndomorphismSplit(lambda)
        XCTAssertEqual(Scalar(reduced: split.first).negated(if: split.firstIsNegative ? .max : 0), .zero)
        XCTAssertEqual(Scalar(reduced: split.second).negated(if: split.secondIsNegative ? .max : 0), .one)
    }

    func testLinearCombinationMatchesReference() {
        var generator = SplitMix64(seed: 15)
        let p = ReferenceCurve.multiply(generator.scalar(), .generator)!
        let edges: [Scalar] = [
            .zero, .one, -Scalar.one, lambda, -lambda, Scalar(reduced: UInt256Limbs(0, 0, 1, 0)),
            Scalar(reduced: Scalar.halfOrder),
        ]
        var cases: [(Scalar, Scalar)] = []
        for a in edges { cases.append((a, edges[(edges.firstIndex(of: a)! + 3) % edges.count])) }
        cases += (0..<8).map { _ in (generator.scalar(), generator.scalar()) }
        // Also scalars whose halves straddle the split's part boundaries.
        let twoTo64 = Scalar(reduced: UInt256Limbs(0, 1, 0, 0))
        let twoTo128: Scalar = twoTo64 * twoTo64
        cases.append((twoTo64, twoTo64 + -Scalar.one))
        cases.append((twoTo64 * lambda, -twoTo64))
        cases.append((twoTo128 + -Scalar.one, twoTo64 * lambda))
        let twoTo32 = Scalar(reduced: UInt256Limbs(1 << 32, 0, 0, 0))
        let twoTo96 = twoTo64 * twoTo32
        cases.append((twoTo32 + -Scalar.one, twoTo96 + -Scalar.one))
        cases.append((twoTo96 * lambda, -(twoTo32 * lambda)))
        let splitTables = VariableTimeMultiplication.SplitTables(AffineCoordinates(p), window: 6)
        for (a, b) in cases {
            let expected = ReferenceCurve.add(ReferenceCurve.multiply(a, .generator), ReferenceCurve.multiply(b, p))
            let result = VariableTimeMultiplication.linearCombination(
                generatorScalar: a, point: AffineCoordinates(p), pointScalar: b)
            XCTAssertEqual(affine(result), expected, "\(a) \(b)")
            let split = VariableTimeMultiplication.linearCombination(
                generatorScalar: a, splitTables: splitTables, pointScalar: b)
            XCTAssertEqual(affine(split), expected, "split: \(a) \(b)")
        }
    }

    /// With P = G the per-call and static tables hold the same points, so partial sums meet: P + P and P + (−P)
    /// inside the loop, and results at infinity.
    func testLinearCombinationWithCoincidingPoints() {
        let g = AffineCoordinates(.generator)
        let small = [Scalar.one, Scalar(2), Scalar(3), -Scalar.one, -Scalar(3), lambda]
        for a in small {
            for b in small {
                let result = VariableTimeMultiplication.linearCombination(generatorScalar: a, point: g, pointScalar: b)
                XCTAssertEqual(affine(result), ReferenceCurve.multiply(a + b, .generator), "\(a) \(b)")
            }
        }
        XCTAssertTrue(
            VariableTimeMultiplication.linearCombination(generatorScalar: lambda, point: g, pointScalar: -lambda)
                .isInfinity)
        XCTAssertTrue(
            VariableTimeMultiplication.linearCombination(generatorScalar: .zero, point: g, pointScalar: .zero)
                .isInfinity)
        // The same through the split tables, whose points of G and of P are then equal.
        let splitTables = VariableTimeMultiplication.SplitTables(g, window: 6)
        for a in small {
            for b in small {
                let result = VariableTimeMultiplication.linearCombination(
                    generatorScalar: a, splitTables: splitTables, pointScalar: b)
                XCTAssertEqual(affine(result), ReferenceCurve.multiply(a + b, .generator), "split: \(a) \(b)")
            }
        }
        XCTAssertTrue(
            VariableTimeMultiplication.linearCombination(
                generatorScalar: lambda, splitTables: splitTables, pointScalar: -lambda
            ).isInfinity)
    }

    // MARK: Helpers

    private func affine(_ point: JacobianPoint) -> AffinePoint? {
        point.affine.map(AffinePoint.init)
    }
}

extension Scalar {
    fileprivate init(_ small: UInt64) {
        self.init(reduced: UInt256Limbs(small, 0, 0, 0))
    }
}

/// Textbook affine secp256k1 arithmetic on the constant-time ``FieldElement``, one Fermat inversion per operation:
/// slow, but independent of the Jacobian, effective-affine and windowed code it checks. `nil` is the point at
/// infinity.
enum ReferenceCurve {
    static func add(_ p: AffinePoint?, _ q: AffinePoint?) -> AffinePoint? {
        guard let p else { return q }
        guard let q else { return p }
        let slope: FieldElement
        if p.x == q.x {
            guard p.y == q.y else { return nil } // P + (−P)
            slope = p.x.squared().multiplied(bySmall: 3) * p.y.multiplied(bySmall: 2).inverted()
        } else {
            slope = (q.y - p.y) * (q.x - p.x).inverted()
        }
        let x = slope.squared() - p.x - q.x
        return AffinePoint(x: x, y: slope * (p.x - x) - p.y)
    }

    static func negate(_ p: AffinePoint) -> AffinePoint {
        AffinePoint(x: p.x, y: -p.y)
    }

    /// k·p by right-to-left double-and-add over the 256 bits of k.
    static func multiply(_ k: Scalar, _ p: AffinePoint) -> AffinePoint? {
        var result: AffinePoint?
        var addend: AffinePoint? = p
        for index in 0..<256 {
            if k.limbs.bit(index) == 1 { result = add(result, addend) }
            addend = add(addend, addend)
        }
        return result
    }
}
