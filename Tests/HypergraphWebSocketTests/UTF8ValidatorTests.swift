// Incremental UTF-8 validation: valid text split anywhere, and every class of invalid sequence.
import XCTest

@testable import HypergraphWebSocket

final class UTF8ValidatorTests: XCTestCase {
    private func validate(_ chunks: [[UInt8]]) -> Bool {
        var validator = UTF8Validator()
        for chunk in chunks {
            guard chunk.withUnsafeBytes({ validator.consume($0) }) else { return false }
        }
        return validator.isAtCharacterBoundary
    }

    func testValidTextSplitAtEveryPosition() {
        let text = Array("ASCII, ünïcödé, €uro, 𝄞 clef, 中文, long ASCII run 0123456789abcdef".utf8)
        XCTAssertTrue(validate([text]))
        for split in 0...text.count {
            XCTAssertTrue(validate([Array(text[..<split]), Array(text[split...])]), "split at \(split)")
        }
    }

    func testBoundaryCodePoints() {
        let valid: [[UInt8]] = [
            [0x7F], [0xC2, 0x80], [0xDF, 0xBF], [0xE0, 0xA0, 0x80], [0xED, 0x9F, 0xBF], [0xEE, 0x80, 0x80],
            [0xEF, 0xBF, 0xBF], [0xF0, 0x90, 0x80, 0x80], [0xF4, 0x8F, 0xBF, 0xBF],
        ]
        for bytes in valid { XCTAssertTrue(validate([bytes]), "\(bytes)") }
    }

    func testInvalidSequences() {
        let invalid: [[UInt8]] = [
            [0x80], // stray continuation
            [0xC0, 0x80], [0xC1, 0xBF], // overlong two-byte
            [0xE0, 0x80, 0x80], [0xE0, 0x9F, 0xBF], // overlong three-byte
            [0xF0, 0x80, 0x80, 0x80], [0xF0, 0x8F, 0xBF, 0xBF], // overlong four-byte
            [0xED, 0xA0, 0x80], [0xED, 0xBF, 0xBF], // UTF-16 surrogates
            [0xF4, 0x90, 0x80, 0x80], [0xF5, 0x80, 0x80, 0x80], [0xFF], // above U+10FFFF / never valid
            [0xC2, 0x41], [0xE2, 0x82, 0x41], // continuation missing
        ]
        for bytes in invalid { XCTAssertFalse(validate([bytes]), "\(bytes)") }
    }

    func testIncompleteSequenceIsNotACharacterBoundary() {
        var validator = UTF8Validator()
        XCTAssertTrue([UInt8]([0xF0, 0x9D]).withUnsafeBytes { validator.consume($0) })
        XCTAssertFalse(validator.isAtCharacterBoundary)
    }

    func testRejectsAtTheFirstBadByte() {
        var validator = UTF8Validator()
        XCTAssertTrue(Array("valid so far ".utf8).withUnsafeBytes { validator.consume($0) })
        XCTAssertFalse([UInt8]([0xF4, 0x90]).withUnsafeBytes { validator.consume($0) })
    }
}
