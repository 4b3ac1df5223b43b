import HypergraphJSON
import HypergraphProtocol
import XCTest

/// Seed spellings (docs/seed-differences.md): accepted on decode, never emitted.
final class SeedSpellingTests: XCTestCase {
    func testSeedSpellingsDecodeToTheRealClientsSpelling() throws {
        let fixtures = try Fixtures.messages("seed", .client)
        XCTAssertEqual(fixtures.count, 4)
        for fixture in fixtures {
            let (_, wire) = try decodeAndEncode(fixture.bytes, .client)
            XCTAssertEqual(
                String(decoding: wire, as: UTF8.self), String(decoding: try fixture.expectedWireBytes(), as: UTF8.self),
                fixture.name)
        }
    }

    func testRealSpellingWinsOverTheSeedAlias() throws {
        let json =
            #"{"type":"create-account-inbox","id":42,"accountAddress":"0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed","inboxId":"0xcaadbcffec9038112a5642fc15e5aa67de8723f20d00d02cf27d39b708070d2c","isPublic":true,"authPolicy":"anonymous","encryptionPublicKey":"0x15cb9e9b4ecfe2e5924bbd55ac2394e36ae6296356d0ad4b0ff24e6df046b3af","signature":{"hex":"3c25cf75253170e1c95e5c8522e817df786a14fd0acdd54398e7f05c1a685f822bc42e4c7743d2f9abee258ddaffb4f395383e33540eefb16267d75816c4dffb","recovery":0}}"#
        let request = try CreateAccountInboxRequest(json: json)
        XCTAssertEqual(request.inboxId, "0xcaadbcffec9038112a5642fc15e5aa67de8723f20d00d02cf27d39b708070d2c")
        XCTAssertFalse(request.jsonString().contains(#""id""#))
    }

    func testMissingSpaceIdIsTakenFromTheEvent() throws {
        let fixture = try XCTUnwrap(
            try Fixtures.messages("seed", .client).first { $0.name == "create-space-event-no-space-id" })
        let request = try CreateSpaceEventRequest(jsonUTF8: fixture.bytes)
        XCTAssertEqual(request.spaceId, request.event.transaction.id)
    }

    func testMissingSinceMeansTheEpoch() throws {
        let request = try GetLatestSpaceInboxMessagesRequest(
            json:
                #"{"type":"get-latest-space-inbox-messages","spaceId":"s","inboxId":"0xcaadbcffec9038112a5642fc15e5aa67de8723f20d00d02cf27d39b708070d2c"}"#
        )
        XCTAssertEqual(request.since, Timestamp(millisecondsSince1970: 0))
    }
}
