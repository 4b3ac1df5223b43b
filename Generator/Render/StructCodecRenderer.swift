/// Renders the fast wire codec of a struct: `read(from:context:)` and `write(to:)` on raw UTF-8 JSON.
enum StructCodecRenderer {
    static func render(_ type: StructType, into source: inout SwiftSource) {
        source.block("extension \(type.name): WireCodable") { body in
            renderRead(type, into: &body)
            body.line()
            renderWrite(type, into: &body)
        }
    }

    /// The members whose absence is reported, in order; their position is their `MemberPresence` bit.
    static func presenceMembers(_ type: StructType) -> [StructMember] {
        type.members.filter { member in
            switch member {
            case .constant(let constant): constant.isRequired
            case .property(let property): property.mustBePresent
            }
        }
    }

    private static func renderRead(_ type: StructType, into source: inout SwiftSource) {
        let tracked = presenceMembers(type).map(\.jsonName)
        source.documentation("Reads a `\(type.name)` object; see `WireCodable.read(from:context:)`.")
        source.block(
            "public static func read(from reader: inout JSONReader, context: inout DecodingContext) throws -> Self?"
        ) { body in
            body.line("guard try context.beginObject(&reader) else { return nil }")
            for property in type.properties {
                body.line("var \(property.swiftName): \(property.type.swiftTypeName)?")
                if property.seedAlias != nil {
                    body.line("var \(property.jsonName)SeedAlias: SeedAliasValue<\(property.type.swiftTypeName)>?")
                }
            }
            if !tracked.isEmpty { body.line("var present = MemberPresence()") }
            body.block("while let key = try reader.nextKey()") { loop in
                loop.switchBlock("key") { cases in
                    for member in type.members {
                        renderCase(member, bit: tracked.firstIndex(of: member.jsonName), into: &cases)
                    }
                    cases.line("default:")
                    cases.indented { $0.line("try reader.skipValue()") }
                }
            }
            for property in type.properties where property.seedAlias != nil {
                guard let bit = tracked.firstIndex(of: property.jsonName) else { continue }
                body.block("if !present.contains(\(bit)), let alias = \(property.jsonName)SeedAlias") {
                    $0.line("present.insert(\(bit))")
                    $0.line("\(property.swiftName) = context.adopt(alias)")
                }
            }
            if !tracked.isEmpty {
                body.block("if !present.containsAll(\(tracked.count))") {
                    $0.wrapped(
                        "context.reportMissing(",
                        [SwiftLiteral.stringArray(tracked), "present: present", "in: reader"], ")")
                }
            }
            let checked = type.properties.filter(\.type.hasOwnChecks)
            if !checked.isEmpty {
                let values = checked.map { "\($0.swiftName): \($0.swiftName)" }
                body.wrapped(
                    "Self.checkMembers(", values + ["report: { context.recordViolation(at: reader, $0, $1) }"], ")")
            }
            let unwrapped = type.properties.filter(\.mustBePresent).map { "let \($0.swiftName)" }
            if !unwrapped.isEmpty { body.guardElse(unwrapped, "return nil") }
            let arguments = type.properties.map { property in
                "\(property.swiftName): " + valueExpression(property)
            }
            body.wrapped("return \(type.name)(", arguments, ")")
        }
    }

    /// The expression giving a property's value after the members were read (seed defaults applied).
    static func valueExpression(_ property: Property) -> String {
        switch property.seedDefault {
        case .value(let expression, _)?: "\(property.swiftName) ?? \(expression)"
        case .copy(let path, _)?: "\(property.swiftName) ?? \(path.joined(separator: "."))"
        case nil: property.swiftName
        }
    }

    private static func renderCase(_ member: StructMember, bit: Int?, into source: inout SwiftSource) {
        source.line("case \(SwiftLiteral.string(member.jsonName)):")
        source.indented { body in
            if let bit { body.line("present.insert(\(bit))") }
            switch member {
            case .constant(let constant):
                body.line("try context.readConstant(&reader, Self.\(constant.swiftName))")
            case .property(let property):
                if property.isOptional {
                    body.line(
                        "if try context.rejectNull(&reader, expected: \(SwiftLiteral.string(property.type.expectation))) { break }"
                    )
                }
                body.statement("\(property.swiftName) = \(property.type.readExpression)")
            }
        }
        if case .property(let property) = member, let alias = property.seedAlias {
            source.line("case \(SwiftLiteral.string(alias)):")
            source.indented {
                $0.statement(
                    "\(property.jsonName)SeedAlias = try context.readSeedAlias(&reader) { reader, context in \(property.type.readExpression) }"
                )
            }
        }
    }

    private static func renderWrite(_ type: StructType, into source: inout SwiftSource) {
        source.documentation("Writes the canonical wire form; see `WireCodable.write(to:)`.")
        source.block("public func write(to writer: inout JSONWriter)") { body in
            body.line("writer.beginObject()")
            for member in type.members {
                switch member {
                case .constant(let constant):
                    body.line("writer.key(\(SwiftLiteral.string(constant.jsonName)))")
                    body.line("writer.string(Self.\(constant.swiftName))")
                case .property(let property) where property.isOptional:
                    body.block(property.unwrapping("self.\(property.swiftName)")) { inner in
                        inner.line("writer.key(\(SwiftLiteral.string(property.jsonName)))")
                        property.type.renderWrite(property.unwrappedName, into: &inner)
                    }
                case .property(let property):
                    body.line("writer.key(\(SwiftLiteral.string(property.jsonName)))")
                    property.type.renderWrite("self.\(property.swiftName)", into: &body)
                }
            }
            body.line("writer.endObject()")
        }
    }
}
