import Foundation
import HypergraphCrypto
import XCTest

/// Every entry of Fixtures/secp256k1-vectors.json (libsecp256k1 via coincurve; see
/// scripts/generate-secp256k1-vectors.py), including PROTOCOL.md Appendix A.
final class Secp256k1ReferenceVectorTests: XCTestCase {
    private var vectors: Secp256k1VectorFile!

    override func setUpWithError() throws {
        vectors = try Secp256k1VectorFile.load()
    }

    func testSigningIsByteIdenticalToLibsecp256k1() throws {
        XCTAssertGreaterThanOrEqual(vectors.signatures.count, 1_000)
        XCTAssertEqual(Set(vectors.signatures.map(\.recoveryID)), [0, 1], "both recovery ids are represented")
        for entry in vectors.signatures {
            let key = try Secp256k1.PrivateKey(bytes: Hex.decode(entry.privateKey))
            let digest = try Hex.decode(entry.digest)
            if let message = entry.message {
                XCTAssertEqual(Hex.encode(SHA256.hash(try Hex.decode(message))), entry.digest, entry.note)
            }
            let signature = try Secp256k1.sign(digest: digest, with: key)
            XCTAssertEqual(signature.compactHex, entry.signature, entry.note)
            XCTAssertEqual(signature.recoveryID, entry.recoveryID, entry.note)
            XCTAssertTrue(signature.isLowS, entry.note)
        }
    }

    func testKeyDerivationAndSEC1Encodings() throws {
        for entry in vectors.signatures {
            let key = try Secp256k1.PrivateKey(bytes: Hex.decode(entry.privateKey))
            XCTAssertEqual(Hex.encode(key.bytes), entry.privateKey)
            let publicKey = key.publicKey
            XCTAssertEqual(Hex.encode(publicKey.compressed), entry.publicKeyCompressed, entry.note)
            XCTAssertEqual(Hex.encode(publicKey.uncompressed), entry.publicKeyUncompressed, entry.note)
            XCTAssertEqual(try Secp256k1.PublicKey(sec1: Hex.decode(entry.publicKeyCompressed)), publicKey)
            XCTAssertEqual(try Secp256k1.PublicKey(sec1: Hex.decode(entry.publicKeyUncompressed)), publicKey)
        }
    }

    func testRecoveryAndVerificationOfReferenceSignatures() throws {
        for (index, entry) in vectors.signatures.enumerated() {
            let signature = try Secp256k1.RecoverableSignature(
                compactHex: entry.signature, recoveryID: entry.recoveryID)
            let digest = try Hex.decode(entry.digest)
            let publicKey = try Secp256k1.PublicKey(sec1: Hex.decode(entry.publicKeyCompressed))
            XCTAssertEqual(try Secp256k1.recover(signature, digest: digest), publicKey, entry.note)
            XCTAssertTrue(Secp256k1.verify(signature, digest: digest, publicKey: publicKey), entry.note)
            // The strict policy only adds a check on s; a sample keeps debug-build test time down.
            if index % 10 == 0 {
                XCTAssertEqual(try Secp256k1.recover(signature, digest: digest, policy: .rejectHighS), publicKey)
                XCTAssertTrue(Secp256k1.verify(signature, digest: digest, publicKey: publicKey, policy: .rejectHighS))
            }
        }
    }

