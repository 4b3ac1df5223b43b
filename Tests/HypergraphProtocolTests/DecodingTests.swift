import Foundation
import HypergraphJSON
import HypergraphProtocol
import XCTest

/// Decoder behaviour beyond the fixtures: unknown types, discriminator look-ahead, malformed input, limits,
/// validation of values built in Swift, and the input collection types.
final class DecodingTests: XCTestCase {
    private let createUpdate =
        #"{"type":"create-update","accountAddress":"0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed","spaceId":"s","updateId":"u","update":[1,2,3],"signature":{"hex":"9e4b604ddf1acfefb06613ab45dddeb2f9446ab7cdfa71f5e579c52cbb8db34063dd9a0f67f665508ae00ff0929d280e49a2722971adc4652ec4a56d57467176","recovery":0}}"#

    func testUnknownMessageTypesAreKeptAndReencodedUnchanged() throws {
        let json = #"{"version":2,"type":"presence","who":["a",{"b":null}],"at":1.5}"#
        let message = try ServerMessage(json: json)
        guard case .unknown(let type, let raw) = message else { return XCTFail("expected unknown, got \(message)") }
        XCTAssertEqual(type, "presence")
        XCTAssertEqual(message.type, "presence")
        XCTAssertEqual(raw["who"]?[1]?["b"], .null)
        XCTAssertEqual(message.jsonString(), json)
        XCTAssertEqual(try JSONDecoder().decode(ServerMessage.self, from: Data(json.utf8)).type, "presence")
    }

