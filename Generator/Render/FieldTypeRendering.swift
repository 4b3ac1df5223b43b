// How each field type is read, written, checked and visited in generated Swift. Shared by the struct, union and
// validator renderers so a type is handled the same way wherever it appears.

extension FieldType {
    /// An expression reading one value with `reader` and `context` (both `inout` in scope) that evaluates to
    /// `T?` (`nil` after a recorded problem).
    var readExpression: String {
        switch self {
        case .string: "try context.readString(&reader)"
        case .integer(let rules):
            "try context.readInteger(&reader, expected: \(SwiftLiteral.string(rules.expectation)))"
        case .number: "try context.readNumber(&reader)"
        case .boolean: "try context.readBool(&reader)"
        case .bytes, .timestamp, .named: "try \(swiftTypeName).read(from: &reader, context: &context)"
        case .array(let element, _): "try context.readArray(&reader) { reader, context in \(element.readExpression) }"
        case .map(let value): "try context.readMap(&reader) { reader, context in \(value.readExpression) }"
        }
    }

    /// Statements writing `value` with `writer`; `depth` keeps loop variables of nested containers apart.
    func renderWrite(_ value: String, into source: inout SwiftSource, depth: Int = 0) {
        switch self {
        case .string: source.line("writer.string(\(value))")
        case .integer: source.line("writer.int(\(value))")
        case .number: source.line("writer.double(\(value))")
        case .boolean: source.line("writer.bool(\(value))")
        case .bytes, .timestamp, .named: source.line("\(value).write(to: &writer)")
        case .array(let element, _):
            let name = depth == 0 ? "element" : "element\(depth)"
            source.line("writer.beginArray()")
            source.block("for \(name) in \(value)") { element.renderWrite(name, into: &$0, depth: depth + 1) }
            source.line("writer.endArray()")
        case .map(let valueType):
            let (key, entry) = depth == 0 ? ("key", "value") : ("key\(depth)", "value\(depth)")
            source.line("writer.beginObject()")
            source.block("for (\(key), \(entry)) in \(value).sorted(by: { $0.key < $1.key })") { body in
                body.line("writer.key(\(key))")
                valueType.renderWrite(entry, into: &body, depth: depth + 1)
            }
            source.line("writer.endObject()")
        }
    }

    /// Statements calling `report(path, message)` for each own constraint `value` violates; `path` is the Swift
    /// array literal content of the relative path (e.g. `.key("hex")`).
    func renderChecks(_ value: String, path: String, into source: inout SwiftSource, depth: Int = 0) {
        let report = { (source: inout SwiftSource, message: String) in
            source.wrapped("report(", ["[\(path)]", message], ")")
        }
        switch self {
        case .string(let rules):
            if let pattern = rules.pattern {
                source.block("if !GeneratedPatterns.\(pattern.functionName)(\(value))") {
                    report(
                        &$0,
                        "\"expected \(SwiftLiteral.escaped(pattern.expectation)), got \\(quoteShortened(\(value)))\"")
                }
            }
            if let minimum = rules.minimumLength {
                source.block("if \(value).unicodeScalars.count < \(minimum)") {
                    report(
                        &$0,
                        "\"expected at least \(counted(minimum, "character")), got \\(\(value).unicodeScalars.count)\"")
                }
            }
            if let maximum = rules.maximumLength {
                source.block("if \(value).unicodeScalars.count > \(maximum)") {
                    report(
                        &$0,
                        "\"expected at most \(counted(maximum, "character")), got \\(\(value).unicodeScalars.count)\"")
                }
            }
            if let allowed = rules.allowedValues {
                let list = allowed.map { SwiftLiteral.escaped("\"\($0)\"") }.joined(separator: ", ")
                source.switchBlock("\(value)") { body in
                    body.line("case \(allowed.map(SwiftLiteral.string).joined(separator: ", ")): break")
                    body.line("default:")
                    body.indented { report(&$0, "\"expected one of \(list), got \\(quoteShortened(\(value)))\"") }
                }
            }
        case .integer(let rules):
            renderRangeCheck(
                value, minimum: rules.minimum.map(String.init), maximum: rules.maximum.map(String.init),
                expectation: rules.expectation, report: report, into: &source)
        case .number(let rules):
            renderRangeCheck(
                value, minimum: rules.minimum.map { "\($0)" }, maximum: rules.maximum.map { "\($0)" },
                expectation: rules.expectation, report: report, into: &source)
        case .boolean, .bytes, .timestamp, .named:
            break
        case .array(let element, let rules):
            if let minimum = rules.minimumCount {
                source.block("if \(value).count < \(minimum)") {
                    report(
                        &$0,
                        "\"expected at least \(counted(minimum, "element")), got \\(\(value).count)\"")
                }
            }
            if let maximum = rules.maximumCount {
                source.block("if \(value).count > \(maximum)") {
                    report(
                        &$0, "\"expected at most \(counted(maximum, "element")), got \\(\(value).count)\""
                    )
                }
            }
            if element.hasOwnChecks {
                let (index, name) = depth == 0 ? ("index", "element") : ("index\(depth)", "element\(depth)")
                source.block("for (\(index), \(name)) in \(value).enumerated()") {
                    element.renderChecks(name, path: path + ", .index(\(index))", into: &$0, depth: depth + 1)
                }
            }
        case .map(let valueType):
            if valueType.hasOwnChecks {
                let (key, entry) = depth == 0 ? ("key", "value") : ("key\(depth)", "value\(depth)")
                source.block("for (\(key), \(entry)) in \(value).sorted(by: { $0.key < $1.key })") {
                    valueType.renderChecks(entry, path: path + ", .key(\(key))", into: &$0, depth: depth + 1)
                }
            }
        }
    }

    private func renderRangeCheck(
        _ value: String, minimum: String?, maximum: String?, expectation: String,
        report: (inout SwiftSource, String) -> Void,
        into source: inout SwiftSource
    ) {
        let condition: String
        switch (minimum, maximum) {
        case (let low?, let high?): condition = "!(\(low)...\(high)).contains(\(value))"
        case (let low?, nil): condition = "\(value) < \(low)"
        case (nil, let high?): condition = "\(value) > \(high)"
        case (nil, nil): return
        }
        source.block("if \(condition)") {
            report(&$0, "\"expected \(SwiftLiteral.escaped(expectation)), got \\(\(value))\"")
        }
    }

    /// Statements collecting the issues of nested generated values inside `value`, located at the Swift
    /// `JSONPath` expression `path`.
    func renderCollect(_ value: String, path: String, into source: inout SwiftSource, depth: Int = 0) {
        switch self {
        case .named(_, .enumeration), .string, .integer, .number, .boolean, .bytes, .timestamp:
            break
        case .named:
            source.line("\(value).collectIssues(at: \(path), into: &issues)")
        case .array(let element, _):
            guard element.containsNestedValues else { return }
            let (index, name) = depth == 0 ? ("index", "element") : ("index\(depth)", "element\(depth)")
            source.block("for (\(index), \(name)) in \(value).enumerated()") {
                element.renderCollect(name, path: "\(path).appending(index: \(index))", into: &$0, depth: depth + 1)
            }
        case .map(let valueType):
            guard valueType.containsNestedValues else { return }
            let (key, entry) = depth == 0 ? ("key", "value") : ("key\(depth)", "value\(depth)")
            source.block("for (\(key), \(entry)) in \(value).sorted(by: { $0.key < $1.key })") {
                valueType.renderCollect(entry, path: "\(path).appending(key: \(key))", into: &$0, depth: depth + 1)
            }
        }
    }
}
