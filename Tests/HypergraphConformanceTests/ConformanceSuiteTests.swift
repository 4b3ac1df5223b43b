// The suite proves itself (issue 6 §3): the reference server passes every case, and deliberately faulty variants of
// it (ServerBehavior, test-only) fail exactly the cases written for their fault.
import Foundation
import HypergraphClient
import HypergraphConformance
import HypergraphJSON
import HypergraphServer
import HypergraphStore
import XCTest

/// A reference server on a free loopback port with a temporary database, provisioning identities directly.
private struct ReferenceServer {
    let server: HypergraphServer
    let directory: URL

    static func start(behavior: any ServerBehavior = StandardBehavior()) async throws -> ReferenceServer {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "hypergraph-conformance-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let server = try await HypergraphServer.start(
            ServerConfiguration(
                port: 0, store: .sqlite(path: directory.appendingPathComponent("hypergraph.sqlite").path), logLevel: .error,
                logSink: LogSink { _ in }, shutdownGracePeriod: .seconds(2), behavior: behavior))
        return ReferenceServer(server: server, directory: directory)
    }

    /// The server as a target; `timeout` bounds each wait for something that must arrive.
    func target(timeout: Duration = .seconds(5)) -> ConformanceTarget {
        let storage = server.storage
        return ConformanceTarget(
            url: "ws://127.0.0.1:\(server.port)/", httpURL: "http://127.0.0.1:\(server.port)",
            provisioner: ClosureProvisioner { expired in
                let provisioned = try await IdentityProvisioning.create(
                    IdentityRequest(lifetimeMilliseconds: expired ? 0 : IdentityProvisioning.defaultLifetimeMilliseconds),
                    in: storage, now: SQLiteStoreConfiguration.systemClock())
                return try HypergraphIdentity(json: JSONValue.parse(provisioned.jsonUTF8()))
            }, timeout: timeout)
    }

    func stop() async {
        await server.shutdown()
        try? FileManager.default.removeItem(at: directory)
    }
}

final class ConformanceSuiteTests: XCTestCase {
    func testCatalogueIsWellFormed() {
        let cases = ConformanceSuite.allCases
        XCTAssertGreaterThanOrEqual(cases.count, 80)
        XCTAssertEqual(Set(cases.map(\.id)).count, cases.count, "case ids are unique")
        for testCase in cases {
            XCTAssertTrue(testCase.specReference.hasPrefix("§"), testCase.id)
            XCTAssertTrue(testCase.requirement.hasSuffix("."), testCase.id)
            XCTAssertFalse(testCase.id.contains(" "), testCase.id)
        }
    }

    func testReferenceServerPassesEveryCase() async throws {
        let reference = try await ReferenceServer.start()
        let results = await ConformanceRunner.run(ConformanceSuite.allCases, against: reference.target(), jobs: 4)
        await reference.stop()
        let report = ConformanceReport(results: results, baseline: ConformanceBaseline(ids: []), duration: .zero)
        XCTAssertEqual(report.count(.passed), results.count, report.text())
        XCTAssertTrue(report.passed)
    }

    /// Each fault with the cases that must catch it.
    private static let variants: [(ServerFault, [String])] = [
        (.broadcastsToRequester, ["delivery.create-update.excludes-sender", "delivery.create-invitation.excludes-sender",
                                  "delivery.create-space-inbox.excludes-sender"]),
        (.skipsUpdateNotifications, ["delivery.create-update.subscribers-notified",
                                     "delivery.create-update.same-account-connections-notified",
                                     "updates.concurrent.notifications-in-clock-order"]),
        (.acceptsForgedUpdateSignatures, ["updates.forged-signature.refused", "updates.tampered-bytes.refused",
                                          "updates.high-s-signature.refused", "extension.error.invalid-signature"]),
        (.acceptsEventsByOtherAccounts, ["events.other-author.create-space.refused", "events.other-author.invitation.refused"]),
        (.reusesClockForDuplicateUpdate, ["updates.duplicate-id.original-clock"]),
        (.closesOnInvalidJSON, ["resilience.invalid-json.connection-kept", "extension.error.invalid-json"]),
        (.skipsInvitationPush, ["delivery.create-invitation.invitee-list-invitations"]),
        (.readsInboxesOfOtherSpaces, ["inboxes.space-messages.other-space.refused"]),
        (.sendsNullForAbsentOptionals, ["encoding.optional.space-updates-omitted", "encoding.optional.anonymous-message-omitted",
                                        "subscribe-space.member.snapshot"]),
        (.acceptsAnyToken, ["connection.token.missing.refused", "connection.token.empty.refused",
                            "connection.token.unknown.refused", "connection.token.repeated.refused",
                            "connection.token.expired.refused"]),
    ]

