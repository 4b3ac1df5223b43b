import Foundation
import HypergraphJSON
import HypergraphProtocol
import XCTest

/// Golden fixtures: every valid message decodes, re-encodes to its canonical wire form byte for byte, and
/// decoding that again gives the same value, through the fast codec and through Foundation's Codable.
final class GoldenFixtureTests: XCTestCase {
    func testEveryMessageTypeHasAValidFixture() throws {
        for (direction, known) in [(Direction.client, ClientMessage.knownTypes), (.server, ServerMessage.knownTypes)] {
            let names = Set(try Fixtures.messages("valid", direction).map(\.name))
            for type in known {
                XCTAssertTrue(names.contains(type), "no valid fixture \(direction.rawValue)/\(type).json")
            }
        }
    }

    func testDecodeEncodeDecodeIsStable() throws {
        for fixture in try Fixtures.allValid() {
            let label = "\(fixture.direction.rawValue)/\(fixture.name)"
            let (value, wire) = try decodeAndEncode(fixture.bytes, fixture.direction)
            XCTAssertEqual(
                String(decoding: wire, as: UTF8.self), String(decoding: try fixture.expectedWireBytes(), as: UTF8.self),
                label)
            let (again, wireAgain) = try decodeAndEncode(wire, fixture.direction)
            XCTAssertEqual(again, value, label)
            XCTAssertEqual(wireAgain, wire, label)
        }
    }

    func testCodablePathAgreesWithTheFastPath() throws {
        for fixture in try Fixtures.allValid() {
            let label = "\(fixture.direction.rawValue)/\(fixture.name)"
            switch fixture.direction {
            case .client:
                try assertCodableAgrees(ClientMessage.self, fixture.bytes, label)
            case .server:
                try assertCodableAgrees(ServerMessage.self, fixture.bytes, label)
            }
        }
    }

    /// Foundation decodes the same value, and Foundation's encoding decodes back to it through the fast codec.
    private func assertCodableAgrees<Message: WireCodable>(_ type: Message.Type, _ bytes: [UInt8], _ label: String)
        throws
    {
        let fast = try Message(jsonUTF8: bytes, options: strict)
        let foundation = try JSONDecoder().decode(Message.self, from: Data(bytes))
        XCTAssertEqual(foundation, fast, label)
        let encoded = try JSONEncoder().encode(fast)
        XCTAssertEqual(try Message(jsonUTF8: [UInt8](encoded), options: strict), fast, label)
        XCTAssertEqual(
            try JSONValue.parse([UInt8](encoded)).canonicalString(),
            try JSONValue.parse(fast.jsonUTF8()).canonicalString(), label)
    }

    func testAppendixACreateUpdateEncodesExactly() throws {
        let request = CreateUpdateRequest(
            accountAddress: "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed",
            spaceId: "5b1b8f0e-6a34-4c55-9f0e-2f8b0d0c7a11",
            updateId: "c3d4e5f6-0718-4293-a4b5-c6d7e8f90a1b",
            update: Bytes(Array(0...11)),
            signature: SignatureWithRecovery(
                hex:
                    "9e4b604ddf1acfefb06613ab45dddeb2f9446ab7cdfa71f5e579c52cbb8db34063dd9a0f67f665508ae00ff0929d280e49a2722971adc4652ec4a56d57467176",
                recovery: 0))
        XCTAssertEqual(
            request.jsonString(),
            #"{"type":"create-update","accountAddress":"0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed","spaceId":"5b1b8f0e-6a34-4c55-9f0e-2f8b0d0c7a11","updateId":"c3d4e5f6-0718-4293-a4b5-c6d7e8f90a1b","update":{"__type":"Uint8Array","data":[0,1,2,3,4,5,6,7,8,9,10,11]},"signature":{"hex":"9e4b604ddf1acfefb06613ab45dddeb2f9446ab7cdfa71f5e579c52cbb8db34063dd9a0f67f665508ae00ff0929d280e49a2722971adc4652ec4a56d57467176","recovery":0}}"#
        )
        XCTAssertEqual(request.validationIssues, [])
        XCTAssertEqual(try ClientMessage(jsonUTF8: request.jsonUTF8()), .createUpdate(request))
    }

    func testSpaceFixtureCarriesTheAppendixAEvents() throws {
        let fixture = try XCTUnwrap(try Fixtures.messages("valid", .server).first { $0.name == "space" })
        guard case .space(let space) = try ServerMessage(jsonUTF8: fixture.bytes, options: strict) else {
            return XCTFail("not a space message")
        }
        XCTAssertEqual(
            space.events.map(\.type), ["create-space", "create-invitation", "accept-invitation", "create-space-inbox"])
        guard case .createInvitation(let invitation) = space.events[1] else { return XCTFail("second event") }
        XCTAssertEqual(
            invitation.transaction.previousEventHash,
            "0x9776aba59b09c795e143f7cfb2c89d6f10abe23ce3f605fb12f55e9b85c2e513")
        XCTAssertEqual(invitation.author.signature.recovery, 1)
        XCTAssertEqual(space.updates?.updates.first?.update.bytes, Array(0...11))
        XCTAssertEqual(space.keyBoxes.count, 1)
    }
}
