import HypergraphCrypto
import XCTest

/// HMAC-SHA256 against RFC 4231 §4.2–4.8 (test cases 1–7).
final class HMACSHA256Tests: XCTestCase {
    private let largeKey = [UInt8](repeating: 0xaa, count: 131)

    func testRFC4231Cases() {
        let cases: [(name: String, key: [UInt8], message: [UInt8], mac: String)] = [
            (
                "1", [UInt8](repeating: 0x0b, count: 20), "Hi There".utf8Bytes,
                "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"
            ),
            (
                "2", "Jefe".utf8Bytes, "what do ya want for nothing?".utf8Bytes,
                "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
            ),
            (
                "3", [UInt8](repeating: 0xaa, count: 20), [UInt8](repeating: 0xdd, count: 50),
                "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe"
            ),
            (
                "4", Array(1...25), [UInt8](repeating: 0xcd, count: 50),
                "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b"
            ),
            (
                "6", largeKey, "Test Using Larger Than Block-Size Key - Hash Key First".utf8Bytes,
                "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"
            ),
            (
                "7", largeKey,
                ("This is a test using a larger than block-size key and a larger than block-size data. "
                    + "The key needs to be hashed before being used by the HMAC algorithm.").utf8Bytes,
                "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2"
            ),
        ]
        for testCase in cases {
            let mac = HMACSHA256.authenticationCode(key: testCase.key, message: testCase.message)
            XCTAssertEqual(Hex.encode(mac), testCase.mac, "RFC 4231 test case \(testCase.name)")
        }
    }

    /// Test case 5 publishes only the first 128 bits of the output (truncation per RFC 2104 §5).
    func testRFC4231Case5Truncated() {
        let mac = HMACSHA256.authenticationCode(
            key: [UInt8](repeating: 0x0c, count: 20),
            message: "Test With Truncation".utf8Bytes
        )
        XCTAssertEqual(mac.count, 32)
        XCTAssertEqual(Hex.encode(mac.prefix(16)), "a3b6167473100ee06e0c796c2955552b")
    }

    func testStreamingAndReusedKeyMatchOneShot() {
        let key = "Jefe".utf8Bytes
        var template = HMACSHA256(key: key)
        var first = template
        first.update("what do ya ".utf8Bytes)
        first.update("want for nothing?".utf8Bytes)
        XCTAssertEqual(
            Hex.encode(first.finalize()),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        )
        template.update("other".utf8Bytes)
        XCTAssertEqual(template.finalize(), HMACSHA256.authenticationCode(key: key, message: "other".utf8Bytes))
    }
}
