import Foundation
import HypergraphJSON
import HypergraphProtocol
import SeededRandom
import XCTest

/// Property/differential tests: random variants of every valid fixture go through the fast codec and through
/// Foundation's `JSONDecoder`/`JSONEncoder`; both must accept the same inputs, decode equal values and encode the
/// same JSON. The generator is seeded, so a failure is reproducible.
final class DifferentialTests: XCTestCase {
    private let variantsPerFixture = 60

    /// Equivalent spellings (member order, whitespace, byte-array form, unknown members) decode to the original.
    func testEquivalentSpellingsDecodeAlike() throws {
        var random = SplitMix64(seed: 1)
        for fixture in try Fixtures.allValid() {
            let original = try JSONValue.parse(fixture.bytes)
            let expected = try decodeAndEncode(fixture.bytes, fixture.direction).wire
            for _ in 0..<variantsPerFixture {
                let variant = Mutator.respell(original, using: &random)
                let text = Mutator.serialize(variant, using: &random)
                let label = "\(fixture.direction.rawValue)/\(fixture.name): \(String(decoding: text, as: UTF8.self))"
                XCTAssertEqual(try decodeAndEncode(text, fixture.direction).wire, expected, label)
                try assertPathsAgree(text, fixture.direction, label)
            }
        }
    }

    /// Random new values in every field (Unicode strings, random bytes, timestamps in every accepted form, the
    /// whole integer ranges) round-trip identically through both codecs.
    func testRandomValuesRoundTripThroughBothCodecs() throws {
        var random = SplitMix64(seed: 2)
        for fixture in try Fixtures.allValid() {
            let original = try JSONValue.parse(fixture.bytes)
            for _ in 0..<variantsPerFixture {
                let text = Mutator.serialize(Mutator.randomizeValues(original, using: &random), using: &random)
                let label = "\(fixture.direction.rawValue)/\(fixture.name): \(String(decoding: text, as: UTF8.self))"
                let (value, wire) = try decodeAndEncode(text, fixture.direction)
                XCTAssertEqual(try decodeAndEncode(wire, fixture.direction).value, value, label)
                try assertPathsAgree(text, fixture.direction, label)
            }
        }
    }

    /// A value replaced by one of another JSON kind: both codecs reject, or (inside an unknown member) both accept.
    func testCorruptedMessagesAreRejectedByBothCodecs() throws {
        var random = SplitMix64(seed: 3)
        for fixture in try Fixtures.allValid() {
            let original = try JSONValue.parse(fixture.bytes)
            for _ in 0..<variantsPerFixture {
                let text = Mutator.corrupt(original, using: &random).serialized()
                let label = "\(fixture.direction.rawValue)/\(fixture.name): \(String(decoding: text, as: UTF8.self))"
                try assertPathsAgree(text, fixture.direction, label)
            }
        }
    }

    /// Both codecs accept or both reject `text`; when they accept, the values and their encodings agree.
    private func assertPathsAgree(_ text: [UInt8], _ direction: Direction, _ label: String) throws {
        switch direction {
        case .client: try assertPathsAgree(ClientMessage.self, text, label)
        case .server: try assertPathsAgree(ServerMessage.self, text, label)
        }
    }

    private func assertPathsAgree<Message: WireCodable>(_ type: Message.Type, _ text: [UInt8], _ label: String) throws {
        let fast = try? Message(jsonUTF8: text)
        let foundation = try? JSONDecoder().decode(Message.self, from: Data(text))
        XCTAssertEqual(fast == nil, foundation == nil, "accepted by only one codec (fast: \(fast != nil)): \(label)")
        guard let fast, let foundation else { return }
        XCTAssertEqual(fast, foundation, label)
        let foundationWire = try JSONValue.parse([UInt8](try JSONEncoder().encode(fast))).canonicalString()
        XCTAssertEqual(foundationWire, try JSONValue.parse(fast.jsonUTF8()).canonicalString(), label)
    }
}

