/// A point in Jacobian coordinates, (X, Y, Z) standing for (X/Z², Y/Z³), with Z = 0 for the point at infinity.
///
/// These formulas branch on special cases (infinity, equal or opposite points), so they are for variable-time
/// work only: verification, recovery and building the precomputed tables. Signing uses ``ProjectivePoint``.
struct JacobianPoint: Sendable {
    var x: FieldElement
    var y: FieldElement
    var z: FieldElement

    static let infinity = JacobianPoint(x: .one, y: .one, z: .zero)

    init(x: FieldElement, y: FieldElement, z: FieldElement) {
        self.x = x
        self.y = y
        self.z = z
    }

    init(_ point: AffinePoint) {
        self.init(x: point.x, y: point.y, z: .one)
    }

    var isInfinity: Bool { z.isZero }

    var negated: JacobianPoint { JacobianPoint(x: x, y: -y, z: z) }

    /// The affine form, or `nil` for the point at infinity (one field inversion).
    var affine: AffinePoint? {
        guard !isInfinity else { return nil }
        let zInverse = z.inverted()
        let zInverse2 = zInverse.squared()
        return AffinePoint(x: x * zInverse2, y: y * zInverse2 * zInverse)
    }

    /// 2·self ("dbl-2009-l", 2M + 5S). secp256k1 has no point of order two, so y is never zero and infinity
    /// (Z = 0) simply stays infinity.
    func doubled() -> JacobianPoint {
        let a = x.squared()
        let b = y.squared()
        let c = b.squared()
        let d = ((x + b).squared() - a - c).multiplied(bySmall: 2)
        let e = a.multiplied(bySmall: 3)
        let f = e.squared()
        let x3 = f - d.multiplied(bySmall: 2)
        let y3 = e * (d - x3) - c.multiplied(bySmall: 8)
        let z3 = (y * z).multiplied(bySmall: 2)
        return JacobianPoint(x: x3, y: y3, z: z3)
    }

    /// self + other for an affine `other` ("madd-2007-bl", 7M + 4S).
    func adding(_ other: AffinePoint) -> JacobianPoint {
        if isInfinity { return JacobianPoint(other) }
        let z1z1 = z.squared()
        let u2 = other.x * z1z1
        let s2 = other.y * z * z1z1
        let h = u2 - x
        let r = (s2 - y).multiplied(bySmall: 2)
        if h.isZero { return r.isZero ? doubled() : .infinity }
        let hh = h.squared()
        let i = hh.multiplied(bySmall: 4)
        let j = h * i
        let v = x * i
        let x3 = r.squared() - j - v.multiplied(bySmall: 2)
        let y3 = r * (v - x3) - (y * j).multiplied(bySmall: 2)
        let z3 = (z + h).squared() - z1z1 - hh
        return JacobianPoint(x: x3, y: y3, z: z3)
    }

    /// self + other ("add-2007-bl", 11M + 5S).
    func adding(_ other: JacobianPoint) -> JacobianPoint {
        if isInfinity { return other }
        if other.isInfinity { return self }
        let z1z1 = z.squared()
        let z2z2 = other.z.squared()
        let u1 = x * z2z2
        let u2 = other.x * z1z1
        let s1 = y * other.z * z2z2
        let s2 = other.y * z * z1z1
        let h = u2 - u1
        let r = (s2 - s1).multiplied(bySmall: 2)
        if h.isZero { return r.isZero ? doubled() : .infinity }
        let i = h.multiplied(bySmall: 2).squared()
        let j = h * i
        let v = u1 * i
        let x3 = r.squared() - j - v.multiplied(bySmall: 2)
        let y3 = r * (v - x3) - (s1 * j).multiplied(bySmall: 2)
        let z3 = ((z + other.z).squared() - z1z1 - z2z2) * h
        return JacobianPoint(x: x3, y: y3, z: z3)
    }

    /// Converts many points to affine form with one inversion (Montgomery's trick). No point may be infinity.
    static func batchAffine(_ points: [JacobianPoint]) -> [AffinePoint] {
        guard !points.isEmpty else { return [] }
        // prefixes[i] = z0 · z1 · … · zi
        var prefixes: [FieldElement] = []
        prefixes.reserveCapacity(points.count)
        var running = FieldElement.one
        for point in points {
            running *= point.z
            prefixes.append(running)
        }
        var inverse = running.inverted()  // 1 / (z0 · … · zlast)
        var result = [AffinePoint](repeating: .generator, count: points.count)
        for index in points.indices.reversed() {
            let zInverse = index == 0 ? inverse : inverse * prefixes[index - 1]
            inverse *= points[index].z
            let zInverse2 = zInverse.squared()
            result[index] = AffinePoint(x: points[index].x * zInverse2, y: points[index].y * zInverse2 * zInverse)
        }
        return result
    }
}
