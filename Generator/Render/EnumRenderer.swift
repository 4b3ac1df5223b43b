/// Renders a string enumeration with its wire codec: a closed set as a `String`-backed enum (`Codable` synthesized
/// from the raw values), an open set with an extra `unknown(String)` case that keeps any other value as sent.
enum EnumRenderer {
    static func render(_ type: EnumType, into source: inout SwiftSource) {
        source.documentation([type.documentation, "Schema: `\(source.schemaPath(type.source))`."])
        if let otherValues = type.otherValues {
            renderOpen(type, otherValues: otherValues, into: &source)
        } else {
            renderClosed(type, into: &source)
        }
        source.line()
        source.block("extension \(type.name): WireCodable") { body in
            if type.otherValues == nil {
                body.documentation(
                    "Reads one of the allowed strings; any other value is reported with the list of allowed ones.")
                body.block(
                    "public static func read(from reader: inout JSONReader, context: inout DecodingContext) throws -> Self?"
                ) {
                    $0.line("try context.readEnumeration(&reader, as: \(type.name).self)")
                }
            } else {
                body.documentation("Reads any string: a known value, or `unknown` keeping the string.")
                body.block(
                    "public static func read(from reader: inout JSONReader, context: inout DecodingContext) throws -> Self?"
                ) {
                    $0.line("try context.readOpenEnumeration(&reader, as: \(type.name).self)")
                }
            }
            body.line()
            body.documentation("Writes the raw value.")
            body.block("public func write(to writer: inout JSONWriter)") { $0.line("writer.string(rawValue)") }
            body.line()
            body.documentation("An enumeration value is valid by construction.")
            body.line("public func collectIssues(at path: JSONPath, into issues: inout [JSONError]) {}")
        }
    }

    private static func renderClosed(_ type: EnumType, into source: inout SwiftSource) {
        source.block("public enum \(type.name): String, Hashable, Sendable, Codable, CaseIterable") { body in
            for (index, enumCase) in type.cases.enumerated() {
                if index > 0 { body.line() }
                body.documentation("`\"\(enumCase.rawValue)\"`: \(enumCase.documentation)")
                let raw = enumCase.rawValue == enumCase.swiftName ? "" : " = \(SwiftLiteral.string(enumCase.rawValue))"
                body.line("case \(Naming.escaped(enumCase.swiftName))\(raw)")
            }
        }
    }

    private static func renderOpen(_ type: EnumType, otherValues: String, into source: inout SwiftSource) {
        source.block("public enum \(type.name): RawRepresentable, Hashable, Sendable, Codable") { body in
            for enumCase in type.cases {
                body.documentation("`\"\(enumCase.rawValue)\"`: \(enumCase.documentation)")
                body.line("case \(Naming.escaped(enumCase.swiftName))")
                body.line()
            }
            body.documentation("Any other value, kept as sent: \(otherValues)")
            body.line("case unknown(String)")
            body.line()
            body.documentation("The known values, in schema order.")
            let known = type.cases.map { "." + Naming.escaped($0.swiftName) }.joined(separator: ", ")
            body.line("public static let knownCases: [\(type.name)] = [\(known)]")
            body.line()
            body.documentation("The case for `rawValue`: a known value, otherwise `unknown(rawValue)`.")
            let cases = type.cases.map {
                (raw: SwiftLiteral.string($0.rawValue), name: "." + Naming.escaped($0.swiftName))
            }
            body.block("public init(rawValue: String)") {
                $0.switchOver(
                    "rawValue",
                    arms: cases.map { "case \($0.raw): self = \($0.name)" } + ["default: self = .unknown(rawValue)"])
            }
            body.line()
            body.documentation("The string on the wire.")
            body.block("public var rawValue: String") {
                $0.switchOver(
                    "self", arms: cases.map { "case \($0.name): \($0.raw)" } + ["case .unknown(let rawValue): rawValue"]
                )
            }
            body.line()
            body.documentation("Decodes any string.")
            body.block("public init(from decoder: any Decoder) throws") {
                $0.line("self.init(rawValue: try decoder.singleValueContainer().decode(String.self))")
            }
            body.line()
            body.documentation("Encodes the raw value.")
            body.block("public func encode(to encoder: any Encoder) throws") {
                $0.line("var container = encoder.singleValueContainer()")
                $0.line("try container.encode(rawValue)")
            }
        }
    }
}

extension SwiftSource {
    /// `switch subject { … }` with one line per arm (each a whole `case …:` or `default:` line).
    mutating func switchOver(_ subject: String, arms: [String]) {
        switchBlock(subject) { cases in
            for arm in arms { cases.line(arm) }
        }
    }
}
