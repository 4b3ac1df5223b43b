import HypergraphJSON

/// A byte array field of the protocol (`create-update`'s `update`, `SignedUpdate.update`; PROTOCOL.md §2.2).
///
/// On the wire it is the envelope `{"__type":"Uint8Array","data":[b0,b1,…]}`, which is what JavaScript's
/// `Messages.serialize` writes for a `Uint8Array`. Decoding also accepts a bare array `[b0,b1,…]`, as the TS peers
/// do; every element must be an integer 0…255. Encoding always writes the envelope.
public struct Bytes: Hashable, Sendable, RandomAccessCollection, MutableCollection, ExpressibleByArrayLiteral,
    CustomStringConvertible
{
    /// The bytes.
    public var bytes: [UInt8]

    /// Wraps `bytes`.
    public init(_ bytes: [UInt8]) {
        self.bytes = bytes
    }

    /// Copies the bytes of a sequence.
    public init(_ bytes: some Sequence<UInt8>) {
        self.bytes = Array(bytes)
    }

    /// Creates bytes from a literal such as `[0, 1, 255]`.
    public init(arrayLiteral elements: UInt8...) {
        bytes = elements
    }

    /// The index of the first byte (always 0).
    public var startIndex: Int { bytes.startIndex }

    /// The index after the last byte (the count).
    public var endIndex: Int { bytes.endIndex }

    /// The byte at `position`.
    public subscript(position: Int) -> UInt8 {
        get { bytes[position] }
        set { bytes[position] = newValue }
    }

    /// `"<count> bytes"`; the contents are not printed, since they are usually ciphertext.
    public var description: String {
        "\(bytes.count) bytes"
    }
}

extension Bytes: WireCodable {
    /// The envelope marker of byte arrays.
    static let envelopeType = "Uint8Array"

    /// Reads the envelope or a bare array of bytes. An element that is not an integer 0…255 ends decoding
    /// with an error at its own path, e.g. `$.update.data[3]`.
    public static func read(from reader: inout JSONReader, context: inout DecodingContext) throws -> Bytes? {
        switch try reader.peek() {
        case .array:
            return Bytes(try reader.readByteArray())
        case .object:
            return try context.readEnvelope(&reader, type: envelopeType) { reader, _ in
                Bytes(try reader.readByteArray())
            }
        default:
            try context.recordMismatch(&reader, expected: #"bytes ({"__type":"Uint8Array","data":[…]} or an array)"#)
            return nil
        }
    }

    /// Writes `{"__type":"Uint8Array","data":[…]}`.
    public func write(to writer: inout JSONWriter) {
        writer.beginObject()
        writer.key("__type")
        writer.string(Self.envelopeType)
        writer.key("data")
        writer.byteArray(bytes)
        writer.endObject()
    }

    /// Bytes have no constraints beyond what decoding enforces.
    public func collectIssues(at path: JSONPath, into issues: inout [JSONError]) {}
}

extension Bytes: Codable {
    /// Decodes the envelope or a bare array, like the wire codec.
    public init(from decoder: any Decoder) throws {
        if var elements = try? decoder.unkeyedContainer() {
            var bytes: [UInt8] = []
            bytes.reserveCapacity(elements.count ?? 0)
            while !elements.isAtEnd { bytes.append(try elements.decode(UInt8.self)) }
            self.init(bytes)
            return
        }
        let envelope = try decoder.container(keyedBy: EnvelopeCodingKeys.self)
        try envelope.decodeConstant(Self.envelopeType, forKey: .type)
        self.init(try envelope.decode([UInt8].self, forKey: .data))
    }

    /// Encodes the envelope.
    public func encode(to encoder: any Encoder) throws {
        var envelope = encoder.container(keyedBy: EnvelopeCodingKeys.self)
        try envelope.encode(Self.envelopeType, forKey: .type)
        try envelope.encode(bytes, forKey: .data)
    }
}
