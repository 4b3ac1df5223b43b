import Foundation
import HypergraphJSON

/// A schema file of `Schemas/`, parsed.
struct SchemaDocument {
    /// Path relative to `Schemas/`, with `/` separators, e.g. `models/SignedUpdate.schema.json`.
    let path: String
    /// The document's root.
    let root: SchemaNode

    /// The first folder of `path` (`client`, `server`, `models`, `formats`), or empty for top-level files.
    var folder: String {
        path.split(separator: "/").count > 1 ? String(path.split(separator: "/")[0]) : ""
    }
}

/// Stage 1 of the pipeline: reads every `*.schema.json` under `Schemas/`, in a stable order.
enum SchemaLoader {
    /// Loads all schema files below `directory`, sorted by relative path.
    static func load(from directory: URL) throws -> [SchemaDocument] {
        let base = directory.resolvingSymlinksInPath().standardizedFileURL.path
        guard let enumerator = FileManager.default.enumerator(atPath: base) else {
            throw GeneratorError("cannot read the schema folder \(base)")
        }
        var paths: [String] = []
        while let relative = enumerator.nextObject() as? String {
            if relative.hasSuffix(".schema.json") { paths.append(relative) }
        }
        guard !paths.isEmpty else { throw GeneratorError("no *.schema.json files in \(base)") }
        return try paths.sorted().map { relative in
            let location = SchemaLocation(file: relative)
            guard let data = FileManager.default.contents(atPath: base + "/" + relative) else {
                throw GeneratorError("cannot read the file", at: location)
            }
            do {
                return SchemaDocument(
                    path: relative, root: SchemaNode(value: try JSONValue.parse([UInt8](data)), location: location))
            } catch {
                throw GeneratorError("not valid JSON: \(error)", at: location)
            }
        }
    }

    /// Resolves a relative `$ref` against the folder of the document at `path` (`../models/X.schema.json` from
    /// `client/a.schema.json` is `models/X.schema.json`). Fragments and absolute URIs are not supported.
    static func resolve(_ reference: String, from path: String, at location: SchemaLocation) throws -> String {
        guard !reference.contains("#"), !reference.contains(":") else {
            throw GeneratorError("only relative file references are supported, got \"\(reference)\"", at: location)
        }
        var components = path.split(separator: "/").dropLast().map(String.init)
        for part in reference.split(separator: "/") {
            switch part {
            case ".": continue
            case "..":
                guard !components.isEmpty else {
                    throw GeneratorError("\"\(reference)\" points outside Schemas/", at: location)
                }
                components.removeLast()
            default: components.append(String(part))
            }
        }
        return components.joined(separator: "/")
    }
}
