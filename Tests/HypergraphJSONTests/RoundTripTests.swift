import HypergraphJSON
import SeededRandom
import XCTest

final class RoundTripTests: XCTestCase {
    /// RFC 8259 §13 examples and the small top-level values of §2.
    func testRFC8259Examples() throws {
        let image = """
            {
                  "Image": {
                      "Width":  800,
                      "Height": 600,
                      "Title":  "View from 15th Floor",
                      "Thumbnail": {
                          "Url":    "http://www.example.com/image/481989943",
                          "Height": 125,
                          "Width":  100
                      },
                      "Animated" : false,
                      "IDs": [116, 943, 234, 38793]
                    }
                }
            """
        let parsedImage = try JSONValue.parse(image)
        XCTAssertEqual(
            parsedImage["Image"]?["Thumbnail"]?["Url"]?.stringValue, "http://www.example.com/image/481989943")
        XCTAssertEqual(parsedImage["Image"]?["IDs"]?[3]?.intValue, 38793)
        XCTAssertEqual(parsedImage["Image"]?["Animated"]?.boolValue, false)
        XCTAssertEqual(
            serializedText(parsedImage),
            #"{"Image":{"Width":800,"Height":600,"Title":"View from 15th Floor","Thumbnail":{"Url":"http://www.example.com/image/481989943","Height":125,"Width":100},"Animated":false,"IDs":[116,943,234,38793]}}"#
        )

        let places = """
            [
                    {
                       "precision": "zip",
                       "Latitude":  37.7668,
                       "Longitude": -122.3959,
                       "Address":   "",
                       "City":      "SAN FRANCISCO",
                       "State":     "CA",
                       "Zip":       "94107",
                       "Country":   "US"
                    },
                    {
                       "precision": "zip",
                       "Latitude":  37.371991,
                       "Longitude": -122.026020,
                       "Address":   "",
                       "City":      "SUNNYVALE",
                       "State":     "CA",
                       "Zip":       "94085",
                       "Country":   "US"
                    }
            ]
            """
        let parsedPlaces = try JSONValue.parse(places)
        XCTAssertEqual(parsedPlaces[1]?["Longitude"]?.doubleValue, -122.02602)
        XCTAssertEqual(
            try parsedPlaces.canonicalString(),
            #"[{"Address":"","City":"SAN FRANCISCO","Country":"US","Latitude":37.7668,"Longitude":-122.3959,"State":"CA","Zip":"94107","precision":"zip"},{"Address":"","City":"SUNNYVALE","Country":"US","Latitude":37.371991,"Longitude":-122.02602,"State":"CA","Zip":"94085","precision":"zip"}]"#
        )
        XCTAssertEqual(try JSONValue.parse(#""Hello world!""#), "Hello world!")
        XCTAssertEqual(try JSONValue.parse("42"), 42)
        XCTAssertEqual(try JSONValue.parse("true"), true)
        XCTAssertEqual(try JSONValue.parse(" null "), nil)
    }

    func testSerializeParseRoundTrip() throws {
        var generator = SplitMix64(seed: 0x5EED)
        for _ in 0..<300 {
            let value = RandomJSON.value(depth: 4, using: &generator)
            let bytes = value.serialized()
            let parsed = try JSONValue.parse(bytes)
            XCTAssertEqual(parsed.serialized(), bytes)
            XCTAssertEqual(try parsed.canonicalUTF8(), try value.canonicalUTF8())
        }
    }

    func testObjectAccessors() {
        var object: JSONObject = ["b": 1, "a": 2]
        XCTAssertEqual(object.keys, ["b", "a"])
        object["c"] = "x"
        object["b"] = nil
        object["a"] = 3
        XCTAssertEqual(object.keys, ["a", "c"])
        XCTAssertEqual(object["a"], 3)
        XCTAssertNil(object["e\u{301}"])
        let value = JSONValue.object(object)
        XCTAssertEqual(value.kind, .object)
        XCTAssertEqual(value["c"]?.stringValue, "x")
        XCTAssertNil(value[0])
        XCTAssertEqual(JSONValue.number(2.5).intValue, nil)
        XCTAssertEqual(JSONValue.number(1e300).intValue, nil)
        XCTAssertEqual(JSONValue.number(-3).intValue, -3)
        XCTAssertTrue(JSONValue.null.isNull)
        XCTAssertEqual(JSONValue.array([1, 2])[1], 2)
    }
}

/// Random JSON trees covering every kind, escapes, non-ASCII, and awkward numbers.
enum RandomJSON {
    static func value(depth: Int, using generator: inout SplitMix64) -> JSONValue {
        switch Int.random(in: 0..<(depth > 0 ? 8 : 6), using: &generator) {
        case 0: return .null
        case 1: return .bool(Bool.random(using: &generator))
        case 2: return .number(number(using: &generator))
        case 3, 4, 5: return .string(string(using: &generator))
        case 6:
            return .array(
                (0..<Int.random(in: 0...5, using: &generator)).map { _ in value(depth: depth - 1, using: &generator) })
        default:
            var object = JSONObject()
            for _ in 0..<Int.random(in: 0...5, using: &generator) {
                object[key(using: &generator)] = value(depth: depth - 1, using: &generator)
            }
            return .object(object)
        }
    }

    static func number(using generator: inout SplitMix64) -> Double {
        switch Int.random(in: 0..<5, using: &generator) {
        case 0: return Double(Int.random(in: -1000...1000, using: &generator))
        case 1: return Double(Int.random(in: Int(Int32.min)...Int(Int32.max), using: &generator))
        case 2: return Double.random(in: -1e6...1e6, using: &generator)
        case 3: return Double(Int.random(in: -99_999...99_999, using: &generator)) / 1000
        default:
            let candidate = Double(bitPattern: generator.next())
            return candidate.isFinite ? candidate : 0
        }
    }

    /// Keys avoid combining marks so that Foundation's dictionaries (which compare canonically) keep them apart.
    static func key(using generator: inout SplitMix64) -> String {
        let alphabet = Array("abcXYZ_0 -\"\\\u{E9}\u{1F600}\u{E000}\n")
        return String(
            (0..<Int.random(in: 0...6, using: &generator)).map { _ in alphabet.randomElement(using: &generator)! })
    }

    static func string(using generator: inout SplitMix64) -> String {
        var scalars = String.UnicodeScalarView()
        for _ in 0..<Int.random(in: 0...24, using: &generator) {
            let value: UInt32
            switch Int.random(in: 0..<6, using: &generator) {
            case 0: value = UInt32.random(in: 0...0x1F, using: &generator)
            case 1: value = UInt32.random(in: 0x80...0x7FF, using: &generator)
            case 2: value = UInt32.random(in: 0x800...0xFFFF, using: &generator)
            case 3: value = UInt32.random(in: 0x10000...0x10FFFF, using: &generator)
            default: value = UInt32.random(in: 0x20...0x7F, using: &generator)
            }
            scalars.append(Unicode.Scalar(value) ?? "?")
        }
        return String(scalars)
    }
}
