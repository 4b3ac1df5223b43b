// 128-bit accumulators for the lazy field multiplication (VariableTimeFieldElement) and safegcd inversion (both
// flavours, so the signed accumulator must stay branch-free): sums of 64×64-bit products.

#if canImport(Darwin)
    /// An unsigned 128-bit sum of limb products. `UInt128` needs macOS 15 and the package supports macOS 13, so Darwin
    /// builds keep the value as a (high, low) pair updated with add-with-carry.
    struct UInt128Accumulator {
        private var high: UInt64
        private(set) var low: UInt64

        @inline(__always)
        init(_ a: UInt64, _ b: UInt64) {
            (high, low) = a.multipliedFullWidth(by: b)
        }

        @inline(__always)
        mutating func add(_ a: UInt64, _ b: UInt64) {
            let (productHigh, productLow) = a.multipliedFullWidth(by: b)
            let (sum, carry) = low.addingReportingOverflow(productLow)
            low = sum
            high = high &+ productHigh &+ carry.bit
        }

        @inline(__always)
        mutating func add(_ a: UInt64) {
            let (sum, carry) = low.addingReportingOverflow(a)
            low = sum
            high &+= carry.bit
        }

        @inline(__always)
        mutating func shiftRight52() {
            low = low >> 52 | high << 12
            high >>= 52
        }

        @inline(__always)
        mutating func shiftRight64() {
            low = high
            high = 0
        }
    }
#else
    /// An unsigned 128-bit sum of limb products. With `UInt128`, LLVM emits each addition as an add/adc pair; with a
    /// (high, low) pair of `UInt64` (as on Darwin, above) it reassociates the high words and materialises every carry
    /// with `setb`, which made the field multiplication about 12% slower. Conversions go through the transparent
    /// `init(_low:_high:)` and `_low` rather than the generic `BinaryInteger` ones, which debug builds do not inline
    /// and which made debug-build verification ten times slower.
    struct UInt128Accumulator {
        private var value: UInt128

        var low: UInt64 { value._low }

        @inline(__always)
        init(_ a: UInt64, _ b: UInt64) {
            value = UInt128(_low: a, _high: 0) &* UInt128(_low: b, _high: 0)
        }

        @inline(__always)
        mutating func add(_ a: UInt64, _ b: UInt64) {
            value &+= UInt128(_low: a, _high: 0) &* UInt128(_low: b, _high: 0)
        }

        @inline(__always)
        mutating func add(_ a: UInt64) {
            value &+= UInt128(_low: a, _high: 0)
        }

        @inline(__always)
        mutating func shiftRight52() {
            value &>>= 52
        }

        @inline(__always)
        mutating func shiftRight64() {
            value = UInt128(_low: value._high, _high: 0)
        }
    }
#endif

/// A signed 128-bit sum of products of signed 64-bit limbs, as a (high, low) pair.
struct Int128Accumulator {
    private var high: Int64
    private(set) var low: UInt64

    @inline(__always)
    init(_ a: Int64, _ b: Int64) {
        (high, low) = a.multipliedFullWidth(by: b)
    }

    @inline(__always)
    mutating func add(_ a: Int64, _ b: Int64) {
        let (productHigh, productLow) = a.multipliedFullWidth(by: b)
        let (sum, carry) = low.addingReportingOverflow(productLow)
        low = sum
        high = high &+ productHigh &+ Int64(bitPattern: carry.bit)
    }

    /// Arithmetic shift right by 62 bits.
    @inline(__always)
    mutating func shiftRight62() {
        low = low >> 62 | UInt64(bitPattern: high) << 2
        high >>= 62
    }
}

extension Bool {
    /// 1 or 0. A conditional expression (`carry ? 1 : 0`) would do, but it adds basic blocks to every
    /// add-with-carry, and with 31 of them per field multiplication the optimizer stopped inlining the
    /// multiplication into the point formulas (about 15% slower). Bool is stored as one byte holding 0 or 1.
    @inline(__always)
    var bit: UInt64 { UInt64(unsafeBitCast(self, to: UInt8.self)) }
}
