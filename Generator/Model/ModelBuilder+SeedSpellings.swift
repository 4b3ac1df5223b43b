import Foundation

// Seed spellings (docs/seed-differences.md): resolving `x-hypergraph-seed-default` once every struct is known.

extension ModelBuilder {
    /// Resolves `x-hypergraph-seed-default` once every struct is known (a copy default refers to members of
    /// nested structs).
    func resolveSeedDefaults(_ structs: inout [StructType]) throws {
        let byName = Dictionary(uniqueKeysWithValues: structs.map { ($0.name, $0) })
        for structIndex in structs.indices {
            let type = structs[structIndex]
            guard let document = documents[type.source] else { continue }
            for (memberIndex, member) in type.members.enumerated() {
                guard case .property(var property) = member,
                    let node = document.root["properties"]?[property.jsonName]?["x-hypergraph-seed-default"]
                else { continue }
                guard property.isRequired else {
                    throw GeneratorError("a seed default only makes sense for a required member", at: node.location)
                }
                if let value = node["value"] {
                    let json = String(decoding: value.value.serialized(), as: UTF8.self)
                    property.seedDefault = .value(
                        swiftExpression: try swiftLiteral(value, for: property.type), json: json)
                } else if let pointer = try node.optionalString("copy") {
                    let path = try propertyPath(
                        pointer, in: type, structs: byName, matching: property, at: node.location)
                    property.seedDefault = .copy(propertyPath: path, pointer: pointer)
                } else {
                    throw GeneratorError("x-hypergraph-seed-default needs \"value\" or \"copy\"", at: node.location)
                }
                structs[structIndex].members[memberIndex] = .property(property)
            }
        }
    }

    /// A Swift expression for the JSON `value` as a field of `type`.
    func swiftLiteral(_ value: SchemaNode, for type: FieldType) throws -> String {
        switch (type, value.value) {
        case (.string, .string(let text)):
            return SwiftLiteral.string(text)
        case (.integer, .number(let number)) where Int(exactly: number) != nil:
            return String(Int(number))
        case (.boolean, .bool(let flag)):
            return String(flag)
        case (.timestamp, .string(let text)):
            let formatter = ISO8601DateFormatter()
            formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
            guard let date = formatter.date(from: text) else {
                throw GeneratorError(
                    "a timestamp default must be written as YYYY-MM-DDTHH:mm:ss.sssZ", at: value.location)
            }
            return "Timestamp(millisecondsSince1970: \(Int64((date.timeIntervalSince1970 * 1000).rounded())))"
        default:
            throw GeneratorError("default value does not fit the member's type", at: value.location)
        }
    }

    /// The property names along `pointer` (e.g. `/event/transaction/id`), checking that every step is a required
    /// struct member and that the target has the same type as `property`.
    func propertyPath(
        _ pointer: String, in type: StructType, structs: [String: StructType], matching property: Property,
        at location: SchemaLocation
    ) throws -> [String] {
        let names = pointer.split(separator: "/").map(String.init)
        guard pointer.hasPrefix("/"), !names.isEmpty else {
            throw GeneratorError("copy must be a JSON pointer such as /event/transaction/id", at: location)
        }
        var current = type
        for (index, name) in names.enumerated() {
            guard let step = current.property(named: name), step.mustBePresent else {
                throw GeneratorError(
                    "\(pointer): \"\(name)\" is not a required member of \(current.name)", at: location)
            }
            if index == names.count - 1 {
                guard step.type.swiftTypeName == property.type.swiftTypeName else {
                    throw GeneratorError("\(pointer) has a different type than the member", at: location)
                }
            } else {
                guard case .named(let next, .structure) = step.type, let nextType = structs[next] else {
                    throw GeneratorError("\(pointer): \"\(name)\" is not a struct", at: location)
                }
                current = nextType
            }
        }
        return names.map(Naming.escaped)
    }
}
