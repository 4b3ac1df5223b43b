import HypergraphJSON
import XCTest

/// The insertion-ordered map behind `JSONObject` and the space state's maps.
final class InsertionOrderedMapTests: XCTestCase {
    func testOrderReplacementAndRemoval() {
        var map = InsertionOrderedMap<Int>([(key: "b", value: 1), (key: "a", value: 2), (key: "b", value: 3)])
        XCTAssertEqual(map.keys, ["b", "a"])
        XCTAssertEqual(map.values, [3, 2])
        map["c"] = 4
        map["b"] = 5
        XCTAssertEqual(map.keys, ["b", "a", "c"], "replacing keeps the position")
        map["a"] = nil
        map["missing"] = nil
        XCTAssertEqual(map.keys, ["b", "c"])
        XCTAssertEqual(map.count, 2)
        XCTAssertEqual(map.map { $0.value }, [5, 4])
        let forward: InsertionOrderedMap<Int> = ["x": 1, "y": 2]
        XCTAssertEqual(forward.keys, ["x", "y"])
        XCTAssertNotEqual(forward, ["y": 2, "x": 1])
        XCTAssertEqual(InsertionOrderedMap(forward), forward)
        // Keys compare by code units, as JavaScript property names do: é precomposed and decomposed differ.
        var accents = InsertionOrderedMap<Int>()
        accents["\u{E9}"] = 1
        accents["e\u{301}"] = 2
        XCTAssertEqual(accents.count, 2)
        XCTAssertEqual(accents["e\u{301}"], 2)
    }

    func testJSONObjectIsTheSameMap() {
        var object: JSONObject = ["b": .number(1), "a": .string("x")]
        object["b"] = .bool(true)
        XCTAssertEqual(object.keys, ["b", "a"])
        XCTAssertEqual(JSONValue.object(object).serialized(), Array(#"{"b":true,"a":"x"}"#.utf8))
    }
}
