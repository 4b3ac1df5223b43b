// The record of every frame a session sent and received, for failure reports and debugging.
import Foundation
import HypergraphWebSocket

/// The frames of one session in the order they were sent or received, each with its time.
///
/// A session keeps the most recent `HypergraphClientConfiguration.transcriptLimit` entries; `omittedCount` says how
/// many older ones were discarded. `description` renders one line per entry, e.g.
/// `+0.412 ms → text {"type":"list-spaces"}`.
public struct Transcript: Sendable, Hashable, CustomStringConvertible {
    /// One frame or connection event.
    public struct Entry: Sendable, Hashable {
        /// Time since the session opened (monotonic).
        public var elapsed: Duration
        /// Wall-clock time.
        public var date: Date
        /// Whether this side sent it or received it.
        public var direction: Direction
        /// What was sent or received.
        public var content: Content

        /// Creates an entry from its members.
        public init(elapsed: Duration, date: Date, direction: Direction, content: Content) {
            self.elapsed = elapsed
            self.date = date
            self.direction = direction
            self.content = content
        }
    }

    /// Which way a frame went.
    public enum Direction: Sendable, Hashable {
        /// From this client to the server.
        case sent
        /// From the server to this client.
        case received
    }

    /// What a transcript entry holds.
    public enum Content: Sendable, Hashable {
        /// A data frame (text or binary), as the application sent or received it.
        case data(FramePayload)
        /// A frame written exactly as described, bypassing protocol rules (`sendFrame`).
        case frame(WebSocketFrame)
        /// Bytes written to the socket as they are (`sendRawBytes`).
        case rawBytes([UInt8])
        /// A ping sent, with its payload.
        case ping([UInt8])
        /// A pong received, with its payload.
        case pong([UInt8])
        /// A close: sent by this side with its code and reason, or, when received, how the connection ended.
        case close(code: WebSocketCloseCode, reason: String)
    }

    /// The most entries kept; 0 keeps none.
    public let limit: Int
    /// Entries, oldest first; up to twice `limit` so that trimming is amortised.
    private var storage: [Entry] = []
    /// Entries discarded from `storage` so far.
    private var discarded = 0

    /// An empty transcript keeping at most `limit` entries.
    public init(limit: Int) {
        self.limit = max(limit, 0)
    }

    /// The kept entries, oldest first.
    public var entries: ArraySlice<Entry> { storage.suffix(limit) }

    /// How many older entries were discarded to stay within `limit`.
    public var omittedCount: Int { discarded + storage.count - entries.count }

    /// Appends an entry, discarding the oldest ones when over the limit.
    mutating func append(_ entry: Entry) {
        guard limit > 0 else {
            discarded += 1
            return
        }
        if storage.count >= 2 * limit {
            let excess = storage.count - limit
            storage.removeFirst(excess)
            discarded += excess
        }
        storage.append(entry)
    }

    /// One line per entry, payloads cut after 2,000 characters; see `rendered(payloadLimit:)`.
    public var description: String { rendered(payloadLimit: 2000) }

    /// One line per entry: elapsed time, `→` for sent or `←` for received, the kind and the payload (cut after
    /// `payloadLimit` characters), preceded by a line counting omitted entries if there are any.
    public func rendered(payloadLimit: Int) -> String {
        var lines: [String] = []
        if omittedCount > 0 { lines.append("(\(omittedCount) earlier entries omitted)") }
        for entry in entries {
            let arrow = entry.direction == .sent ? "→" : "←"
            let content = entry.content.rendered(payloadLimit: payloadLimit)
            lines.append("+\(entry.elapsed.millisecondsText) \(arrow) \(content)")
        }
        return lines.joined(separator: "\n")
    }
}

extension Transcript.Content {
    /// The kind and payload on one line.
    func rendered(payloadLimit: Int) -> String {
        switch self {
        case .data(.text(let text)): "text " + FramePayload.text(text).preview(limit: payloadLimit)
        case .data(.binary(let bytes)): "binary " + FramePayload.binary(bytes).preview(limit: payloadLimit)
        case .frame(let frame):
            "raw frame opcode \(frame.opcode.rawValue) fin \(frame.fin) rsv \(frame.reservedBits) "
                + FramePayload.binary(frame.payload).preview(limit: payloadLimit)
        case .rawBytes(let bytes): "raw bytes " + FramePayload.binary(bytes).preview(limit: payloadLimit)
        case .ping(let bytes): "ping " + FramePayload.binary(bytes).preview(limit: payloadLimit)
        case .pong(let bytes): "pong " + FramePayload.binary(bytes).preview(limit: payloadLimit)
        case .close(let code, let reason):
            reason.isEmpty ? "close \(code)" : "close \(code) \(String(reflecting: reason))"
        }
    }
}
