import Foundation
import HypergraphCodec
import SeededRandom
import XCTest

final class TimestampTests: XCTestCase {
    private func milliseconds(_ text: String) -> Int64? {
        Timestamp(iso8601: text)?.millisecondsSince1970
    }

    func testAcceptedForms() {
        XCTAssertEqual(milliseconds("2025-06-30T12:34:56.789Z"), 1_751_286_896_789)
        XCTAssertEqual(milliseconds("2025-06-30t12:34:56.789z"), 1_751_286_896_789)
        XCTAssertEqual(milliseconds("2025-06-30 12:34:56.789Z"), 1_751_286_896_789)
        XCTAssertEqual(milliseconds("2025-06-30T12:34:56Z"), 1_751_286_896_000)
        XCTAssertEqual(milliseconds("2025-06-30T12:34Z"), 1_751_286_840_000)
        XCTAssertEqual(milliseconds("2025-06-30T12:34:56.7Z"), 1_751_286_896_700)
        XCTAssertEqual(
            milliseconds("2025-06-30T12:34:56.789999Z"), 1_751_286_896_789, "digits beyond milliseconds are truncated")
        XCTAssertEqual(milliseconds("2025-06-30T14:34:56.789+02:00"), 1_751_286_896_789)
        XCTAssertEqual(milliseconds("2025-06-30T07:04:56.789-05:30"), 1_751_286_896_789)
        XCTAssertEqual(milliseconds("2025-06-30"), 1_751_241_600_000)
        XCTAssertEqual(milliseconds("1970-01-01T00:00:00.000Z"), 0)
        XCTAssertEqual(milliseconds("1969-12-31T23:59:59.999Z"), -1)
        XCTAssertEqual(milliseconds("2024-02-29"), 1_709_164_800_000)
        XCTAssertEqual(milliseconds("2000-02-29T00:00:00Z"), 951_782_400_000)
        XCTAssertEqual(milliseconds("+275760-09-13T00:00:00.000Z"), 8_640_000_000_000_000)
        XCTAssertEqual(milliseconds("-271821-04-20T00:00:00.000Z"), -8_640_000_000_000_000)
    }

    func testRejectedForms() {
        for text in [
            "", "2025", "2025-06", "25-06-30", "2025-6-30", "2025-06-30T", "2025-06-30T12", "2025-06-30T12:34:56",
            "2025-06-30T12:34:56.Z", "2025-02-29", "1900-02-29", "2025-04-31", "2025-00-10", "2025-13-01",
            "2025-06-30T24:00:00Z", "2025-06-30T23:60:00Z", "2025-06-30T23:59:60Z", "2025-06-30T12:34:56+0200",
            "2025-06-30T12:34:56+24:00", "2025-06-30T12:34:56Z ", " 2025-06-30", "-000000-01-01T00:00:00Z",
            "+275760-09-13T00:00:00.001Z", "2025-06-30T12:34:56.789Zjunk", "２０２５-06-30",
        ] {
            XCTAssertNil(Timestamp(iso8601: text), text)
        }
    }

    func testFormatsLikeToISOString() {
        XCTAssertEqual(Timestamp(millisecondsSince1970: 1_751_286_896_789).iso8601, "2025-06-30T12:34:56.789Z")
        XCTAssertEqual(Timestamp(millisecondsSince1970: 0).iso8601, "1970-01-01T00:00:00.000Z")
        XCTAssertEqual(Timestamp(millisecondsSince1970: -1).iso8601, "1969-12-31T23:59:59.999Z")
        XCTAssertEqual(Timestamp(millisecondsSince1970: 8_640_000_000_000_000).iso8601, "+275760-09-13T00:00:00.000Z")
        XCTAssertEqual(Timestamp(millisecondsSince1970: -8_640_000_000_000_000).iso8601, "-271821-04-20T00:00:00.000Z")
        XCTAssertEqual(Timestamp(millisecondsSince1970: -62_198_755_200_000).iso8601, "-000001-01-01T00:00:00.000Z")
        XCTAssertEqual(Timestamp(millisecondsSince1970: 253_402_300_799_999).iso8601, "9999-12-31T23:59:59.999Z")
        XCTAssertEqual(Timestamp(millisecondsSince1970: 253_402_300_800_000).iso8601, "+010000-01-01T00:00:00.000Z")
    }

    func testRoundTripsOverTheWholeRange() {
        var generator = SplitMix64(seed: 7)
        for _ in 0..<20_000 {
            let milliseconds = Int64(bitPattern: generator.next()) % 8_640_000_000_000_001
            let timestamp = Timestamp(millisecondsSince1970: milliseconds)
            XCTAssertEqual(Timestamp(iso8601: timestamp.iso8601), timestamp, timestamp.iso8601)
        }
    }

    func testAgreesWithFoundationForOrdinaryDates() {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        var generator = SplitMix64(seed: 11)
        for _ in 0..<2_000 {
            let milliseconds = Int64(generator.next() % 4_102_444_800_000) // 1970…2100
            let date = Date(timeIntervalSince1970: Double(milliseconds) / 1000)
            XCTAssertEqual(Timestamp(millisecondsSince1970: milliseconds).iso8601, formatter.string(from: date))
            XCTAssertEqual(Timestamp(date).millisecondsSince1970, milliseconds)
        }
    }

    func testWireForms() throws {
        let expected = Timestamp(millisecondsSince1970: 1_751_286_896_789)
        XCTAssertEqual(try Timestamp(json: #""2025-06-30T12:34:56.789Z""#), expected)
        XCTAssertEqual(try Timestamp(json: #"{"__type":"Date","data":"2025-06-30T12:34:56.789Z"}"#), expected)
        XCTAssertEqual(try Timestamp(json: #"{"data":1751286896789,"__type":"Date"}"#), expected)
        XCTAssertEqual(expected.jsonString(), #""2025-06-30T12:34:56.789Z""#)
        XCTAssertThrowsError(try Timestamp(json: #"{"__type":"Date","data":8640000000000001}"#))
        XCTAssertThrowsError(try Timestamp(json: #"{"__type":"Date","data":-9223372036854775808}"#))
        XCTAssertThrowsError(try Timestamp(json: "1751286896789"))
    }

    func testCodableForms() throws {
        let expected = Timestamp(millisecondsSince1970: 1_751_286_896_789)
        let decoder = JSONDecoder()
        XCTAssertEqual(
            try decoder.decode([Timestamp].self, from: Data(#"["2025-06-30T14:34:56.789+02:00"]"#.utf8)), [expected])
        XCTAssertEqual(
            try decoder.decode([Timestamp].self, from: Data(#"[{"__type":"Date","data":1751286896789}]"#.utf8)),
            [expected])
        XCTAssertThrowsError(try decoder.decode([Timestamp].self, from: Data(#"["yesterday"]"#.utf8)))
        XCTAssertEqual(
            String(decoding: try JSONEncoder().encode([expected]), as: UTF8.self), #"["2025-06-30T12:34:56.789Z"]"#)
    }
}
