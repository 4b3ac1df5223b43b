// The state a space's events build (PROTOCOL.md §3.11), and its JSON form (what a server stores per event).
import HypergraphJSON
import HypergraphProtocol

/// The result of applying a space's events (PROTOCOL.md §3.11, §8): members, removed members, pending
/// invitations, inboxes and the hash of the last event.
///
/// The maps keep insertion order, as the JavaScript objects of the TypeScript implementation do: §8.2 takes "the
/// first invitation in insertion order", and the JSON form lists entries in that order, so a state serialises the
/// same way every time. The JSON form has the shape of the generated `HypergraphProtocol.SpaceState` (which
/// validates it), but that type's dictionaries do not keep order, hence this one.
public struct SpaceEventState: Hashable, Sendable {
    /// The space id (`transaction.id` of the `create-space` event).
    public var id: String
    /// Current members by account address.
    public var members: InsertionOrderedMap<SpaceMember>
    /// Members removed by `delete-space`, by account address.
    public var removedMembers: InsertionOrderedMap<SpaceMember>
    /// Pending invitations by invitation id (the `create-invitation` event's `transaction.id`).
    public var invitations: InsertionOrderedMap<SpaceStateInvitation>
    /// Inboxes by inbox id.
    public var inboxes: InsertionOrderedMap<SpaceInbox>
    /// The event hash (§7.5) of the last applied event; the next event's `previousEventHash` must equal it.
    public var lastEventHash: String

    /// Creates a state from its parts.
    public init(
        id: String,
        members: InsertionOrderedMap<SpaceMember> = InsertionOrderedMap(),
        removedMembers: InsertionOrderedMap<SpaceMember> = InsertionOrderedMap(),
        invitations: InsertionOrderedMap<SpaceStateInvitation> = InsertionOrderedMap(),
        inboxes: InsertionOrderedMap<SpaceInbox> = InsertionOrderedMap(),
        lastEventHash: String
    ) {
        self.id = id
        self.members = members
        self.removedMembers = removedMembers
        self.invitations = invitations
        self.inboxes = inboxes
        self.lastEventHash = lastEventHash
    }
}

// MARK: - JSON

extension SpaceEventState {
    /// Compact JSON, `{"id","members","removedMembers","invitations","inboxes","lastEventHash"}`, each map in
    /// insertion order.
    public func jsonUTF8() -> [UInt8] {
        var writer = JSONWriter(capacity: 512)
        writer.beginObject()
        writer.key("id")
        writer.string(id)
        writer.key("members")
        Self.write(members, to: &writer)
        writer.key("removedMembers")
        Self.write(removedMembers, to: &writer)
        writer.key("invitations")
        Self.write(invitations, to: &writer)
        writer.key("inboxes")
        Self.write(inboxes, to: &writer)
        writer.key("lastEventHash")
        writer.string(lastEventHash)
        writer.endObject()
        return writer.bytes
    }

    /// ``jsonUTF8()`` as a string.
    public func jsonString() -> String {
        String(decoding: jsonUTF8(), as: UTF8.self)
    }

    /// Reads the JSON form written by ``jsonUTF8()`` (or by the TypeScript server, whose state JSON has the same
    /// shape), keeping the order of every map. Unknown members are ignored.
    ///
    /// - Throws: `MessageDecodingError` listing every problem with its JSON path (malformed JSON, a missing or
    ///   mistyped member, an entry that is not a valid member, invitation or inbox).
    public init(jsonUTF8 bytes: [UInt8]) throws(MessageDecodingError) {
        var context = DecodingContext(options: DecodingOptions())
        let state: SpaceEventState
        do {
            state = try JSONReader.read(bytes) { reader in try Self.read(from: &reader, context: &context) }
        } catch let error as JSONError {
            throw MessageDecodingError(issues: context.issues + [error])
        } catch {
            throw MessageDecodingError(
                issues: context.issues + [JSONError(kind: .syntax, path: .root, message: "\(error)")])
        }
        guard context.issues.isEmpty else { throw MessageDecodingError(issues: context.issues) }
        self = state
    }

    /// Reads the JSON form from a string; see ``init(jsonUTF8:)``.
    public init(json text: String) throws(MessageDecodingError) {
        try self.init(jsonUTF8: Array(text.utf8))
    }

    private static func read(from reader: inout JSONReader, context: inout DecodingContext) throws -> SpaceEventState {
        try reader.beginObject()
        var id: String?
        var members: InsertionOrderedMap<SpaceMember>?
        var removedMembers: InsertionOrderedMap<SpaceMember>?
        var invitations: InsertionOrderedMap<SpaceStateInvitation>?
        var inboxes: InsertionOrderedMap<SpaceInbox>?
        var lastEventHash: String?
        while let key = try reader.nextKey() {
            switch key {
            case "id": id = try reader.readString()
            case "members": members = try readMap(&reader, &context, SpaceMember.read)
            case "removedMembers": removedMembers = try readMap(&reader, &context, SpaceMember.read)
            case "invitations": invitations = try readMap(&reader, &context, SpaceStateInvitation.read)
            case "inboxes": inboxes = try readMap(&reader, &context, SpaceInbox.read)
            case "lastEventHash": lastEventHash = try reader.readString()
            default: try reader.skipValue()
            }
        }
        func missing(_ name: String) -> JSONError {
            JSONError(kind: .missingMember, path: reader.path.appending(key: name), message: "missing required member")
        }
        guard let id else { throw missing("id") }
        guard let members else { throw missing("members") }
        guard let removedMembers else { throw missing("removedMembers") }
        guard let invitations else { throw missing("invitations") }
        guard let inboxes else { throw missing("inboxes") }
        guard let lastEventHash else { throw missing("lastEventHash") }
        return SpaceEventState(
            id: id, members: members, removedMembers: removedMembers, invitations: invitations, inboxes: inboxes,
            lastEventHash: lastEventHash)
    }

    private static func readMap<Value>(
        _ reader: inout JSONReader, _ context: inout DecodingContext,
        _ readValue: (inout JSONReader, inout DecodingContext) throws -> Value?
    ) throws -> InsertionOrderedMap<Value> {
        try reader.beginObject()
        var map = InsertionOrderedMap<Value>()
        while let key = try reader.nextKey() {
            // A value that cannot be built has recorded its problems in `context`, which fail the decode.
            if let value = try readValue(&reader, &context) { map[key] = value }
        }
        return map
    }

    private static func write<Value: WireCodable>(_ map: InsertionOrderedMap<Value>, to writer: inout JSONWriter) {
        writer.beginObject()
        for (key, value) in map {
            writer.key(key)
            value.write(to: &writer)
        }
        writer.endObject()
    }
}
