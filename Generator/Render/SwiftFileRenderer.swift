/// Stage 3 of the pipeline: one Swift file per generated type plus the pattern matchers, all under the codec
/// module's `Generated/` folder.
enum SwiftFileRenderer {
    /// The folder, relative to the repository root, that holds generated Swift and nothing else.
    static let generatedFolder = "Sources/HypergraphProtocol/Generated"

    static func render(_ model: TypeModel) -> [GeneratedFile] {
        var files: [GeneratedFile] = []
        for type in model.structs {
            files.append(
                file(type.name, source: "Schemas/\(type.source)") { source in
                    StructRenderer.render(type, into: &source)
                    source.line()
                    StructCodecRenderer.render(type, into: &source)
                    source.line()
                    StructCodableRenderer.render(type, into: &source)
                    source.line()
                    ValidatorRenderer.render(type, into: &source)
                })
        }
        for type in model.enums {
            files.append(file(type.name, source: "Schemas/\(type.source)") { EnumRenderer.render(type, into: &$0) })
        }
        for type in model.unions {
            files.append(file(type.name, source: "Schemas/\(type.source)") { UnionRenderer.render(type, into: &$0) })
        }
        files.append(
            file("GeneratedPatterns", source: "Schemas/ (every pattern keyword)", imports: []) {
                PatternRenderer.render(model.patterns, into: &$0)
            })
        return files.sorted { $0.path < $1.path }
    }

    private static func file(
        _ name: String, source: String, imports: [String] = ["HypergraphJSON"], _ body: (inout SwiftSource) -> Void
    ) -> GeneratedFile {
        var text = SwiftSource()
        text.line(generatedHeader(source: source))
        text.line()
        for module in imports { text.line("import \(module)") }
        if !imports.isEmpty { text.line() }
        body(&text)
        return GeneratedFile(path: "\(generatedFolder)/\(name).swift", contents: text.text)
    }
}
