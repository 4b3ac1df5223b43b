import Foundation
import XCTest

@testable import hypergraph_codegen

/// `x-hypergraph-reply` and `x-hypergraph-correlation`: what is generated from them, and every mistake failing
/// generation with the schema location.
final class RequestMetadataTests: XCTestCase {
    /// The base folder with a `pong` that echoes a member and an `error` message that can name a space id, plus a
    /// ping whose metadata is `metadata` (the members after `description`).
    private func schemas(ping metadata: String, pong extra: String = "") -> [String: String] {
        [
            "client/ping.schema.json": """
            {"title": "PingRequest", "description": "Asks for a pong.", \(metadata)
             "type": "object", "required": ["type", "note"],
             "properties": {"type": {"description": "Message type.", "const": "ping"},
                            "note": {"$ref": "../models/Note.schema.json", "description": "A note."}}}
            """,
            "server/pong.schema.json": """
            {"title": "PongResponse", "description": "Answers a ping.", \(extra) "type": "object",
             "required": ["type", "echo"],
             "properties": {"type": {"description": "Message type.", "const": "pong"},
                            "echo": {"description": "The note's text.", "type": "string"}}}
            """,
            "server/error.schema.json": """
            {"title": "ErrorResponse", "description": "Refuses a request.", "type": "object", "required": ["type"],
             "properties": {"type": {"description": "Message type.", "const": "error"},
                            "requestType": {"description": "The refused request's type.", "type": "string"},
                            "spaceId": {"description": "A space.", "type": "string"},
                            "count": {"description": "A number.", "type": "integer"}}}
            """,
            "ServerMessage.schema.json": """
            {"title": "ServerMessage", "description": "Server messages.", "x-hypergraph-discriminator": "/type",
             "oneOf": [{"$ref": "server/pong.schema.json"}, {"$ref": "server/error.schema.json"}]}
            """,
        ]
    }

    private let valid = #"""
        "x-hypergraph-reply": "pong",
        "x-hypergraph-correlation": [{"request": "/note/text", "reply": "/echo", "error": "spaceId"}],
        """#

    private func buildError(_ files: [String: String]) throws -> String {
        try SchemaFolder.generationError(files)
    }

    func testMetadataIsRendered() throws {
        let folder = try SchemaFolder(schemas(ping: valid))
        defer { folder.remove() }
        let output = try Codegen.output(root: folder.root)
        let file = try XCTUnwrap(output.files.first { $0.path.hasSuffix("/RequestMetadata.swift") }).contents
        XCTAssertTrue(file.contains(#"requestType: "ping", replyType: "pong""#), file)
        XCTAssertTrue(file.contains(#"replyMembers: [.init(pointer: "/echo", value: request.note.text)]"#), file)
        XCTAssertTrue(file.contains("errorIdentifiers: [.init(kind: .spaceId, value: request.note.text)]"), file)
        XCTAssertTrue(file.contains(#"case (.pong(let message), "/echo"): message.echo"#), file)
        XCTAssertTrue(file.contains("case .spaceId: spaceId = newValue"), file)
        XCTAssertTrue(file.contains("extension PingRequest: ClientRequest {"), file)
        XCTAssertTrue(file.contains("public static func reply(in message: ServerMessage) -> PongResponse? {"), file)
        XCTAssertTrue(file.contains("if case .pong(let reply) = message { reply } else { nil }"), file)
        let markdown = try XCTUnwrap(output.files.first { $0.path == "docs/messages.md" }).contents
        XCTAssertTrue(
            markdown.contains(
                "Reply: [`pong`](#server-pong) whose `echo` equals the request's `note.text`. An `error` rejecting it "
                    + "has `requestType` `ping` and may name `spaceId` (the request's `note.text`)."),
            markdown)
    }

    func testOnceOneRequestHasAReplyEveryRequestNeedsOne() throws {
        var files = schemas(ping: "")
        files["client/poke.schema.json"] = """
            {"title": "PokeRequest", "description": "Pokes.", "x-hypergraph-reply": "pong", "type": "object",
             "required": ["type"], "properties": {"type": {"description": "Message type.", "const": "poke"}}}
            """
        files["ClientMessage.schema.json"] = """
            {"title": "ClientMessage", "description": "Client messages.", "x-hypergraph-discriminator": "/type",
             "oneOf": [{"$ref": "client/ping.schema.json"}, {"$ref": "client/poke.schema.json"}]}
            """
        XCTAssertEqual(
            try buildError(files),
            "Schemas/client/ping.schema.json: a client request needs \"x-hypergraph-reply\": the type of the server "
                + "message that answers it")
    }

    func testSchemasWithoutTheKeywordsGetNoMetadata() throws {
        let folder = try SchemaFolder(schemas(ping: ""))
        defer { folder.remove() }
        let output = try Codegen.output(root: folder.root)
        XCTAssertFalse(output.files.contains { $0.path.hasSuffix("/RequestMetadata.swift") })
    }

    func testUnknownReplyTypeIsRejected() throws {
        XCTAssertEqual(
            try buildError(schemas(ping: #""x-hypergraph-reply": "pang","#)),
            "Schemas/client/ping.schema.json#/x-hypergraph-reply: x-hypergraph-reply names \"pang\", which is not a "
                + "server message (expected one of pong, error)")
    }

    func testBadPointersAreRejected() throws {
        func error(_ entry: String) throws -> String {
            try buildError(
                schemas(ping: #""x-hypergraph-reply": "pong", "x-hypergraph-correlation": [\#(entry)],"#))
        }
        let location = "Schemas/client/ping.schema.json#/x-hypergraph-correlation/0"
        XCTAssertEqual(
            try error(#"{"request": "note/text", "reply": "/echo"}"#),
            location + "/request: \"note/text\" is not a JSON pointer to a member, such as /spaceId")
        XCTAssertEqual(
            try error(#"{"request": "/note/missing", "reply": "/echo"}"#),
            location + "/request: /note/missing: \"missing\" is not a required member of Note")
        XCTAssertEqual(
            try error(#"{"request": "/note", "reply": "/echo"}"#),
            location + "/request: /note is not a string member of PingRequest")
        XCTAssertEqual(
            try error(#"{"request": "/note/text", "reply": "/echo/x"}"#),
            location + "/reply: /echo/x: \"echo\" of PongResponse is not an object")
        XCTAssertEqual(
            try error(#"{"request": "/note/text"}"#), location + ": a correlation needs \"reply\", \"error\" or both")
        XCTAssertTrue(
            try error(#"{"request": "/note/text", "answer": "/echo"}"#).hasPrefix(
                location + ": unsupported keyword \"answer\""))
    }

    func testErrorMembersMustBeStringIdsOfTheErrorMessage() throws {
        func error(_ member: String) throws -> String {
            try buildError(
                schemas(
                    ping: #"""
                        "x-hypergraph-reply": "pong",
                        "x-hypergraph-correlation": [{"request": "/note/text", "error": "\#(member)"}],
                        """#))
        }
        let expected =
            "is not a string member of the error message that names a request id (expected one of spaceId)"
        for member in ["count", "requestType", "missing"] {
            XCTAssertEqual(
                try error(member),
                "Schemas/client/ping.schema.json#/x-hypergraph-correlation/0/error: \"\(member)\" " + expected)
        }
    }

    func testOnlyClientRequestsCarryMetadata() throws {
        XCTAssertEqual(
            try buildError(schemas(ping: valid, pong: #""x-hypergraph-reply": "pong","#)),
            "Schemas/server/pong.schema.json#/x-hypergraph-reply: x-hypergraph-reply belongs only in client request "
                + "schemas")
    }
}
