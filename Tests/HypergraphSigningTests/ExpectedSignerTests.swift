// Checking an expected signer (the server's check of a connection's own updates) gives recovery's answer.
import HypergraphCrypto
import HypergraphProtocol
import HypergraphSigning
import XCTest

final class ExpectedSignerTests: XCTestCase {
    func testCheckingTheExpectedSignerAgreesWithRecovery() throws {
        let alice = try TestAccount.make("alice")
        let bob = try TestAccount.make("bob")
        let unsigned = CreateUpdateRequest(
            accountAddress: alice.address, spaceId: uuid("space"), updateId: uuid("update"), update: [1, 2, 3],
            signature: SignatureWithRecovery(hex: "", recovery: 0))
        let signed = unsigned.signed(with: alice.key)
        var otherRecoveryID = signed
        otherRecoveryID.signature.recovery ^= 1
        var malformed = signed
        malformed.signature.hex = String(signed.signature.hex.dropLast())
        var otherContent = signed
        otherContent.update = [1, 2, 4]

        let keys = [alice, bob].map { Secp256k1.PreparedPublicKey($0.key.publicKey) }
        for message in [signed, otherRecoveryID, malformed, otherContent] {
            for key in keys {
                for policy in [Secp256k1.SignaturePolicy.acceptHighS, .rejectHighS] {
                    let recovered = Result { () throws(SigningError) in try message.signer(policy: policy) }
                    let checkedFirst = Result { () throws(SigningError) in
                        try message.signer(expecting: key, policy: policy)
                    }
                    XCTAssertEqual(
                        "\(checkedFirst)", "\(recovered)",
                        "the same signer or error: \(message.signature), \(key.publicKey)")
                }
            }
        }
        XCTAssertEqual(try signed.signer(expecting: keys[0]), alice.publicKey)
    }

    func testSignaturePublicKeysParseFromTheirProtocolForm() throws {
        let key = try TestAccount.make("alice").key.publicKey
        XCTAssertEqual(Secp256k1.PublicKey(signaturePublicKeyHex: key.signaturePublicKeyHex), key)
        XCTAssertEqual(Secp256k1.PublicKey(signaturePublicKeyHex: key.signaturePublicKeyHex.uppercased()), nil)
        XCTAssertEqual(Secp256k1.PublicKey(signaturePublicKeyHex: "0x" + Hex.encode(key.compressed).uppercased()), key)
        XCTAssertNil(Secp256k1.PublicKey(signaturePublicKeyHex: String(key.signaturePublicKeyHex.dropFirst(2))))
        XCTAssertNil(Secp256k1.PublicKey(signaturePublicKeyHex: "0x02"))
    }
}
