// What a session delivers to its reader: decoded messages, frames that are not messages, and the end.
import HypergraphProtocol
import HypergraphWebSocket

/// One thing the server sent, in arrival order.
public enum HypergraphSessionEvent: Sendable, Hashable {
    /// A decoded server message. A `type` this library does not know arrives as `ServerMessage.unknown`.
    case message(ServerMessage)
    /// A frame that is not a valid server message: not JSON, not matching the schema, or a binary frame.
    case undecodable(UndecodableFrame)
    /// The connection ended; always the last event. Code and reason as in `HypergraphClientError.closed`.
    case closed(code: WebSocketCloseCode, reason: String)
    /// The connection was lost and the session is reconnecting (only with a ``HypergraphReconnectPolicy``); code and
    /// reason of the lost connection. The updates and space events missed meanwhile arrive before `.reconnected`.
    case disconnected(code: WebSocketCloseCode, reason: String)
    /// The session is connected again, through `url`, with every space it had subscribed resubscribed and what was
    /// missed delivered.
    case reconnected(url: String)
}

/// A frame the server sent that does not decode as a `ServerMessage`: its payload and why.
public struct UndecodableFrame: Sendable, Hashable, CustomStringConvertible {
    /// The frame's payload as received.
    public var payload: FramePayload
    /// Why it is not a server message: every problem the decoder found (JSON paths included), or that the frame is
    /// binary although the protocol sends only text.
    public var reason: String

    /// Creates a value from its members.
    public init(payload: FramePayload, reason: String) {
        self.payload = payload
        self.reason = reason
    }

    /// The reason and the payload (shortened when long).
    public var description: String {
        "\(reason); payload \(payload.preview(limit: 200))"
    }
}

/// The payload of a WebSocket data frame.
public enum FramePayload: Sendable, Hashable {
    /// A text frame.
    case text(String)
    /// A binary frame.
    case binary([UInt8])

    /// The payload for a log line: text as it is, bytes in hex, cut after `limit` characters with the full size noted.
    public func preview(limit: Int) -> String {
        switch self {
        case .text(let text):
            let count = text.count
            guard count > limit else { return text }
            return "\(text.prefix(limit))… (\(count) characters)"
        case .binary(let bytes):
            let hex = bytes.prefix(max(limit / 2, 1)).map { byte in
                let digits = String(byte, radix: 16)
                return byte < 16 ? "0" + digits : digits
            }.joined()
            return bytes.count * 2 > limit ? "0x\(hex)… (\(bytes.count) bytes)" : "0x\(hex)"
        }
    }
}
