import Foundation
import XCTest

@testable import hypergraph_codegen

/// Constraints that the protocol's schemas do not use yet still render to the right checks, and the Markdown
/// reference describes them.
final class RenderingTests: XCTestCase {
    private func generated(_ noteProperties: String, required: String = "[]") throws -> (
        swift: String, markdown: String
    ) {
        let folder = try SchemaFolder([
            "models/Note.schema.json": """
            {"title": "Note", "description": "A note.", "type": "object", "required": \(required),
             "properties": {\(noteProperties)}}
            """
        ])
        defer { folder.remove() }
        let files = try Codegen.output(root: folder.root).files
        let swift = try XCTUnwrap(files.first { $0.path.hasSuffix("/Note.swift") }).contents
        let markdown = try XCTUnwrap(files.first { $0.path == "docs/messages.md" }).contents
        return (swift, markdown)
    }

    func testStringLengthAndEnumChecks() throws {
        let (swift, markdown) = try generated(
            """
            "text": {"description": "T.", "type": "string", "minLength": 2, "maxLength": 5, "enum": ["ab", "abc"]}
            """)
        XCTAssertTrue(swift.contains("if text.unicodeScalars.count < 2 {"), swift)
        XCTAssertTrue(swift.contains("if text.unicodeScalars.count > 5 {"), swift)
        XCTAssertTrue(swift.contains(#"case "ab", "abc": break"#), swift)
        XCTAssertTrue(swift.contains(#""expected one of \"ab\", \"abc\", got \(quoteShortened(text))""#), swift)
        XCTAssertTrue(
            markdown.contains(
                "| `text` | string, ≥ 2 characters, ≤ 5 characters, one of `\"ab\"`, `\"abc\"` | no | T. |"), markdown)
    }

    func testArrayCountAndElementChecks() throws {
        let (swift, _) = try generated(
            """
            "tags": {"description": "T.", "type": "array", "maxItems": 3, "items": {"description": "E.", "type": "string", "pattern": "^[a-z]+$"}}
            """, required: #"["tags"]"#)
        XCTAssertTrue(swift.contains("if tags.count > 3 {"), swift)
        XCTAssertTrue(swift.contains("for (index, element) in tags.enumerated() {"), swift)
        XCTAssertTrue(swift.contains("if !GeneratedPatterns.isNoteTagsElement(element) {"), swift)
        XCTAssertTrue(swift.contains(#"[.key("tags"), .index(index)]"#), swift)
    }

    func testNumberRangeAndMapChecks() throws {
        let (swift, markdown) = try generated(
            """
            "weight": {"description": "W.", "type": "number", "minimum": 0.5, "maximum": 2},
            "scores": {"description": "S.", "type": "object", "additionalProperties": {"description": "V.", "type": "integer", "maximum": 10}}
            """)
        XCTAssertTrue(swift.contains("public var weight: Double?"), swift)
        XCTAssertTrue(swift.contains("if !(0.5...2.0).contains(weight) {"), swift)
        XCTAssertTrue(swift.contains(#""expected number 0.5...2.0, got \(weight)""#), swift)
        XCTAssertTrue(swift.contains("public var scores: [String: Int]?"), swift)
        XCTAssertTrue(swift.contains("for (key, value) in scores.sorted(by: { $0.key < $1.key }) {"), swift)
        XCTAssertTrue(swift.contains("if value > 10 {"), swift)
        XCTAssertTrue(markdown.contains("| `scores` | object mapping names to integer <= 10 | no | S. |"), markdown)
    }

    func testOptionalMembersRejectNullAndAreOmitted() throws {
        let (swift, _) = try generated(#""text": {"description": "T.", "type": "string"}"#)
        XCTAssertTrue(swift.contains(#"if try context.rejectNull(&reader, expected: "string") { break }"#), swift)
        XCTAssertTrue(swift.contains("if let text = self.text {"), swift)
        XCTAssertTrue(swift.contains("try container.encodeIfPresent(self.text, forKey: .text)"), swift)
        XCTAssertTrue(swift.contains("try container.decodeOptionalMember(String.self, forKey: .text)"), swift)
    }
}
