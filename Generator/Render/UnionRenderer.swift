/// Renders a discriminated union: an enum with one case per variant plus `unknown`, its wire codec (which reads
/// the discriminator first, wherever it sits among the members) and its `Codable` conformance.
enum UnionRenderer {
    static func render(_ type: UnionType, into source: inout SwiftSource) {
        let discriminator = type.discriminator.joined(separator: ".")
        source.documentation([
            type.documentation,
            "The case is chosen by `\(discriminator)`. A value with any other `\(discriminator)` decodes as `unknown` (unless `DecodingOptions.acceptsUnknownTypes` is off), so a reader can skip kinds added later. Schema: `\(source.schemaPath(type.source))`.",
        ])
        source.block("public enum \(type.name): Hashable, Sendable") { body in
            for variant in type.variants {
                body.documentation([variant.documentation, "`\(discriminator)`: `\"\(variant.discriminatorValue)\"`."])
                body.line("case \(variant.caseName)(\(variant.typeName))")
                body.line()
            }
            body.documentation(
                "A value whose `\(discriminator)` is none of the known ones: the discriminator and the whole value as raw JSON, written back unchanged by `jsonUTF8()`."
            )
            body.line("case unknown(type: String, raw: JSONValue)")
            body.line()
            body.documentation("The `\(discriminator)` values of the known cases, in schema order.")
            body.line("public static let knownTypes: [String] = [")
            body.indented { list in
                for variant in type.variants { list.line(SwiftLiteral.string(variant.discriminatorValue) + ",") }
            }
            body.line("]")
            body.line()
            body.documentation("Member names leading to the discriminator.")
            body.line("static let discriminatorKeys = \(SwiftLiteral.stringArray(type.discriminator))")
            body.line()
            body.documentation("The value of `\(discriminator)`.")
            body.block("public var type: String") { switchBody in
                switchBody.switchBlock("self") { cases in
                    for variant in type.variants {
                        cases.line("case .\(variant.caseName): \(SwiftLiteral.string(variant.discriminatorValue))")
                    }
                    cases.line("case .unknown(let type, _): type")
                }
            }
        }
        source.line()
        renderWireCodec(type, into: &source)
        source.line()
        renderCodable(type, into: &source)
    }

    private static func renderWireCodec(_ type: UnionType, into source: inout SwiftSource) {
        source.block("extension \(type.name): WireCodable") { body in
            body.documentation(
                "Reads the discriminator first (looking ahead when it is not the first member), then the variant it selects; see `WireCodable.read(from:context:)`."
            )
            body.block(
                "public static func read(from reader: inout JSONReader, context: inout DecodingContext) throws -> Self?"
            ) { read in
                read.line(
                    "guard let type = try context.readDiscriminator(&reader, at: discriminatorKeys) else { return nil }"
                )
                read.switchBlock("type") { cases in
                    for variant in type.variants {
                        cases.line("case \(SwiftLiteral.string(variant.discriminatorValue)):")
                        cases.indented { body in
                            let read = "try \(variant.typeName).read(from: &reader, context: &context)"
                            if read.count + 30 + variant.caseName.count <= SwiftSource.lineWidth - 12 {
                                body.line("return \(read).map(Self.\(variant.caseName))")
                            } else {
                                body.line("let value = \(read)")
                                body.line("return value.map(Self.\(variant.caseName))")
                            }
                        }
                    }
                    cases.line("default:")
                    cases.indented {
                        $0.wrapped(
                            "let raw = try context.readUnknown(",
                            ["&reader", "type: type", "knownTypes: knownTypes", "discriminator: discriminatorKeys"], ")"
                        )
                        $0.line("return raw.map { .unknown(type: type, raw: $0) }")
                    }
                }
            }
            body.line()
            body.documentation("Writes the variant's canonical wire form, or the raw JSON of an unknown value.")
            body.block("public func write(to writer: inout JSONWriter)") { write in
                write.switchBlock("self") { cases in
                    for variant in type.variants {
                        cases.line("case .\(variant.caseName)(let value): value.write(to: &writer)")
                    }
                    cases.line("case .unknown(_, let raw): writer.value(raw)")
                }
            }
            body.line()
            body.documentation("Collects the variant's issues; an unknown value has none that can be checked.")
            body.block("public func collectIssues(at path: JSONPath, into issues: inout [JSONError])") { collect in
                collect.switchBlock("self") { cases in
                    for variant in type.variants {
                        cases.line("case .\(variant.caseName)(let value): value.collectIssues(at: path, into: &issues)")
                    }
                    cases.line("case .unknown: break")
                }
            }
        }
    }

    private static func renderCodable(_ type: UnionType, into source: inout SwiftSource) {
        source.block("extension \(type.name): Codable") { body in
            body.documentation(
                "Decodes from any `Decoder`: the discriminator, then the variant; unknown kinds become `unknown`.")
            body.block("public init(from decoder: any Decoder) throws") { decode in
                decode.switchBlock("try decodeDiscriminator(decoder, at: Self.discriminatorKeys)") { cases in
                    for variant in type.variants {
                        let label = "case \(SwiftLiteral.string(variant.discriminatorValue)):"
                        let assignment = "self = .\(variant.caseName)(try \(variant.typeName)(from: decoder))"
                        if label.count + assignment.count + 1 <= SwiftSource.lineWidth - 8 {
                            cases.line(label + " " + assignment)
                        } else {
                            cases.line(label)
                            cases.indented { $0.line(assignment) }
                        }
                    }
                    cases.line(
                        "case let type: self = .unknown(type: type, raw: try CodableJSONValue(from: decoder).value)")
                }
            }
            body.line()
            body.documentation("Encodes the variant, or the raw JSON of an unknown value.")
            body.block("public func encode(to encoder: any Encoder) throws") { encode in
                encode.switchBlock("self") { cases in
                    for variant in type.variants {
                        cases.line("case .\(variant.caseName)(let value): try value.encode(to: encoder)")
                    }
                    cases.line("case .unknown(_, let raw): try CodableJSONValue(raw).encode(to: encoder)")
                }
            }
        }
    }
}
