import HypergraphCrypto
import XCTest

/// Every entry of Fixtures/hash-vectors.json (reference implementations, see scripts/generate-hash-vectors.py).
final class HashReferenceVectorTests: XCTestCase {
    private var vectors: HashVectorFile!

    override func setUpWithError() throws {
        vectors = try HashVectorFile.load()
    }

    func testRandomMessagesAgainstHashlibAndBlake3() throws {
        XCTAssertGreaterThan(vectors.messages.count, 150)
        for entry in vectors.messages {
            let message = try Hex.decode(entry.message)
            let context = "\(message.count)-byte message"
            XCTAssertEqual(Hex.encode(SHA256.hash(message)), entry.sha256, "SHA-256 of \(context)")
            XCTAssertEqual(Hex.encode(SHA1.hash(message)), entry.sha1, "SHA-1 of \(context)")
            XCTAssertEqual(Hex.encode(BLAKE3.hash(message)), entry.blake3, "BLAKE3 of \(context)")
        }
    }

    /// Up to 1 MiB of the official BLAKE3 input pattern: deep trees and thousands of SHA blocks.
    func testLongInputsAgainstHashlibAndBlake3() {
        XCTAssertEqual(vectors.longPattern.count, 3)
        for entry in vectors.longPattern {
            let input = blake3OfficialInput(length: entry.length)
            XCTAssertEqual(Hex.encode(SHA256.hash(input)), entry.sha256, "SHA-256 of \(entry.length) bytes")
            XCTAssertEqual(Hex.encode(SHA1.hash(input)), entry.sha1, "SHA-1 of \(entry.length) bytes")
            XCTAssertEqual(Hex.encode(BLAKE3.hash(input)), entry.blake3, "BLAKE3 of \(entry.length) bytes")
        }
    }

    func testHMACAgainstPythonHMAC() throws {
        XCTAssertGreaterThan(vectors.hmac.count, 30)
        for entry in vectors.hmac {
            let key = try Hex.decode(entry.key)
            let message = try Hex.decode(entry.message)
            XCTAssertEqual(
                Hex.encode(HMACSHA256.authenticationCode(key: key, message: message)),
                entry.hmacSHA256,
                "HMAC-SHA256 with a \(key.count)-byte key over \(message.count) bytes"
            )
        }
    }

    /// PROTOCOL.md Appendix A: SHA-256 of every canonical string, and BLAKE3 event hashes of canonical events.
    func testProtocolAppendixA() {
        XCTAssertGreaterThanOrEqual(vectors.appendixA.count, 8)
        XCTAssertEqual(vectors.appendixA.filter { $0.eventHash != nil }.count, 2)
        for entry in vectors.appendixA {
            XCTAssertEqual(Hex.encode(SHA256.hash(entry.text.utf8)), entry.sha256, entry.name)
            if let eventHash = entry.eventHash {
                XCTAssertEqual("0x" + Hex.encode(BLAKE3.hash(entry.text.utf8)), eventHash, entry.name)
            }
        }
    }
}
