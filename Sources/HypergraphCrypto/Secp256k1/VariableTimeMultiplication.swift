/// Variable-time a·G + b·P for public scalars and points (verification and recovery), structured like
/// libsecp256k1's `ecmult`:
///
/// * Both scalars are split with the endomorphism into halves below 2^128 (``EndomorphismSplit``), so the four
///   half-scalars share one run of ~129 doublings (Straus/Shamir interleaving).
/// * Each half is written in width-w NAF (odd signed digits, at least w − 1 zeros between them), which needs only
///   odd multiples of its base: 2^(w−2) of G and as many of λG in static affine tables (w = 12, so a G half adds
///   about every 13 bits), and 8 of P and of λP (w = 5) built per call. (A key that checks many signatures
///   prepares larger tables once instead: ``linearCombination(generatorScalar:splitTables:pointScalar:)``.)
/// * P's table is *effective affine*: built on the isomorphic curve y² = x³ + 7c⁶ on which 2P (with Jacobian Z = c)
///   is affine, so its additions are mixed, and rescaled to one common Z with the additions' Z ratios instead of an
///   inversion. Its entries are then affine on that curve; the running sum stays there (the formulas never use the
///   curve constant), G's entries join it with the common Z as a scale (9M + 3S instead of P's 8M + 3S), and the
///   result's Z is multiplied by it once at the end.
enum VariableTimeMultiplication {
    static let generatorWindow = 12
    static let pointWindow = 5
    /// NAF digits of a half below 2^128: positions up to 128 for the final carry, plus one.
    static let digitCapacity = 130

    /// Odd multiples 1·G, 3·G, …, (2^(w−1) − 1)·G, affine, and their images under the endomorphism (multiples of
    /// λG). Built on first use (1,024 additions and one inversion, well under a millisecond); 160 KiB.
    static let generatorTables = affineTables(of: AffineCoordinates(.generator), window: generatorWindow)

    /// The odd multiples 1·P, 3·P, …, (2^(w−1) − 1)·P of `point`, affine, and their images under the endomorphism:
    /// 2^(w−2) of each, w = `window`. Built with ``writeOddMultiples(of:into:)`` and one inversion.
    static func affineTables(
        of point: AffineCoordinates, window: Int
    ) -> (multiples: [AffineCoordinates], images: [AffineCoordinates]) {
        let size = 1 << (window - 2)
        let multiples = [AffineCoordinates](unsafeUninitializedCapacity: size) { buffer, count in
            let commonZ = writeOddMultiples(of: point, into: buffer)
            let zInverse = commonZ.inverted()
            let zInverse2 = zInverse.squared()
            let zInverse3 = zInverse2 * zInverse
            for index in 0..<size {
                buffer[index] = AffineCoordinates(x: buffer[index].x * zInverse2, y: buffer[index].y * zInverse3)
            }
            count = size
        }
        return (multiples, multiples.map(\.endomorphismImage))
    }

    /// generatorScalar·G + pointScalar·point, possibly infinity.
    static func linearCombination(
        generatorScalar: Scalar, point: AffineCoordinates, pointScalar: Scalar
    ) -> JacobianPoint {
        let pointTableSize = 1 << (pointWindow - 2)
        return withUnsafeTemporaryAllocation(of: AffineCoordinates.self, capacity: 2 * pointTableSize) { pointTables in
            // pointTables[i] = (2i + 1)·point and pointTables[size + i] its image, sharing the Z `commonZ`.
            let commonZ = writeOddMultiples(
                of: point, into: UnsafeMutableBufferPointer(rebasing: pointTables[..<pointTableSize]))
            for index in 0..<pointTableSize {
                pointTables.initializeElement(at: pointTableSize + index, to: pointTables[index].endomorphismImage)
            }
            return withUnsafeTemporaryAllocation(of: Int16.self, capacity: 4 * digitCapacity) { digits in
                digits.initialize(repeating: 0)
                let naf = { (index: Int) in UnsafeMutableBufferPointer(rebasing: digits[(index * digitCapacity)...]) }
                let generatorHalves = EndomorphismSplit(generatorScalar)
                let pointHalves = EndomorphismSplit(pointScalar)
                let length = max(
                    writeNAF(
                        generatorHalves.first, negated: generatorHalves.firstIsNegative,
                        window: generatorWindow, into: naf(0)),
                    writeNAF(
                        generatorHalves.second, negated: generatorHalves.secondIsNegative,
                        window: generatorWindow, into: naf(1)),
                    writeNAF(
                        pointHalves.first, negated: pointHalves.firstIsNegative,
                        window: pointWindow, into: naf(2)),
                    writeNAF(
                        pointHalves.second, negated: pointHalves.secondIsNegative,
                        window: pointWindow, into: naf(3)))

                let points = UnsafeBufferPointer(pointTables)
                let pointImages = UnsafeBufferPointer(rebasing: points[pointTableSize...])
                return generatorTables.multiples.withUnsafeBufferPointer { generators in
                    generatorTables.images.withUnsafeBufferPointer { generatorImages in
                        var sum = JacobianPoint.infinity
                        for position in stride(from: length - 1, through: 0, by: -1) {
                            sum = sum.doubled()
                            if let entry = entry(digits[2 * digitCapacity + position], in: points) {
                                sum = sum.adding(entry)
                            }
                            if let entry = entry(digits[3 * digitCapacity + position], in: pointImages) {
                                sum = sum.adding(entry)
                            }
                            if let entry = entry(digits[position], in: generators) {
                                sum = sum.adding(entry, zScale: commonZ)
                            }
                            if let entry = entry(digits[digitCapacity + position], in: generatorImages) {
                                sum = sum.adding(entry, zScale: commonZ)
                            }
                        }
                        if !sum.isInfinity { sum.z *= commonZ }
                        return sum
                    }
                }
            }
        }
    }

