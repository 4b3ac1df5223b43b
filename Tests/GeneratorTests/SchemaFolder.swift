import Foundation
import HypergraphCommandLine
import XCTest

@testable import hypergraph_codegen

/// A temporary repository with a minimal valid `Schemas/` folder that tests extend or break.
struct SchemaFolder {
    let root: URL

    /// Creates the folder with a `Package.swift` and the base schemas (one message per direction, their union
    /// indexes and a model), plus `extra` files (relative to `Schemas/`) that may replace base ones.
    init(_ extra: [String: String] = [:]) throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("codegen-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        try write("Package.swift", "// test repository\n")
        var files = Self.base
        for (path, contents) in extra { files[path] = contents }
        for (path, contents) in files { try write("Schemas/" + path, contents) }
    }

    /// The generator's error for the base schemas plus `extra`, or `no error`.
    static func generationError(_ extra: [String: String]) throws -> String {
        let folder = try SchemaFolder(extra)
        defer { folder.remove() }
        do {
            _ = try Codegen.output(root: folder.root)
            return "no error"
        } catch let error as GeneratorError {
            return error.description
        }
    }

    /// Writes `contents` at `path` relative to the root.
    func write(_ path: String, _ contents: String) throws {
        let url = root.appendingPathComponent(path)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(contents.utf8).write(to: url)
    }

    /// Removes the folder.
    func remove() {
        try? FileManager.default.removeItem(at: root)
    }

    static let base: [String: String] = [
        "client/ping.schema.json": """
        {"title": "PingRequest", "description": "Asks for a pong.", "x-hypergraph-reply": "pong",
         "type": "object", "required": ["type", "note"],
         "properties": {"type": {"description": "Message type.", "const": "ping"},
                        "note": {"$ref": "../models/Note.schema.json", "description": "A note."}}}
        """,
        "server/pong.schema.json": """
        {"title": "PongResponse", "description": "Answers a ping.", "type": "object", "required": ["type"],
         "properties": {"type": {"description": "Message type.", "const": "pong"}}}
        """,
        "models/Note.schema.json": """
        {"title": "Note", "description": "A note.", "type": "object", "required": ["text"],
         "properties": {"text": {"description": "The text.", "type": "string"}}}
        """,
        "ClientMessage.schema.json": """
        {"title": "ClientMessage", "description": "Client messages.", "x-hypergraph-discriminator": "/type",
         "oneOf": [{"$ref": "client/ping.schema.json"}]}
        """,
        "ServerMessage.schema.json": """
        {"title": "ServerMessage", "description": "Server messages.", "x-hypergraph-discriminator": "/type",
         "oneOf": [{"$ref": "server/pong.schema.json"}]}
        """,
    ]
}

/// The repository this test file belongs to (three levels up from `Tests/GeneratorTests/<file>`).
let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent()

/// Runs `hypergraph-codegen` with `words` as its arguments (parsing included) and checks its exit status.
func expectCodegen(_ words: String..., exits expected: Int32, file: StaticString = #filePath, line: UInt = #line) async
{
    let status = await runCommand(CodegenCommand.command, words: words)
    XCTAssertEqual(status, expected, "hypergraph-codegen \(words.joined(separator: " "))", file: file, line: line)
}
