/// Renders a closed string enumeration with its wire codec (`Codable` is synthesized from the raw values).
enum EnumRenderer {
    static func render(_ type: EnumType, into source: inout SwiftSource) {
        source.documentation([type.documentation, "Schema: `Schemas/\(type.source)`."])
        source.block("public enum \(type.name): String, Hashable, Sendable, Codable, CaseIterable") { body in
            for (index, enumCase) in type.cases.enumerated() {
                if index > 0 { body.line() }
                body.documentation("`\"\(enumCase.rawValue)\"`: \(enumCase.documentation)")
                let raw = enumCase.rawValue == enumCase.swiftName ? "" : " = \(SwiftLiteral.string(enumCase.rawValue))"
                body.line("case \(Naming.escaped(enumCase.swiftName))\(raw)")
            }
        }
        source.line()
        source.block("extension \(type.name): WireCodable") { body in
            body.documentation("Reads one of the allowed strings; any other value is reported with the list of allowed ones.")
            body.block("public static func read(from reader: inout JSONReader, context: inout DecodingContext) throws -> Self?") {
                $0.line("try context.readEnumeration(&reader, as: \(type.name).self)")
            }
            body.line()
            body.documentation("Writes the raw value.")
            body.block("public func write(to writer: inout JSONWriter)") { $0.line("writer.string(rawValue)") }
            body.line()
            body.documentation("An enumeration value is valid by construction.")
            body.line("public func collectIssues(at path: JSONPath, into issues: inout [JSONError]) {}")
        }
    }
}
