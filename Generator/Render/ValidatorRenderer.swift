/// Renders the validators of a struct: `checkMembers` (its own constraints, used by both decoders) and
/// `collectIssues(at:into:)` (the whole tree, for values built in Swift).
enum ValidatorRenderer {
    static func render(_ type: StructType, into source: inout SwiftSource) {
        let checked = type.properties.filter(\.type.hasOwnChecks)
        source.block("extension \(type.name)") { body in
            if !checked.isEmpty {
                body.documentation(
                    "Reports each violated constraint of the given member values, with paths relative to the value. A `nil` value (absent, or already reported as undecodable) is skipped; nested generated values check themselves. The decoders call this before the value is built, so every violation is reported even when a member is missing."
                )
                let parameters = checked.map { "\($0.swiftName): \($0.type.swiftTypeName)?" }
                body.function(
                    "static func checkMembers",
                    parameters + ["report: (_ path: [JSONPath.Component], _ message: String) -> Void"]
                ) { checks in
                    for property in checked {
                        checks.block(property.unwrapping(property.swiftName)) {
                            property.type.renderChecks(
                                property.unwrappedName, path: ".key(\(SwiftLiteral.string(property.jsonName)))",
                                into: &$0)
                        }
                    }
                }
                body.line()
                body.documentation(
                    "Reports each violated constraint of this value's own members; see `checkMembers(…report:)`.")
                body.block("func checkMembers(_ report: (_ path: [JSONPath.Component], _ message: String) -> Void)") {
                    $0.wrapped(
                        "Self.checkMembers(",
                        checked.map { "\($0.swiftName): self.\($0.swiftName)" } + ["report: report"], ")")
                }
                body.line()
            }
            body.documentation(
                "Appends every constraint violation of this value and its nested values; see `WireCodable.collectIssues(at:into:)`."
            )
            let nested = type.properties.filter(\.type.containsNestedValues)
            let signature = "public func collectIssues(at path: JSONPath, into issues: inout [JSONError])"
            if checked.isEmpty && nested.isEmpty {
                body.line(signature + " {}")
                return
            }
            body.block(signature) { collect in
                if !checked.isEmpty {
                    collect.line("checkMembers { issues.append(violation(at: path, $0, $1)) }")
                }
                for property in nested {
                    let path = "path.appending(key: \(SwiftLiteral.string(property.jsonName)))"
                    if property.isOptional {
                        collect.block(property.unwrapping("self.\(property.swiftName)")) {
                            property.type.renderCollect(property.unwrappedName, path: path, into: &$0)
                        }
                    } else {
                        property.type.renderCollect("self.\(property.swiftName)", path: path, into: &collect)
                    }
                }
            }
        }
    }
}
