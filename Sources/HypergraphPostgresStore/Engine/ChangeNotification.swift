import Foundation
import HypergraphPostgres
import HypergraphStore

/// The payload of one `NOTIFY` a write sends inside its transaction: who wrote (node and token) and what changed,
/// never the data itself (PostgreSQL limits payloads to 8,000 bytes; a receiver reads the change from the tables).
///
/// Encoded as a JSON object by the SQL of each write (`json_build_object`): `n` node, `t` token (0 when the writer
/// does not wait for its echo), `k` kind, and the kind's keys: `s` space, `c` clock or counter, `i` inbox, `a`
/// account, `m` message id.
struct ChangeNotification: Hashable, Sendable {
    /// What changed.
    enum Subject: Hashable, Sendable {
        case update(spaceId: String, clock: Int64)
        case spaceEvent(spaceId: String, counter: Int64)
        case spaceInboxMessage(spaceId: String, inboxId: String, messageId: String)
        case accountInboxMessage(accountAddress: String, inboxId: String, messageId: String)
        case accountInbox(accountAddress: String, inboxId: String)

        /// Who would receive the change; nil for space events, which are always read (they may push
        /// `list-invitations` to an invitee who subscribes to nothing).
        var audience: RemoteChangeAudience? {
            switch self {
            case .update(let spaceId, _), .spaceInboxMessage(let spaceId, _, _): .subscribers(spaceId: spaceId)
            case .accountInboxMessage(let accountAddress, _, _), .accountInbox(let accountAddress, _):
                .account(address: accountAddress)
            case .spaceEvent: nil
            }
        }
    }

    /// The `NOTIFY` channel every write uses and every store listens on.
    static let channel = "hypergraph_changes"

    /// The store instance that wrote.
    var node: String
    /// The writer's token, for its echo; 0 when nobody waits for it.
    var token: UInt64
    /// What changed.
    var subject: Subject

    /// SQL for `pg_notify` of a change, with the channel, node and token as parameters `$1`, `$2`, `$3` and the
    /// subject's keys as the given SQL expressions (`kind` and then key/expression pairs).
    static func notifySQL(kind: String, _ keys: [(String, String)]) -> String {
        let members = keys.map { "'\($0.0)', \($0.1)" }.joined(separator: ", ")
        return "pg_notify($1, json_build_object('n', $2::text, 't', $3::bigint, 'k', '\(kind)', \(members))::text)"
    }

    /// The channel, node and token parameters that ``notifySQL(kind:_:)`` refers to as `$1`…`$3`.
    static func parameters(node: String, token: UInt64) -> [PostgresValue] {
        [.text(channel), .text(node), .int64(Int64(bitPattern: token))]
    }

    /// Sends the notification of a change inside the caller's transaction (PostgreSQL delivers it after the
    /// commit): `keys` are the subject's key names and values (`.text` or `.int64`).
    static func send(
        kind: String, _ keys: [(String, PostgresValue)], node: String, token: UInt64, on connection: PostgresConnection
    ) async throws {
        let placeholders = keys.enumerated().map { index, key in
            let type: String
            if case .int64 = key.1 { type = "bigint" } else { type = "text" }
            return (key.0, "$\(index + 4)::\(type)")
        }
        _ = try await connection.query(
            "SELECT " + notifySQL(kind: kind, placeholders), parameters(node: node, token: token) + keys.map(\.1))
    }

    /// Decodes a payload; nil for anything that is not a well-formed change notification.
    init?(payload: String) {
        guard let object = try? JSONSerialization.jsonObject(with: Data(payload.utf8)) as? [String: Any],
            let node = object["n"] as? String, let token = (object["t"] as? NSNumber)?.int64Value,
            let kind = object["k"] as? String
        else { return nil }
        let string = { (key: String) in object[key] as? String }
        let number = { (key: String) in (object[key] as? NSNumber)?.int64Value }
        let subject: Subject?
        switch kind {
        case "u": subject = string("s").flatMap { s in number("c").map { .update(spaceId: s, clock: $0) } }
        case "e": subject = string("s").flatMap { s in number("c").map { .spaceEvent(spaceId: s, counter: $0) } }
        case "sm":
            subject = string("s").flatMap { s in
                string("i").flatMap { i in
                    string("m").map { .spaceInboxMessage(spaceId: s, inboxId: i, messageId: $0) }
                }
            }
        case "am":
            subject = string("a").flatMap { a in
                string("i").flatMap { i in
                    string("m").map { .accountInboxMessage(accountAddress: a, inboxId: i, messageId: $0) }
                }
            }
        case "ai":
            subject = string("a").flatMap { a in string("i").map { .accountInbox(accountAddress: a, inboxId: $0) } }
        default: subject = nil
        }
        guard let subject else { return nil }
        self.init(node: node, token: UInt64(bitPattern: token), subject: subject)
    }

    init(node: String, token: UInt64, subject: Subject) {
        self.node = node
        self.token = token
        self.subject = subject
    }
}
