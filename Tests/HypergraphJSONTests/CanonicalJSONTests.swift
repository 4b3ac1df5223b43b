import HypergraphJSON
import XCTest

/// Canonical JSON (PROTOCOL.md §7.1) against the protocol's test vectors and JavaScript's rules.
final class CanonicalJSONTests: XCTestCase {
    private var vectors: JSONValue!

    override func setUpWithError() throws {
        vectors = try JSONValue.parse(protocolTestVectorsJSON)
    }

    private func vector(_ path: String...) throws -> JSONValue {
        var value: JSONValue? = vectors
        for key in path { value = value?[key] }
        return try XCTUnwrap(value, path.joined(separator: "."))
    }

    /// The members of `object` in reverse order, so canonicalisation has to sort them.
    private func reversed(_ value: JSONValue) throws -> JSONValue {
        let object = try XCTUnwrap(value.objectValue)
        return .object(JSONObject(object.reversed().map { (key: $0.key, value: $0.value) }))
    }

    func testSpaceEventVectors() throws {
        for name in ["createSpace", "createInvitation"] {
            let event = try vector(name, "event")
            let transaction = try XCTUnwrap(event["transaction"])
            XCTAssertEqual(
                try transaction.canonicalString(), try vector(name, "canonicalTransaction").stringValue, name)
            XCTAssertEqual(try event.canonicalString(), try vector(name, "canonicalEvent").stringValue, name)
            XCTAssertEqual(
                try reversed(event).canonicalUTF8(),
                Array(try XCTUnwrap(vector(name, "canonicalEvent").stringValue).utf8))
        }
    }

    func testUpdateVectorUsesIndexKeyedBytes() throws {
        let canonical = try XCTUnwrap(vector("createUpdate", "canonical").stringValue)
        let updateBytes = try XCTUnwrap(vector("createUpdate", "updateBytes").arrayValue).map {
            UInt8(try XCTUnwrap($0.intValue))
        }
        XCTAssertEqual(updateBytes, Array(0..<12))
        var payload = try XCTUnwrap(JSONValue.parse(canonical).objectValue)
        payload["update"] = nil
        var signed = JSONObject([
            (key: "updateId", value: try XCTUnwrap(payload["updateId"])),
            (key: "update", value: JSONValue.indexKeyedBytes(updateBytes)),
        ])
        for (key, value) in payload where key != "updateId" { signed[key] = value }
        XCTAssertEqual(try JSONValue.object(signed).canonicalString(), canonical)
    }

    func testOtherSignedPayloadVectors() throws {
        for name in ["accountInbox", "spaceInboxMessage", "accountInboxMessage"] {
            let canonical = try XCTUnwrap(vector(name, "canonical").stringValue, name)
            let payload = try JSONValue.parse(canonical)
            XCTAssertEqual(try payload.canonicalString(), canonical, name)
            XCTAssertEqual(try reversed(payload).canonicalString(), canonical, name)
        }
    }

    func testIndexKeyedBytesSortAsStrings() throws {
        XCTAssertEqual(try JSONValue.indexKeyedBytes([]).canonicalString(), "{}")
        XCTAssertEqual(try JSONValue.indexKeyedBytes([9]).canonicalString(), #"{"0":9}"#)
        for count in [2, 10, 11, 12, 99, 100, 101, 1000, 1234] {
            let bytes = (0..<count).map { UInt8(truncatingIfNeeded: $0 &* 7) }
            let expected =
                "{"
                + (0..<count).map(String.init).sorted().map { "\"\($0)\":\(bytes[Int($0)!])" }
                .joined(separator: ",") + "}"
            XCTAssertEqual(try JSONValue.indexKeyedBytes(bytes).canonicalString(), expected, "\(count)")
        }
    }

    func testWriterIndexKeyedBytesMatchesTheTree() throws {
        for count in [0, 1, 2, 9, 10, 11, 100, 101, 999, 1000, 1001, 65_536] {
            let bytes = (0..<count).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) }
            var writer = JSONWriter()
            writer.beginArray()
            writer.indexKeyedBytes(bytes)
            writer.null()
            writer.endArray()
            let expected = "[" + (try JSONValue.indexKeyedBytes(bytes).canonicalString()) + ",null]"
            XCTAssertEqual(String(decoding: writer.bytes, as: UTF8.self), expected, "\(count)")
        }
    }

    func testKeysSortByUTF16CodeUnits() throws {
        // U+E000 is one code unit 0xE000; U+10000 is the pair D800 DC00, so it sorts first in JavaScript,
        // although its scalar value (and UTF-8) is larger.
        let value: JSONValue = ["\u{E000}": 1, "\u{10000}": 2, "b": 3, "aa": 4, "a": 5, "A": 6, "": 7, "\u{E9}": 8]
        XCTAssertEqual(
            try value.canonicalString(),
            "{\"\":7,\"A\":6,\"a\":5,\"aa\":4,\"b\":3,\"\u{E9}\":8,\"\u{10000}\":2,\"\u{E000}\":1}")
    }

    func testStringsAndNumbersAsJavaScriptWritesThem() throws {
        let value: JSONValue = [
            "s": "\u{0}\u{8}\t\n\u{B}\u{C}\r\u{1F} \"\\/\u{7F}\u{2028}\u{2029}\u{1F600}",
            "n": [0, -0.0, 1, -1, 0.5, 1e21, 1e-7, 1.5e-7, 123_456_789, 1e20, 0.000001],
            "z": [true, false, nil, [:], []],
        ]
        let expected =
            #"{"n":[0,0,1,-1,0.5,1e+21,1e-7,1.5e-7,123456789,100000000000000000000,0.000001],"#
            + "\"s\":\"\\u0000\\b\\t\\n\\u000b\\f\\r\\u001f \\\"\\\\/\u{7F}\u{2028}\u{2029}\u{1F600}\","
            + #""z":[true,false,null,{},[]]}"#
        XCTAssertEqual(try value.canonicalString(), expected)
    }

    func testNonFiniteNumbersAreRejected() {
        let value: JSONValue = ["a": [1, .number(.nan)]]
        XCTAssertThrowsError(try value.canonicalUTF8()) { error in
            XCTAssertEqual((error as? JSONError)?.kind, .invalidValue)
            XCTAssertEqual(
                (error as? JSONError)?.description, "$.a[1]: nan cannot be canonicalised (JSON has no NaN or Infinity)")
        }
        XCTAssertThrowsError(try JSONValue.number(-.infinity).canonicalString())
        XCTAssertEqual(serializedText(value), #"{"a":[1,null]}"#)
    }
}
