import Foundation
import XCTest

@testable import hypergraph_codegen

/// Schema mistakes fail generation with a message that says where and what.
final class ModelBuilderTests: XCTestCase {
    private func buildError(_ extra: [String: String]) throws -> String {
        try SchemaFolder.generationError(extra)
    }

    private func note(_ textSchema: String, extra: String = "") -> [String: String] {
        [
            "models/Note.schema.json": """
            {"title": "Note", "description": "A note.", "type": "object", "required": ["text"]\(extra),
             "properties": {"text": \(textSchema)}}
            """
        ]
    }

    func testTheBaseSchemasBuild() throws {
        XCTAssertEqual(try buildError([:]), "no error")
    }

    func testUnsupportedKeywordIsRejected() throws {
        let error = try buildError(note(#"{"description": "T.", "type": "integer", "multipleOf": 2}"#))
        XCTAssertTrue(
            error.hasPrefix("Schemas/models/Note.schema.json#/properties/text: unsupported keyword \"multipleOf\""),
            error)
    }

    func testMissingDescriptionIsRejected() throws {
        let error = try buildError(note(#"{"type": "string"}"#))
        XCTAssertEqual(
            error,
            "Schemas/models/Note.schema.json#/properties/text: missing description (every schema and property needs one)"
        )
    }

    func testClosedObjectsAreRejected() throws {
        let error = try buildError(
            note(#"{"description": "T.", "type": "string"}"#, extra: #", "additionalProperties": false"#))
        XCTAssertTrue(error.contains("additionalProperties must be true or absent"), error)
    }

    func testMessageNamingRuleIsEnforced() throws {
        let error = try buildError([
            "server/pong.schema.json": """
            {"title": "Pong", "description": "Answers a ping.", "type": "object", "required": ["type"],
             "properties": {"type": {"description": "Message type.", "const": "pong"}}}
            """,
            "ServerMessage.schema.json": """
            {"title": "ServerMessage", "description": "Server messages.", "x-hypergraph-discriminator": "/type",
             "oneOf": [{"$ref": "server/pong.schema.json"}]}
            """,
        ])
        XCTAssertEqual(
            error,
            "Schemas/server/pong.schema.json#/title: message title must be PongResponse (naming rule, docs/codec.md)")
    }

    func testEveryMessageMustBeInItsUnion() throws {
        let error = try buildError([
            "client/extra.schema.json": """
            {"title": "ExtraRequest", "description": "Extra.", "type": "object", "required": ["type"],
             "properties": {"type": {"description": "Message type.", "const": "extra"}}}
            """
        ])
        XCTAssertTrue(
            error.contains("ClientMessage must list exactly the clientMessage schemas; missing [\"ExtraRequest\"]"),
            error)
    }

    func testUnresolvableReferenceIsRejected() throws {
        let error = try buildError(note(#"{"description": "T.", "$ref": "Missing.schema.json"}"#))
        XCTAssertTrue(error.contains("$ref \"Missing.schema.json\" names no schema file"), error)
    }

    func testUnsupportedPatternIsRejected() throws {
        let error = try buildError(note(#"{"description": "T.", "type": "string", "pattern": "^(a|b)$"}"#))
        XCTAssertTrue(error.contains("#/properties/text/pattern: unsupported pattern"), error)
    }

    func testSeedDefaultMustPointAtAMemberOfTheSameType() throws {
        let error = try buildError(
            note(#"{"description": "T.", "type": "string", "x-hypergraph-seed-default": {"copy": "/missing"}}"#))
        XCTAssertTrue(error.contains("\"missing\" is not a required member of Note"), error)
    }

    func testReservedPropertyNamesAreRejected() throws {
        let error = try buildError([
            "models/Note.schema.json": """
            {"title": "Note", "description": "A note.", "type": "object",
             "properties": {"reader": {"description": "T.", "type": "string"}}}
            """
        ])
        XCTAssertTrue(error.contains("member name \"reader\" is not usable"), error)
    }
}
