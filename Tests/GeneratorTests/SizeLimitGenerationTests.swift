import Foundation
import XCTest

@testable import hypergraph_codegen

/// `x-hypergraph-size-limits` and `x-hypergraph-size-limit`: what is generated from them, and every mistake failing
/// generation with the schema location.
final class SizeLimitGenerationTests: XCTestCase {
    private let declaration = #"""
        "x-hypergraph-size-limits": {"label": "A short text.", "notes": "How many notes."},
        """#

    /// The base folder with a ping carrying a note and a list of notes, the union index declaring `limits`, and
    /// `ping` and `note` the members' extra keywords for `ping.notes` and `Note.text`.
    private func schemas(limits: String, notes: String = "", text: String = "") -> [String: String] {
        [
            "client/ping.schema.json": """
            {"title": "PingRequest", "description": "Asks for a pong.", "x-hypergraph-reply": "pong",
             "type": "object", "required": ["type", "note"],
             "properties": {"type": {"description": "Message type.", "const": "ping"},
                            "note": {"$ref": "../models/Note.schema.json", "description": "A note."},
                            "notes": {"description": "More notes.", \(notes) "type": "array",
                                      "items": {"$ref": "../models/Note.schema.json", "description": "A note."}}}}
            """,
            "models/Note.schema.json": """
            {"title": "Note", "description": "A note.", "type": "object", "required": ["text"],
             "properties": {"text": {"description": "The text.", \(text) "type": "string"},
                            "count": {"description": "A count.", "type": "integer"}}}
            """,
            "ClientMessage.schema.json": """
            {"title": "ClientMessage", "description": "Client messages.", "x-hypergraph-discriminator": "/type",
             \(limits) "oneOf": [{"$ref": "client/ping.schema.json"}]}
            """,
        ]
    }

    func testVisitorsAreRendered() throws {
        let folder = try SchemaFolder(
            schemas(
                limits: declaration, notes: #""x-hypergraph-size-limit": "notes","#,
                text: #""x-hypergraph-size-limit": "label","#))
        defer { folder.remove() }
        let output = try Codegen.output(root: folder.root)
        let file = try XCTUnwrap(output.files.first { $0.path.hasSuffix("/SizeLimits.swift") }).contents
        XCTAssertTrue(file.contains("public enum SizeLimit: String, CaseIterable, Hashable, Sendable {"), file)
        XCTAssertTrue(file.contains("/// `notes`: How many notes. Counts array elements.\n    case notes\n"), file)
        XCTAssertTrue(
            file.contains(
                #"try visit(SizeLimitedMember(path: SizeLimitedMember.path(path, member: "text"), size: self.text.utf8.count, limit: .label))"#
            ), file)
        XCTAssertTrue(
            file.contains(
                """
                        if let notes = self.notes {
                            try visit(SizeLimitedMember(path: SizeLimitedMember.path(path, member: "notes"), size: notes.count, limit: .notes))
                            for (index, element) in notes.enumerated() {
                                try element.visitSizeLimitedMembers(at: SizeLimitedMember.path(path, member: "notes") + "[\\(index)]", visit)
                            }
                        }
                """), file)
        XCTAssertTrue(file.contains("case .ping(let value): try value.visitSizeLimitedMembers(at: path, visit)"), file)
        XCTAssertFalse(file.contains("extension PongResponse"), file)
    }

    func testSchemasWithoutTheKeywordsGetNoSizeLimits() throws {
        let folder = try SchemaFolder()
        defer { folder.remove() }
        XCTAssertFalse(try Codegen.output(root: folder.root).files.contains { $0.path.hasSuffix("/SizeLimits.swift") })
    }

    func testUnknownLimitNamesAreRejected() throws {
        XCTAssertEqual(
            try SchemaFolder.generationError(
                schemas(limits: declaration, text: #""x-hypergraph-size-limit": "lable","#)),
            "Schemas/models/Note.schema.json#/properties/text/x-hypergraph-size-limit: unknown size limit \"lable\" "
                + "(declared in x-hypergraph-size-limits of a union index: label, notes)")
        XCTAssertEqual(
            try SchemaFolder.generationError(schemas(limits: "", text: #""x-hypergraph-size-limit": "label","#)),
            "Schemas/models/Note.schema.json#/properties/text/x-hypergraph-size-limit: unknown size limit \"label\" "
                + "(declared in x-hypergraph-size-limits of a union index: none)")
    }

    func testLimitsApplyOnlyToStringsBytesAndArraysAndMeasureOneThing() throws {
        var files = schemas(limits: declaration)
        files["models/Note.schema.json"] = files["models/Note.schema.json"]?.replacingOccurrences(
            of: #""description": "A count.","#, with: #""description": "A count.", "x-hypergraph-size-limit": "label","#
        )
        XCTAssertEqual(
            try SchemaFolder.generationError(files),
            "Schemas/models/Note.schema.json#/properties/count/x-hypergraph-size-limit: a size limit applies to a "
                + "string, bytes or an array member, not integer")
        XCTAssertEqual(
            try SchemaFolder.generationError(
                schemas(
                    limits: declaration, notes: #""x-hypergraph-size-limit": "label","#,
                    text: #""x-hypergraph-size-limit": "label","#)),
            "Schemas/models/Note.schema.json#/properties/text/x-hypergraph-size-limit: size limit \"label\" is used "
                + "both on an array (element count) and on a string or bytes")
    }

    func testALimitBelongsToTheArrayNotItsItems() throws {
        var files = schemas(limits: declaration)
        files["client/ping.schema.json"] = files["client/ping.schema.json"]?.replacingOccurrences(
            of: #""items": {"#, with: #""items": {"x-hypergraph-size-limit": "label", "#)
        XCTAssertTrue(
            try SchemaFolder.generationError(files).hasPrefix(
                "Schemas/client/ping.schema.json#/properties/notes/items: unsupported keyword \"x-hypergraph-size-limit\""
            ))
    }
}
