// Compiles the small regular-expression subset the schemas use into a program of byte checks, so validators need
// no regex engine in the hot path. Anything outside the subset fails generation instead of being checked loosely.

/// A compiled pattern: a sequence of quantified items matched greedily, anchored at both ends.
struct PatternProgram: Hashable {
    /// The items in order.
    var items: [PatternItem]
}

/// One atom with its repetition bounds.
struct PatternItem: Hashable {
    /// What one repetition matches.
    var atom: PatternAtom
    /// Minimum repetitions.
    var minimum: Int
    /// Maximum repetitions; `nil` for unbounded.
    var maximum: Int?
}

/// What one repetition of an item matches.
indirect enum PatternAtom: Hashable {
    /// One byte from the set.
    case byte(ByteSet)
    /// A fixed-length sequence of single bytes, one set per position (a group such as `([0-9a-f]{2})`).
    case group([ByteSet])

    /// The bytes the atom can start with.
    var first: ByteSet {
        switch self {
        case .byte(let set): set
        case .group(let sets): sets[0]
        }
    }

    /// Bytes consumed by one repetition.
    var length: Int {
        switch self {
        case .byte: 1
        case .group(let sets): sets.count
        }
    }
}

/// A set of ASCII bytes as sorted, disjoint, non-adjacent ranges.
struct ByteSet: Hashable {
    /// The ranges, ascending.
    private(set) var ranges: [ClosedRange<UInt8>] = []

    /// A set of one byte.
    init(_ byte: UInt8) {
        ranges = [byte...byte]
    }

    /// A set from ranges (normalized).
    init(ranges: [ClosedRange<UInt8>]) {
        for range in ranges.sorted(by: { $0.lowerBound < $1.lowerBound }) {
            if let last = self.ranges.last, Int(range.lowerBound) <= Int(last.upperBound) + 1 {
                self.ranges[self.ranges.count - 1] = last.lowerBound...max(last.upperBound, range.upperBound)
            } else {
                self.ranges.append(range)
            }
        }
    }

    /// The single byte of a one-byte set.
    var singleByte: UInt8? {
        ranges.count == 1 && ranges[0].lowerBound == ranges[0].upperBound ? ranges[0].lowerBound : nil
    }

    /// Whether the two sets share a byte.
    func intersects(_ other: ByteSet) -> Bool {
        ranges.contains { range in other.ranges.contains { $0.overlaps(range) } }
    }

    /// The union of the two sets.
    func union(_ other: ByteSet) -> ByteSet {
        ByteSet(ranges: ranges + other.ranges)
    }

    /// The set in regular-expression notation, e.g. `[0-9A-Fa-f]`.
    var notation: String {
        if let byte = singleByte { return String(UnicodeScalar(byte)) }
        return "["
            + ranges.map { range in
                range.lowerBound == range.upperBound
                    ? String(UnicodeScalar(range.lowerBound))
                    : "\(UnicodeScalar(range.lowerBound))-\(UnicodeScalar(range.upperBound))"
            }.joined() + "]"
    }
}

/// Parses and checks patterns.
struct PatternCompiler {
    private let source: [UInt8]
    private let location: SchemaLocation
    private var position = 0

    /// Compiles `pattern`, which must be `^…$` over printable ASCII using literal characters, escapes (`\d` and
    /// escaped punctuation), bracket classes without negation, groups of fixed length, and the quantifiers
    /// `?`, `*`, `+`, `{n}`, `{n,}`, `{n,m}`. Greedy matching must be unambiguous: a repeated item may not
    /// share a first byte with what can follow it.
    static func compile(_ pattern: String, at location: SchemaLocation) throws -> PatternProgram {
        var compiler = PatternCompiler(source: Array(pattern.utf8), location: location)
        return try compiler.compileAnchored()
    }

    private init(source: [UInt8], location: SchemaLocation) {
        self.source = source
        self.location = location
    }

    private func fail(_ message: String) -> GeneratorError {
        GeneratorError("unsupported pattern \"\(String(decoding: source, as: UTF8.self))\": \(message)", at: location)
    }

    private mutating func compileAnchored() throws -> PatternProgram {
        guard source.allSatisfy({ $0 >= 0x20 && $0 < 0x7F }) else { throw fail("only printable ASCII is supported") }
        guard source.first == UInt8(ascii: "^"), source.count >= 2, source.last == UInt8(ascii: "$"),
            source[source.count - 2] != UInt8(ascii: "\\")
        else { throw fail("it must be anchored with ^ and $") }
        position = 1
        let items = try sequence(until: source.count - 1)
        guard !items.isEmpty else { throw fail("it is empty") }
        try checkUnambiguous(items)
        return PatternProgram(items: items)
    }

    /// Parses items up to offset `end` (exclusive) or a `)`.
    private mutating func sequence(until end: Int) throws -> [PatternItem] {
        var items: [PatternItem] = []
        while position < end, source[position] != UInt8(ascii: ")") {
            let atom = try atom(until: end)
            let (minimum, maximum) = try quantifier(until: end)
            items.append(PatternItem(atom: atom, minimum: minimum, maximum: maximum))
        }
        return items
    }