    func testUnknownTypesAreIssuesInStrictMode() {
        XCTAssertEqual(
            decodingIssues(utf8(#"{"type":"presence"}"#), .server),
            [
                #"$.type: unknown type "presence", expected one of "list-spaces", "list-invitations", "space", "space-event", "update-confirmed", "updates-notification", "account-inbox", "space-inbox-message", "space-inbox-messages", "account-inbox-message", "account-inbox-messages", "account-inboxes", "error""#
            ])
    }

    func testUnknownEventKindInsideASpaceIsKept() throws {
        let event = #"{"transaction":{"type":"rename-space","id":"e","name":"New"},"author":{"accountAddress":"a"}}"#
        let json = #"{"type":"space-event","spaceId":"s","event":"# + event + "}"
        guard case .spaceEvent(let message) = try ServerMessage(json: json) else { return XCTFail("not space-event") }
        XCTAssertEqual(message.event.type, "rename-space")
        XCTAssertNil(message.event.author)
        XCTAssertEqual(message.jsonString(), json)
    }

    func testDiscriminatorIsFoundWhereverItIs() throws {
        let typeLast =
            #"{"spaceId":"s","event":{"author":{"accountAddress":"0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed","signature":{"recovery":1,"hex":"7b022f9ff88c01020329cfeae23717cc582680312cb591f5011cd7a5c37fc8c204bfc0a6440bd65338551c4c4558ee4b051f1500ed1da9c6c64e52efc9688d8b"}},"transaction":{"id":"5b1b8f0e-6a34-4c55-9f0e-2f8b0d0c7a11","creatorAccountAddress":"0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed","type":"create-space"}},"type":"space-event"}"#
        guard case .spaceEvent(let message) = try ServerMessage(json: typeLast, options: strict) else {
            return XCTFail("not space-event")
        }
        XCTAssertEqual(message.event.transactionId, "5b1b8f0e-6a34-4c55-9f0e-2f8b0d0c7a11")
        XCTAssertEqual(message.event.author?.signature.recovery, 1)
    }

    func testMalformedJSONIsACleanError() {
        let cases: [([UInt8], JSONError.Kind)] = [
            (utf8(""), .truncated),
            (utf8(#"{"type":"create-update","#), .truncated),
            (utf8(#"{"type":"list-spaces"} {}"#), .trailingData),
            (utf8(#"{"type":"list-spaces","type":"list-spaces"}"#), .duplicateKey),
            ([0x7B, 0x22, 0x74, 0x79, 0x70, 0x65, 0x22, 0x3A, 0x22, 0xC3, 0x28, 0x22, 0x7D], .invalidUTF8),
            (utf8("{'type':'list-spaces'}"), .syntax),
            ([0xEF, 0xBB, 0xBF] + utf8(#"{"type":"list-spaces"}"#), .syntax),
            (utf8(String(repeating: "[", count: 100_000)), .depthLimit),
        ]
        for (bytes, kind) in cases {
            XCTAssertThrowsError(try ClientMessage(jsonUTF8: bytes)) { error in
                guard let error = error as? MessageDecodingError else { return XCTFail("\(error)") }
                XCTAssertEqual(error.issues.last?.kind, kind, String(decoding: bytes.prefix(40), as: UTF8.self))
                XCTAssertTrue(error.isMalformedJSON)
            }
        }
    }

    func testDeepNestingInsideAnUnknownMemberHitsTheLimit() {
        let deep = String(repeating: "[", count: 70) + String(repeating: "]", count: 70)
        XCTAssertThrowsError(try ClientMessage(json: #"{"type":"list-spaces","x":"# + deep + "}")) { error in
            XCTAssertEqual((error as? MessageDecodingError)?.issues.first?.kind, .depthLimit)
        }
        let shallow = DecodingOptions(limits: JSONLimits(maxDepth: 2))
        XCTAssertThrowsError(try ClientMessage(json: #"{"type":"list-spaces","x":[[1]]}"#, options: shallow))
        XCTAssertNoThrow(try ClientMessage(json: #"{"type":"list-spaces","x":[1]}"#, options: shallow))
    }

    func testSchemaProblemsAreNotMalformedJSON() {
        XCTAssertThrowsError(try ClientMessage(json: #"{"type":"subscribe-space"}"#)) { error in
            let error = error as? MessageDecodingError
            XCTAssertEqual(error?.isMalformedJSON, false)
            XCTAssertEqual(error?.description, "$.id: missing required member")
        }
    }

    func testIssuesFoundBeforeASyntaxErrorAreKept() {
        XCTAssertEqual(
            decodingIssues(utf8(#"{"type":"subscribe-space","id":5,"lastKnownUpdateClock":"#), .client),
            [
                "$.id: expected string, got number 5",
                "$.lastKnownUpdateClock: invalid JSON at byte 56: unexpected end of input, expected a value",
            ])
    }

    func testAnyCollectionOfBytesIsAccepted() throws {
        let bytes = utf8(createUpdate)
        let expected = try ClientMessage(jsonUTF8: bytes)
        XCTAssertEqual(try ClientMessage(jsonUTF8: bytes[...]), expected)
        XCTAssertEqual(try ClientMessage(jsonUTF8: Data(bytes)), expected)
        XCTAssertEqual(try ClientMessage(jsonUTF8: createUpdate.utf8), expected)
        XCTAssertEqual(try ClientMessage(jsonUTF8: AnyCollection(bytes)), expected)
        XCTAssertEqual(try ClientMessage(json: createUpdate), expected)
    }

    func testValidationOfValuesBuiltInSwift() {
        let signature = SignatureWithRecovery(hex: "0xabc", recovery: 9)
        let update = SignedUpdate(update: [1], accountAddress: "alice", signature: signature, updateId: "u")
        let space = SpaceResponse(
            id: "s", name: "n", events: [], keyBoxes: [], inboxes: [],
            updates: Updates(updates: [update], firstUpdateClock: 0, lastUpdateClock: -1))
        XCTAssertEqual(
            space.validationIssues.map(\.description),
            [
                "$.keyBoxes: expected at least 1 element, got 0",
                "$.updates.lastUpdateClock: expected integer 0...9007199254740991, got -1",
                #"$.updates.updates[0].accountAddress: expected 0x followed by 40 hexadecimal digits, got "alice""#,
                #"$.updates.updates[0].signature.hex: expected 128 hexadecimal digits without 0x, got "0xabc""#,
                "$.updates.updates[0].signature.recovery: expected integer 0...3, got 9",
            ])
        XCTAssertThrowsError(try ServerMessage.space(space).validate())
        XCTAssertEqual(ServerMessage.space(space).validationIssues.count, 5)
    }

    func testCodableReportsViolations() {
        let json = #"{"hex":"zz","recovery":1}"#
        XCTAssertThrowsError(try JSONDecoder().decode(SignatureWithRecovery.self, from: Data(json.utf8))) { error in
            guard case DecodingError.dataCorrupted(let context) = error else { return XCTFail("\(error)") }
            XCTAssertEqual(context.codingPath.map(\.stringValue), ["hex"])
            XCTAssertEqual(context.debugDescription, #"hex: expected 128 hexadecimal digits without 0x, got "zz""#)
        }
        XCTAssertThrowsError(
            try JSONDecoder().decode(
                InboxMessage.self,
                from: Data(#"{"id":"i","ciphertext":"0x","createdAt":"2025-01-01","signature":null}"#.utf8)))
    }

    func testErrorResponseForARejectedRequest() throws {
        do {
            _ = try ClientMessage(json: #"{"type":"create-update","signature":{"hex":"00","recovery":"1"}}"#)
            XCTFail("decoded")
        } catch {
            let reply = ErrorResponse(rejecting: error, requestType: "create-update")
            XCTAssertEqual(reply.code, .invalidMessage)
            XCTAssertEqual(
                reply.issues?.first,
                ErrorIssue(path: "$.signature.recovery", message: #"expected integer 0...3, got string "1""#))
            XCTAssertEqual(try ServerMessage(jsonUTF8: ServerMessage.error(reply).jsonUTF8()), .error(reply))
        }
        do {
            _ = try ClientMessage(json: "{")
        } catch {
            XCTAssertEqual(ErrorResponse(rejecting: error).code, .invalidJson)
        }
        do {
            _ = try ClientMessage(json: "nope")
            XCTFail("decoded")
        } catch {
            // Not JSON: one issue with the byte, not also "expected object, got null" from peeking at the `n`.
            XCTAssertEqual(error.description, "$: invalid JSON at byte 1: expected 'null', got 'o'")
        }
        do {
            let spaces = String(repeating: "1,", count: 50) + "1"
            _ = try ServerMessage(json: #"{"type":"list-spaces","spaces":["# + spaces + "]}")
        } catch {
            XCTAssertEqual(error.issues.count, 51)
            let reply = ErrorResponse(rejecting: error, maximumIssues: 3)
            XCTAssertEqual(reply.issues?.map(\.path), ["$.spaces[0]", "$.spaces[1]", "$.spaces[2]"])
            XCTAssertEqual(reply.message, "The message does not match its schema. 48 more issues are not listed.")
        }
    }

    func testOptionalMembersAreOmittedWhenNil() {
        let message = InboxMessage(id: "i", ciphertext: "0x", createdAt: Timestamp(millisecondsSince1970: 0))
        XCTAssertEqual(message.jsonString(), #"{"id":"i","ciphertext":"0x","createdAt":"1970-01-01T00:00:00.000Z"}"#)
    }

    func testSpaceStateMapsEncodeSorted() throws {
        let member = SpaceMember(accountAddress: "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed", role: .admin)
        let state = SpaceState(
            id: "s", members: ["b": member, "a": member], removedMembers: [:], invitations: [:], inboxes: [:],
            lastEventHash: "0x9776aba59b09c795e143f7cfb2c89d6f10abe23ce3f605fb12f55e9b85c2e513")
        let json = state.jsonString()
        XCTAssertTrue(json.contains(#""members":{"a":{"accountAddress""#), json)
        XCTAssertEqual(try SpaceState(json: json), state)
        XCTAssertEqual(try JSONDecoder().decode(SpaceState.self, from: Data(json.utf8)), state)
    }
}
