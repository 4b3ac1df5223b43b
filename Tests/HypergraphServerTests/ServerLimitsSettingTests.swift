// Every limit can be changed by name (`ServerLimits.set(_:to:)`, `hypergraph serve --limit NAME=VALUE`), and a bad
// setting is refused without changing anything.
import Foundation
import HypergraphClient
import HypergraphJSON
import HypergraphServer
import XCTest

final class ServerLimitsSettingTests: XCTestCase {
    /// A limit added to ServerLimits without a setting fails here, so `--limit` always reaches every limit.
    func testEveryLimitHasASettingInDeclarationOrder() {
        let properties = Mirror(reflecting: ServerLimits()).children.compactMap(\.label)
        XCTAssertEqual(ServerLimits.settingNames, properties)
    }

    func testSettingsOfEachKindChangeOnlyTheirLimit() throws {
        var limits = ServerLimits()
        try limits.set("maximumReplyBytes", to: "10485760")
        try limits.set("requestsPerSecond", to: "2.5")
        try limits.set("pongTimeout", to: "1.5")
        try limits.set("idlePingInterval", to: "off")
        try limits.set("maximumAccountUpdateBytes", to: "5000000000")
        var expected = ServerLimits()
        expected.maximumReplyBytes = 10_485_760
        expected.requestsPerSecond = 2.5
        expected.pongTimeout = .milliseconds(1_500)
        expected.idlePingInterval = nil
        expected.maximumAccountUpdateBytes = 5_000_000_000
        XCTAssertEqual(limits, expected)
        try limits.set("idlePingInterval", to: "20")
        XCTAssertEqual(limits.idlePingInterval, .seconds(20))
    }

    func testBadSettingsAreRefusedAndChangeNothing() {
        let refused: [(String, String, String)] = [
            ("maximumReplyBytes", "0", "expected a whole number of at least 1"),
            ("maximumReplyBytes", "5MB", "expected a whole number of at least 1"),
            ("requestsPerSecond", "-1", "expected a positive number"),
            ("pongTimeout", "off", "expected a positive number of seconds"),
            ("idlePingInterval", "never", "expected a positive number of seconds, or off"),
            ("maximumSpaceUpdateBytes", "1e9", "expected a whole number of bytes, at least 1"),
        ]
        for (name, value, expected) in refused {
            var limits = ServerLimits()
            XCTAssertThrowsError(try limits.set(name, to: value)) { error in
                XCTAssertTrue("\(error)".contains("\(name) cannot be '\(value)'; \(expected)"), "\(error)")
            }
            XCTAssertEqual(limits, ServerLimits(), "\(name)=\(value) changed nothing")
        }
        var limits = ServerLimits()
        XCTAssertThrowsError(try limits.set("maxReplyBytes", to: "1")) { error in
            XCTAssertTrue("\(error)".contains("no limit is named 'maxReplyBytes'; expected one of maximumRequestBytes"))
        }
    }

    /// `hypergraph serve --limit` reaches the running server; bad settings are usage errors (exit status 2).
    func testServeTakesLimitsByName() async throws {
        for setting in ["nosuch=1", "maximumSpacesPerAppIdentity=none", "maximumSpacesPerAppIdentity"] {
            let result = try HypergraphExecutable.run([
                "serve", "--limit", setting, "--db", "/nonexistent/never-created.sqlite",
            ])
            XCTAssertEqual(result.status, 2, "--limit \(setting): \(result.errors)")
            XCTAssertTrue(result.errors.contains("--limit"), result.errors)
        }

        let directory = try TestServer.makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let databasePath = directory.appendingPathComponent("limits.sqlite").path
        let created = try HypergraphExecutable.run(["identity", "create", "--db", databasePath, "--create"])
        XCTAssertEqual(created.status, 0, created.errors)
        let identity = try HypergraphIdentity(json: try JSONValue.parse(Array(created.output.utf8)))
        let child = try ChildServer(store: databasePath, options: ["--limit", "maximumSpacesPerAppIdentity=1"])
        let session = try await HypergraphClient.connect(url: child.url, token: identity.sessionToken)
        _ = try await session.createSpace(identity.createSpaceEvent(name: "The one allowed"))
        do {
            _ = try await session.createSpace(identity.createSpaceEvent(name: "One too many"))
            XCTFail("a second space was accepted")
        } catch .serverError(let error) {
            XCTAssertEqual(error.code, .tooLarge)
            XCTAssertTrue(error.message.contains("maximumSpacesPerAppIdentity"), error.message)
        }
        await session.close()
        child.send(SIGTERM)
        _ = await child.waitForExit()
    }
}
