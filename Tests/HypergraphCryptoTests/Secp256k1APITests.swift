import HypergraphCrypto
import XCTest

/// The public API's behaviour beyond the reference vectors: round trips, input validation and error messages.
final class Secp256k1APITests: XCTestCase {
    private let digest = [UInt8](repeating: 0xAB, count: 32)

    func testRandomKeysSignAndRecover() throws {
        var seen = Set<[UInt8]>()
        for _ in 0..<8 {
            let key = Secp256k1.PrivateKey.random()
            XCTAssertTrue(seen.insert(key.bytes).inserted)
            let signature = try Secp256k1.sign(digest: digest, with: key)
            XCTAssertTrue(signature.isLowS)
            XCTAssertEqual(try Secp256k1.recover(signature, digest: digest), key.publicKey)
            XCTAssertTrue(Secp256k1.verify(signature, digest: digest, publicKey: key.publicKey))
            XCTAssertEqual(try Secp256k1.PrivateKey(bytes: key.bytes).publicKey, key.publicKey)
        }
    }

    func testSignatureEncodingsRoundTrip() throws {
        let key = try Secp256k1.PrivateKey(bytes: [UInt8](repeating: 0, count: 31) + [7])
        let signature = try Secp256k1.sign(digest: digest, with: key)
        XCTAssertEqual(signature.compact, signature.r + signature.s)
        XCTAssertEqual(signature.compactHex, Hex.encode(signature.compact))
        XCTAssertEqual(
            try Secp256k1.RecoverableSignature(compact: signature.compact, recoveryID: signature.recoveryID), signature)
        XCTAssertEqual(
            try Secp256k1.RecoverableSignature(
                compactHex: signature.compactHex.uppercased(), recoveryID: signature.recoveryID),
            signature, "hex digits are case-insensitive")
        XCTAssertEqual(signature.description, "\(signature.compactHex) (recovery id \(signature.recoveryID))")
    }

    func testDigestMustBe32Bytes() throws {
        let key = try Secp256k1.PrivateKey(bytes: [UInt8](repeating: 0, count: 31) + [1])
        let signature = try Secp256k1.sign(digest: digest, with: key)
        for length in [0, 31, 33, 64] {
            let wrong = [UInt8](repeating: 1, count: length)
            XCTAssertThrowsError(try Secp256k1.sign(digest: wrong, with: key)) { error in
                XCTAssertEqual(error as? Secp256k1Error, .invalidDigestLength(length))
            }
            XCTAssertThrowsError(try Secp256k1.recover(signature, digest: wrong)) { error in
                XCTAssertEqual(error as? Secp256k1Error, .invalidDigestLength(length))
            }
            XCTAssertFalse(Secp256k1.verify(signature, digest: wrong, publicKey: key.publicKey))
        }
    }

    func testCompactSignatureLengthAndRecoveryIDValidation() {
        for length in [0, 63, 65, 128] {
            XCTAssertThrowsError(
                try Secp256k1.RecoverableSignature(compact: [UInt8](repeating: 1, count: length), recoveryID: 0)
            ) {
                XCTAssertEqual($0 as? Secp256k1Error, .invalidSignatureLength(length))
            }
        }
        let valid = [UInt8](repeating: 1, count: 64)
        for id in [-1, 4, 27, Int.max, Int.min] {
            XCTAssertThrowsError(try Secp256k1.RecoverableSignature(compact: valid, recoveryID: id)) {
                XCTAssertEqual($0 as? Secp256k1Error, .invalidRecoveryID(id))
            }
        }
        for id in 0...3 { XCTAssertNoThrow(try Secp256k1.RecoverableSignature(compact: valid, recoveryID: id)) }
    }

    func testHexErrorsNameThePosition() {
        let text = String(repeating: "0", count: 64) + "Z" + String(repeating: "1", count: 63)
        XCTAssertThrowsError(try Secp256k1.RecoverableSignature(compactHex: text, recoveryID: 0)) {
            XCTAssertEqual($0 as? Secp256k1Error, .invalidSignatureHexCharacter("Z", offset: 64))
        }
        XCTAssertThrowsError(try Secp256k1.RecoverableSignature(compactHex: "0x12", recoveryID: 0)) {
            XCTAssertEqual($0 as? Secp256k1Error, .invalidSignatureHexLength(4))
        }
    }

    func testPrivateKeyDescriptionDoesNotRevealTheKey() throws {
        let key = try Secp256k1.PrivateKey(bytes: [UInt8](repeating: 0x11, count: 32))
        XCTAssertFalse(String(describing: key).contains("11"))
        XCTAssertFalse(String(reflecting: key).contains("1111"))
    }

    func testErrorDescriptionsSayWhatWasExpected() {
        let expectations: [(Secp256k1Error, String)] = [
            (.invalidPrivateKeyLength(31), "secp256k1 private key has 31 bytes; expected exactly 32"),
            (
                .privateKeyOutOfRange,
                "secp256k1 private key is zero or not below the group order n; expected 1 ≤ key < n"
            ),
            (
                .invalidPublicKeyLength(64),
                "SEC1 public key has 64 bytes; expected 33 (compressed) or 65 (uncompressed)"
            ),
            (
                .invalidPublicKeyPrefix(0x05, length: 33),
                "SEC1 public key of 33 bytes starts with 0x05; expected 0x02 or 0x03"
            ),
            (.invalidPublicKeyPrefix(0x02, length: 65), "SEC1 public key of 65 bytes starts with 0x02; expected 0x04"),
            (.signatureComponentIsZero(.r), "signature r is zero; expected 1 ≤ r < n"),
            (.signatureComponentNotBelowOrder(.s), "signature s is not below the group order n; expected 1 ≤ s < n"),
            (.invalidRecoveryID(4), "recovery id is 4; expected 0, 1, 2 or 3"),
            (
                .invalidSignatureHexLength(130),
                "compact signature hex has 130 characters; expected exactly 128 hex digits without 0x prefix"
            ),
            (
                .invalidSignatureHexCharacter("x", offset: 1),
                "compact signature hex has \"x\" at offset 1; expected a hex digit 0-9, a-f or A-F"
            ),
        ]
        for (error, description) in expectations { XCTAssertEqual(error.description, description) }
        let everyOtherCase: [Secp256k1Error] = [
            .publicKeyIsInfinity, .publicKeyCoordinateOutOfRange, .publicKeyNotOnCurve, .invalidSignatureLength(3),
            .invalidDigestLength(31), .highS, .recoveryCoordinateOutOfRange, .recoveryPointNotOnCurve,
            .recoveredPointAtInfinity,
        ]
        for error in everyOtherCase { XCTAssertGreaterThan(error.description.count, 30, "\(error)") }
    }
}