    /// Checking a signer against a prepared key answers exactly what comparing the recovered key would: for the
    /// reference signatures under every recovery id (one names the signer; the others name another key or none),
    /// for another signer's key, for the high-S twins under both policies, and for a digest of the wrong length.
    func testCheckingASignerAgreesWithRecovery() throws {
        func recovers(
            _ signature: Secp256k1.RecoverableSignature, _ digest: [UInt8], _ key: Secp256k1.PublicKey,
            _ policy: Secp256k1.SignaturePolicy = .acceptHighS
        ) -> Bool {
            (try? Secp256k1.recover(signature, digest: digest, policy: policy)) == key
        }
        let entries = vectors.signatures
        // A sample keeps debug-build test time down; each entry runs eight recoveries and eight checks.
        for (index, entry) in entries.enumerated() where index % 4 == 0 {
            let signature = try Secp256k1.RecoverableSignature(
                compactHex: entry.signature, recoveryID: entry.recoveryID)
            let digest = try Hex.decode(entry.digest)
            let signer = try Secp256k1.PublicKey(sec1: Hex.decode(entry.publicKeyCompressed))
            let other = try Secp256k1.PublicKey(
                sec1: Hex.decode(entries[(index + 1) % entries.count].publicKeyCompressed))
            XCTAssertTrue(Secp256k1.isSigner(.init(signer), of: signature, digest: digest), entry.note)
            for key in [signer, other] {
                let prepared = Secp256k1.PreparedPublicKey(key)
                for recoveryID in 0...3 {
                    let variant = try Secp256k1.RecoverableSignature(
                        compactHex: entry.signature, recoveryID: recoveryID)
                    XCTAssertEqual(
                        Secp256k1.isSigner(prepared, of: variant, digest: digest), recovers(variant, digest, key),
                        "\(entry.note), recovery id \(recoveryID)")
                }
            }
            XCTAssertFalse(Secp256k1.isSigner(.init(signer), of: signature, digest: Array(digest.dropLast())))
        }
        for entry in vectors.highS {
            let high = try Secp256k1.RecoverableSignature(compactHex: entry.signature, recoveryID: entry.recoveryID)
            let digest = try Hex.decode(entry.digest)
            let signer = Secp256k1.PreparedPublicKey(
                try Secp256k1.PublicKey(sec1: Hex.decode(entry.publicKeyCompressed)))
            XCTAssertTrue(Secp256k1.isSigner(signer, of: high, digest: digest))
            XCTAssertFalse(Secp256k1.isSigner(signer, of: high, digest: digest, policy: .rejectHighS))
            XCTAssertTrue(Secp256k1.isSigner(signer, of: high.withNegatedS, digest: digest, policy: .rejectHighS))
        }
    }

    /// n − s with the parity bit flipped: libsecp256k1 recovers the same key; the strict policy (G20) refuses it.
    func testHighSVariants() throws {
        XCTAssertGreaterThanOrEqual(vectors.highS.count, 100)
        for entry in vectors.highS {
            let high = try Secp256k1.RecoverableSignature(compactHex: entry.signature, recoveryID: entry.recoveryID)
            let low = try Secp256k1.RecoverableSignature(
                compactHex: entry.lowSSignature, recoveryID: entry.lowSRecoveryID)
            let digest = try Hex.decode(entry.digest)
            let publicKey = try Secp256k1.PublicKey(sec1: Hex.decode(entry.publicKeyCompressed))
            XCTAssertFalse(high.isLowS)
            XCTAssertEqual(high.withNegatedS, low)
            XCTAssertEqual(low.withNegatedS, high)
            XCTAssertEqual(try Secp256k1.recover(high, digest: digest), publicKey)
            XCTAssertThrowsError(try Secp256k1.recover(high, digest: digest, policy: .rejectHighS)) { error in
                XCTAssertEqual(error as? Secp256k1Error, .highS)
            }
            XCTAssertTrue(Secp256k1.verify(high, digest: digest, publicKey: publicKey))
            XCTAssertFalse(Secp256k1.verify(high, digest: digest, publicKey: publicKey, policy: .rejectHighS))
        }
    }

    func testSAroundHalfTheOrder() throws {
        XCTAssertEqual(vectors.sBoundary.map(\.isLowS), [true, true, false, false])
        for entry in vectors.sBoundary {
            let signature = try Secp256k1.RecoverableSignature(
                compactHex: entry.signature, recoveryID: entry.recoveryID)
            let digest = try Hex.decode(entry.digest)
            let publicKey = try Secp256k1.PublicKey(sec1: Hex.decode(entry.publicKeyCompressed))
            XCTAssertEqual(signature.isLowS, entry.isLowS, entry.note)
            XCTAssertEqual(try Secp256k1.recover(signature, digest: digest), publicKey, entry.note)
            if entry.isLowS {
                XCTAssertEqual(try Secp256k1.recover(signature, digest: digest, policy: .rejectHighS), publicKey)
            } else {
                XCTAssertThrowsError(try Secp256k1.recover(signature, digest: digest, policy: .rejectHighS))
            }
            XCTAssertEqual(
                Secp256k1.verify(signature, digest: digest, publicKey: publicKey, policy: .rejectHighS), entry.isLowS)
        }
    }

