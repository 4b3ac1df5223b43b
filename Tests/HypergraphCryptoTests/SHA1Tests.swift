import HypergraphCrypto
import XCTest

/// SHA-1 against the FIPS 180 example messages and the RFC 6455 handshake example.
final class SHA1Tests: XCTestCase {
    func testFIPS180ExampleMessages() {
        let vectors: [(message: String, digest: String)] = [
            ("", "da39a3ee5e6b4b0d3255bfef95601890afd80709"),
            ("abc", "a9993e364706816aba3e25717850c26c9cd0d89d"),
            ("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", "84983e441c3bd26ebaae4aa1f95129e5e54670f1"),
            (
                "abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmn"
                    + "hijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu",
                "a49b2446a02c645bf419f995b67091253a04a259"
            ),
        ]
        for (message, digest) in vectors {
            XCTAssertEqual(Hex.encode(SHA1.hash(message.utf8Bytes)), digest, "message \(message.debugDescription)")
        }
    }

    func testOneMillionLetterA() {
        XCTAssertEqual(
            Hex.encode(SHA1.hash([UInt8](repeating: UInt8(ascii: "a"), count: 1_000_000))),
            "34aa973cd4c4daa4f61eeb2bdbad27316534016f"
        )
    }

    /// RFC 6455 §1.3: SHA-1 of the example key plus the protocol GUID is base64 `s3pPLMBiTxaQ9kYGzzhZRbK+xOo=`.
    func testWebSocketHandshakeExample() {
        let digest = SHA1.hash("dGhlIHNhbXBsZSBub25jZQ==258EAFA5-E914-47DA-95CA-C5AB0DC85B11".utf8Bytes)
        XCTAssertEqual(Hex.encode(digest), "b37a4f2cc0624f1690f64606cf385945b2bec4ea")
    }
}
