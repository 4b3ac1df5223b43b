// README.md's client example is Examples/ClientExample/main.swift word for word, and that program runs: against a
// reference server it connects twice, writes an update, sees it arrive on the other connection and closes both.
import Foundation
import HypergraphServer
import HypergraphStore
import XCTest

final class ReadmeExampleTests: XCTestCase {
    private static let examplePath = "Examples/ClientExample/main.swift"

    /// The Swift block of README.md's "Using the client" section.
    private func readmeClientExample() throws -> String {
        let readme = try String(
            contentsOf: CommandLineToolTests.repositoryRoot.appendingPathComponent("README.md"), encoding: .utf8)
        let section = try XCTUnwrap(readme.range(of: "\n## Using the client\n"), "README.md has no client section")
        let rest = readme[section.upperBound...]
        let start = try XCTUnwrap(rest.range(of: "```swift\n"), "the section has no Swift block")
        let end = try XCTUnwrap(rest[start.upperBound...].range(of: "\n```\n"), "the Swift block is not closed")
        return String(rest[start.upperBound..<end.lowerBound]) + "\n"
    }

    func testTheReadmeExampleIsTheCompiledExample() throws {
        let compiled = try String(
            contentsOf: CommandLineToolTests.repositoryRoot.appendingPathComponent(Self.examplePath), encoding: .utf8)
        XCTAssertEqual(
            try readmeClientExample(), compiled, "README.md's client example differs from \(Self.examplePath)")
    }

    func testTheExampleRunsAgainstAReferenceServer() async throws {
        let server = try await TestServer.start()
        let directory = try TestServer.makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let provisioned = try await IdentityProvisioning.create(
            IdentityRequest(), in: server.storage, now: SQLiteStoreConfiguration.systemClock())
        try Data(provisioned.jsonUTF8()).write(to: directory.appendingPathComponent("alice.json"))

        let result = try HypergraphExecutable.run([server.url], executable: "ClientExample", in: directory)
        await server.stop()
        XCTAssertEqual(result.status, 0, result.errors)
        XCTAssertEqual(
            result.output,
            """
            subscribed to Notes, 1 space event so far
            stored at clock 0
            the other device received 1 update

            """)
    }
}
