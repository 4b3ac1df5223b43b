import Foundation
import HypergraphJSON
import SeededRandom
import XCTest

/// Randomised differential test against Foundation's JSONSerialization in both directions. Member order is
/// irrelevant to Foundation's dictionaries, so objects are compared by sorted members.
///
/// Foundation's parser (swift-corelibs-foundation) is not correctly rounded: it reads e.g. `448361.86158425384`
/// (the exact shortest form, as JavaScript and Python print it) one ulp off, and numbers with large negative
/// exponents several ulps off. Numbers Foundation parsed are therefore compared within 16 ulps; numbers we parse
/// are compared exactly.
final class FoundationDifferentialTests: XCTestCase {
    func testFoundationParsesWhatWeWrite() throws {
        var generator = SplitMix64(seed: 20_250_630)
        for _ in 0..<400 {
            let value = RandomJSON.value(depth: 4, using: &generator)
            let ours = value.serialized()
            let foundation = try JSONSerialization.jsonObject(with: Data(ours), options: [.fragmentsAllowed])
            let context = String(decoding: ours, as: UTF8.self)
            XCTAssertTrue(Self.equivalent(try Self.jsonValue(fromFoundation: foundation), value, ulps: 16), context)
        }
    }

    func testWeParseWhatFoundationWrites() throws {
        var generator = SplitMix64(seed: 42)
        for _ in 0..<400 {
            let value = RandomJSON.value(depth: 4, using: &generator)
            let data = try JSONSerialization.data(
                withJSONObject: Self.foundationObject(value), options: [.fragmentsAllowed])
            let parsed = try JSONValue.parse(Array(data))
            XCTAssertEqual(try parsed.canonicalUTF8(), try value.canonicalUTF8(), String(decoding: data, as: UTF8.self))
        }
    }

    func testBothRejectTheSameMalformedDocuments() {
        // Foundation also accepts some documents we reject (trailing commas such as "[1,]").
        let documents = ["{\"a\":}", "01", "[1 2]", "\"\u{1}\"", "{'a':1}", "[", "tru", "1.", "-", "[1]]", "\"\\x\""]
        for document in documents {
            XCTAssertThrowsError(try JSONValue.parse(document), document)
            XCTAssertThrowsError(
                try JSONSerialization.jsonObject(with: Data(document.utf8), options: [.fragmentsAllowed]), document)
        }
    }

    /// Structural equality: objects by sorted members, strings by code units, numbers within `ulps`.
    private static func equivalent(_ lhs: JSONValue, _ rhs: JSONValue, ulps: Int) -> Bool {
        switch (lhs, rhs) {
        case (.number(let left), .number(let right)):
            var bound = left
            for _ in 0..<ulps { bound = bound.nextUp }
            return abs(left - right) <= abs(bound - left) || left == right
        case (.string(let left), .string(let right)):
            return left.utf8.elementsEqual(right.utf8)
        case (.array(let left), .array(let right)):
            return left.count == right.count && zip(left, right).allSatisfy { equivalent($0, $1, ulps: ulps) }
        case (.object(let left), .object(let right)):
            let sortedLeft = left.sorted { $0.key.utf16.lexicographicallyPrecedes($1.key.utf16) }
            let sortedRight = right.sorted { $0.key.utf16.lexicographicallyPrecedes($1.key.utf16) }
            return sortedLeft.count == sortedRight.count
                && zip(sortedLeft, sortedRight).allSatisfy {
                    $0.key.utf8.elementsEqual($1.key.utf8) && equivalent($0.value, $1.value, ulps: ulps)
                }
        default:
            return lhs == rhs
        }
    }

    private static func foundationObject(_ value: JSONValue) -> Any {
        switch value {
        case .null: return NSNull()
        case .bool(let flag): return flag
        case .number(let number): return number
        case .string(let text): return text
        case .array(let elements): return elements.map(foundationObject)
        case .object(let object):
            var dictionary: [String: Any] = [:]
            for (key, member) in object { dictionary[key] = foundationObject(member) }
            return dictionary
        }
    }

    private static func jsonValue(fromFoundation object: Any) throws -> JSONValue {
        switch object {
        case is NSNull: return .null
        case let number as NSNumber:
            if String(cString: number.objCType) == "c" { return .bool(number.boolValue) }
            return .number(number.doubleValue)
        case let text as String: return .string(text)
        case let array as [Any]: return .array(try array.map(jsonValue(fromFoundation:)))
        case let dictionary as [String: Any]:
            return .object(
                JSONObject(try dictionary.map { (key: $0.key, value: try jsonValue(fromFoundation: $0.value)) }))
        default:
            throw JSONError(kind: .invalidValue, path: .root, message: "unexpected Foundation type \(type(of: object))")
        }
    }
}