/// Random changes to a JSON message.
enum Mutator {
    /// Same meaning, different spelling: shuffled members, bare byte arrays, extra unknown members.
    static func respell(_ value: JSONValue, using random: inout SplitMix64) -> JSONValue {
        switch value {
        case .object(let object):
            if object["__type"] == "Uint8Array", let data = object["data"], random.next() % 2 == 0 { return data }
            var members = object.map { (key: $0.key, value: respell($0.value, using: &random)) }
            members.shuffle(using: &random)
            if random.next() % 4 == 0 {
                members.insert(
                    (key: "x-unknown-\(random.next() % 100)", value: randomJSON(depth: 2, using: &random)),
                    at: Int(random.next() % UInt64(members.count + 1)))
            }
            return .object(JSONObject(members))
        case .array(let elements):
            return .array(elements.map { respell($0, using: &random) })
        default:
            return value
        }
    }

    /// New random values that keep the message valid, chosen by member name.
    static func randomizeValues(_ value: JSONValue, key: String = "", using random: inout SplitMix64) -> JSONValue {
        switch value {
        case .object(let object):
            return .object(
                JSONObject(object.map { (key: $0.key, value: randomizeValues($0.value, key: $0.key, using: &random)) }))
        case .array(let elements) where key == "data" || key == "update":
            _ = elements
            return .array((0..<Int(random.next() % 300)).map { _ in .number(Double(random.next() % 256)) })
        case .array(let elements):
            return .array(elements.map { randomizeValues($0, key: key, using: &random) })
        case .string(let text):
            return .string(randomString(for: key, original: text, using: &random))
        case .number where key == "recovery":
            return .number(Double(random.next() % 4))
        case .number where key.lowercased().hasSuffix("clock"):
            return .number(Double(random.next() % 9_007_199_254_740_992))
        case .number(let number) where key == "data":
            return .number(Double(Int64(number + Double(random.next() % 1000)) % 8_640_000_000_000_000))
        case .bool:
            return .bool(random.next() % 2 == 0)
        default:
            return value
        }
    }

    /// One value somewhere in the message replaced by a value of another JSON kind.
    static func corrupt(_ value: JSONValue, using random: inout SplitMix64) -> JSONValue {
        var paths: [[JSONPath.Component]] = []
        collectPaths(value, [], into: &paths)
        let path = paths[Int(random.next() % UInt64(paths.count))]
        return replacing(value, at: path[...]) { old in
            var replacement = randomJSON(depth: 1, using: &random)
            while replacement.kind == old.kind { replacement = randomJSON(depth: 1, using: &random) }
            return replacement
        }
    }

    private static func collectPaths(
        _ value: JSONValue, _ path: [JSONPath.Component], into paths: inout [[JSONPath.Component]]
    ) {
        if !path.isEmpty { paths.append(path) }
        switch value {
        case .object(let object): for (key, member) in object { collectPaths(member, path + [.key(key)], into: &paths) }
        case .array(let elements):
            for (index, element) in elements.enumerated() {
                collectPaths(element, path + [.index(index)], into: &paths)
            }
        default: break
        }
    }

    private static func replacing(
        _ value: JSONValue, at path: ArraySlice<JSONPath.Component>, with transform: (JSONValue) -> JSONValue
    ) -> JSONValue {
        guard let first = path.first else { return transform(value) }
        switch (value, first) {
        case (.object(var object), .key(let key)):
            if let member = object[key] { object[key] = replacing(member, at: path.dropFirst(), with: transform) }
            return .object(object)
        case (.array(var elements), .index(let index)):
            elements[index] = replacing(elements[index], at: path.dropFirst(), with: transform)
            return .array(elements)
        default:
            return value
        }
    }

    private static let hexDigits = Array("0123456789abcdefABCDEF")

    private static func hex(_ count: Int, using random: inout SplitMix64) -> String {
        String((0..<count).map { _ in hexDigits[Int(random.next() % UInt64(hexDigits.count))] })
    }

