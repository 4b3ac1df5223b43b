import XCTest

@testable import HypergraphCommandLine

final class ArgumentParserTests: XCTestCase {
    private let validate = Command(
        name: "validate",
        abstract: "Validate messages.",
        options: [
            .value(
                "from", valueName: "side", help: "Direction.", default: "any", allowed: ["client", "server", "any"]),
            .flag("lines", help: "One message per line."),
            .value("port", short: "p", help: "Port."),
            .repeated("case", help: "Case glob."),
        ],
        arguments: [Argument("file", help: "Input file.", optional: true)],
        action: { _ in 0 }
    )

    private var root: Command {
        Command(
            name: "tool", abstract: "A tool.",
            subcommands: [Command(name: "message", abstract: "Messages.", subcommands: [validate])])
    }

    private func parse(_ words: [String]) throws -> ParsedArguments {
        guard case .run(_, let parsed) = try parseArguments(words, root: root) else {
            XCTFail("expected a run outcome")
            return ParsedArguments(commandPath: [], values: [:], flags: [], positionals: [:], defaults: [:])
        }
        return parsed
    }

    private func usageMessage(_ words: [String]) -> String? {
        do {
            _ = try parseArguments(words, root: root)
            return nil
        } catch let error as UsageError {
            return error.message
        } catch {
            return "unexpected \(error)"
        }
    }

    func testValueSpellings() throws {
        XCTAssertEqual(try parse(["message", "validate", "--from", "client"]).value("from"), "client")
        XCTAssertEqual(try parse(["message", "validate", "--from=server"]).value("from"), "server")
        XCTAssertEqual(try parse(["message", "validate", "-p", "80"]).integer("port"), 80)
        XCTAssertEqual(try parse(["message", "validate"]).value("from"), "any", "default applies")
        XCTAssertFalse(try parse(["message", "validate"]).isPresent("from"))
        XCTAssertEqual(try parse(["message", "validate", "--case", "a*", "--case=b"]).values("case"), ["a*", "b"])
    }

    func testFlagsAndPositionals() throws {
        let parsed = try parse(["message", "validate", "in.json", "--lines"])
        XCTAssertTrue(parsed.flag("lines"))
        XCTAssertEqual(parsed.argument("file"), "in.json")
        XCTAssertEqual(try parse(["message", "validate", "-"]).argument("file"), "-")
        XCTAssertEqual(try parse(["message", "validate", "--", "--lines"]).argument("file"), "--lines")
        XCTAssertNil(try parse(["message", "validate"]).argument("file"))
    }

    func testErrors() {
        XCTAssertEqual(
            usageMessage(["message", "validate", "--form", "x"]), "Unknown option '--form'. Did you mean '--from'?")
        XCTAssertEqual(usageMessage(["message", "validate", "--from"]), "Missing value for '--from <side>'.")
        XCTAssertEqual(
            usageMessage(["message", "validate", "--from", "both"]),
            "The value 'both' is invalid for '--from'. Please provide one of 'client', 'server' or 'any'.")
        XCTAssertEqual(usageMessage(["message", "validate", "--lines=yes"]), "Option '--lines' does not take a value.")
        XCTAssertEqual(usageMessage(["message", "validate", "a", "b"]), "Unexpected argument 'b'.")
        XCTAssertEqual(usageMessage(["message", "valdate"]), "Unknown subcommand 'valdate'. Did you mean 'validate'?")
        XCTAssertEqual(usageMessage(["message"]), "Missing subcommand: expected one of 'validate'.")
        XCTAssertThrowsError(try parse(["message", "validate", "-p", "x"]).integer("port", in: 1...65535))
    }

    func testHelpAnywhere() throws {
        for words in [
            ["--help"], ["message", "-h"], ["message", "validate", "--lines", "--help"], ["help", "message"],
        ] {
            guard case .help = try parseArguments(words, root: root) else { return XCTFail("no help for \(words)") }
        }
        let text = helpText(for: [root, root.subcommands[0], validate])
        XCTAssertTrue(
            text.contains(
                "USAGE: tool message validate [--from <side>] [--lines] [--port <port>] [--case <case> ...] [<file>]"))
        XCTAssertTrue(text.contains("(default: any)"))
        XCTAssertTrue(text.contains("-h, --help"))
    }

    func testRequiredOptionsAreCheckedAndShownWithoutBrackets() throws {
        let sign = Command(
            name: "sign", abstract: "Sign.",
            options: [.value("key", valueName: "hex", help: "Key.", required: true), .flag("strict", help: "Strict.")],
            arguments: [Argument("file", help: "Input file.", optional: true)], action: { _ in 0 })
        let tool = Command(name: "tool", abstract: "A tool.", subcommands: [sign])
        XCTAssertEqual(usageLine(for: [tool, sign]), "tool sign --key <hex> [--strict] [<file>]")
        XCTAssertTrue(helpText(for: [tool, sign]).contains("Key. (required)"))
        XCTAssertThrowsError(try parseArguments(["sign", "in.json"], root: tool)) { error in
            XCTAssertEqual((error as? UsageError)?.message, "Missing expected option '--key <hex>'.")
        }
        guard case .run(_, let parsed) = try parseArguments(["sign", "--key", "0x01"], root: tool) else {
            return XCTFail("expected a run outcome")
        }
        XCTAssertEqual(parsed.value("key"), "0x01")
    }

    func testHelpForAnUnknownSubcommandIsAUsageError() async {
        XCTAssertEqual(usageMessage(["help", "nosuch"]), "Unknown subcommand 'nosuch'.")
        XCTAssertEqual(usageMessage(["help", "mesage"]), "Unknown subcommand 'mesage'. Did you mean 'message'?")
        XCTAssertEqual(
            usageMessage(["help", "message", "validate", "extra"]),
            "Unknown subcommand 'extra' ('tool message validate' has no subcommands).")
        let status = await runCommand(root, words: ["help", "nosuch"])
        XCTAssertEqual(status, ExitStatus.usage)
    }

    func testVersionOfACommandGroup() throws {
        let tool = Command(name: "tool", abstract: "A tool.", version: "1.2.3", subcommands: [validate])
        guard case .version(let version) = try parseArguments(["--version"], root: tool) else {
            return XCTFail("expected the version")
        }
        XCTAssertEqual(version, "1.2.3")
        XCTAssertTrue(helpText(for: [tool]).contains("--version"))
        XCTAssertEqual(usageMessage(["--version"]), "Unknown option '--version'.", "no version, no --version")
    }

    func testRunnerReturnsUsageStatus() async {
        let status = await runCommand(root, words: ["message", "validate", "--nope"])
        XCTAssertEqual(status, ExitStatus.usage)
        let ok = await runCommand(root, words: ["message", "validate"])
        XCTAssertEqual(ok, ExitStatus.success)
    }
}
