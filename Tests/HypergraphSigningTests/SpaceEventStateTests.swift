import HypergraphJSON
import HypergraphProtocol
import HypergraphSigning
import XCTest

/// The JSON form of a space state (stored per event by servers).
final class SpaceEventStateTests: XCTestCase {
    private let zed = "0x" + String(repeating: "ee", count: 20)
    private let alpha = "0x" + String(repeating: "aa", count: 20)
    private let hash = "0x" + String(repeating: "12", count: 32)

    private func sampleState() -> SpaceEventState {
        var state = SpaceEventState(id: "space-1", lastEventHash: hash)
        state.members[zed] = SpaceMember(accountAddress: zed, role: .admin)
        state.members[alpha] = SpaceMember(accountAddress: alpha, role: .member)
        state.removedMembers[alpha] = SpaceMember(accountAddress: alpha, role: .member)
        state.invitations["z-invitation"] = SpaceStateInvitation(inviteeAccountAddress: alpha)
        state.invitations["a-invitation"] = SpaceStateInvitation(inviteeAccountAddress: zed)
        state.inboxes["0x" + String(repeating: "01", count: 32)] = SpaceInbox(
            inboxId: "0x" + String(repeating: "01", count: 32), isPublic: true, authPolicy: .requiresAuth,
            encryptionPublicKey: "0x" + String(repeating: "02", count: 32), secretKey: "0x0304")
        return state
    }

    func testJSONKeepsInsertionOrderAndRoundTrips() throws {
        let state = sampleState()
        let json = state.jsonString()
        XCTAssertTrue(json.hasPrefix(#"{"id":"space-1","members":{""# + zed), json)
        XCTAssertTrue(json.contains(#""invitations":{"z-invitation":{"inviteeAccountAddress":""# + alpha), json)
        XCTAssertTrue(json.hasSuffix(#""lastEventHash":""# + hash + #""}"#), json)
        let decoded = try SpaceEventState(json: json)
        XCTAssertEqual(decoded, state)
        XCTAssertEqual(decoded.members.keys, [zed, alpha])
        XCTAssertEqual(decoded.invitations.keys, ["z-invitation", "a-invitation"])
        XCTAssertEqual(decoded.jsonUTF8(), state.jsonUTF8())
        // The same document is a valid generated `SpaceState` (the schema of §3.11).
        XCTAssertNoThrow(try HypergraphProtocol.SpaceState(jsonUTF8: state.jsonUTF8()))
    }

    func testReadsTheTypeScriptShapeInAnyMemberOrderIgnoringUnknownMembers() throws {
        let json = """
            {"lastEventHash":"\(hash)","inboxes":{},"invitations":{},"removedMembers":{},"extra":[1,2],
             "members":{"\(alpha)":{"role":"admin","accountAddress":"\(alpha)","note":true}},"id":"s"}
            """
        let state = try SpaceEventState(json: json)
        XCTAssertEqual(state.id, "s")
        XCTAssertEqual(state.members[alpha], SpaceMember(accountAddress: alpha, role: .admin))
    }

    func testDecodingErrorsNameThePath() {
        XCTAssertThrowsError(
            try SpaceEventState(json: #"{"id":"s","members":{},"removedMembers":{},"invitations":{},"inboxes":{}}"#)
        ) {
            let issues = ($0 as? MessageDecodingError)?.issues ?? []
            XCTAssertEqual(issues.map(\.description), ["$.lastEventHash: missing required member"])
        }
        let badRole = """
            {"id":"s","members":{"\(alpha)":{"accountAddress":"\(alpha)","role":"owner"}},"removedMembers":{},
             "invitations":{},"inboxes":{},"lastEventHash":"\(hash)"}
            """
        XCTAssertThrowsError(try SpaceEventState(json: badRole)) {
            let issues = ($0 as? MessageDecodingError)?.issues ?? []
            XCTAssertEqual(issues.count, 1)
            XCTAssertEqual(issues.first?.path.description, "$.members[\"\(alpha)\"].role")
        }
        XCTAssertThrowsError(try SpaceEventState(json: #"{"id":7}"#)) {
            let issues = ($0 as? MessageDecodingError)?.issues ?? []
            XCTAssertEqual(issues.first?.kind, .typeMismatch)
            XCTAssertEqual(issues.first?.path.description, "$.id")
        }
        XCTAssertThrowsError(try SpaceEventState(json: #"{"id":"s","#)) {
            XCTAssertTrue(($0 as? MessageDecodingError)?.isMalformedJSON ?? false)
        }
    }
}
