import Foundation

/// Where the generator reads and writes, and how it renders.
struct CodegenConfiguration {
    /// The folder of `*.schema.json` files.
    var schemas: URL
    /// How and where the Swift files are written.
    var swift: SwiftOutputOptions
    /// The Markdown reference to write (relative to `base`, or absolute), or `nil` for none.
    var documentation: String?
    /// The reference's opening paragraph, or `nil` for one that fits any schema folder.
    var documentationIntroduction: String?
    /// The folder relative output paths start from.
    var base: URL

    /// Reads `schemas` and writes into `outputFolder` (and `documentation`), paths relative to `base`.
    init(schemas: URL, outputFolder: String, documentation: String?, access: AccessLevel, base: URL) {
        self.schemas = schemas
        self.swift = SwiftOutputOptions(
            folder: outputFolder, access: access, schemaFolderName: schemas.standardizedFileURL.lastPathComponent)
        self.documentation = documentation
        self.base = base
    }

    /// This repository's layout: `Schemas/` → `Sources/HypergraphProtocol/Generated/` and `docs/messages.md`.
    static func repository(root: URL) -> CodegenConfiguration {
        var configuration = CodegenConfiguration(
            schemas: root.appendingPathComponent("Schemas"), outputFolder: "Sources/HypergraphProtocol/Generated",
            documentation: "docs/messages.md", access: .public, base: root)
        configuration.documentationIntroduction = MarkdownRenderer.repositoryIntroduction
        return configuration
    }
}

/// The generator's pipeline: load and resolve the schemas → build the type model → render Swift and Markdown.
enum Codegen {
    /// Every file the generator produces for `configuration`.
    static func output(_ configuration: CodegenConfiguration) throws -> GeneratedOutput {
        let documents = try SchemaLoader.load(from: configuration.schemas)
        let model = try ModelBuilder.build(documents)
        var files = SwiftFileRenderer.render(model, options: configuration.swift)
        if let documentation = configuration.documentation {
            files.append(
                GeneratedFile(
                    path: documentation,
                    contents: MarkdownRenderer.render(
                        model, schemaFolder: configuration.swift.schemaFolderName,
                        introduction: configuration.documentationIntroduction)))
        }
        return GeneratedOutput(files: files, generatedFolders: [configuration.swift.folder])
    }

    /// Every file the generator produces for this repository's layout at `root`.
    static func output(root: URL) throws -> GeneratedOutput {
        try output(.repository(root: root))
    }

    /// The repository root: the nearest folder at or above `start` with both `Package.swift` and `Schemas/`.
    static func repositoryRoot(from start: URL) throws -> URL {
        var candidate = start.standardizedFileURL
        while true {
            let manifest = candidate.appendingPathComponent("Package.swift").path
            var isDirectory: ObjCBool = false
            let schemas = FileManager.default.fileExists(
                atPath: candidate.appendingPathComponent("Schemas").path, isDirectory: &isDirectory)
            if FileManager.default.fileExists(atPath: manifest), schemas, isDirectory.boolValue { return candidate }
            let parent = candidate.deletingLastPathComponent()
            if parent.path == candidate.path {
                throw GeneratorError(
                    "no folder with Package.swift and Schemas/ at or above \(start.path); run inside the repository or pass --root"
                )
            }
            candidate = parent
        }
    }
}
