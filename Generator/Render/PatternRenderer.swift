/// Renders the `pattern` matchers: each compiled pattern becomes a function of direct byte checks.
enum PatternRenderer {
    static func render(_ patterns: [PatternMatcher], into source: inout SwiftSource) {
        let classes = distinctClasses(patterns)
        source.documentation(
            "Matchers for the `pattern` constraints of `Schemas/`, compiled by hypergraph-codegen into byte checks (no regular-expression engine in the decoding path)."
        )
        source.block("enum GeneratedPatterns") { body in
            for (index, pattern) in patterns.enumerated() {
                if index > 0 { body.line() }
                body.documentation("Whether `value` matches `\(pattern.source)` (\(pattern.expectation)).")
                body.block("static func \(pattern.functionName)(_ value: String) -> Bool") { function in
                    function.line("var value = value")
                    function.line("return value.withUTF8 { text in")
                    function.indented { matcher in
                        matcher.line("var position = 0")
                        for step in steps(pattern.program) {
                            switch step {
                            case .run(let sets): renderRun(sets, classes: classes, into: &matcher)
                            case .repeated(let item): renderRepetition(item, classes: classes, into: &matcher)
                            }
                        }
                        matcher.line("return position == text.count")
                    }
                    function.line("}")
                }
            }
            for (index, set) in classes.enumerated() {
                body.line()
                body.documentation("Whether `byte` is in `\(set.notation)`.")
                body.block("private static func isInClass\(index)(_ byte: UInt8) -> Bool") { function in
                    function.switchBlock("byte") { cases in
                        let ranges = set.ranges.map { range in
                            range.lowerBound == range.upperBound
                                ? asciiLiteral(range.lowerBound)
                                : "\(asciiLiteral(range.lowerBound))...\(asciiLiteral(range.upperBound))"
                        }
                        cases.wrapped("case ", ranges, ": true")
                        cases.line("default: false")
                    }
                }
            }
        }
    }

    /// The character classes (sets of more than one byte) used by the patterns, in first-use order.
    private static func distinctClasses(_ patterns: [PatternMatcher]) -> [ByteSet] {
        var classes: [ByteSet] = []
        for pattern in patterns {
            for item in pattern.program.items {
                let sets: [ByteSet] =
                    switch item.atom {
                    case .byte(let set): [set]
                    case .group(let sets): sets
                    }
                for set in sets where set.singleByte == nil && !classes.contains(set) { classes.append(set) }
            }
        }
        return classes
    }

    /// A Swift expression testing the byte at `offset` against `set`.
    private static func condition(_ set: ByteSet, offset: String, classes: [ByteSet]) -> String {
        if let byte = set.singleByte { return "text[\(offset)] == \(asciiLiteral(byte))" }
        return "isInClass\(classes.firstIndex(of: set) ?? 0)(text[\(offset)])"
    }

    /// A matcher step: a run of single bytes checked at once, or a repeated atom.
    private enum Step {
        case run([ByteSet])
        case repeated(PatternItem)
    }

    /// Groups consecutive items that match exactly once into runs.
    private static func steps(_ program: PatternProgram) -> [Step] {
        var steps: [Step] = []
        for item in program.items {
            guard item.minimum == 1, item.maximum == 1 else {
                steps.append(.repeated(item))
                continue
            }
            let sets: [ByteSet] =
                switch item.atom {
                case .byte(let set): [set]
                case .group(let sets): sets
                }
            if case .run(let previous)? = steps.last {
                steps[steps.count - 1] = .run(previous + sets)
            } else {
                steps.append(.run(sets))
            }
        }
        return steps
    }

    /// Conditions testing `sets` at consecutive offsets from `position`.
    private static func conditions(_ sets: [ByteSet], classes: [ByteSet]) -> [String] {
        sets.enumerated().map { index, set in
            condition(set, offset: index == 0 ? "position" : "position + \(index)", classes: classes)
        }
    }

    private static func renderRun(_ sets: [ByteSet], classes: [ByteSet], into source: inout SwiftSource) {
        source.line("// " + sets.map(\.notation).joined())
        source.guardElse(
            ["text.count - position >= \(sets.count)"] + conditions(sets, classes: classes), "return false")
        source.line("position += \(sets.count)")
    }

    private static func renderRepetition(_ item: PatternItem, classes: [ByteSet], into source: inout SwiftSource) {
        let sets: [ByteSet] =
            switch item.atom {
            case .byte(let set): [set]
            case .group(let sets): sets
            }
        let notation = sets.count == 1 ? sets[0].notation : "(" + sets.map(\.notation).joined() + ")"
        let bounds: String =
            switch (item.minimum, item.maximum) {
            case (0, nil): "*"
            case (1, nil): "+"
            case (0, 1): "?"
            case (let minimum, nil): "{\(minimum),}"
            case (let minimum, let maximum?) where minimum == maximum: "{\(minimum)}"
            case (let minimum, let maximum?): "{\(minimum),\(maximum)}"
            }
        source.line("// \(notation)\(bounds)")
        let test = ["text.count - position >= \(sets.count)"] + conditions(sets, classes: classes)
        guard item.maximum != nil || item.minimum > 0 else {
            source.block("while \(test.joined(separator: ", "))") { $0.line("position += \(sets.count)") }
            return
        }
        source.block("do") { block in
            block.line("var count = 0")
            let limit = item.maximum.map { ["count < \($0)"] } ?? []
            block.block("while \((limit + test).joined(separator: ", "))") {
                $0.line("position += \(sets.count)")
                $0.line("count += 1")
            }
            if item.minimum > 0 { block.line("guard count >= \(item.minimum) else { return false }") }
        }
    }

    /// `UInt8(ascii: "x")` for a printable ASCII byte.
    private static func asciiLiteral(_ byte: UInt8) -> String {
        "UInt8(ascii: \(SwiftLiteral.string(String(UnicodeScalar(byte)))))"
    }
}