    func testFaultyServersFailTheMatchingCases() async throws {
        for (fault, expected) in Self.variants {
            let server = try await ReferenceServer.start(behavior: FaultyBehavior([fault]))
            let cases = ConformanceSuite.select(patterns: expected, maximumLevel: .extension)
            XCTAssertEqual(cases.count, expected.count, "\(fault): every listed case exists")
            // The faults make these cases wait for replies that never come: a short timeout keeps the test quick.
            let results = await ConformanceRunner.run(cases, against: server.target(timeout: .seconds(1)), jobs: 4)
            await server.stop()
            for result in results {
                XCTAssertEqual(result.status, .failed, "\(fault) must fail \(result.id)")
                if result.status == .failed { XCTAssertFalse(result.transcript.isEmpty, "\(result.id) shows the transcript") }
            }
        }
    }

    func testBaselineToleratesKnownFailuresAndRejectsStaleEntries() {
        func result(_ id: String, _ status: CaseResult.Status, _ level: ConformanceLevel = .must) -> CaseResult {
            CaseResult(id: id, level: level, requirement: "r.", specReference: "§1", status: status, expected: nil,
                       observed: nil, transcript: [], duration: .zero)
        }
        let results = [result("a", .failed), result("b", .passed), result("c", .failed, .should)]
        XCTAssertFalse(ConformanceReport(results: results, baseline: ConformanceBaseline(ids: []), duration: .zero).passed)
        XCTAssertTrue(ConformanceReport(results: results, baseline: ConformanceBaseline(ids: ["a"]), duration: .zero).passed)
        let stale = ConformanceReport(results: results, baseline: ConformanceBaseline(ids: ["a", "b"]), duration: .zero)
        XCTAssertEqual(stale.staleBaselineEntries, ["b"])
        XCTAssertFalse(stale.passed)
        XCTAssertTrue(stale.junit().contains(#"<testcase classname="MUST" name="a""#))
        XCTAssertEqual(try JSONValue.parse(stale.json())["passed"], .bool(false))
    }

    func testGlobSelection() {
        XCTAssertTrue(Glob.matches("delivery.create-update.excludes-sender", pattern: "delivery.*"))
        XCTAssertTrue(Glob.matches("updates.confirmed", pattern: "*.confirm?d"))
        XCTAssertFalse(Glob.matches("updates.confirmed", pattern: "delivery.*"))
        XCTAssertEqual(ConformanceSuite.select(patterns: [], maximumLevel: .must).filter { $0.level != .must }.count, 0)
    }

    func testCatalogueSectionIsReplaced() throws {
        let document = "intro\n\(ConformanceCatalogue.beginMarker)\nold\n\(ConformanceCatalogue.endMarker)\noutro\n"
        let updated = try ConformanceCatalogue.updating(document)
        XCTAssertTrue(updated.hasPrefix("intro\n") && updated.hasSuffix("\noutro\n"))
        XCTAssertTrue(updated.contains("`delivery.create-update.excludes-sender`"))
        XCTAssertEqual(try ConformanceCatalogue.updating(updated), updated)
        XCTAssertThrowsError(try ConformanceCatalogue.updating("no markers"))
    }
}
