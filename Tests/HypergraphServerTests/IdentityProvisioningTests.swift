// The provisioning contract: what `hypergraph identity create` and `POST /admin/identities` print.
import HypergraphCrypto
import HypergraphJSON
import HypergraphServer
import HypergraphSigning
import XCTest

final class IdentityProvisioningTests: XCTestCase {
    private let now: Int64 = 1_750_000_000_000

    func testGeneratedIdentityHasExactlyTheContractMembers() throws {
        let identity = try IdentityProvisioning.make(IdentityRequest(), now: now)
        let json = try JSONValue.parse(identity.jsonUTF8())
        XCTAssertEqual(
            json.objectValue?.keys,
            [
                "accountAddress", "appIdentityAddress", "appId", "sessionToken", "sessionTokenExpires",
                "signaturePublicKey",
                "signaturePrivateKey", "encryptionPublicKey",
            ])
        XCTAssertEqual(json["appId"], "default")
        XCTAssertEqual(json["sessionTokenExpires"], "2025-07-15T15:06:40.000Z", "30 days later, ISO-8601 with ms")
        let token = try XCTUnwrap(json["sessionToken"]?.stringValue)
        XCTAssertEqual(token.count, 64)
        XCTAssertTrue(token.allSatisfy(\.isHexDigit))
        XCTAssertEqual(json["accountAddress"]?.stringValue?.count, 42)
        XCTAssertEqual(json["encryptionPublicKey"]?.stringValue?.count, 66)
        let privateKey = try Secp256k1.PrivateKey(hex: try XCTUnwrap(json["signaturePrivateKey"]?.stringValue))
        XCTAssertEqual(json["signaturePublicKey"]?.stringValue, privateKey.publicKey.signaturePublicKeyHex)
    }

    func testGivenValuesAreKeptAndNoPrivateKeyIsPrinted() throws {
        let key = Secp256k1.PrivateKey.random().publicKey.signaturePublicKeyHex
        let request = IdentityRequest(
            accountAddress: "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed", appId: "my-app",
            signaturePublicKey: key.uppercased().replacingOccurrences(of: "0X", with: "0x"),
            encryptionPublicKey: "0x" + String(repeating: "A", count: 64), lifetimeMilliseconds: 3_600_000)
        let identity = try IdentityProvisioning.make(request, now: now)
        XCTAssertEqual(identity.record.accountAddress, "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed", "case kept")
        XCTAssertEqual(identity.record.signaturePublicKey, key, "keys are written in lowercase")
        XCTAssertEqual(identity.record.encryptionPublicKey, "0x" + String(repeating: "a", count: 64))
        XCTAssertEqual(identity.record.sessionTokenExpiresAt, now + 3_600_000)
        XCTAssertNil(identity.signaturePrivateKey)
        XCTAssertNil(try JSONValue.parse(identity.jsonUTF8())["signaturePrivateKey"])
    }

    func testMalformedValuesAreRefusedWithTheirName() {
        let cases: [(IdentityRequest, String)] = [
            (IdentityRequest(accountAddress: "0x123"), "accountAddress"),
            (IdentityRequest(appId: ""), "appId"),
            (IdentityRequest(signaturePublicKey: "0x" + String(repeating: "0", count: 66)), "signaturePublicKey"),
            (IdentityRequest(signaturePublicKey: "0x04" + String(repeating: "0", count: 64)), "signaturePublicKey"),
            (IdentityRequest(encryptionPublicKey: "0xzz"), "encryptionPublicKey"),
            (IdentityRequest(lifetimeMilliseconds: -1), "lifetime"),
        ]
        for (request, name) in cases {
            XCTAssertThrowsError(try IdentityProvisioning.make(request, now: now), name) { error in
                XCTAssertTrue("\(error)".contains(name), "\(error)")
            }
        }
    }

    func testLifetimes() throws {
        XCTAssertEqual(try IdentityProvisioning.lifetime("30d"), 30 * 86_400_000)
        XCTAssertEqual(try IdentityProvisioning.lifetime("12h"), 12 * 3_600_000)
        XCTAssertEqual(try IdentityProvisioning.lifetime("90m"), 90 * 60_000)
        XCTAssertEqual(try IdentityProvisioning.lifetime("45s"), 45_000)
        XCTAssertEqual(try IdentityProvisioning.lifetime("0s"), 0)
        for bad in ["", "d", "10", "1w", "-1d", "1.5h", "99999999999999999d"] {
            XCTAssertThrowsError(try IdentityProvisioning.lifetime(bad), bad)
        }
    }

    func testAdminBodyIsReadStrictly() throws {
        let request = try IdentityRequest(json: Array(#"{"appId":"x","expiresIn":"1h","other":1}"#.utf8))
        XCTAssertEqual(request.appId, "x")
        XCTAssertEqual(request.lifetimeMilliseconds, 3_600_000)
        XCTAssertThrowsError(try IdentityRequest(json: Array(#"{"appId":5}"#.utf8)))
        XCTAssertThrowsError(try IdentityRequest(json: Array(#"{"appId":null}"#.utf8)))
        XCTAssertThrowsError(try IdentityRequest(json: Array("[]".utf8)))
        XCTAssertThrowsError(try IdentityRequest(json: Array("{".utf8)))
    }
}