    /// Writes (2i + 1)·point for i in 0..<table.count (at least 2) into `table`, as affine coordinates on an
    /// isomorphic curve where they all have one Z, and returns that Z as seen from the real curve: entry (x, y)
    /// stands for the Jacobian point (x, y, Z). Costs one doubling, table.count − 1 mixed additions and about
    /// 4 multiplications per entry; no inversion.
    private static func writeOddMultiples(
        of point: AffineCoordinates, into table: UnsafeMutableBufferPointer<AffineCoordinates>
    ) -> VariableTimeFieldElement {
        let last = table.count - 1
        // 2P = (X, Y, c). On the curve scaled by c it is the affine (X, Y), and P is (x·c², y·c³).
        let double = JacobianPoint(point).doubled()
        let doubleThere = AffineCoordinates(x: double.x, y: double.y)
        let c2 = double.z.squared()
        var sum = JacobianPoint(AffineCoordinates(x: point.x * c2, y: point.y * c2 * double.z))
        return withUnsafeTemporaryAllocation(of: VariableTimeFieldElement.self, capacity: table.count) { zRatios in
            // zRatios[i] = Zᵢ / Zᵢ₋₁ for the running sums P, 3P, 5P, …
            table.initializeElement(at: 0, to: AffineCoordinates(x: sum.x, y: sum.y))
            for index in 1...last {
                let step = sum.addingReportingZRatio(doubleThere)
                sum = step.sum
                zRatios.initializeElement(at: index, to: step.zRatio)
                table.initializeElement(at: index, to: AffineCoordinates(x: sum.x, y: sum.y))
            }
            // Scale entry i by (Z_last / Zᵢ)² and ³, the product of the ratios after it.
            table[last] = table[last].normalizedWeakly
            var scale = zRatios[last]
            for index in stride(from: last - 1, through: 0, by: -1) {
                let scale2 = scale.squared()
                table[index] = AffineCoordinates(x: table[index].x * scale2, y: table[index].y * scale2 * scale)
                if index > 0 { scale *= zRatios[index] }
            }
            return sum.z * double.z
        }
    }

    /// The table entry for a NAF digit, negated for a negative digit; `nil` for a zero digit.
    @inline(__always)
    static func entry(
        _ digit: Int16, in table: UnsafeBufferPointer<AffineCoordinates>
    ) -> AffineCoordinates? {
        guard digit != 0 else { return nil }
        let entry = table[Int(digit.magnitude) >> 1]
        return digit < 0 ? entry.negated : entry
    }

    /// Writes the width-`window` NAF of `value` (below 2^(capacity − 2)), with every digit negated when `negated` is
    /// set, and returns the number of positions used.
    static func writeNAF(
        _ value: UInt256Limbs, negated: Bool, window: Int, capacity: Int = digitCapacity,
        into digits: UnsafeMutableBufferPointer<Int16>
    ) -> Int {
        var carry: UInt64 = 0
        var position = 0
        var length = 0
        while position < capacity - 1 {
            guard value.bit(position) != carry else {
                position += 1
                continue
            }
            var word = value.bits(position, count: window) &+ carry
            carry = (word >> UInt64(window - 1)) & 1
            word = word &- (carry << UInt64(window))
            let digit = Int16(truncatingIfNeeded: Int64(bitPattern: word))
            digits[position] = negated ? -digit : digit
            length = position + 1
            position += window
        }
        return length
    }
}

extension AffineCoordinates {
    /// λ·self = (βx, y); also valid on the isomorphic curves, which share the endomorphism.
    var endomorphismImage: AffineCoordinates {
        AffineCoordinates(x: x * EndomorphismSplit.beta, y: y)
    }
}
