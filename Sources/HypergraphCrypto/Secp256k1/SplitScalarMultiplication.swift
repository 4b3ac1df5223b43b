/// a·G + b·P for a point P known in advance (a prepared public key), with a quarter of the doublings of
/// ``VariableTimeMultiplication/linearCombination(generatorScalar:point:pointScalar:)``.
///
/// Each half-scalar of the endomorphism split (below 2^128) is cut again into ``partsPerHalf`` parts of
/// ``partBits`` bits, k = k₀ + 2^32·k₁ + 2^64·k₂ + 2^96·k₃, so that k·P = Σ kⱼ·(2^(32j)·P). With tables of each
/// 2^(32j)·P (and of each 2^(32j)·G), the sixteen part-scalars share one run of about 33 doublings instead of 129.
/// The additions stay about as many, since the NAF digits are as sparse as before (each part adds one or so for
/// its final carry). All tables are affine (normalised when built), so every addition is mixed. Building P's tables
/// costs about three checks, which pays back from the fourth signature on.
extension VariableTimeMultiplication {
    /// Parts per half-scalar. Two parts (65 doublings) checked 13% fewer signatures per second
    /// (`hypergraph-bench crypto --cpu-time`); eight were no faster, with twice the tables.
    static let partsPerHalf = 4
    /// Bits per part: a half's 128 bits over ``partsPerHalf``.
    static let partBits = 128 / partsPerHalf
    /// Width of the NAF digits of G's parts: 256 odd multiples per table, 160 KiB for all. Width 12 checks 3% faster
    /// in a benchmark that keeps its tables in cache, with four times the memory for a server's cache to hold.
    static let generatorSplitWindow = 10

    /// A point's tables for ``linearCombination(generatorScalar:splitTables:pointScalar:)``: for each part j, the odd
    /// multiples of 2^(32j)·P and their images, for width-`window` NAF digits.
    struct SplitTables: Sendable {
        /// Part j's multiples at `2j·size`, its images at `(2j + 1)·size`; `size` = 2^(w−2).
        let entries: [AffineCoordinates]
        let window: Int

        init(_ point: AffineCoordinates, window: Int) {
            var entries: [AffineCoordinates] = []
            var base = point
            for part in 0..<partsPerHalf {
                if part > 0 { base = base.doubled(times: partBits) }
                let tables = affineTables(of: base, window: window)
                entries += tables.multiples + tables.images
            }
            self.entries = entries
            self.window = window
        }
    }

    /// G's split tables, built on first use.
    static let generatorSplitTables = SplitTables(AffineCoordinates(.generator), window: generatorSplitWindow)

    /// generatorScalar·G + pointScalar·P, possibly infinity, with P's split tables built beforehand.
    static func linearCombination(
        generatorScalar: Scalar, splitTables: SplitTables, pointScalar: Scalar
    ) -> JacobianPoint {
        let streamCount = 4 * partsPerHalf
        // As for ``digitCapacity``: positions up to the part's bit count, for the final carry, plus one.
        let capacity = partBits + 2
        return splitTables.entries.withUnsafeBufferPointer { pointEntries in
            generatorSplitTables.entries.withUnsafeBufferPointer { generatorEntries in
                withUnsafeTemporaryAllocation(of: UnsafeBufferPointer<AffineCoordinates>.self, capacity: streamCount) {
                    tables in
                    withUnsafeTemporaryAllocation(of: Int16.self, capacity: streamCount * capacity) { digits in
                        digits.initialize(repeating: 0)
                        // Streams [0, 2·parts) are G's, the rest P's; within each, first the first half's parts,
                        // then the second's. Each stream gets its NAF digits and its table.
                        var length = 0
                        func writeStreams(
                            _ scalar: Scalar, entries: UnsafeBufferPointer<AffineCoordinates>, window: Int,
                            at first: Int
                        ) {
                            let halves = EndomorphismSplit(scalar)
                            let size = entries.count / (2 * partsPerHalf)
                            for half in 0..<2 {
                                let value = half == 0 ? halves.first : halves.second
                                let negated = half == 0 ? halves.firstIsNegative : halves.secondIsNegative
                                for part in 0..<partsPerHalf {
                                    let stream = first + half * partsPerHalf + part
                                    let table = (2 * part + half) * size
                                    tables.initializeElement(
                                        at: stream, to: UnsafeBufferPointer(rebasing: entries[table..<(table + size)]))
                                    length = max(
                                        length,
                                        writeNAF(
                                            UInt256Limbs(value.bits(part * partBits, count: partBits), 0, 0, 0),
                                            negated: negated, window: window, capacity: capacity,
                                            into: UnsafeMutableBufferPointer(rebasing: digits[(stream * capacity)...])))
                                }
                            }
                        }
                        writeStreams(generatorScalar, entries: generatorEntries, window: generatorSplitWindow, at: 0)
                        writeStreams(
                            pointScalar, entries: pointEntries, window: splitTables.window, at: 2 * partsPerHalf)
                        var sum = JacobianPoint.infinity
                        for position in stride(from: length - 1, through: 0, by: -1) {
                            sum = sum.doubled()
                            for stream in 0..<streamCount {
                                if let entry = entry(digits[stream * capacity + position], in: tables[stream]) {
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
    /// 2^count·self, affine.
    fileprivate func doubled(times count: Int) -> AffineCoordinates {
        var point = JacobianPoint(self)
        for _ in 0..<count { point = point.doubled() }
        guard let affine = point.affine else {
            preconditionFailure("secp256k1 has prime order, so 2^k·P is infinity only for P at infinity")
        }
        return affine
    }
}
