import HypergraphJSON
import XCTest

final class JSONWriterTests: XCTestCase {
    private func text(_ build: (inout JSONWriter) -> Void) -> String {
        var writer = JSONWriter(capacity: 4)
        build(&writer)
        return String(decoding: writer.bytes, as: UTF8.self)
    }

    func testStructureAndCommas() {
        let output = text { writer in
            writer.beginObject()
            writer.key("a")
            writer.beginArray()
            writer.int(1)
            writer.beginObject()
            writer.endObject()
            writer.beginArray()
            writer.endArray()
            writer.null()
            writer.bool(true)
            writer.bool(false)
            writer.endArray()
            writer.key("b")
            writer.string("x")
            writer.key("c")
            writer.byteArray([])
            writer.key("d")
            writer.double(0.5)
            writer.endObject()
        }
        XCTAssertEqual(output, #"{"a":[1,{},[],null,true,false],"b":"x","c":[],"d":0.5}"#)
    }

    func testIntegers() {
        XCTAssertEqual(text { $0.int(0) }, "0")
        XCTAssertEqual(text { $0.int(-7) }, "-7")
        XCTAssertEqual(text { $0.int(.max) }, "9223372036854775807")
        XCTAssertEqual(text { $0.int(.min) }, "-9223372036854775808")
    }

    func testDoublesFollowJavaScript() {
        let cases: [(Double, String)] = [
            (0, "0"), (-0.0, "0"), (1, "1"), (-1.5, "-1.5"), (0.1, "0.1"), (1e21, "1e+21"),
            (1e20, "100000000000000000000"),
            (1e-7, "1e-7"), (1.5e-7, "1.5e-7"), (1e-6, "0.000001"), (123.456, "123.456"),
            (.leastNonzeroMagnitude, "5e-324"),
            (1.7976931348623157e308, "1.7976931348623157e+308"), (0.1 + 0.2, "0.30000000000000004"),
            (9_007_199_254_740_992 + 1, "9007199254740992"), (-1e300, "-1e+300"),
        ]
        for (value, expected) in cases {
            XCTAssertEqual(text { $0.double(value) }, expected, "\(value)")
        }
        XCTAssertEqual(text { $0.double(.nan) }, "null")
        XCTAssertEqual(text { $0.double(-.infinity) }, "null")
    }

    func testStringEscapingMatchesJSONStringify() {
        XCTAssertEqual(text { $0.string("") }, #""""#)
        XCTAssertEqual(text { $0.string("plain / text") }, #""plain / text""#)
        XCTAssertEqual(text { $0.string("q\"b\\") }, #""q\"b\\""#)
        XCTAssertEqual(text { $0.string("\u{8}\t\n\u{C}\r") }, #""\b\t\n\f\r""#)
        XCTAssertEqual(text { $0.string("\u{0}\u{1}\u{1F}\u{B}") }, #""\u0000\u0001\u001f\u000b""#)
        XCTAssertEqual(
            text { $0.string("\u{7F}\u{80}\u{2028}\u{2029}\u{E9}\u{1F600}") },
            "\"\u{7F}\u{80}\u{2028}\u{2029}\u{E9}\u{1F600}\"")
        XCTAssertEqual(
            text {
                $0.key("a\"b")
                $0.null()
            }, #""a\"b":null"#)
    }

    func testByteArrayUsesEveryTableEntry() {
        let all = (0...255).map(UInt8.init)
        XCTAssertEqual(text { $0.byteArray(all) }, "[" + all.map { String($0) }.joined(separator: ",") + "]")
        XCTAssertEqual(text { $0.byteArray([7]) }, "[7]")
        XCTAssertEqual(
            text { writer in
                writer.beginArray()
                writer.byteArray([1, 2])
                writer.byteArray([255])
                writer.endArray()
            }, "[[1,2],[255]]")
    }

    func testPathDescriptions() {
        XCTAssertEqual(JSONPath.root.description, "$")
        XCTAssertEqual(
            JSONPath.root.appending(key: "a").appending(key: "b").appending(index: 3).description, "$.a.b[3]")
        XCTAssertEqual(JSONPath.root.appending(key: "weird key").description, #"$["weird key"]"#)
        XCTAssertEqual(JSONPath.root.appending(key: "1a").description, #"$["1a"]"#)
        XCTAssertEqual(JSONPath.root.appending(key: "").description, #"$[""]"#)
        XCTAssertEqual(JSONPath.root.appending(key: "a\"b").description, #"$["a\"b"]"#)
        XCTAssertEqual(JSONPath.root.appending(.key("$x_1")).appending(.index(0)).description, "$.$x_1[0]")
        let error = JSONError(
            kind: .typeMismatch, path: JSONPath([.key("signature"), .key("recovery")]),
            message: #"expected integer, got string "1""#)
        XCTAssertEqual(error.description, #"$.signature.recovery: expected integer, got string "1""#)
    }
}
