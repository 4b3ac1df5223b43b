import HypergraphJSON

/// A timestamp field of the protocol (`since`, `createdAt`; PROTOCOL.md §2.3), with millisecond precision like a
/// JavaScript `Date`.
///
/// Encoded as JavaScript's `toISOString()` writes it: `YYYY-MM-DDTHH:mm:ss.sssZ` (years outside 0…9999 as
/// `±YYYYYY`). Decoding accepts RFC 3339 date-times with or without fractional seconds (digits beyond
/// milliseconds are truncated, as JavaScript does), with `Z` or a `±HH:MM` offset, also without seconds;
/// date-only `YYYY-MM-DD` (midnight UTC); and the envelope `{"__type":"Date","data":…}` whose `data` is such a
/// string or a number of milliseconds. A date-time without a time zone is rejected: JavaScript would read it as
/// the sender's local time, which the receiver cannot know.
public struct Timestamp: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// Milliseconds since 1970-01-01T00:00:00Z (negative before).
    public var millisecondsSince1970: Int64

    /// The instant `milliseconds` after 1970-01-01T00:00:00Z.
    public init(millisecondsSince1970 milliseconds: Int64) {
        millisecondsSince1970 = milliseconds
    }

    /// Parses the text forms listed on the type; `nil` when `text` is not one of them or is outside the range of
    /// a JavaScript `Date` (±8.64e15 ms).
    public init?(iso8601 text: String) {
        var text = text
        guard let milliseconds = text.withUTF8({ TimestampParser.parse($0) }) else { return nil }
        millisecondsSince1970 = milliseconds
    }

    /// Orders timestamps chronologically.
    public static func < (lhs: Timestamp, rhs: Timestamp) -> Bool {
        lhs.millisecondsSince1970 < rhs.millisecondsSince1970
    }

    /// The `toISOString()` form, e.g. `2025-06-30T12:34:56.789Z`.
    public var iso8601: String {
        String(decoding: TimestampFormatter.format(millisecondsSince1970), as: UTF8.self)
    }

    /// The `toISOString()` form.
    public var description: String { iso8601 }
}

extension Timestamp: WireCodable {
    /// The envelope marker of dates.
    static let envelopeType = "Date"
    /// What a timestamp must look like, for messages.
    static let expectation = "an ISO-8601 timestamp such as \"2025-06-30T12:34:56.789Z\""

    /// Reads an ISO-8601 string or the `{"__type":"Date","data":…}` envelope.
    public static func read(from reader: inout JSONReader, context: inout DecodingContext) throws -> Timestamp? {
        switch try reader.peek() {
        case .string:
            return try readText(from: &reader, context: &context)
        case .object:
            return try context.readEnvelope(&reader, type: envelopeType) { reader, context in
                try readEnvelopeData(from: &reader, context: &context)
            }
        default:
            try context.recordMismatch(&reader, expected: expectation)
            return nil
        }
    }

    /// Reads and parses a timestamp string.
    private static func readText(from reader: inout JSONReader, context: inout DecodingContext) throws -> Timestamp? {
        let text = try reader.readString()
        guard let timestamp = Timestamp(iso8601: text) else {
            context.record(reader.error(.invalidValue, "expected \(expectation), got \(describe(text))"))
            return nil
        }
        return timestamp
    }

    /// Reads the `data` of a Date envelope: text, or integral milliseconds.
    private static func readEnvelopeData(
        from reader: inout JSONReader, context: inout DecodingContext
    ) throws -> Timestamp? {
        guard try reader.peek() == .number else { return try readText(from: &reader, context: &context) }
        let expected = "milliseconds within ±\(TimestampParser.maximumMagnitude)"
        let before = reader
        guard let milliseconds = try context.readInteger(&reader, expected: expected) else { return nil }
        guard TimestampParser.isRepresentable(Int64(milliseconds)) else {
            context.record(before.error(.invalidValue, "expected \(expected), got \(milliseconds)"))
            return nil
        }
        return Timestamp(millisecondsSince1970: Int64(milliseconds))
    }

    /// Writes the `toISOString()` form as a JSON string.
    public func write(to writer: inout JSONWriter) {
        writer.string(iso8601)
    }

    /// Timestamps have no constraints beyond what decoding enforces.
    public func collectIssues(at path: JSONPath, into issues: inout [JSONError]) {}
}

extension Timestamp: Codable {
    /// Decodes the same forms as the wire codec.
    public init(from decoder: any Decoder) throws {
        if let container = try? decoder.singleValueContainer(), let text = try? container.decode(String.self) {
            try self.init(text: text, codingPath: decoder.codingPath)
            return
        }
        let envelope = try decoder.container(keyedBy: EnvelopeCodingKeys.self)
        try envelope.decodeConstant(Self.envelopeType, forKey: .type)
        if let text = try? envelope.decode(String.self, forKey: .data) {
            try self.init(text: text, codingPath: envelope.codingPath + [EnvelopeCodingKeys.data])
            return
        }
        let milliseconds = try envelope.decode(Int64.self, forKey: .data)
        guard TimestampParser.isRepresentable(milliseconds) else {
            throw DecodingError.dataCorruptedError(
                forKey: .data, in: envelope, debugDescription: "milliseconds out of the range of a JavaScript Date")
        }
        self.init(millisecondsSince1970: milliseconds)
    }

    /// Parses `text` or throws a `DecodingError` located at `codingPath`.
    private init(text: String, codingPath: [any CodingKey]) throws {
        guard let timestamp = Timestamp(iso8601: text) else {
            throw DecodingError.dataCorrupted(
                DecodingError.Context(
                    codingPath: codingPath,
                    debugDescription: "expected \(Self.expectation), got \(quoteShortened(text))"))
        }
        self = timestamp
    }

    /// Encodes the `toISOString()` form.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(iso8601)
    }
}
