/// Renders the `Codable` conformance of a struct, following the same rules as the wire codec.
enum StructCodableRenderer {
    static func render(_ type: StructType, into source: inout SwiftSource) {
        source.block("extension \(type.name): Codable") { body in
            body.block("private enum CodingKeys: String, CodingKey") { keys in
                for member in type.members { keys.line("case \(Naming.escaped(member.jsonName))") }
                for property in type.properties {
                    if let alias = property.seedAlias {
                        keys.line("case \(property.jsonName)SeedAlias = \(SwiftLiteral.string(alias))")
                    }
                }
            }
            body.line()
            renderDecode(type, into: &body)
            body.line()
            renderEncode(type, into: &body)
        }
    }

    private static func renderDecode(_ type: StructType, into source: inout SwiftSource) {
        source.documentation(
            "Decodes from any `Decoder` (e.g. Foundation's `JSONDecoder`) with the rules of the wire codec: unknown members ignored, `null` rejected for optional members, seed spellings accepted, constraints checked."
        )
        source.block("public init(from decoder: any Decoder) throws") { body in
            body.line(
                type.members.isEmpty
                    ? "_ = try decoder.container(keyedBy: CodingKeys.self)"
                    : "let container = try decoder.container(keyedBy: CodingKeys.self)")
            for member in type.members {
                switch member {
                case .constant(let constant):
                    let check =
                        "try container.decodeConstant(Self.\(constant.swiftName), forKey: .\(Naming.escaped(constant.jsonName)))"
                    body.line(
                        constant.isRequired
                            ? check : "if container.contains(.\(Naming.escaped(constant.jsonName))) { \(check) }")
                case .property(let property):
                    let typeName = property.type.swiftTypeName
                    let key = ".\(Naming.escaped(property.jsonName))"
                    let decode: String
                    if property.isOptional || property.seedDefault != nil {
                        decode = "try container.decodeOptionalMember(\(typeName).self, forKey: \(key))"
                    } else if property.seedAlias != nil {
                        decode =
                            "try container.decode(\(typeName).self, forKey: \(key), seedAlias: .\(property.jsonName)SeedAlias)"
                    } else {
                        decode = "try container.decode(\(typeName).self, forKey: \(key))"
                    }
                    body.line("let \(property.swiftName) = \(decode)")
                }
            }
            let arguments = type.properties.map { "\($0.swiftName): " + StructCodecRenderer.valueExpression($0) }
            body.wrapped("self.init(", arguments, ")")
            if type.properties.contains(where: \.type.hasOwnChecks) {
                body.line("try CodableValidation.check(decoder, checkMembers)")
            }
        }
    }

    private static func renderEncode(_ type: StructType, into source: inout SwiftSource) {
        source.documentation("Encodes the canonical wire form to any `Encoder`; absent optional members are omitted.")
        source.block("public func encode(to encoder: any Encoder) throws") { body in
            if type.members.isEmpty {
                body.line("_ = encoder.container(keyedBy: CodingKeys.self)")
                return
            }
            body.line("var container = encoder.container(keyedBy: CodingKeys.self)")
            for member in type.members {
                let key = ".\(Naming.escaped(member.jsonName))"
                switch member {
                case .constant(let constant):
                    body.line("try container.encode(Self.\(constant.swiftName), forKey: \(key))")
                case .property(let property):
                    let method = property.isOptional ? "encodeIfPresent" : "encode"
                    body.line("try container.\(method)(self.\(property.swiftName), forKey: \(key))")
                }
            }
        }
    }
}