    private mutating func atom(until end: Int) throws -> PatternAtom {
        let byte = source[position]
        position += 1
        switch byte {
        case UInt8(ascii: "["):
            return .byte(try bracketClass(until: end))
        case UInt8(ascii: "("):
            let inner = try sequence(until: end)
            guard position < end, source[position] == UInt8(ascii: ")") else { throw fail("unclosed group") }
            position += 1
            var sets: [ByteSet] = []
            for item in inner {
                guard item.minimum == item.maximum else { throw fail("groups must have a fixed length") }
                for _ in 0..<item.minimum {
                    switch item.atom {
                    case .byte(let set): sets.append(set)
                    case .group(let groupSets): sets.append(contentsOf: groupSets)
                    }
                }
            }
            guard !sets.isEmpty else { throw fail("empty group") }
            return .group(sets)
        case UInt8(ascii: "\\"):
            return .byte(try escape(until: end))
        case UInt8(ascii: "."), UInt8(ascii: "|"), UInt8(ascii: "^"), UInt8(ascii: "$"), UInt8(ascii: ")"),
            UInt8(ascii: "*"), UInt8(ascii: "+"), UInt8(ascii: "?"), UInt8(ascii: "{"), UInt8(ascii: "}"),
            UInt8(ascii: "]"):
            throw fail("'\(UnicodeScalar(byte))' is not supported here")
        default:
            return .byte(ByteSet(byte))
        }
    }

    private mutating func escape(until end: Int) throws -> ByteSet {
        guard position < end else { throw fail("dangling backslash") }
        let byte = source[position]
        position += 1
        if byte == UInt8(ascii: "d") { return ByteSet(ranges: [UInt8(ascii: "0")...UInt8(ascii: "9")]) }
        let isPunctuation =
            !(byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9"))
            && !((byte | 0x20) >= UInt8(ascii: "a") && (byte | 0x20) <= UInt8(ascii: "z"))
        guard isPunctuation else { throw fail("escape \\\(UnicodeScalar(byte)) is not supported") }
        return ByteSet(byte)
    }

    private mutating func bracketClass(until end: Int) throws -> ByteSet {
        guard position < end, source[position] != UInt8(ascii: "^") else {
            throw fail("negated classes are not supported")
        }
        var ranges: [ClosedRange<UInt8>] = []
        while position < end, source[position] != UInt8(ascii: "]") {
            let low = try classMember(until: end)
            if position + 1 < end, source[position] == UInt8(ascii: "-"), source[position + 1] != UInt8(ascii: "]") {
                position += 1
                let high = try classMember(until: end)
                guard let lowByte = low.singleByte, let highByte = high.singleByte, lowByte <= highByte else {
                    throw fail("bad range in a class")
                }
                ranges.append(lowByte...highByte)
            } else {
                ranges.append(contentsOf: low.ranges)
            }
        }
        guard position < end else { throw fail("unclosed class") }
        position += 1
        guard !ranges.isEmpty else { throw fail("empty class") }
        return ByteSet(ranges: ranges)
    }

    private mutating func classMember(until end: Int) throws -> ByteSet {
        let byte = source[position]
        position += 1
        if byte == UInt8(ascii: "\\") { return try escape(until: end) }
        return ByteSet(byte)
    }

    private mutating func quantifier(until end: Int) throws -> (Int, Int?) {
        guard position < end else { return (1, 1) }
        let bounds: (Int, Int?)
        switch source[position] {
        case UInt8(ascii: "?"):
            bounds = (0, 1)
            position += 1
        case UInt8(ascii: "*"):
            bounds = (0, nil)
            position += 1
        case UInt8(ascii: "+"):
            bounds = (1, nil)
            position += 1
        case UInt8(ascii: "{"):
            position += 1
            let minimum = try number(until: end)
            var maximum: Int? = minimum
            if position < end, source[position] == UInt8(ascii: ",") {
                position += 1
                maximum = position < end && source[position] == UInt8(ascii: "}") ? nil : try number(until: end)
            }
            guard position < end, source[position] == UInt8(ascii: "}") else { throw fail("bad {n,m} quantifier") }
            position += 1
            if let maximum, maximum < minimum { throw fail("{n,m} with m < n") }
            bounds = (minimum, maximum)
        default:
            return (1, 1)
        }
        if position < end,
            [UInt8(ascii: "?"), UInt8(ascii: "+"), UInt8(ascii: "*"), UInt8(ascii: "{")].contains(source[position])
        {
            throw fail("lazy, possessive or stacked quantifiers are not supported")
        }
        return bounds
    }

    private mutating func number(until end: Int) throws -> Int {
        var value = 0
        let start = position
        while position < end, source[position] >= UInt8(ascii: "0"), source[position] <= UInt8(ascii: "9") {
            value = value * 10 + Int(source[position] - UInt8(ascii: "0"))
            guard value <= 100_000 else { throw fail("repetition count too large") }
            position += 1
        }
        guard position > start else { throw fail("expected a number in {n,m}") }
        return value
    }

    /// Greedy matching without backtracking is exact when no variable-length item can start with a byte that
    /// may begin what follows it (the following items up to the first mandatory one).
    private func checkUnambiguous(_ items: [PatternItem]) throws {
        for (index, item) in items.enumerated() where item.maximum != item.minimum {
            var following: ByteSet?
            for next in items[(index + 1)...] {
                following = following.map { $0.union(next.atom.first) } ?? next.atom.first
                if next.minimum > 0 { break }
            }
            if let following, following.intersects(item.atom.first) {
                throw fail("a repeated item overlaps what follows it, so greedy matching would be ambiguous")
            }
        }
    }
}