    func testRecoveryIDsTwoAndThree() throws {
        XCTAssertEqual(Set(vectors.highRecoveryIDs.map(\.recoveryID)), [2, 3])
        for entry in vectors.highRecoveryIDs {
            let signature = try Secp256k1.RecoverableSignature(
                compactHex: entry.signature, recoveryID: entry.recoveryID)
            let digest = try Hex.decode(entry.digest)
            let publicKey = try Secp256k1.PublicKey(sec1: Hex.decode(entry.publicKeyCompressed))
            XCTAssertEqual(try Secp256k1.recover(signature, digest: digest), publicKey)
            XCTAssertTrue(Secp256k1.verify(signature, digest: digest, publicKey: publicKey))
        }
    }

    func testVerificationFailures() throws {
        for entry in vectors.verifyFailures {
            let signature = try Secp256k1.RecoverableSignature(
                compactHex: entry.signature, recoveryID: entry.recoveryID)
            let publicKey = try Secp256k1.PublicKey(sec1: Hex.decode(entry.publicKeyCompressed))
            XCTAssertFalse(Secp256k1.verify(signature, digest: try Hex.decode(entry.digest), publicKey: publicKey))
            if let recovered = try? Secp256k1.recover(signature, digest: try Hex.decode(entry.digest)) {
                XCTAssertNotEqual(recovered, publicKey, entry.note ?? "")
            }
        }
    }

    func testUnrecoverableSignatures() throws {
        XCTAssertEqual(
            Set(vectors.unrecoverable.map(\.reason)),
            ["recoveryPointNotOnCurve", "recoveryCoordinateOutOfRange", "recoveredPointAtInfinity"])
        for entry in vectors.unrecoverable {
            let signature = try Secp256k1.RecoverableSignature(
                compactHex: entry.signature, recoveryID: entry.recoveryID)
            XCTAssertThrowsError(try Secp256k1.recover(signature, digest: Hex.decode(entry.digest))) { error in
                XCTAssertEqual((error as? Secp256k1Error).map(reason), entry.reason)
            }
        }
    }

    func testInvalidSignaturesAreRejectedWithTheirReason() {
        XCTAssertGreaterThanOrEqual(vectors.invalidSignatures.count, 15)
        for entry in vectors.invalidSignatures {
            XCTAssertThrowsError(
                try Secp256k1.RecoverableSignature(compactHex: entry.signature, recoveryID: entry.recoveryID),
                "\(entry.signature) / \(entry.recoveryID)"
            ) { error in
                XCTAssertEqual((error as? Secp256k1Error).map(reason), entry.reason, "\(entry.signature)")
            }
        }
    }

    func testInvalidPublicKeysAreRejectedWithTheirReason() throws {
        for entry in vectors.invalidPublicKeys {
            let bytes = try Hex.decode(entry.sec1)
            XCTAssertThrowsError(try Secp256k1.PublicKey(sec1: bytes), entry.sec1) { error in
                XCTAssertEqual((error as? Secp256k1Error).map(reason), entry.reason, entry.sec1)
            }
        }
    }

    func testInvalidPrivateKeysAreRejectedWithTheirReason() throws {
        for entry in vectors.invalidPrivateKeys {
            let bytes = try Hex.decode(entry.privateKey)
            XCTAssertThrowsError(try Secp256k1.PrivateKey(bytes: bytes), entry.privateKey) { error in
                XCTAssertEqual((error as? Secp256k1Error).map(reason), entry.reason, entry.privateKey)
            }
        }
    }

    /// PROTOCOL.md Appendix A: the A.1 key, and every signature recovers to it and is reproduced by signing.
    func testProtocolAppendixA() throws {
        let appendix = vectors.appendixA
        let key = try Secp256k1.PrivateKey(bytes: Hex.decode(appendix.privateKey.dropFirst(2)))
        XCTAssertEqual("0x" + Hex.encode(key.publicKey.compressed), appendix.signaturePublicKey)
        XCTAssertEqual("0x" + Hex.encode(key.publicKey.uncompressed), appendix.uncompressed)
        XCTAssertEqual(key.publicKey.description, appendix.signaturePublicKey)
        XCTAssertGreaterThanOrEqual(appendix.signatures.count, 6)
        for entry in appendix.signatures {
            let digest = try Hex.decode(entry.sha256)
            let signature = try Secp256k1.RecoverableSignature(compactHex: entry.hex, recoveryID: entry.recovery)
            let recovered = try Secp256k1.recover(signature, digest: digest, policy: .rejectHighS)
            XCTAssertEqual("0x" + Hex.encode(recovered.compressed), appendix.signaturePublicKey, entry.name)
            XCTAssertEqual(try Secp256k1.sign(digest: digest, with: key), signature, entry.name)
        }
    }

