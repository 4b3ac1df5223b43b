// Every request type of the schemas (the generated `ClientMessage.knownTypes`) has a client helper, a server handler
// and a conformance case (docs/schemas.md, "Adding or changing a message"). The server and conformance half is checked
// by `ConformanceSuiteTests.testReferenceServerPassesEveryCase` with `RequestCoverage.typesAnswered(in:)`: the
// reference server must have answered each type successfully while the whole suite ran.
import Foundation
import HypergraphProtocol
import XCTest

/// Reading request coverage from the reference server's log and from the client's sources.
enum RequestCoverage {
    /// The request types the server handled with `outcome=ok`, from its `event=request` log lines.
    static func typesAnswered(in lines: [String]) -> Set<String> {
        var types = Set<String>()
        for line in lines {
            let fields = line.split(separator: " ")
            guard fields.contains("event=request"), fields.contains("outcome=ok"),
                let type = fields.first(where: { $0.hasPrefix("type=") })
            else { continue }
            types.insert(String(type.dropFirst("type=".count)))
        }
        return types
    }

    /// The Swift struct of a request type, by the naming rule of docs/codec.md (`create-update` →
    /// `CreateUpdateRequest`).
    static func structName(of type: String) -> String {
        type.split(separator: "-").map(\.capitalized).joined() + "Request"
    }
}

final class RequestCoverageTests: XCTestCase {
    private let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    /// A helper of `HypergraphSession+Requests.swift` takes or builds each request struct.
    func testEveryRequestHasAClientHelper() throws {
        let helpers = try String(
            contentsOf: repository.appendingPathComponent("Sources/HypergraphClient/HypergraphSession+Requests.swift"),
            encoding: .utf8)
        for type in ClientMessage.knownTypes {
            XCTAssertTrue(
                helpers.contains(RequestCoverage.structName(of: type)),
                "\(type) has no request helper in HypergraphSession+Requests.swift")
        }
    }

    /// The request types of the generated code are those of `Schemas/client/`.
    func testKnownTypesAreTheSchemaFolder() throws {
        let names = try FileManager.default.contentsOfDirectory(
            atPath: repository.appendingPathComponent("Schemas/client").path)
        let types = names.filter { $0.hasSuffix(".schema.json") }.map { String($0.dropLast(".schema.json".count)) }
        XCTAssertEqual(Set(types), Set(ClientMessage.knownTypes))
    }

    func testLogLinesAreRead() {
        let lines = [
            "2026-01-01T00:00:00.000Z level=info event=request conn=1 type=list-spaces outcome=ok duration_ms=1",
            "2026-01-01T00:00:00.000Z level=warn event=request conn=1 type=create-update outcome=rejected code=x",
            "2026-01-01T00:00:00.000Z level=info event=connection type=subscribe-space outcome=ok",
        ]
        XCTAssertEqual(RequestCoverage.typesAnswered(in: lines), ["list-spaces"])
        XCTAssertEqual(
            RequestCoverage.structName(of: "get-latest-space-inbox-messages"), "GetLatestSpaceInboxMessagesRequest")
    }
}
