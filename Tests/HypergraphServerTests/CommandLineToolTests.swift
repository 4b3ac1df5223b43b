// The `hypergraph` tool as users meet it: one clear error for input that is not JSON, `verify` on a message without
// a signature, usage errors for unknown help topics and missing required options, and the version CHANGELOG.md names.
import Foundation
import HypergraphProtocol
import XCTest

final class CommandLineToolTests: XCTestCase {
    /// The repository's root directory (this file is Tests/HypergraphServerTests/CommandLineToolTests.swift).
    static let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    /// Writes `text` to a new temporary file and returns its path.
    private func file(_ text: String) throws -> String {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("hypergraph-cli-\(UUID().uuidString)")
        try Data(text.utf8).write(to: url)
        addTeardownBlock { try? FileManager.default.removeItem(at: url) }
        return url.path
    }

    func testValidateReportsTextThatIsNotJSONOnceWithItsByte() throws {
        let result = try HypergraphExecutable.run(["message", "validate", try file("nope")])
        XCTAssertEqual(result.status, 1)
        XCTAssertEqual(result.output, "$: invalid JSON at byte 1: expected 'null', got 'o'\n")
        let lines = try HypergraphExecutable.run([
            "message", "validate", "--lines", try file("{\"type\":\"list-spaces\"}\n{oops\n"),
        ])
        XCTAssertEqual(lines.status, 1)
        XCTAssertEqual(
            lines.output, "line 1: ok list-spaces\nline 2: $: invalid JSON at byte 1: expected a string key, got 'o'\n")
    }

    func testVerifySaysWhenAMessageCarriesNoSignature() throws {
        let result = try HypergraphExecutable.run(["message", "verify", try file(#"{"type":"list-spaces"}"#)])
        XCTAssertEqual(result.status, 1)
        XCTAssertEqual(result.output, "")
        XCTAssertEqual(result.errors, "Error: the list-spaces message carries no signature: nothing to verify\n")
    }

    func testHelpForAnUnknownCommandIsAUsageError() throws {
        let result = try HypergraphExecutable.run(["help", "nosuch"])
        XCTAssertEqual(result.status, 2)
        XCTAssertTrue(
            result.errors.hasPrefix("Error: Unknown subcommand 'nosuch'.\nUsage: hypergraph <subcommand>"),
            result.errors)
        XCTAssertEqual(try HypergraphExecutable.run(["help", "message", "verify"]).status, 0)
    }

    func testRequiredOptionsAreShownAndCheckedAsRequired() throws {
        let help = try HypergraphExecutable.run(["message", "sign", "--help"])
        XCTAssertTrue(help.output.contains("USAGE: hypergraph message sign --key <0x<64 hex>> [<file>]"), help.output)
        let missing = try HypergraphExecutable.run(["message", "sign", try file(#"{"type":"list-spaces"}"#)])
        XCTAssertEqual(missing.status, 2)
        XCTAssertTrue(missing.errors.hasPrefix("Error: Missing expected option '--key <0x<64 hex>>'."), missing.errors)
    }

    func testVersionIsTheToolkitsAndCHANGELOGsLatest() throws {
        let result = try HypergraphExecutable.run(["--version"])
        XCTAssertEqual(result.status, 0)
        XCTAssertEqual(result.output, HypergraphToolkit.version + "\n")
        let changelog = try String(
            contentsOf: Self.repositoryRoot.appendingPathComponent("CHANGELOG.md"), encoding: .utf8)
        let latest = changelog.split(separator: "\n").first { $0.hasPrefix("## ") }
        XCTAssertEqual(
            latest?.dropFirst(3).prefix { $0 != " " }, Substring(HypergraphToolkit.version),
            "CHANGELOG.md's first '## <version>' section names the version in HypergraphToolkit.version")
    }
}
