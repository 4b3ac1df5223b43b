/// Variable-time a·G + b·P for public scalars and points (verification and recovery).
///
/// Both scalars are split with the GLV endomorphism into halves of at most 128 bits (a = a₁ + a₂·λ), so the four
/// half-scalars share one run of ~129 doublings (Straus/Shamir interleaving). Each half is written in width-w NAF
/// (odd signed digits, at least w − 1 zeros between them), which needs only odd multiples of its base:
/// a large fixed table for G, and a small per-call table for P.
enum VariableTimeMultiplication {
    static let generatorWindow = 8
    static let pointWindow = 5
    /// NAF digits of a 128-bit half: one more position than bits, for the final carry.
    private static let digitCapacity = 130

    /// Odd multiples 1·G, 3·G, …, (2^(w−1) − 1)·G, then the same multiples of λ·G. Built on first use.
    static let generatorTable: [AffinePoint] = {
        var odd: [JacobianPoint] = [JacobianPoint(.generator)]
        let double = JacobianPoint(.generator).doubled()
        for _ in 1..<(1 << (generatorWindow - 2)) { odd.append(odd[odd.count - 1].adding(double)) }
        let affine = JacobianPoint.batchAffine(odd)
        return affine + affine.map(\.endomorphism)
    }()

    /// generatorScalar·G + pointScalar·point, possibly infinity.
    static func linearCombination(
        generatorScalar: Scalar, point: AffinePoint, pointScalar: Scalar
    ) -> JacobianPoint {
        let generatorHalves = EndomorphismSplit(generatorScalar)
        let pointHalves = EndomorphismSplit(pointScalar)
        let pointTableSize = 1 << (pointWindow - 2)
        return withUnsafeTemporaryAllocation(of: Int8.self, capacity: 4 * digitCapacity) { digits in
            withUnsafeTemporaryAllocation(of: JacobianPoint.self, capacity: 2 * pointTableSize) { pointTable in
                // pointTable[i] = (2i + 1)·point, pointTable[size + i] = λ·(2i + 1)·point = (βX, Y, Z).
                let double = JacobianPoint(point).doubled()
                pointTable.initializeElement(at: 0, to: JacobianPoint(point))
                for index in 1..<pointTableSize {
                    pointTable.initializeElement(at: index, to: pointTable[index - 1].adding(double))
                }
                for index in 0..<pointTableSize {
                    var image = pointTable[index]
                    image.x *= AffinePoint.endomorphismBeta
                    pointTable.initializeElement(at: pointTableSize + index, to: image)
                }
                defer { pointTable.deinitialize() }

                digits.initialize(repeating: 0)
                let naf = { (index: Int) in UnsafeMutableBufferPointer(rebasing: digits[(index * digitCapacity)...]) }
                let length = max(
                    writeNAF(generatorHalves.first, window: generatorWindow, into: naf(0)),
                    writeNAF(generatorHalves.second, window: generatorWindow, into: naf(1)),
                    writeNAF(pointHalves.first, window: pointWindow, into: naf(2)),
                    writeNAF(pointHalves.second, window: pointWindow, into: naf(3)))

                let generatorHalfSize = 1 << (generatorWindow - 2)
                return generatorTable.withUnsafeBufferPointer { generatorEntries in
                    var accumulator = JacobianPoint.infinity
                    for position in stride(from: length - 1, through: 0, by: -1) {
                        accumulator = accumulator.doubled()
                        accumulator = addDigit(
                            digits[position], negate: generatorHalves.firstIsNegative, to: accumulator,
                            from: generatorEntries, offset: 0)
                        accumulator = addDigit(
                            digits[digitCapacity + position], negate: generatorHalves.secondIsNegative,
                            to: accumulator, from: generatorEntries, offset: generatorHalfSize)
                        accumulator = addDigit(
                            digits[2 * digitCapacity + position], negate: pointHalves.firstIsNegative,
                            to: accumulator, from: UnsafeBufferPointer(pointTable), offset: 0)
                        accumulator = addDigit(
                            digits[3 * digitCapacity + position], negate: pointHalves.secondIsNegative,
                            to: accumulator, from: UnsafeBufferPointer(pointTable), offset: pointTableSize)
                    }
                    return accumulator
                }
            }
        }
    }

    /// Adds digit·base from a table of odd multiples of base, where the signs of the digit and of the half-scalar
    /// combine.
    @inline(__always)
    private static func addDigit<Entry: JacobianAddend>(
        _ digit: Int8, negate: Bool, to accumulator: JacobianPoint,
        from entries: UnsafeBufferPointer<Entry>, offset: Int
    ) -> JacobianPoint {
        guard digit != 0 else { return accumulator }
        let entry = entries[offset + Int(digit.magnitude) >> 1]
        return ((digit < 0) != negate ? entry.negated : entry).added(to: accumulator)
    }

    /// Writes the width-`window` NAF of `value` (below 2^128) and returns the number of positions used.
    private static func writeNAF(_ value: UInt256Limbs, window: Int, into digits: UnsafeMutableBufferPointer<Int8>) -> Int {
        var carry: UInt64 = 0
        var position = 0
        var length = 0
        while position < digitCapacity - 1 {
            guard value.bit(position) != carry else {
                position += 1
                continue
            }
            var word = value.bits(position, count: window) &+ carry
            carry = (word >> UInt64(window - 1)) & 1
            word = word &- (carry << UInt64(window))
            digits[position] = Int8(truncatingIfNeeded: Int64(bitPattern: word))
            length = position + 1
            position += window
        }
        return length
    }
}

/// Table entries for ``VariableTimeMultiplication``: affine points for G (mixed addition), Jacobian points for
/// the per-call table of P (which is never converted to affine, as that would cost an inversion).
private protocol JacobianAddend {
    var negated: Self { get }
    func added(to point: JacobianPoint) -> JacobianPoint
}

extension AffinePoint: JacobianAddend {
    func added(to point: JacobianPoint) -> JacobianPoint { point.adding(self) }
}

extension JacobianPoint: JacobianAddend {
    func added(to point: JacobianPoint) -> JacobianPoint { point.adding(self) }
}

/// k = first + second·λ (mod n) with both halves below 2^128 in magnitude (libsecp256k1's lattice constants).
struct EndomorphismSplit {
    var first: UInt256Limbs
    var firstIsNegative: Bool
    var second: UInt256Limbs
    var secondIsNegative: Bool

    private static let minusB1 = Scalar(reduced: UInt256Limbs(0x6F54_7FA9_0ABF_E4C3, 0xE443_7ED6_010E_8828, 0, 0))
    private static let minusB2 = Scalar(reduced: UInt256Limbs(
        0xD765_CDA8_3DB1_562C, 0x8A28_0AC5_0774_346D, 0xFFFF_FFFF_FFFF_FFFE, 0xFFFF_FFFF_FFFF_FFFF))
    private static let g1 = UInt256Limbs(
        0xE893_209A_45DB_B031, 0x3DAA_8A14_71E8_CA7F, 0xE86C_90E4_9284_EB15, 0x3086_D221_A7D4_6BCD)
    private static let g2 = UInt256Limbs(
        0x1571_B4AE_8AC4_7F71, 0x2212_08AC_9DF5_06C6, 0x6F54_7FA9_0ABF_E4C4, 0xE443_7ED6_010E_8828)
    private static let minusLambda = -Scalar(reduced: UInt256Limbs(
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
        return Scalar(reduced: UInt256Limbs(high.l2, high.l3, 0, 0).addingReportingCarry(
            UInt256Limbs(roundingBit, 0, 0, 0)).sum)
    }
}
