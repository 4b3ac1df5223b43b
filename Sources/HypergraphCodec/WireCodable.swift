import HypergraphJSON

/// A protocol message or model with a codec that works directly on UTF-8 JSON bytes.
///
/// Every type generated from `Schemas/` conforms (messages, models, the `ClientMessage`/`ServerMessage`/`SpaceEvent`
/// unions), as do the runtime types ``Bytes`` and ``Timestamp``. Use the entry points of the extension:
/// `init(jsonUTF8:options:)` decodes and validates, `jsonUTF8()` encodes the canonical wire form and
/// `validationIssues` checks a value built in Swift. The `Codable` conformance gives the same results through
/// Foundation's `JSONDecoder`/`JSONEncoder`, more slowly.
public protocol WireCodable: Hashable, Sendable, Codable {
    /// Reads one value at the reader's position.
    ///
    /// Problems the decoder can continue after (a missing member, a value of the wrong JSON type, a violated
    /// constraint) are recorded in `context`; the result is `nil` when the value could not be built. Malformed
    /// JSON throws a `JSONError`. Generated code calls this; use `init(jsonUTF8:options:)` instead.
    static func read(from reader: inout JSONReader, context: inout DecodingContext) throws -> Self?

    /// Writes the canonical wire form: bytes as `{"__type":"Uint8Array","data":[…]}`, timestamps in
    /// `toISOString()` form, absent optional members omitted, members in schema order.
    func write(to writer: inout JSONWriter)

    /// Appends every constraint violation of this value and of its nested values, located under `path`.
    func collectIssues(at path: JSONPath, into issues: inout [JSONError])
}

extension WireCodable {
    /// Decodes and validates one JSON document.
    ///
    /// Unknown members are ignored, optional members may be absent but not `null`, and the seed spellings of
    /// `docs/seed-differences.md` are accepted. On failure the error lists every problem found, each with its
    /// JSON path, e.g. `$.signature.recovery: expected integer 0...3, got string "1"`.
    public init(
        jsonUTF8 bytes: some Collection<UInt8>, options: DecodingOptions = DecodingOptions()
    ) throws(MessageDecodingError) {
        let result =
            bytes.withContiguousStorageIfAvailable { Self.decodeDocument(UnsafeRawBufferPointer($0), options: options) }
            ?? Array(bytes).withUnsafeBytes { Self.decodeDocument($0, options: options) }
        self = try result.get()
    }

    /// Decodes and validates one JSON document given as text; see `init(jsonUTF8:options:)`.
    public init(json text: String, options: DecodingOptions = DecodingOptions()) throws(MessageDecodingError) {
        try self.init(jsonUTF8: text.utf8, options: options)
    }

    /// The canonical wire form as compact UTF-8 JSON.
    public func jsonUTF8() -> [UInt8] {
        var writer = JSONWriter(capacity: 512)
        write(to: &writer)
        return writer.bytes
    }

    /// The canonical wire form as a string.
    public func jsonString() -> String {
        String(decoding: jsonUTF8(), as: UTF8.self)
    }

    /// Every constraint this value violates (patterns, ranges, minimum counts…), with JSON paths from `$`.
    /// Empty for a valid value. Decoding already checks this; use it for values built in Swift.
    public var validationIssues: [JSONError] {
        var issues: [JSONError] = []
        collectIssues(at: .root, into: &issues)
        return issues
    }

    /// Throws the ``validationIssues`` of this value, if there are any.
    public func validate() throws(MessageDecodingError) {
        let issues = validationIssues
        if !issues.isEmpty { throw MessageDecodingError(issues: issues) }
    }

    /// Decodes a whole document: `read` plus the trailing-data check, with issues gathered into one error.
    static func decodeDocument(
        _ bytes: UnsafeRawBufferPointer, options: DecodingOptions
    ) -> Result<Self, MessageDecodingError> {
        var context = DecodingContext(options: options)
        do {
            let value = try JSONReader.read(bytes, limits: options.limits) { reader in
                try Self.read(from: &reader, context: &context)
            }
            if let value, context.issues.isEmpty { return .success(value) }
        } catch let error as JSONError {
            // Malformed JSON ends the read; its byte offset says where, since the path alone may not.
            context.record(error.kind.meansMalformedJSON ? error.locatingByte() : error)
        } catch {
            context.record(JSONError(kind: .syntax, path: .root, message: "\(error)"))
        }
        return .failure(MessageDecodingError(issues: context.issues))
    }
}

extension JSONError.Kind {
    /// Whether a problem of this kind means the bytes are not well-formed JSON (as opposed to JSON that does not
    /// match the schema).
    fileprivate var meansMalformedJSON: Bool {
        switch self {
        case .syntax, .invalidUTF8, .truncated, .trailingData, .duplicateKey, .depthLimit: true
        case .numberOutOfRange, .typeMismatch, .missingMember, .invalidValue: false
        }
    }
}

extension JSONError {
    /// This error with its byte offset at the front of the message (`invalid JSON at byte 1: …`), for reports of
    /// input that is not JSON at all, where the JSON path alone does not say where to look.
    fileprivate func locatingByte() -> JSONError {
        guard let byteOffset else { return self }
        var located = self
        located.message = "invalid JSON at byte \(byteOffset): \(message)"
        return located
    }
}

/// Settings for decoding.
public struct DecodingOptions: Hashable, Sendable {
    /// Limits on the JSON itself; the default nesting limit of 64 levels is ten times what the protocol needs.
    public var limits: JSONLimits
    /// Whether a union member (a message, or a space event) with an unknown `type` decodes as its `unknown` case
    /// (`true`, the default, so clients can skip message types added later) or is reported as an issue
    /// (`false`, for strict validation such as `hypergraph message validate`).
    public var acceptsUnknownTypes: Bool

    /// Creates options; the defaults accept unknown types and use the default `JSONLimits`.
    public init(limits: JSONLimits = JSONLimits(), acceptsUnknownTypes: Bool = true) {
        self.limits = limits
        self.acceptsUnknownTypes = acceptsUnknownTypes
    }
}

/// Why a document was not a valid message: every problem found, each with a JSON path.
public struct MessageDecodingError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The problems, in document order; never empty. Their `kind` tells JSON syntax problems (`.syntax`,
    /// `.invalidUTF8`, `.truncated`, …) from schema problems (`.typeMismatch`, `.missingMember`, `.invalidValue`).
    public var issues: [JSONError]

    /// Creates an error from its issues.
    public init(issues: [JSONError]) {
        self.issues = issues
    }

    /// Whether the bytes were not well-formed JSON at all (as opposed to JSON that does not match the schema):
    /// a server answers the first with error code `invalid-json` and the second with `invalid-message`.
    public var isMalformedJSON: Bool {
        issues.contains { $0.kind.meansMalformedJSON }
    }

    /// One line per issue: `path: problem`.
    public var description: String {
        issues.map(\.description).joined(separator: "\n")
    }
}
