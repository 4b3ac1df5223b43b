// §2: bytes, timestamps, optional members and unknown members on the wire.
import HypergraphClient
import HypergraphJSON
import HypergraphProtocol

extension ConformanceSuite {
    static let encodingCases: [ConformanceCase] = [
        ConformanceCase(
            "encoding.bytes.envelope-emitted", .must, "§2.1, §2.2",
            "Byte fields the server sends use the {\"__type\":\"Uint8Array\",\"data\":[…]} envelope with the stored bytes.",
            area: .encoding
        ) { context in
            let alice = try await context.peer("alice")
            let space = try await context.createSpace(by: alice)
            let bytes = (0...255).map { UInt8($0) }
            try await context.createUpdate(by: alice, in: space.id, bytes)
            try await context.subscribe(alice, to: space.id)
            let frame = try await context.lastRawFrame(alice, type: "space")
            let update = frame["updates"]?["updates"]?[0]?["update"]
            let expected: JSONValue = ["__type": "Uint8Array", "data": .array(bytes.map { .number(Double($0)) })]
            try require(
                update == expected, "space.updates.updates[0].update = the envelope of bytes 0…255",
                observed: update.map { String(decoding: $0.serialized(), as: UTF8.self).prefix(300).description }
                    ?? "absent")
        },
        ConformanceCase(
            "encoding.bytes.bare-array-accepted", .should, "§2.2",
            "A byte field sent as a bare JSON array of integers is accepted like the envelope.",
            area: .encoding
        ) { context in
            let alice = try await context.peer("alice")
            let space = try await context.createSpace(by: alice)
            let request = alice.identity.createUpdate(spaceId: space.id, update: [7, 8, 9])
            try await alice.session.sendRaw(text: edited(.createUpdate(request)) { $0["update"] = [7, 8, 9] })
            _ = try await context.expectMessage(on: alice, "update-confirmed for the bare-array update") { message in
                if case .updateConfirmed(let confirmed) = message {
                    confirmed.updateId == request.updateId
                } else {
                    false
                }
            }
            let snapshot = try await context.subscribe(alice, to: space.id)
            try requireEqual(snapshot.updates?.updates.first?.update.bytes ?? [], [7, 8, 9], "the stored update bytes")
        },
        ConformanceCase(
            "encoding.bytes.out-of-range.refused", .must, "§2.2",
            "A byte array holding a value outside 0…255 is refused and nothing is stored.",
            area: .encoding
        ) { context in
            let alice = try await context.peer("alice")
            let space = try await context.createSpace(by: alice)
            let request = alice.identity.createUpdate(spaceId: space.id, update: [1, 2])
            try await alice.session.sendRaw(
                text: edited(.createUpdate(request)) { $0["update"] = ["__type": "Uint8Array", "data": [1, 256]] })
            try await context.expectNothing([alice], of: ["update-confirmed"], "no update-confirmed for data [1,256]")
            let snapshot = try await context.subscribe(alice, to: space.id)
            try require(
                snapshot.updates == nil, "no update stored", observed: "\(snapshot.updates?.updates.count ?? 0) updates"
            )
        },
        ConformanceCase(
            "encoding.timestamp.emitted-format", .must, "§2.3",
            "Timestamps the server sends are ISO-8601 UTC strings with milliseconds (YYYY-MM-DDTHH:mm:ss.sssZ).",
            area: .encoding, needs: [.http]
        ) { context in
            let alice = try await context.peer("alice")
            let inbox = try await context.createAccountInbox(by: alice)
            let posted = try await context.postAccountInboxMessage(
                accountAddress: alice.account, inboxId: inbox.inbox.inboxId)
            try context.requireStatus(posted, [200], "the anonymous post to be accepted")
            _ = try await alice.session.latestAccountInboxMessages(
                accountAddress: alice.account, inboxId: inbox.inbox.inboxId, timeout: context.timeout)
            let frame = try await context.lastRawFrame(alice, type: "account-inbox-messages")
            let createdAt = frame["messages"]?[0]?["createdAt"]?.stringValue ?? "absent"
            try require(
                isCanonicalTimestamp(createdAt), "messages[0].createdAt like 2025-06-30T12:34:56.789Z",
                observed: createdAt)
        },
        sinceCase("encoding.timestamp.since-canonical", .must, "1970-01-01T00:00:00.000Z", "the canonical form"),
        sinceCase(
            "encoding.timestamp.since-without-fraction", .should, "2020-01-01T00:00:00Z", "RFC 3339 without fraction"),
        sinceCase("encoding.timestamp.since-date-only", .should, "2020-01-01", "a date-only string"),
        ConformanceCase(
            "encoding.timestamp.since-invalid.refused", .must, "§2.3",
            "A request whose `since` is not a date gets no reply and the connection stays usable.",
            area: .encoding
        ) { context in
            let alice = try await context.peer("alice")
            let inbox = try await context.createAccountInbox(by: alice)
            let request = GetLatestAccountInboxMessagesRequest(
                accountAddress: alice.account, inboxId: inbox.inbox.inboxId, since: Timestamp(millisecondsSince1970: 0))
            try await alice.session.sendRaw(
                text: edited(.getLatestAccountInboxMessages(request)) { $0["since"] = "yesterday" })
            try await context.expectNothing([alice], of: ["account-inbox-messages"], "no reply to since \"yesterday\"")
            try await context.expectUsable(alice, after: "an invalid date")
        },
        ConformanceCase(
            "encoding.optional.space-updates-omitted", .must, "§2.4, §5.3",
            "A space without updates is sent without an `updates` member (never `null`).",
            area: .encoding
        ) { context in
            let alice = try await context.peer("alice")
            let space = try await context.createSpace(by: alice)
            try await context.subscribe(alice, to: space.id)
            let frame = try await context.lastRawFrame(alice, type: "space")
            try require(
                frame["updates"] == nil, "no updates member",
                observed: "updates = \(frame["updates"].map { "\($0)" } ?? "")")
        },
        ConformanceCase(
            "encoding.optional.anonymous-message-omitted", .must, "§2.4, §3.6",
            "An anonymous inbox message is sent without `signature` and `authorAccountAddress` members (never `null`).",
            area: .encoding, needs: [.http]
        ) { context in
            let alice = try await context.peer("alice")
            let inbox = try await context.createAccountInbox(by: alice, authPolicy: .anonymous)
            try context.requireStatus(
                try await context.postAccountInboxMessage(accountAddress: alice.account, inboxId: inbox.inbox.inboxId),
                [200], "the anonymous post to be accepted")
            _ = try await context.expectMessage(on: alice, "account-inbox-message") {
                $0.type == "account-inbox-message"
            }
            _ = try await alice.session.latestAccountInboxMessages(
                accountAddress: alice.account, inboxId: inbox.inbox.inboxId, timeout: context.timeout)
            for type in ["account-inbox-message", "account-inbox-messages"] {
                let frame = try await context.lastRawFrame(alice, type: type)
                let message = (type == "account-inbox-message" ? frame["message"] : frame["messages"]?[0])?.objectValue
                let present = ["signature", "authorAccountAddress"].filter { message?[$0] != nil }
                try require(
                    present.isEmpty, "\(type): no signature or authorAccountAddress member",
                    observed: "members \(present) present")
            }
        },
        ConformanceCase(
            "encoding.unknown-members.ignored", .must, "§2.4",
            "Unknown members in requests are ignored: the requests are answered as without them.",
            area: .encoding
        ) { context in
            let alice = try await context.peer("alice")
            let space = try await context.createSpace(by: alice)
            let update = alice.identity.createUpdate(spaceId: space.id, update: [4, 2])
            try await alice.session.sendRaw(
                text: edited(.createUpdate(update)) {
                    $0["extra"] = ["nested": true]
                    $0["signature"] = .object(($0["signature"]?.objectValue ?? [:]).merging(["note": "x"]))
                })
            _ = try await context.expectMessage(on: alice, "update-confirmed despite unknown members") { message in
                if case .updateConfirmed(let confirmed) = message {
                    confirmed.updateId == update.updateId
                } else {
                    false
                }
            }
            try await alice.session.sendRaw(text: #"{"type":"list-invitations","unexpected":[1,2,3]}"#)
            _ = try await context.expectMessage(on: alice, "list-invitations despite an unknown member") {
                $0.type == "list-invitations"
            }
        },
        ConformanceCase(
            "encoding.missing-member.refused", .must, "§2.4",
            "A request missing a required member gets no reply and the connection stays usable.",
            area: .encoding
        ) { context in
            let alice = try await context.peer("alice")
            let space = try await context.createSpace(by: alice)
            let update = alice.identity.createUpdate(spaceId: space.id, update: [1])
            try await alice.session.sendRaw(text: edited(.createUpdate(update)) { $0["updateId"] = nil })
            try await context.expectNothing([alice], of: ["update-confirmed"], "no update-confirmed without updateId")
            try await context.expectUsable(alice, after: "a request missing a member")
        },
        ConformanceCase(
            "encoding.frames.text-json", .must, "§1.4, §2.1",
            "The server sends only text frames, each one JSON object with a string `type`.",
            area: .encoding
        ) { context in
            let alice = try await context.peer("alice")
            let space = try await context.createSpace(by: alice)
            try await context.subscribe(alice, to: space.id)
            try await context.createUpdate(by: alice, in: space.id)
            _ = try await alice.session.listSpaces(timeout: context.timeout)
            for entry in await alice.session.transcript.entries where entry.direction == .received {
                switch entry.content {
                case .data(.binary(let bytes)):
                    throw CaseFailure(expected: "text frames only", observed: "a binary frame of \(bytes.count) bytes")
                case .data(.text(let text)):
                    let type = (try? JSONValue.parse(text))?["type"]?.stringValue
                    try require(type != nil, "a JSON object with a string type", observed: String(text.prefix(200)))
                default: continue
                }
            }
        },
    ]

    /// A case sending `get-latest-account-inbox-messages` with `since` written as `text`.
    private static func sinceCase(_ id: String, _ level: ConformanceLevel, _ text: String, _ form: String)
        -> ConformanceCase
    {
        ConformanceCase(
            id, level, "§2.3", "`since` written as \(form) (\(text)) is accepted and answered.", area: .encoding
        ) { context in
            let alice = try await context.peer("alice")
            let inbox = try await context.createAccountInbox(by: alice)
            let request = GetLatestAccountInboxMessagesRequest(
                accountAddress: alice.account, inboxId: inbox.inbox.inboxId, since: Timestamp(millisecondsSince1970: 0))
            try await alice.session.sendRaw(
                text: edited(.getLatestAccountInboxMessages(request)) { $0["since"] = .string(text) })
            _ = try await context.expectMessage(on: alice, "account-inbox-messages for since \(text)") {
                $0.type == "account-inbox-messages"
            }
        }
    }

    /// Whether `text` has the form `YYYY-MM-DDTHH:mm:ss.sssZ`.
    static func isCanonicalTimestamp(_ text: String) -> Bool {
        let pattern = Array("dddd-dd-ddTdd:dd:dd.dddZ")
        let characters = Array(text)
        guard characters.count == pattern.count else { return false }
        return zip(characters, pattern).allSatisfy { character, expected in
            expected == "d" ? character.isASCII && character.isNumber : character == expected
        }
    }

    /// The wire form of `message` with members changed by `edit`.
    static func edited(_ message: ClientMessage, _ edit: (inout JSONObject) -> Void) -> String {
        var object = (try? JSONValue.parse(message.jsonString()))?.objectValue ?? [:]
        edit(&object)
        return String(decoding: JSONValue.object(object).serialized(), as: UTF8.self)
    }
}

extension JSONObject {
    /// This object with `other`'s members added (replacing those of the same name).
    func merging(_ other: JSONObject) -> JSONObject {
        var result = self
        for (key, value) in other { result[key] = value }
        return result
    }
}
