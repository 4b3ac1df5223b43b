// libsecp256k1's addition chain for the square root's fixed exponent x^((p+1)/4). (Inversion, which once shared
// it, is safegcd now.)

extension VariableTimeFieldElement {
    /// `self` squared `count` times, i.e. raised to 2^count.
    @inline(__always)
    func squared(times count: Int) -> Self {
        var result = self
        for _ in 0..<count { result = result.squared() }
        return result
    }

    /// The powers x^(2^k − 1) for k = 2, 22 and 223, the blocks of ones both exponents are built from
    /// (222 squarings and 11 multiplications).
    func blocksOfOnes() -> (x2: Self, x22: Self, x223: Self) {
        let x2 = squared() * self
        let x3 = x2.squared() * self
        let x6 = x3.squared(times: 3) * x3
        let x9 = x6.squared(times: 3) * x3
        let x11 = x9.squared(times: 2) * x2
        let x22 = x11.squared(times: 11) * x11
        let x44 = x22.squared(times: 22) * x22
        let x88 = x44.squared(times: 44) * x44
        let x176 = x88.squared(times: 88) * x88
        let x220 = x176.squared(times: 44) * x44
        let x223 = x220.squared(times: 3) * x3
        return (x2, x22, x223)
    }
}
