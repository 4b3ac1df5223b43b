import Foundation
import HypergraphCodec
import HypergraphJSON
import SeededRandom
import XCTest

final class BytesTests: XCTestCase {
    func testEnvelopeAndBareArrayDecode() throws {
        XCTAssertEqual(try Bytes(json: #"{"__type":"Uint8Array","data":[0,1,255]}"#), [0, 1, 255])
        XCTAssertEqual(try Bytes(json: #"{"data":[7],"__type":"Uint8Array","extra":true}"#), [7])
        XCTAssertEqual(try Bytes(json: "[0, 1, 255]"), [0, 1, 255])
        XCTAssertEqual(try Bytes(json: "[]"), [])
        XCTAssertEqual(try Bytes(json: "[1.0, 2e0]"), [1, 2], "integral spellings are integers, as in JavaScript")
    }

    func testEncodesTheEnvelope() {
        XCTAssertEqual(Bytes([0, 1, 255]).jsonString(), #"{"__type":"Uint8Array","data":[0,1,255]}"#)
        XCTAssertEqual(Bytes([]).jsonString(), #"{"__type":"Uint8Array","data":[]}"#)
    }

    func testRejectsBadElementsWithTheirPath() {
        for (json, issue) in [
            ("[0, 256]", "$[1]: byte value 256 is out of range 0...255"),
            (#"{"__type":"Uint8Array","data":[1,-1]}"#, "$.data[1]: byte value -1 is out of range 0...255"),
            (#"{"__type":"Uint8Array","data":[1,"2"]}"#, #"$.data[1]: expected integer 0...255, got string "2""#),
            ("[0.5]", "$[0]: expected integer 0...255, got number 0.5"),
            (#"{"__type":"Buffer","data":[1]}"#, #"$.__type: expected "Uint8Array", got string "Buffer""#),
            (#"{"type":"Buffer","data":[1]}"#, "$.__type: missing required member"),
            (#""AAEC""#, #"$: expected bytes ({"__type":"Uint8Array","data":[…]} or an array), got string "AAEC""#),
        ] {
            XCTAssertThrowsError(try Bytes(json: json), json) { error in
                XCTAssertEqual((error as? MessageDecodingError)?.issues.map(\.description), [issue], json)
            }
        }
    }

    func testCodableAcceptsBothFormsAndEncodesTheEnvelope() throws {
        let decoder = JSONDecoder()
        XCTAssertEqual(
            try decoder.decode(Bytes.self, from: Data(#"{"__type":"Uint8Array","data":[1,2]}"#.utf8)), [1, 2])
        XCTAssertEqual(try decoder.decode(Bytes.self, from: Data("[1,2]".utf8)), [1, 2])
        XCTAssertThrowsError(try decoder.decode(Bytes.self, from: Data("[1,256]".utf8)))
        XCTAssertThrowsError(try decoder.decode(Bytes.self, from: Data(#"{"__type":"Date","data":[1]}"#.utf8)))
        let encoded = try JSONValue.parse([UInt8](try JSONEncoder().encode(Bytes([1, 2]))))
        XCTAssertEqual(try encoded.canonicalString(), #"{"__type":"Uint8Array","data":[1,2]}"#)
    }

    func testLargeArraysRoundTrip() throws {
        var generator = SplitMix64(seed: 3)
        let bytes = Bytes((0..<65_536).map { _ in UInt8(truncatingIfNeeded: generator.next()) })
        XCTAssertEqual(try Bytes(jsonUTF8: bytes.jsonUTF8()), bytes)
    }
}
