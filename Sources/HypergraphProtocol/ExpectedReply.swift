// What answers a request (PROTOCOL.md §6), read from the schemas' `x-hypergraph-reply` and
// `x-hypergraph-correlation` through the generated `ClientMessage.expectedReply`.

/// The reply a request gets and the ids by which an extension `error` message is recognised as rejecting it.
///
/// Built by the generated `ClientMessage.expectedReply`, so it says what the request's schema says. Clients use it
/// to pick a request's reply out of the stream, the server to name the request's ids in an `error`.
public struct ExpectedReply: Sendable, Hashable, CustomStringConvertible {
    /// A member of the reply that must equal a value of the request, e.g. `/id` of `space`.
    public struct Member: Sendable, Hashable {
        /// The member of the reply, as a JSON pointer (see `ServerMessage.correlatedMember(at:)`).
        public var pointer: String
        /// The request's value.
        public var value: String

        /// A member that must equal `value`.
        public init(pointer: String, value: String) {
            self.pointer = pointer
            self.value = value
        }
    }

    /// An id of the request that a rejecting `error` may name in the member `kind`.
    public struct Identifier: Sendable, Hashable {
        /// The member of the `error` message.
        public var kind: RequestIdentifierKind
        /// The request's value.
        public var value: String

        /// An id named in `kind`.
        public init(kind: RequestIdentifierKind, value: String) {
            self.kind = kind
            self.value = value
        }
    }

    /// The request's `type`, which a rejecting `error` names as `requestType`.
    public var requestType: String
    /// The `type` of the server message that answers; nil for a request of unknown type, which only an `error`
    /// answers.
    public var replyType: String?
    /// The members the reply must have, all of them.
    public var replyMembers: [Member]
    /// The ids a rejecting `error` may name, in schema order; a kind can appear more than once (create-space-event:
    /// its `spaceId` and its transaction id are both accepted as `spaceId`).
    public var errorIdentifiers: [Identifier]

    /// A reply of type `replyType` with `replyMembers`; an `error` may name `errorIdentifiers`.
    public init(
        requestType: String, replyType: String?, replyMembers: [Member] = [], errorIdentifiers: [Identifier] = []
    ) {
        self.requestType = requestType
        self.replyType = replyType
        self.replyMembers = replyMembers
        self.errorIdentifiers = errorIdentifiers
    }

    /// Whether `message` is the reply (not counting a rejecting `error`; see `isRejection`): its type is `replyType`
    /// and every member of `replyMembers` has the request's value.
    public func isReply(_ message: ServerMessage) -> Bool {
        guard let replyType, message.type == replyType else { return false }
        return replyMembers.allSatisfy { message.correlatedMember(at: $0.pointer) == $0.value }
    }

    /// Whether `error` rejects the request: its `requestType` is the request's type, and every id it names is one
    /// the request has for that member (an id of a kind the request does not have is not compared). An `error`
    /// without `requestType` rejects nothing.
    public func isRejection(_ error: ErrorResponse) -> Bool {
        guard error.requestType == requestType else { return false }
        return errorIdentifiers.allSatisfy { identifier in
            guard let named = error[identifier: identifier.kind] else { return true }
            return errorIdentifiers.contains { $0.kind == identifier.kind && $0.value == named }
        }
    }

    /// The ids a server names in an `error` rejecting the request: the first of each kind.
    public var namedIdentifiers: [RequestIdentifierKind: String] {
        var named: [RequestIdentifierKind: String] = [:]
        for identifier in errorIdentifiers where named[identifier.kind] == nil {
            named[identifier.kind] = identifier.value
        }
        return named
    }

    /// What is awaited, for timeout messages, e.g. `update-confirmed with spaceId "s" and updateId "u-1"`.
    public var description: String {
        guard let replyType else { return "an error for \(String(reflecting: requestType))" }
        guard !replyMembers.isEmpty else { return replyType }
        let members = replyMembers.map { member in
            member.pointer.split(separator: "/").joined(separator: ".") + " " + String(reflecting: member.value)
        }
        return replyType + " with " + members.joined(separator: " and ")
    }
}
