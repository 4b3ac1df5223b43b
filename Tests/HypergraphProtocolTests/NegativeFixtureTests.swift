import Foundation
import HypergraphJSON
import HypergraphProtocol
import XCTest

/// Negative fixtures: each case is rejected with exactly the listed issues (paths and messages), and Foundation's
/// Codable path rejects it too.
final class NegativeFixtureTests: XCTestCase {
    func testEveryMessageTypeHasAtLeastThreeNegativeCases() throws {
        for (direction, known) in [(Direction.client, ClientMessage.knownTypes), (.server, ServerMessage.knownTypes)] {
            let cases = try Fixtures.negativeCases(direction)
            for type in known {
                XCTAssertGreaterThanOrEqual(
                    cases[type]?.count ?? 0, 3, "\(direction.rawValue)/\(type): fewer than 3 negative cases")
            }
        }
    }

    func testNegativeCasesReportExactIssues() throws {
        for direction in Direction.allCases {
            for (_, cases) in try Fixtures.negativeCases(direction).sorted(by: { $0.key < $1.key }) {
                for negative in cases {
                    XCTAssertEqual(
                        decodingIssues(negative.bytes, direction), negative.issues, "\(negative.file): \(negative.name)"
                    )
                }
            }
        }
    }

    func testCodableRejectsNegativeCases() throws {
        for direction in Direction.allCases {
            for (_, cases) in try Fixtures.negativeCases(direction).sorted(by: { $0.key < $1.key }) {
                for negative in cases where !negative.name.contains("unknown") {
                    // Unknown types are accepted as `unknown` by Codable (it has no strict mode).
                    let data = Data(negative.bytes)
                    switch direction {
                    case .client:
                        XCTAssertThrowsError(
                            try JSONDecoder().decode(ClientMessage.self, from: data),
                            "\(negative.file): \(negative.name)")
                    case .server:
                        XCTAssertThrowsError(
                            try JSONDecoder().decode(ServerMessage.self, from: data),
                            "\(negative.file): \(negative.name)")
                    }
                }
            }
        }
    }
}
