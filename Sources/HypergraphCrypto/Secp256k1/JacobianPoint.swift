/// Affine coordinates (x, y) in the variable-time field: entries of the verification tables and the input point of
/// a·G + b·P. The point may also lie on an isomorphic curve y² = x³ + 7c⁶ (see ``VariableTimeMultiplication``):
/// the addition and doubling formulas do not involve the curve constant, so they work there unchanged.
struct AffineCoordinates: Sendable {
    var x: VariableTimeFieldElement
    var y: VariableTimeFieldElement

    private static let curveB = VariableTimeFieldElement(UInt256Limbs(7, 0, 0, 0))

    init(x: VariableTimeFieldElement, y: VariableTimeFieldElement) {
        self.x = x
        self.y = y
    }

    init(_ point: AffinePoint) {
        self.init(x: VariableTimeFieldElement(point.x), y: VariableTimeFieldElement(point.y))
    }

    /// The point with this x coordinate whose y has the requested parity, if x³ + 7 is a square.
    init?(x: VariableTimeFieldElement, yIsOdd: Bool) {
        guard let root = (x.squared() * x + Self.curveB).squareRoot() else { return nil }
        self.init(x: x, y: root.isOdd == yIsOdd ? root : root.negated(magnitude: 1))
    }

    /// −self; y must have magnitude 1, as table entries do.
    var negated: AffineCoordinates { AffineCoordinates(x: x, y: y.negated(magnitude: 1)) }

    /// Both coordinates brought to magnitude 1.
    var normalizedWeakly: AffineCoordinates { AffineCoordinates(x: x.normalizedWeakly, y: y.normalizedWeakly) }
}

extension AffinePoint {
    init(_ coordinates: AffineCoordinates) {
        self.init(x: coordinates.x.fieldElement, y: coordinates.y.fieldElement)
    }
}

/// A point in Jacobian coordinates, (X, Y, Z) standing for (X/Z², Y/Z³), with a flag for the point at infinity.
///
/// For variable-time work only (verification, recovery, and building the precomputed tables from G): the
/// formulas branch on their exceptional cases, and the field is ``VariableTimeFieldElement``. Signing uses
/// ``ProjectivePoint``. The formulas are libsecp256k1's and leave X and Y at magnitude ≤ 4 and Z at 1, which
/// the next formula accepts without normalising.
struct JacobianPoint: Sendable {
    var x: VariableTimeFieldElement
    var y: VariableTimeFieldElement
    var z: VariableTimeFieldElement
    var isInfinity: Bool

    static let infinity = JacobianPoint(x: .zero, y: .zero, z: .zero, isInfinity: true)

    init(x: VariableTimeFieldElement, y: VariableTimeFieldElement, z: VariableTimeFieldElement, isInfinity: Bool) {
        self.x = x
        self.y = y
        self.z = z
        self.isInfinity = isInfinity
    }

    init(_ point: AffineCoordinates) {
        self.init(x: point.x, y: point.y, z: .one, isInfinity: false)
    }

    /// The affine form, or `nil` for the point at infinity (one field inversion).
    var affine: AffineCoordinates? {
        guard !isInfinity else { return nil }
        let zInverse = z.inverted()
        let zInverse2 = zInverse.squared()
        return AffineCoordinates(x: x * zInverse2, y: y * zInverse2 * zInverse).normalizedWeakly
    }

    /// 2·self with 3M + 4S (libsecp256k1's `gej_double`), giving Z3 = Y·Z. secp256k1 has no point of order two, so
    /// only infinity doubles to infinity.
    @inline(__always)
    func doubled() -> JacobianPoint {
        guard !isInfinity else { return self }
        let z3 = z * y
        let s = y.squared()
        let l = x.squared().multiplied(bySmall: 3).halved() // 3/2·X²
        let t = s.negated(magnitude: 1) * x // −X·S
        let x3 = l.squared() + t + t
        let y3 = ((t + x3) * l + s.squared()).negated(magnitude: 2)
        return JacobianPoint(x: x3, y: y3, z: z3, isInfinity: false)
    }

