import HypergraphCrypto
import XCTest

/// MD5 against the RFC 1321 test suite and Fixtures/md5-vectors.json (scripts/generate-md5-vectors.py, hashlib).
final class MD5Tests: XCTestCase {
    func testRFC1321TestSuite() {
        let vectors: [(message: String, digest: String)] = [
            ("", "d41d8cd98f00b204e9800998ecf8427e"),
            ("a", "0cc175b9c0f1b6a831c399e269772661"),
            ("abc", "900150983cd24fb0d6963f7d28e17f72"),
            ("message digest", "f96b697d7cb7938d525a2f31aaf161d0"),
            ("abcdefghijklmnopqrstuvwxyz", "c3fcd3d76192e4007dfb496cca67e13b"),
            ("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789", "d174ab98d277d9f5a5611c2c9f419d9f"),
            (String(repeating: "1234567890", count: 8), "57edf4a22be3c955ac49da2e2107b67a"),
        ]
        for (message, digest) in vectors {
            XCTAssertEqual(Hex.encode(MD5.hash(message.utf8Bytes)), digest, "message \(message.debugDescription)")
        }
    }

    func testHashlibVectors() throws {
        struct VectorFile: Decodable {
            struct Message: Decodable {
                let message: String
                let md5: String
            }
            let messages: [Message]
        }
        let file: VectorFile = try loadFixture("md5-vectors")
        XCTAssertGreaterThan(file.messages.count, 130)
        for vector in file.messages {
            let message = try Hex.decode(vector.message)
            XCTAssertEqual(Hex.encode(MD5.hash(message)), vector.md5, "length \(message.count)")
        }
    }
}
