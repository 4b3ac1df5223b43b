// A request struct together with the type of its reply, so a client can send it and get the reply typed.

/// A client request struct (`SubscribeSpaceRequest`, `CreateUpdateRequest`, …) and the server message that answers
/// it. Every request conforms through generated code, from `x-hypergraph-reply` of its schema.
public protocol ClientRequest: Sendable {
    /// The payload of the server message that answers the request, e.g. `UpdateConfirmedResponse`.
    associatedtype Reply: Sendable

    /// The request as a message, e.g. `.createUpdate(self)`.
    var clientMessage: ClientMessage { get }

    /// `message`'s payload when it is of the reply's type. Whether it answers this particular request is
    /// `clientMessage.expectedReply.isReply(_:)`.
    static func reply(in message: ServerMessage) -> Reply?
}
