/// a·G + b·P for a point P known in advance (a prepared public key), with half the doublings of
/// ``VariableTimeMultiplication/linearCombination(generatorScalar:point:pointScalar:)``.
///
/// Each half-scalar of the endomorphism split (below 2^128) is split again at bit 64, k = low + 2^64·high, so that
/// k·P = low·P + high·(2^64·P). With tables of P and of 2^64·P (and of G and 2^64·G), the eight quarter-scalars
/// share one run of about 65 doublings instead of 129; the additions stay as many, since the NAF digits are as
/// sparse as before. All tables are affine (normalised when built), so every addition is mixed. Building P's tables
/// costs about two multiplications, which pays back from the third signature on.
extension VariableTimeMultiplication {
    /// A point's tables for ``linearCombination(generatorScalar:quarterTables:pointScalar:)``: the odd multiples and
    /// their images of P, then the same of 2^64·P, for width-`window` NAF digits.
    struct QuarterTables: Sendable {
        /// P's multiples, P's images, 2^64·P's multiples, 2^64·P's images; 2^(w−2) each.
        let entries: [AffineCoordinates]
        let window: Int

        init(_ point: AffineCoordinates, window: Int) {
            let low = affineTables(of: point, window: window)
            let high = affineTables(of: point.timesTwoToThe64th, window: window)
            entries = low.multiples + low.images + high.multiples + high.images
            self.window = window
        }
    }

    /// G's tables for the quarter split, built on first use (two sets of 1,024 points and their images); 320 KiB.
    static let generatorQuarterTables = QuarterTables(AffineCoordinates(.generator), window: generatorWindow)

    /// generatorScalar·G + pointScalar·P, possibly infinity, with P's quarter tables built beforehand.
    static func linearCombination(
        generatorScalar: Scalar, quarterTables: QuarterTables, pointScalar: Scalar
    ) -> JacobianPoint {
        quarterTables.entries.withUnsafeBufferPointer { pointEntries in
            generatorQuarterTables.entries.withUnsafeBufferPointer { generatorEntries in
                withUnsafeTemporaryAllocation(of: UnsafeBufferPointer<AffineCoordinates>.self, capacity: 8) { tables in
                    withUnsafeTemporaryAllocation(of: Int16.self, capacity: 8 * digitCapacity) { digits in
                        digits.initialize(repeating: 0)
                        // Streams 0–3 are G's quarters, 4–7 P's, each in the order of its table's four parts; each
                        // stream gets its NAF digits and its table.
                        var length = 0
                        func writeStreams(
                            _ scalar: Scalar, entries: UnsafeBufferPointer<AffineCoordinates>, window: Int,
                            at first: Int
                        ) {
                            let halves = EndomorphismSplit(scalar)
                            let part = entries.count / 4
                            for offset in 0..<4 {
                                let half = offset % 2 == 0 ? halves.first : halves.second
                                let negated = offset % 2 == 0 ? halves.firstIsNegative : halves.secondIsNegative
                                let stream = first + offset
                                tables.initializeElement(
                                    at: stream,
                                    to: UnsafeBufferPointer(rebasing: entries[(offset * part)..<((offset + 1) * part)]))
                                length = max(
                                    length,
                                    writeNAF(
                                        UInt256Limbs(offset < 2 ? half.l0 : half.l1, 0, 0, 0), negated: negated,
                                        window: window,
                                        into: UnsafeMutableBufferPointer(rebasing: digits[(stream * digitCapacity)...]))
                                )
                            }
                        }
                        writeStreams(generatorScalar, entries: generatorEntries, window: generatorWindow, at: 0)
                        writeStreams(pointScalar, entries: pointEntries, window: quarterTables.window, at: 4)
                        var sum = JacobianPoint.infinity
                        for position in stride(from: length - 1, through: 0, by: -1) {
                            sum = sum.doubled()
                            for stream in 0..<8 {
                                if let entry = entry(digits[stream * digitCapacity + position], in: tables[stream]) {
                                    sum = sum.adding(entry)
                                }
                            }
                        }
                        return sum
                    }
                }
            }
        }
    }
}

extension AffineCoordinates {
    /// 2^64·self, affine: the base of the upper quarter of a split scalar.
    fileprivate var timesTwoToThe64th: AffineCoordinates {
        var point = JacobianPoint(self)
        for _ in 0..<64 { point = point.doubled() }
        guard let affine = point.affine else {
            preconditionFailure("secp256k1 has prime order, so 2^64·P is infinity only for P at infinity")
        }
        return affine
    }
}
