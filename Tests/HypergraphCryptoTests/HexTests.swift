import HypergraphCrypto
import XCTest

final class HexTests: XCTestCase {
    func testEncodeIsLowercaseWithoutPrefix() {
        XCTAssertEqual(Hex.encode([0x00, 0x01, 0x7f, 0x80, 0xab, 0xff]), "00017f80abff")
        XCTAssertEqual(Hex.encode([]), "")
        XCTAssertEqual(Hex.encode((0...255).map { UInt8($0) }).count, 512)
    }

    func testDecodeAcceptsBothCasesAndRoundTrips() throws {
        XCTAssertEqual(try Hex.decode("00017F80aBfF"), [0x00, 0x01, 0x7f, 0x80, 0xab, 0xff])
        XCTAssertEqual(try Hex.decode(""), [])
        let all = (0...255).map { UInt8($0) }
        XCTAssertEqual(try Hex.decode(Hex.encode(all)), all)
        XCTAssertEqual(try Hex.decode("xx0aff"[...].dropFirst(2)), [0x0a, 0xff])
    }

    func testDecodeRejectsOddLength() {
        XCTAssertThrowsError(try Hex.decode("abc")) { error in
            XCTAssertEqual(error as? HexError, .oddLength(3))
            XCTAssertEqual(
                "\(error)",
                "hex string has an odd number of digits (3); expected two digits per byte"
            )
        }
    }

    func testDecodeRejectsNonDigitsNamingTheCharacterAndOffset() {
        let cases: [(text: String, error: HexError)] = [
            ("0x12", .invalidCharacter("x", offset: 1)),
            ("12 3", .invalidCharacter(" ", offset: 2)),
            ("ab-", .invalidCharacter("-", offset: 2)),
            ("00é0", .invalidCharacter("é", offset: 2)),
            ("00g", .invalidCharacter("g", offset: 2)),
        ]
        for testCase in cases {
            XCTAssertThrowsError(try Hex.decode(testCase.text), testCase.text) { error in
                XCTAssertEqual(error as? HexError, testCase.error, testCase.text)
            }
        }
        XCTAssertEqual(
            HexError.invalidCharacter("x", offset: 1).description,
            "invalid hex digit \"x\" at offset 1; expected 0-9, a-f or A-F"
        )
    }
}
