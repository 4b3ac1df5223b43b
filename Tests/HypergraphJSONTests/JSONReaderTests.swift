import HypergraphJSON
import XCTest

/// The pull API on valid input: paths, integers, bytes, skipping, descriptions.
final class JSONReaderTests: XCTestCase {
    func testPathFollowsTheReader() throws {
        let document = #"{"a":[10,{"b c":true}],"d":null}"#
        try JSONReader.read(Array(document.utf8)) { reader in
            XCTAssertEqual(reader.path.description, "$")
            try reader.beginObject()
            XCTAssertEqual(reader.path.description, "$")
            XCTAssertEqual(try reader.nextKey(), "a")
            XCTAssertEqual(reader.path.description, "$.a")
            try reader.beginArray()
            XCTAssertTrue(try reader.nextElement())
            XCTAssertEqual(reader.path.description, "$.a[0]")
            XCTAssertEqual(try reader.readInt(), 10)
            XCTAssertTrue(try reader.nextElement())
            XCTAssertEqual(reader.path.description, "$.a[1]")
            try reader.beginObject()
            XCTAssertEqual(try reader.nextKey(), "b c")
            XCTAssertEqual(reader.path.description, #"$.a[1]["b c"]"#)
            XCTAssertEqual(try reader.peek(), .bool)
            XCTAssertTrue(try reader.readBool())
            XCTAssertNil(try reader.nextKey())
            XCTAssertEqual(reader.path.description, "$.a[1]")
            XCTAssertFalse(try reader.nextElement())
            XCTAssertEqual(reader.path.description, "$.a")
            XCTAssertEqual(try reader.nextKey(), "d")
            XCTAssertTrue(try reader.readIfNull())
            XCTAssertNil(try reader.nextKey())
            XCTAssertEqual(reader.path.description, "$")
        }
    }

    func testEmptyContainersAndWhitespace() throws {
        let value = try JSONValue.parse(" \t\r\n{ \"a\" : [ ] , \"b\" : { } , \"c\" : [ 1 , 2 ] }\n ")
        XCTAssertEqual(value, ["a": [], "b": .object(JSONObject()), "c": [1, 2]])
    }

    func testReadIntAcceptsIntegralSpellings() throws {
        let cases: [(String, Int)] = [
            ("0", 0), ("-0", 0), ("7", 7), ("-12", -12), ("1.0", 1), ("1e2", 100), ("1E+2", 100), ("100e-2", 1),
            ("0.5e1", 5), ("-2.50e1", -25), ("0e1000000000", 0), ("0.000", 0),
            ("9223372036854775807", .max), ("-9223372036854775808", .min), ("9.223372036854775807e18", .max),
            ("123456789012345678", 123_456_789_012_345_678),
        ]
        for (text, expected) in cases {
            XCTAssertEqual(try JSONReader.read(Array(text.utf8)) { try $0.readInt() }, expected, text)
        }
        assertReadError("5e-1", .typeMismatch, "$: expected integer, got number 5e-1") { try $0.readInt() }
        assertReadError(
            "1.0000000000000000000001", .typeMismatch, "$: expected integer, got number 1.0000000000000000000001"
        ) {
            try $0.readInt()
        }
    }

    func testReadDouble() throws {
        let cases: [(String, Double)] = [
            ("0", 0), ("1.5", 1.5), ("-2.25e-3", -2.25e-3), ("1e308", 1e308), ("5e-324", .leastNonzeroMagnitude),
            ("1e-400", 0),
            ("0.1", 0.1), ("123456789012345678901234567890", 123456789012345678901234567890.0),
            ("9007199254740993", 9_007_199_254_740_992),
            ("2.2250738585072011e-308", Double.leastNormalMagnitude.nextDown),
        ]
        for (text, expected) in cases {
            XCTAssertEqual(try JSONReader.read(Array(text.utf8)) { try $0.readDouble() }, expected, text)
        }
        let negativeZero = try JSONReader.read(Array("-0".utf8)) { try $0.readDouble() }
        XCTAssertEqual(negativeZero.sign, .minus)
        XCTAssertEqual(negativeZero, 0)
    }

    func testReadStrings() throws {
        let cases: [(String, String)] = [
            (#""""#, ""), (#""plain ascii longer than eight bytes""#, "plain ascii longer than eight bytes"),
            (#""\"\\\/\b\f\n\r\t""#, "\"\\/\u{8}\u{C}\n\r\t"), (#""\u0041\u00e9\u20AC""#, "A\u{E9}\u{20AC}"),
            (#""\ud83d\ude00 \uD834\uDD1E""#, "\u{1F600} \u{1D11E}"),
            ("\"h\u{E9}llo \u{1F600} \u{7F}\u{2028}\"", "h\u{E9}llo \u{1F600} \u{7F}\u{2028}"),
            (#""\u0000""#, "\u{0}"),
            ("\"0123456\u{E9}89abcdef\\n01234567\u{10FFFF}\"", "0123456\u{E9}89abcdef\n01234567\u{10FFFF}"),
        ]
        for (text, expected) in cases {
            let decoded = try JSONReader.read(Array(text.utf8)) { try $0.readString() }
            XCTAssertTrue(decoded.utf8.elementsEqual(expected.utf8), "\(text) → \(decoded)")
        }
    }

    func testReadByteArray() throws {
        XCTAssertEqual(try JSONReader.read(Array("[]".utf8)) { try $0.readByteArray() }, [])
        XCTAssertEqual(try JSONReader.read(Array("[ ]".utf8)) { try $0.readByteArray() }, [])
        XCTAssertEqual(try JSONReader.read(Array("[255]".utf8)) { try $0.readByteArray() }, [255])
        XCTAssertEqual(
            try JSONReader.read(Array("[ 0 ,\n1,\t2 , 99 ]".utf8)) { try $0.readByteArray() }, [0, 1, 2, 99])
        XCTAssertEqual(
            try JSONReader.read(Array("[1.0,2e1,-0,2.55e2]".utf8)) { try $0.readByteArray() }, [1, 20, 0, 255])
        let all = (0...255).map(UInt8.init)
        XCTAssertEqual(
            try JSONReader.read(Array("[\(all.map(String.init).joined(separator: ","))]".utf8)) {
                try $0.readByteArray()
            }, all)

        var generator = SystemRandomNumberGenerator()
        let large = (0..<65_536).map { _ in UInt8.random(in: 0...255, using: &generator) }
        var writer = JSONWriter()
        writer.beginObject()
        writer.key("data")
        writer.byteArray(large)
        writer.key("after")
        writer.string("]")
        writer.endObject()
        let decoded = try JSONReader.read(writer.bytes) { reader -> [UInt8] in
            try reader.beginObject()
            XCTAssertEqual(try reader.nextKey(), "data")
            let bytes = try reader.readByteArray()
            XCTAssertEqual(try reader.nextKey(), "after")
            XCTAssertEqual(try reader.readString(), "]")
            XCTAssertNil(try reader.nextKey())
            return bytes
        }
        XCTAssertEqual(decoded, large)
    }

    func testSkipValueAndDescribe() throws {
        let document = #"{"skip":{"a":[1,2,{"b":"\u00e9"}],"c":null},"keep":"yes"}"#
        let kept = try JSONReader.read(Array(document.utf8)) { reader -> String? in
            try reader.beginObject()
            var kept: String?
            while let key = try reader.nextKey() {
                if key == "keep" { kept = try reader.readString() } else { try reader.skipValue() }
            }
            return kept
        }
        XCTAssertEqual(kept, "yes")

        let descriptions = try JSONReader.read(Array(#"["x\"y",-1.5e3,true,false,null,{},[]]"#.utf8)) {
            reader -> [String] in
            try reader.beginArray()
            var descriptions: [String] = []
            while try reader.nextElement() {
                descriptions.append(try reader.describeNextValue())
                try reader.skipValue()
            }
            return descriptions
        }
        XCTAssertEqual(descriptions, [#"string "x\"y""#, "number -1.5e3", "true", "false", "null", "object", "array"])
    }

    func testReadIfNullLeavesOtherValues() throws {
        let value = try JSONReader.read(Array("[null, 3]".utf8)) { reader -> Int in
            try reader.beginArray()
            XCTAssertTrue(try reader.nextElement())
            XCTAssertTrue(try reader.readIfNull())
            XCTAssertTrue(try reader.nextElement())
            XCTAssertFalse(try reader.readIfNull())
            let value = try reader.readInt()
            XCTAssertFalse(try reader.nextElement())
            return value
        }
        XCTAssertEqual(value, 3)
    }

    func testUnsafeBufferEntryPoint() throws {
        let bytes = Array(#"{"k":[1]}"#.utf8)
        let value = try bytes.withUnsafeBytes { try JSONValue.parse($0) }
        XCTAssertEqual(value, ["k": [1]])
        XCTAssertThrowsError(try [UInt8]().withUnsafeBytes { try JSONValue.parse($0) })
    }
}
