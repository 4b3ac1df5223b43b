import Foundation

/// The generator's pipeline: load and resolve `Schemas/` → build the type model → render Swift and Markdown.
enum Codegen {
    /// Every file the generator produces for the repository at `root`.
    static func output(root: URL) throws -> GeneratedOutput {
        let documents = try SchemaLoader.load(from: root.appendingPathComponent("Schemas"))
        let model = try ModelBuilder.build(documents)
        let swift = SwiftFileRenderer.render(model)
        let markdown = GeneratedFile(path: "docs/messages.md", contents: MarkdownRenderer.render(model))
        return GeneratedOutput(files: swift + [markdown], generatedFolders: [SwiftFileRenderer.generatedFolder])
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
