import Foundation
import HypergraphProtocol
import HypergraphSigning
import XCTest

/// The signature walk (SignatureSites.swift) names the messages that carry signatures and lets every other message
/// through with `default`, so a message added without signatures needs no edit there. This test keeps forgetting a
/// signed one impossible: every message whose schema reaches `SignatureWithRecovery` must yield signature sites for
/// its valid fixture.
final class SignatureCoverageTests: XCTestCase {
    private let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    func testEveryRequestWhoseSchemaCarriesSignaturesHasSites() throws {
        let signed = try assertSites(direction: "client") { try ClientMessage(jsonUTF8: $0).signatureSites() }
        // The schema walk itself must work: these are known to be signed (a new signed request needs no edit here).
        XCTAssert(
            Set(signed).isSuperset(of: ["create-space-event", "create-update", "create-account-inbox"]), "\(signed)")
        XCTAssertFalse(signed.contains("list-spaces"))
    }

    func testEveryServerMessageWhoseSchemaCarriesSignaturesHasSites() throws {
        let signed = try assertSites(direction: "server") { try ServerMessage(jsonUTF8: $0).signatureSites() }
        XCTAssert(Set(signed).isSuperset(of: ["space", "updates-notification", "space-inbox-messages"]), "\(signed)")
        XCTAssertFalse(signed.contains("update-confirmed"))
    }

    /// Checks the fixture of each message of `direction` whose schema carries signatures; returns those messages.
    private func assertSites(direction: String, sites: ([UInt8]) throws -> [SignatureSite]) throws -> [String] {
        let folder = repository.appendingPathComponent("Schemas").appendingPathComponent(direction)
        let files = try FileManager.default.contentsOfDirectory(atPath: folder.path)
            .filter { $0.hasSuffix(".schema.json") }.sorted()
        var schemas = SchemaReach()
        var signed: [String] = []
        for file in files where try schemas.reachesSignature(folder.appendingPathComponent(file)) {
            let type = String(file.dropLast(".schema.json".count))
            signed.append(type)
            let fixture = repository.appendingPathComponent(
                "Tests/HypergraphProtocolTests/Fixtures/valid/\(direction)/\(type).json")
            XCTAssertFalse(
                try sites([UInt8](Data(contentsOf: fixture))).isEmpty,
                "\(direction)/\(type): its schema carries signatures, but the walk in SignatureSites.swift finds none")
        }
        return signed
    }
}

/// Whether a schema file reaches `models/SignatureWithRecovery.schema.json` through its `$ref`s.
private struct SchemaReach {
    private var known: [URL: Bool] = [:]

    mutating func reachesSignature(_ file: URL) throws -> Bool {
        let file = file.standardizedFileURL
        if file.lastPathComponent == "SignatureWithRecovery.schema.json" { return true }
        if let answer = known[file] { return answer }
        known[file] = false // a cycle adds nothing
        let schema = try JSONSerialization.jsonObject(with: Data(contentsOf: file))
        for reference in Self.references(in: schema)
        where try reachesSignature(URL(fileURLWithPath: reference, relativeTo: file.deletingLastPathComponent())) {
            known[file] = true
            return true
        }
        return false
    }

    private static func references(in value: Any) -> [String] {
        if let object = value as? [String: Any] {
            let own = (object["$ref"] as? String).map { [$0] } ?? []
            return own + object.values.flatMap(references(in:))
        }
        return (value as? [Any])?.flatMap(references(in:)) ?? []
    }
}
