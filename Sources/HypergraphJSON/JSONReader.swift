/// Strict RFC 8259 pull parser over contiguous UTF-8 bytes.
///
/// Use it through `JSONReader.read(_:limits:_:)`, which hands a reader to a closure and afterwards requires that
/// only whitespace remains. The reader points into the caller's buffer, so it must not escape that closure.
///
/// What it enforces beyond the grammar: strings are well-formed UTF-8 and contain no raw control characters,
/// `\u` escapes may not encode lone surrogates, numbers have no leading zeros, an object never names a member
/// twice (compared by exact code units), containers nest at most `JSONLimits.maxDepth` deep, and no byte order mark
/// or other data surrounds the value. Every problem is a `JSONError` naming the path of the offending value.
///
/// `path` is the path of the value about to be read: after `nextKey()` returned `"a"` inside the root object it is
/// `$.a`; after `nextElement()` returned `true` for the third element it ends in `[2]`.
public struct JSONReader {
    /// The whole input; only ever read at offsets checked against `input.count`.
    let input: UnsafeRawBufferPointer
    /// Offset of the next unread byte.
    var position = 0
    /// The limits this reader enforces.
    let limits: JSONLimits
    /// Path of the value about to be read.
    public internal(set) var path = JSONPath.root
    /// One entry per open object/array, innermost last.
    var frames: [Frame] = []
    /// Reused buffer for strings that contain escapes.
    var scratch: [UInt8] = []

    /// State of one open container.
    struct Frame {
        /// Whether the container is an object (else an array).
        var isObject: Bool
        /// Members/elements started so far; when non-zero, `path` ends with the current one.
        var count = 0
        /// Member names seen so far (objects only), for duplicate detection.
        var keys: [String] = []
        /// Index over `keys` once an object grows large enough that linear search would be slow.
        var keyIndex: Set<ExactKey>?
    }

    init(input: UnsafeRawBufferPointer, limits: JSONLimits) {
        self.input = input
        self.limits = limits
    }

    /// Runs `body` with a reader over `bytes`, then requires that only whitespace remains (else `.trailingData`).
    /// The reader must not be used after `body` returns.
    public static func read<R>(
        _ bytes: UnsafeRawBufferPointer,
        limits: JSONLimits = .init(),
        _ body: (inout JSONReader) throws -> R
    ) throws -> R {
        var reader = JSONReader(input: bytes, limits: limits)
        let result = try body(&reader)
        reader.skipWhitespace()
        if reader.position < bytes.count {
            throw JSONError(
                kind: .trailingData, path: .root,
                message: "unexpected \(reader.describeByte(at: reader.position)) after the top-level value",
                byteOffset: reader.position)
        }
        return result
    }

    /// Runs `body` with a reader over `bytes`, then requires that only whitespace remains (else `.trailingData`).
    public static func read<R>(
        _ bytes: [UInt8],
        limits: JSONLimits = .init(),
        _ body: (inout JSONReader) throws -> R
    ) throws -> R {
        try bytes.withUnsafeBytes { try read($0, limits: limits, body) }
    }

    /// An error of `kind` at the current path and byte offset, for callers validating what they read.
    public func error(_ kind: JSONError.Kind, _ message: String) -> JSONError {
        JSONError(kind: kind, path: path, message: message, byteOffset: position)
    }

    /// An error at the current path, detected at `offset`.
    func error(_ kind: JSONError.Kind, _ message: String, at offset: Int) -> JSONError {
        JSONError(kind: kind, path: path, message: message, byteOffset: offset)
    }

    // MARK: Bytes

    /// Advances past JSON whitespace (space, tab, line feed, carriage return).
    @inline(__always)
    mutating func skipWhitespace() {
        while position < input.count {
            switch input[position] {
            case 0x20, 0x0A, 0x0D, 0x09: position += 1
            default: return
            }
        }
    }

    /// Human-readable name of the byte at `offset` for messages: `'x'`, `byte 0xFF` or `end of input`.
    func describeByte(at offset: Int) -> String {
        guard offset < input.count else { return "end of input" }
        let byte = input[offset]
        if byte == 0xEF, offset + 2 < input.count, input[offset + 1] == 0xBB, input[offset + 2] == 0xBF {
            return "byte order mark"
        }
        if byte > 0x20 && byte < 0x7F {
            return "'\(Character(Unicode.Scalar(byte)))'"
        }
        return "byte 0x" + String(byte, radix: 16, uppercase: true).leftPadded(to: 2)
    }

    /// The error for an unexpected byte (or end of input) where `expected` was required.
    func unexpected(_ expected: String, at offset: Int) -> JSONError {
        if offset >= input.count {
            return error(.truncated, "unexpected end of input, expected \(expected)", at: offset)
        }
        return error(.syntax, "expected \(expected), got \(describeByte(at: offset))", at: offset)
    }

    /// Consumes the literal `word` (`true`, `false`, `null`) starting at the current position.
    mutating func consumeLiteral(_ word: StaticString) throws {
        let length = word.utf8CodeUnitCount
        for offset in 0..<length
        where position + offset >= input.count
            || input[position + offset] != word.utf8Start[offset]
        {
            throw unexpected("'\(word)'", at: position + offset)
        }
        position += length
    }
}

extension String {
    /// The string with `"0"` prepended until it has `width` characters.
    func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
