import Foundation
import HypergraphCrypto
import XCTest

/// Fixtures/hash-vectors.json, written by scripts/generate-hash-vectors.py from hashlib, hmac and blake3.
struct HashVectorFile: Decodable {
    struct OfficialBLAKE3: Decodable {
        struct Case: Decodable {
            let length: Int
            let blake3: String
        }
        let cases: [Case]
    }

    struct LongPattern: Decodable {
        let length: Int
        let sha256: String
        let sha1: String
        let blake3: String
    }

    struct Message: Decodable {
        let message: String
        let sha256: String
        let sha1: String
        let blake3: String
    }

    struct HMACCase: Decodable {
        let key: String
        let message: String
        let hmacSHA256: String
    }

    struct AppendixAString: Decodable {
        let name: String
        let text: String
        let sha256: String
        /// `0x` + BLAKE3 of `text`, for canonical events.
        let eventHash: String?
    }

    let blake3Official: OfficialBLAKE3
    let longPattern: [LongPattern]
    let messages: [Message]
    let hmac: [HMACCase]
    let appendixA: [AppendixAString]

    static func load() throws -> HashVectorFile {
        try loadFixture("hash-vectors")
    }
}
