/// Where the Swift files go and how they are written.
struct SwiftOutputOptions {
    /// The folder that holds generated Swift and nothing else (relative to the working folder, or absolute).
    var folder: String
    /// The access level of the generated declarations.
    var access: AccessLevel
    /// The schema folder as the file headers name it, e.g. `Schemas`.
    var schemaFolderName: String
}

/// Stage 3 of the pipeline: one Swift file per generated type plus the pattern matchers, all in one folder.
enum SwiftFileRenderer {
    /// The imports of a type's file: the codec runtime, with the helpers only generated code calls, and the JSON
    /// reader and writer.
    static let typeImports = ["@_spi(GeneratedCode) import HypergraphCodec", "import HypergraphJSON"]

    static func render(_ model: TypeModel, options: SwiftOutputOptions) -> [GeneratedFile] {
        let schemas = options.schemaFolderName
        func file(
            _ name: String, source: String, imports: [String] = typeImports, _ body: (inout SwiftSource) -> Void
        ) -> GeneratedFile {
            var text = SwiftSource(access: options.access, schemaFolder: schemas)
            text.line(generatedHeader(source: source))
            text.line()
            for line in imports { text.line(line) }
            if !imports.isEmpty { text.line() }
            body(&text)
            return GeneratedFile(path: "\(options.folder)/\(name).swift", contents: text.text)
        }
        var files: [GeneratedFile] = []
        for type in model.structs {
            files.append(
                file(type.name, source: "\(schemas)/\(type.source)") { source in
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
            files.append(file(type.name, source: "\(schemas)/\(type.source)") { EnumRenderer.render(type, into: &$0) })
        }
        for type in model.unions {
            files.append(file(type.name, source: "\(schemas)/\(type.source)") { UnionRenderer.render(type, into: &$0) })
        }
        if !model.requests.isEmpty {
            files.append(
                file(
                    RequestMetadataRenderer.fileName,
                    source: "\(schemas)/client/ (x-hypergraph-reply, x-hypergraph-correlation)", imports: []
                ) { RequestMetadataRenderer.render(model, into: &$0) })
        }
        if !model.sizeLimits.isEmpty {
            files.append(
                file(
                    SizeLimitRenderer.fileName,
                    source: "\(schemas)/ (x-hypergraph-size-limits, x-hypergraph-size-limit)"
                ) { SizeLimitRenderer.render(model, into: &$0) })
        }
        files.append(
            file("GeneratedPatterns", source: "\(schemas)/ (every pattern keyword)", imports: []) {
                PatternRenderer.render(model.patterns, into: &$0)
            })
        return files.sorted { $0.path < $1.path }
    }
}
