import HypergraphCrypto
import XCTest

/// SHA-256 against the FIPS 180 example messages (via NIST's published examples) and streaming behaviour.
final class SHA256Tests: XCTestCase {
    func testFIPS180ExampleMessages() {
        let vectors: [(message: String, digest: String)] = [
            ("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
            ("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
            (
                "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
                "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"
            ),
            (
                "abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmn"
                    + "hijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu",
                "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1"
            ),
        ]
        for (message, digest) in vectors {
            XCTAssertEqual(Hex.encode(SHA256.hash(message.utf8Bytes)), digest, "message \(message.debugDescription)")
        }
    }

    func testOneMillionLetterA() {
        let expected = "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0"
        XCTAssertEqual(Hex.encode(SHA256.hash([UInt8](repeating: UInt8(ascii: "a"), count: 1_000_000))), expected)

        // The same message fed in uneven pieces exercises every buffering path.
        var hasher = SHA256()
        var remaining = 1_000_000
        var piece = 1
        while remaining > 0 {
            let count = min(piece, remaining)
            hasher.update(repeatElement(UInt8(ascii: "a"), count: count))
            remaining -= count
            piece = piece % 997 + 13
        }
        XCTAssertEqual(Hex.encode(hasher.finalize()), expected)
    }

    func testNonContiguousCollectionsHashLikeArrays() {
        let message = Array("The quick brown fox jumps over the lazy dog".utf8)
        let expected = "d7a8fbb307d7809469ca9abcb0082e4f8d5651e46d3cdb762d02d0bf37c9e592"
        XCTAssertEqual(Hex.encode(SHA256.hash(message)), expected)
        XCTAssertEqual(Hex.encode(SHA256.hash(message.lazy.map { $0 })), expected)
        XCTAssertEqual(Hex.encode(SHA256.hash("The quick brown fox jumps over the lazy dog".utf8)), expected)
    }
}

/// Streaming SHA-256 and SHA-256 inside HMAC see the same padding boundaries; check every split point.
final class SHA256StreamingTests: XCTestCase {
    func testEverySplitPointMatchesOneShot() {
        for length in [0, 1, 55, 56, 63, 64, 65, 119, 120, 128, 200, 1000] {
            let message = (0..<length).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) }
            let expected = SHA256.hash(message)
            for split in 0...length {
                var hasher = SHA256()
                hasher.update(message[..<split])
                hasher.update(message[split...])
                XCTAssertEqual(hasher.finalize(), expected, "length \(length) split at \(split)")
            }
        }
    }

    func testCopiedHasherForksTheComputation() {
        var prefix = SHA256()
        prefix.update("abc".utf8Bytes)
        var extended = prefix
        extended.update("dbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8Bytes)
        XCTAssertEqual(
            Hex.encode(prefix.finalize()),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        )
        XCTAssertEqual(
            Hex.encode(extended.finalize()),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"
        )
    }
}