    /// self + b for an affine b on the same curve, with 8M + 3S.
    @inline(__always)
    func adding(_ b: AffineCoordinates) -> JacobianPoint {
        guard !isInfinity else { return JacobianPoint(b) }
        return adding(b, scaledZ: z).sum
    }

    /// self + b where b lies on the curve whose points are this one's scaled by `zScale` (9M + 3S): b = (x, y)
    /// there stands for the Jacobian (x, y, 1/zScale) here. This adds points of the real curve to a sum kept on an
    /// isomorphic curve (libsecp256k1's `gej_add_zinv_var`).
    @inline(__always)
    func adding(_ b: AffineCoordinates, zScale: VariableTimeFieldElement) -> JacobianPoint {
        guard !isInfinity else {
            let scale2 = zScale.squared()
            return JacobianPoint(AffineCoordinates(x: b.x * scale2, y: b.y * scale2 * zScale))
        }
        return adding(b, scaledZ: z * zScale).sum
    }

    /// self + b for an affine b, and the ratio Z3/Z1 (self must be finite). The ratios let a table of successive sums
    /// be rescaled to one common Z without any inversion.
    func addingReportingZRatio(_ b: AffineCoordinates) -> (sum: JacobianPoint, zRatio: VariableTimeFieldElement) {
        adding(b, scaledZ: z)
    }

    /// The addition of libsecp256k1's `gej_add_ge_var`, with b's coordinates multiplied by `scaledZ` powers where
    /// they meet self's (scaledZ = Z1 for an affine b; Z1·zScale for ``adding(_:zScale:)``).
    @inline(__always)
    private func adding(
        _ b: AffineCoordinates, scaledZ: VariableTimeFieldElement
    ) -> (sum: JacobianPoint, zRatio: VariableTimeFieldElement) {
        let z12 = scaledZ.squared()
        let u2 = b.x * z12
        let s2 = b.y * z12 * scaledZ
        let h = x.negated(magnitude: 4) + u2 // U2 − U1
        let i = s2.negated(magnitude: 1) + y // S1 − S2
        if h.isZero {
            // Equal x: the same point (double it) or opposite points (infinity).
            return i.isZero ? (doubled(), y) : (.infinity, .zero)
        }
        let z3 = z * h
        let h2 = h.squared().negated(magnitude: 1) // −H²
        let h3 = h2 * h // −H³
        let t = x * h2 // −U1·H²
        let x3 = i.squared() + h3 + t + t // (S1 − S2)² − H³ − 2·U1·H²
        let y3 = (t + x3) * i + h3 * y // (U1·H² − X3)·(S2 − S1) − S1·H³
        return (JacobianPoint(x: x3, y: y3, z: z3, isInfinity: false), h)
    }

    /// Converts many finite points to affine form with one inversion (Montgomery's trick).
    static func batchAffine(_ points: [JacobianPoint]) -> [AffineCoordinates] {
        guard !points.isEmpty else { return [] }
        // prefixes[i] = z0 · z1 · … · zi
        var prefixes: [VariableTimeFieldElement] = []
        prefixes.reserveCapacity(points.count)
        var running = VariableTimeFieldElement.one
        for point in points {
            running *= point.z
            prefixes.append(running)
        }
        var inverse = running.inverted() // 1 / (z0 · … · zlast)
        var result = [AffineCoordinates](repeating: AffineCoordinates(x: .zero, y: .zero), count: points.count)
        for index in points.indices.reversed() {
            let zInverse = index == 0 ? inverse : inverse * prefixes[index - 1]
            inverse *= points[index].z
            let zInverse2 = zInverse.squared()
            result[index] =
                AffineCoordinates(
                    x: points[index].x * zInverse2, y: points[index].y * zInverse2 * zInverse
                ).normalizedWeakly
        }
        return result
    }
}
