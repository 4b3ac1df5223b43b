/// A problem found while reading or validating JSON: what went wrong and where.
///
/// `description` is `"\(path): \(message)"`, e.g. `$.signature.recovery: expected integer, got string "1"`.
public struct JSONError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The category of a problem; the message carries the details.
    public enum Kind: String, Hashable, Sendable {
        /// The bytes are not JSON grammar (unexpected character, bad escape, leading zero, control character…).
        case syntax
        /// A string contains bytes that are not well-formed UTF-8.
        case invalidUTF8
        /// The input ends in the middle of a value.
        case truncated
        /// Something other than whitespace follows the top-level value.
        case trailingData
        /// An object names the same member twice.
        case duplicateKey
        /// Containers are nested deeper than `JSONLimits.maxDepth`.
        case depthLimit
        /// A number does not fit the requested type (e.g. `Int`, a byte, a finite `Double`).
        case numberOutOfRange
        /// The value has a different JSON type than required (e.g. string where an integer is expected).
        case typeMismatch
        /// A required object member is absent.
        case missingMember
        /// The value has the right JSON type but is not acceptable (e.g. a wrong literal, a string over the limit).
        case invalidValue
    }

    /// The category of the problem.
    public var kind: Kind
    /// Where the offending value is.
    public var path: JSONPath
    /// What is wrong and what was expected, e.g. `expected integer, got string "1"`.
    public var message: String
    /// Offset in the input where the problem was detected, when it came from parsing bytes.
    public var byteOffset: Int?

    /// Creates an error for `path`.
    public init(kind: Kind, path: JSONPath, message: String, byteOffset: Int? = nil) {
        self.kind = kind
        self.path = path
        self.message = message
        self.byteOffset = byteOffset
    }

    /// `"\(path): \(message)"`.
    public var description: String {
        "\(path): \(message)"
    }
}

/// Limits applied while reading, so hostile input cannot exhaust memory or the stack.
public struct JSONLimits: Hashable, Sendable {
    /// Maximum number of simultaneously open objects/arrays. The default 64 is far above anything the
    /// Hypergraph protocol uses (its messages nest a handful of levels). Opening container number `maxDepth + 1`
    /// fails with `JSONError.Kind.depthLimit`.
    public var maxDepth: Int
    /// Maximum length in UTF-8 bytes of one decoded string; longer strings fail with `.invalidValue`.
    public var maxStringBytes: Int

    /// Creates limits; the defaults are `maxDepth` 64 and unlimited string length.
    public init(maxDepth: Int = 64, maxStringBytes: Int = .max) {
        self.maxDepth = maxDepth
        self.maxStringBytes = maxStringBytes
    }
}

/// The JSON type of a value, as seen by `JSONReader.peek()` and `JSONValue.kind`.
public enum JSONValueKind: String, Hashable, Sendable {
    /// `{…}`
    case object
    /// `[…]`
    case array
    /// `"…"`
    case string
    /// Any JSON number.
    case number
    /// `true` or `false`.
    case bool
    /// `null`.
    case null
}
