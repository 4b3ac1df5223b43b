// The payloads with byte members are written straight into canonical JSON; they must be byte-identical to the
// canonicalisation of the same object built as a tree (PROTOCOL.md §7.1, §7.4.2, §7.4.6).
import HypergraphJSON
import HypergraphSigning
import SeededRandom
import XCTest

final class SigningPayloadTests: XCTestCase {
    /// Byte counts around the digit-count boundaries of the index keys, and strings that need escaping.
    func testPayloadsWithBytesEqualTheCanonicalisedTree() throws {
        var random = SplitMix64(seed: 7)
        let texts = ["space-1", "quote \" backslash \\ newline \n", "é 漢 😀", "\u{01}\u{1F}"]
        for count in [0, 1, 9, 10, 11, 99, 100, 101, 1_000, 10_001] {
            let bytes = (0..<count).map { _ in UInt8.random(in: 0...255, using: &random) }
            let text = texts[count % texts.count]
            let update = SigningPayload.update(
                accountAddress: "0xabc", spaceId: text, update: bytes, updateId: "u-\(count)")
            let updateTree: JSONValue = [
                "updateId": .string("u-\(count)"), "update": JSONValue.indexKeyedBytes(bytes),
                "spaceId": .string(text), "accountAddress": "0xabc",
            ]
            XCTAssertEqual(update.bytes, try updateTree.canonicalUTF8(), "update of \(count) bytes")

            let info = SigningPayload.spaceInfo(accountAddress: text, infoContent: bytes, spaceId: "s")
            let infoTree: JSONValue = [
                "spaceId": "s", "infoContent": JSONValue.indexKeyedBytes(bytes), "accountAddress": .string(text),
            ]
            XCTAssertEqual(info.bytes, try infoTree.canonicalUTF8(), "space info of \(count) bytes")
        }
    }
}
