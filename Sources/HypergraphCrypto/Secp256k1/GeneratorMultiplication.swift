/// Constant-time k·G for secret k (private-key derivation and signing nonces).
///
/// k is recoded into 52 signed five-bit digits d₀…d₅₁ in −15…16 with k = Σ dᵢ·32ⁱ (a digit above 16 becomes
/// dᵢ − 32 and carries one into the next window), so k·G = Σ dᵢ·32ⁱ·G. A table built once holds every
/// |dᵢ|·32ⁱ·G for |dᵢ| = 1…16, so the multiplication is 52 additions and no doublings; a negative digit adds the
/// entry with y negated. To keep secrets out of timing and memory access patterns, each step reads *all* sixteen
/// entries of its window and keeps the wanted one with masks, negates with a mask, performs the addition with
/// complete (exception-free) formulas even when the digit is zero, and keeps or discards the sum with a mask.
enum GeneratorMultiplication {
    static let windowBits = 5
    /// 52 windows cover 260 bits; the last holds only bit 255 and the carry, so it never carries out.
    static let windowCount = (256 + windowBits - 1) / windowBits
    static let entriesPerWindow = 1 << (windowBits - 1)

    /// Entry `window * entriesPerWindow + (|digit| − 1)` is |digit|·32^window·G. Built on first use from public
    /// constants with the variable-time point arithmetic (16 point additions, one doubling and one batched
    /// inversion per window); the table (53 KiB) is immutable afterwards and shared by all threads.
    static let table: [AffinePoint] = {
        var entries: [AffinePoint] = []
        entries.reserveCapacity(windowCount * entriesPerWindow)
        var base = AffineCoordinates(.generator)
        for _ in 0..<windowCount {
            // 1·base … 16·base, then 32·base, the next window's base.
            var multiples: [JacobianPoint] = [JacobianPoint(base)]
            for _ in 1..<entriesPerWindow { multiples.append(multiples[multiples.count - 1].adding(base)) }
            multiples.append(multiples[multiples.count - 1].doubled())
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
            var carry: UInt64 = 0
            for window in 0..<windowCount {
                // value in 0…32; above 16 it stands for value − 32 and a carry into the next window.
                let value = scalar.limbs.bits(window * windowBits, count: windowBits) &+ carry
                carry = (UInt64(entriesPerWindow) &- value) >> 63
                let isNegative = UInt64.mask(ofBit: carry)
                let complement = (1 << UInt64(windowBits)) &- value // |value − 32|
                let magnitude = value ^ ((value ^ complement) & isNegative)
                var selected = AffinePoint(x: .zero, y: .zero)
                for entry in 0..<entriesPerWindow {
                    let isWanted = UInt64.hiddenFromOptimizer(.mask(isZero: UInt64(entry + 1) ^ magnitude))
                    let candidate = entries[window * entriesPerWindow + entry]
                    selected.x = .select(isWanted, candidate.x, selected.x)
                    selected.y = .select(isWanted, candidate.y, selected.y)
                }
                selected.y = .select(isNegative, -selected.y, selected.y)
                let sum = accumulator.adding(selected)
                accumulator = .select(UInt64.mask(isZero: magnitude), accumulator, sum)
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
