/// Constant-time k·G for secret k (private-key derivation and signing nonces).
///
/// k is read as 64 four-bit digits d₀…d₆₃ and k·G = Σ dᵢ·16ⁱ·G. A table built once holds every dᵢ·16ⁱ·G for
/// dᵢ = 1…15, so the multiplication is 64 additions and no doublings. To keep secrets out of timing and memory
/// access patterns, each step reads *all* fifteen entries of its window and keeps the wanted one with masks,
/// performs the addition with complete (exception-free) formulas even when the digit is zero, and keeps or
/// discards the sum with a mask.
enum GeneratorMultiplication {
    static let windowBits = 4
    static let windowCount = 256 / windowBits
    static let entriesPerWindow = (1 << windowBits) - 1

    /// Entry `window * entriesPerWindow + (digit − 1)` is digit·16^window·G. Built on first use from public
    /// constants with the variable-time point arithmetic (about 1,000 point additions and one batched inversion
    /// per window); the table is immutable afterwards and shared by all threads.
    static let table: [AffinePoint] = {
        var entries: [AffinePoint] = []
        entries.reserveCapacity(windowCount * entriesPerWindow)
        var base = AffineCoordinates(.generator)
        for _ in 0..<windowCount {
            // 1·base … 16·base; the last is the next window's base.
            var multiples: [JacobianPoint] = [JacobianPoint(base)]
            for _ in 0..<entriesPerWindow { multiples.append(multiples[multiples.count - 1].adding(base)) }
            let affine = JacobianPoint.batchAffine(multiples)
            entries += affine[..<entriesPerWindow].map(AffinePoint.init)
            base = affine[entriesPerWindow]
        }
        return entries
    }()

    /// k·G in affine form; `nil` only when k is zero, which callers have excluded.
    static func multiply(_ scalar: Scalar) -> AffinePoint? {
        table.withUnsafeBufferPointer { entries in
            var accumulator = ProjectivePoint.infinity
            for window in 0..<windowCount {
                let digit = scalar.limbs.bits(window * windowBits, count: windowBits)
                var selected = AffinePoint(x: .zero, y: .zero)
                for entry in 0..<entriesPerWindow {
                    let isWanted = UInt64.mask(isZero: UInt64(entry + 1) ^ digit)
                    let candidate = entries[window * entriesPerWindow + entry]
                    selected.x = .select(isWanted, candidate.x, selected.x)
                    selected.y = .select(isWanted, candidate.y, selected.y)
                }
                let sum = accumulator.adding(selected)
                accumulator = .select(UInt64.mask(isZero: digit), accumulator, sum)
            }
            return accumulator.affine
        }
    }
}

/// A point in homogeneous projective coordinates, (X : Y : Z) standing for (X/Z, Y/Z), with (0 : 1 : 0) the
/// point at infinity. Addition uses the complete formulas of Renes, Costello and Batina (2016), which are correct
/// for every input, doublings and infinity included, so they contain no branches.
struct ProjectivePoint {
    var x: FieldElement
    var y: FieldElement
    var z: FieldElement

    static let infinity = ProjectivePoint(x: .zero, y: .one, z: .zero)

    /// 3·b for b = 7, as the formulas use it.
    private static let b3: UInt64 = 21

    /// self + other for an affine `other` (Algorithm 8 of the paper: 11M + 2 small multiplications).
    @inline(__always)
    func adding(_ other: AffinePoint) -> ProjectivePoint {
        var t0 = x * other.x
        var t1 = y * other.y
        var t3 = other.x + other.y
        var t4 = x + y
        t3 = t3 * t4
        t4 = t0 + t1
        t3 = t3 - t4
        t4 = other.y * z + y
        var y3 = other.x * z + x
        var x3 = t0 + t0
        t0 = x3 + t0
        var t2 = z.multiplied(bySmall: Self.b3)
        var z3 = t1 + t2
        t1 = t1 - t2
        y3 = y3.multiplied(bySmall: Self.b3)
        x3 = t4 * y3
        t2 = t3 * t1
        x3 = t2 - x3
        y3 = y3 * t0
        t1 = t1 * z3
        y3 = t1 + y3
        t0 = t0 * t3
        z3 = z3 * t4
        z3 = z3 + t0
        return ProjectivePoint(x: x3, y: y3, z: z3)
    }

    @inline(__always)
    static func select(_ mask: UInt64, _ a: ProjectivePoint, _ b: ProjectivePoint) -> ProjectivePoint {
        ProjectivePoint(x: .select(mask, a.x, b.x), y: .select(mask, a.y, b.y), z: .select(mask, a.z, b.z))
    }

    /// The affine form (constant-time inversion), or `nil` at infinity.
    var affine: AffinePoint? {
        guard !z.isZero else { return nil }
        let zInverse = z.inverted()
        return AffinePoint(x: x * zInverse, y: y * zInverse)
    }
}