    /// The reason names the fixture uses for each error case.
    private func reason(_ error: Secp256k1Error) -> String {
        switch error {
        case .invalidPrivateKeyLength: "invalidPrivateKeyLength"
        case .privateKeyOutOfRange: "privateKeyOutOfRange"
        case .invalidPublicKeyLength: "invalidPublicKeyLength"
        case .invalidPublicKeyPrefix: "invalidPublicKeyPrefix"
        case .publicKeyIsInfinity: "publicKeyIsInfinity"
        case .publicKeyCoordinateOutOfRange: "publicKeyCoordinateOutOfRange"
        case .publicKeyNotOnCurve: "publicKeyNotOnCurve"
        case .invalidSignatureLength: "invalidSignatureLength"
        case .invalidSignatureHexLength: "invalidHexLength"
        case .invalidSignatureHexCharacter: "invalidHexCharacter"
        case .signatureComponentIsZero(let component): "\(component.rawValue)IsZero"
        case .signatureComponentNotBelowOrder(let component): "\(component.rawValue)NotBelowOrder"
        case .invalidRecoveryID: "invalidRecoveryID"
        case .invalidDigestLength: "invalidDigestLength"
        case .highS: "highS"
        case .recoveryCoordinateOutOfRange: "recoveryCoordinateOutOfRange"
        case .recoveryPointNotOnCurve: "recoveryPointNotOnCurve"
        case .recoveredPointAtInfinity: "recoveredPointAtInfinity"
        }
    }
}

/// The shape of Fixtures/secp256k1-vectors.json (hex strings without prefix unless noted).
private struct Secp256k1VectorFile: Decodable {
    struct Signature: Decodable {
        let message: String?
        let note: String
        let privateKey: String
        let publicKeyCompressed: String
        let publicKeyUncompressed: String
        let digest: String
        let signature: String
        let recoveryID: Int
    }

    struct HighS: Decodable {
        let digest: String
        let signature: String
        let recoveryID: Int
        let lowSSignature: String
        let lowSRecoveryID: Int
        let publicKeyCompressed: String
    }

    struct SBoundary: Decodable {
        let note: String
        let digest: String
        let signature: String
        let recoveryID: Int
        let isLowS: Bool
        let publicKeyCompressed: String
    }

    struct Recoverable: Decodable {
        let note: String?
        let digest: String
        let signature: String
        let recoveryID: Int
        let publicKeyCompressed: String
    }

    struct Unrecoverable: Decodable {
        let reason: String
        let digest: String
        let signature: String
        let recoveryID: Int
    }

    struct InvalidSignature: Decodable {
        let reason: String
        let signature: String
        let recoveryID: Int
    }

    struct InvalidPublicKey: Decodable {
        let reason: String
        let sec1: String
    }

    struct InvalidPrivateKey: Decodable {
        let reason: String
        let privateKey: String
    }

    struct AppendixA: Decodable {
        struct Signature: Decodable {
            let name: String
            let sha256: String
            let hex: String
            let recovery: Int
        }
        /// `0x`-prefixed, as in the spec.
        let privateKey: String
        let signaturePublicKey: String
        let uncompressed: String
        let signatures: [Signature]
    }

    let signatures: [Signature]
    let highS: [HighS]
    let sBoundary: [SBoundary]
    let highRecoveryIDs: [Recoverable]
    let verifyFailures: [Recoverable]
    let unrecoverable: [Unrecoverable]
    let invalidSignatures: [InvalidSignature]
    let invalidPublicKeys: [InvalidPublicKey]
    let invalidPrivateKeys: [InvalidPrivateKey]
    let appendixA: AppendixA

    static func load() throws -> Secp256k1VectorFile {
        try loadFixture("secp256k1-vectors")
    }
}
