import Foundation
import XCTest

@testable import hypergraph_codegen

/// The pattern subset: what compiles, what is refused, and that the compiled programs mean what the regular
/// expressions mean (checked against NSRegularExpression with a reference interpreter of the program).
final class PatternCompilerTests: XCTestCase {
    private let location = SchemaLocation(file: "test.schema.json")

    func testSupportedPatternsMatchLikeARegexEngine() throws {
        var random = UInt64(0x1234_5678)
        func next() -> UInt64 {
            random = random &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return random >> 33
        }
        let alphabet = Array("0xXaZ9-_.")
        for pattern in [
            "^0x[0-9a-fA-F]{4}$", "^[a-z]+$", "^x?[0-9]{2,3}$", "^0x([0-9a-f]{2})*$", "^a\\-b\\d*$",
            "^[A-Z][a-z]{0,2}-?[0-9]+$",
        ] {
            let program = try PatternCompiler.compile(pattern, at: location)
            let regex = try NSRegularExpression(pattern: pattern)
            for _ in 0..<3000 {
                let text = String((0..<Int(next() % 8)).map { _ in alphabet[Int(next() % UInt64(alphabet.count))] })
                let expected = regex.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) != nil
                XCTAssertEqual(
                    Self.matches(program, Array(text.utf8)), expected, "\(pattern) on \(text.debugDescription)")
            }
        }
    }

    func testUnsupportedPatternsAreRefused() {
        for pattern in [
            "0x[0-9]+$", "^0x[0-9]+", "^.*$", "^(a|b)$", "^[^a]$", "^(a+)$", "^[a-z]*[a-z]$", "^a{3,1}$", "^é$",
            "^a+?$", "^\\w$", "^()$",
        ] {
            XCTAssertThrowsError(try PatternCompiler.compile(pattern, at: location), pattern)
        }
    }

    /// Greedy, non-backtracking interpretation of a program, exactly as the generated matchers work.
    private static func matches(_ program: PatternProgram, _ text: [UInt8]) -> Bool {
        var position = 0
        for item in program.items {
            let sets: [ByteSet] =
                switch item.atom {
                case .byte(let set): [set]
                case .group(let sets): sets
                }
            var count = 0
            func matchesAt(_ position: Int) -> Bool {
                sets.enumerated().allSatisfy { index, set in set.ranges.contains { $0.contains(text[position + index]) }
                }
            }
            while count < (item.maximum ?? .max), position + sets.count <= text.count, matchesAt(position) {
                position += sets.count
                count += 1
            }
            if count < item.minimum { return false }
        }
        return position == text.count
    }
}
