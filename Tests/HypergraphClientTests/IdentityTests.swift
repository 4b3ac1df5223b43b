import Foundation
import HypergraphClient
import HypergraphJSON
import HypergraphProtocol
import XCTest

final class IdentityTests: XCTestCase {
    private let object = """
        {"accountAddress":"0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed","appIdentityAddress":"0x09ee4DfBd8399ee38a2F538700524E85783B0490",\
        "appId":"bench","sessionToken":"00ff","sessionTokenExpires":"2030-01-02T03:04:05.678Z",\
        "signaturePublicKey":"0x02e7b9de2273088b54dec15b9f46fb2b3c3641f2f4cd78ecf1c64963bcd228ac5f",\
        "signaturePrivateKey":"0xcd3e54a2359bf8fac1642af5ba3668eb58e21388c32355a61badbc3880e8a395",\
        "encryptionPublicKey":"0x15cb9e9b4ecfe2e5924bbd55ac2394e36ae6296356d0ad4b0ff24e6df046b3af","extra":1}
        """

    func testAnIdentityObjectIsRead() throws {
        let identity = try HypergraphIdentity(json: JSONValue.parse(object))
        XCTAssertEqual(identity.accountAddress, "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed")
        XCTAssertEqual(identity.appIdentityAddress, "0x09ee4DfBd8399ee38a2F538700524E85783B0490")
        XCTAssertEqual(identity.appId, "bench")
        XCTAssertEqual(identity.sessionToken, "00ff")
        XCTAssertEqual(identity.sessionTokenExpires, Timestamp(iso8601: "2030-01-02T03:04:05.678Z"))
        XCTAssertEqual(
            identity.signaturePublicKey, "0x02e7b9de2273088b54dec15b9f46fb2b3c3641f2f4cd78ecf1c64963bcd228ac5f")
        XCTAssertEqual(
            identity.encryptionPublicKey, "0x15cb9e9b4ecfe2e5924bbd55ac2394e36ae6296356d0ad4b0ff24e6df046b3af")
    }

    func testListsAreReadAsArraysSingleObjectsOrLines() throws {
        XCTAssertEqual(try HypergraphIdentity.list(json: Array("[\(object),\(object)]".utf8)).count, 2)
        XCTAssertEqual(try HypergraphIdentity.list(json: Array(object.utf8)).count, 1)
        XCTAssertEqual(try HypergraphIdentity.list(json: Array("\(object)\n\n\(object)\n\(object)\n".utf8)).count, 3)
    }

    func testIdentitiesAreReadFromAFile() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("identities-\(UUID().uuidString).json")
            .path
        XCTAssertTrue(FileManager.default.createFile(atPath: path, contents: Data("[\(object)]".utf8)))
        defer { try? FileManager.default.removeItem(atPath: path) }
        XCTAssertEqual(
            try HypergraphIdentity.list(contentsOfFile: path).map(\.accountAddress),
            ["0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed"])
        XCTAssertThrowsError(try HypergraphIdentity.list(contentsOfFile: path + ".missing")) { error in
            XCTAssertEqual(error as? HypergraphClientError, .invalidIdentity("cannot read the file \(path).missing"))
        }
    }

    func testProblemsAreNamed() throws {
        func problem(_ text: String) -> String {
            do {
                _ = try HypergraphIdentity.list(json: Array(text.utf8))
                return "no error"
            } catch {
                guard case .invalidIdentity(let reason) = error else { return "unexpected \(error)" }
                return reason
            }
        }
        XCTAssertEqual(problem(#"[{"accountAddress":"0x1"}]"#), "entry 0: member signaturePrivateKey is missing")
        XCTAssertTrue(
            problem(#"{"accountAddress":"0x1","signaturePrivateKey":"0x12"}"#).hasPrefix(
                "entry 0: signaturePrivateKey:"))
        XCTAssertEqual(
            problem(#"{"signaturePrivateKey":"0xcd3e54a2359bf8fac1642af5ba3668eb58e21388c32355a61badbc3880e8a395"}"#),
            "entry 0: member accountAddress is missing")
        let wrongKey = object.replacingOccurrences(of: "0x02e7b9de", with: "0x03e7b9de")
        XCTAssertTrue(problem(wrongKey).contains("is not the public key of signaturePrivateKey"), problem(wrongKey))
        let badDate = object.replacingOccurrences(of: "2030-01-02T03:04:05.678Z", with: "soon")
        XCTAssertEqual(problem(badDate), #"entry 0: sessionTokenExpires "soon" is not an ISO-8601 date"#)
        XCTAssertTrue(problem("\(object)\n{oops").hasPrefix("line 2: not JSON"), problem("\(object)\n{oops"))
        XCTAssertEqual(problem("[]"), "the array holds no identity objects")
        XCTAssertEqual(problem("  \n"), "no identity objects found")
        XCTAssertEqual(
            problem(#"[1]"#), "entry 0: expected a JSON object with accountAddress, sessionToken, signaturePrivateKey…")
    }
}