    private static func randomString(for key: String, original: String, using random: inout SplitMix64) -> String {
        switch key {
        case "type", "__type", "authPolicy", "code", "role": return original
        case "hex": return hex(128, using: &random)
        case "inboxId", "encryptionPublicKey", "authorPublicKey", "previousEventHash", "lastEventHash":
            return "0x" + hex(64, using: &random)
        case "nonce": return "0x" + hex(48, using: &random)
        case "ciphertext", "secretKey": return "0x" + hex(2 * Int(random.next() % 80), using: &random)
        case "createdAt", "since", "data": return randomTimestampText(using: &random)
        case _ where key.hasSuffix("ccountAddress"):
            return original.isEmpty ? original : "0x" + hex(40, using: &random)
        default: return randomUnicode(using: &random)
        }
    }

    /// A timestamp in one of the accepted text forms.
    private static func randomTimestampText(using random: inout SplitMix64) -> String {
        let milliseconds = Int64(random.next() % 8_000_000_000_000_000) - 4_000_000_000_000_000
        let canonical = Timestamp(millisecondsSince1970: milliseconds).iso8601
        switch random.next() % 4 {
        case 0: return canonical
        case 1: return String(canonical.dropLast(5)) + "Z" // no fraction
        case 2: return canonical.replacingOccurrences(of: "Z", with: "+00:00")
        default: return String(canonical.dropLast(1)) + "123456Z" // extra fraction digits
        }
    }

    private static let alphabet: [Unicode.Scalar] = [
        "a", "Z", "0", " ", "\"", "\\", "/", "\n", "\t", "\u{0}", "\u{1F}", "\u{7F}", "é", "ß", "€", "\u{2028}",
        "\u{FEFF}", "😀", "𝄞",
    ]

    private static func randomUnicode(using random: inout SplitMix64) -> String {
        var text = ""
        for _ in 0..<Int(random.next() % 24) {
            text.unicodeScalars.append(alphabet[Int(random.next() % UInt64(alphabet.count))])
        }
        return text
    }

    /// A random JSON value (no integral floats, which the two decoders treat alike only by luck).
    static func randomJSON(depth: Int, using random: inout SplitMix64) -> JSONValue {
        switch random.next() % (depth > 0 ? 7 : 5) {
        case 0: return .null
        case 1: return .bool(random.next() % 2 == 0)
        case 2: return .number(Double(random.next() % 1000) + 0.5)
        case 3: return .string(randomUnicode(using: &random))
        case 4: return .number(-Double(random.next() % 1000) - 0.25)
        case 5: return .array((0..<Int(random.next() % 3)).map { _ in randomJSON(depth: depth - 1, using: &random) })
        default:
            return .object(
                JSONObject(
                    (0..<Int(random.next() % 3)).map {
                        (key: "k\($0)", value: randomJSON(depth: depth - 1, using: &random))
                    }))
        }
    }

    /// `value` as JSON text with random insignificant whitespace.
    static func serialize(_ value: JSONValue, using random: inout SplitMix64) -> [UInt8] {
        var output: [UInt8] = []
        write(value, into: &output, using: &random)
        return output
    }

    private static func whitespace(using random: inout SplitMix64) -> [UInt8] {
        let choices: [[UInt8]] = [[], [], [0x20], [0x0A], [0x09, 0x20], [0x0D, 0x0A, 0x20, 0x20]]
        return choices[Int(random.next() % UInt64(choices.count))]
    }

    private static func write(_ value: JSONValue, into output: inout [UInt8], using random: inout SplitMix64) {
        output += whitespace(using: &random)
        switch value {
        case .object(let object):
            output.append(UInt8(ascii: "{"))
            for (index, (key, member)) in object.enumerated() {
                if index > 0 { output.append(UInt8(ascii: ",")) }
                output += whitespace(using: &random) + JSONValue.string(key).serialized() + whitespace(using: &random)
                output.append(UInt8(ascii: ":"))
                write(member, into: &output, using: &random)
            }
            output += whitespace(using: &random)
            output.append(UInt8(ascii: "}"))
        case .array(let elements):
            output.append(UInt8(ascii: "["))
            for (index, element) in elements.enumerated() {
                if index > 0 { output.append(UInt8(ascii: ",")) }
                write(element, into: &output, using: &random)
            }
            output += whitespace(using: &random)
            output.append(UInt8(ascii: "]"))
        default:
            output += value.serialized()
        }
        output += whitespace(using: &random)
    }
}
