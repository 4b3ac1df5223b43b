/// Location of a value inside a JSON document, used to say *where* a problem is.
///
/// `description` renders the path in JavaScript-like notation: `$` for the root, `$.a.b[3]` for identifier-like
/// keys and indices, and `$["weird key"]` for keys that are not identifiers (the key is JSON-escaped).
public struct JSONPath: Hashable, Sendable, CustomStringConvertible {
    /// One step in a path: an object member name or an array index.
    public enum Component: Hashable, Sendable {
        /// An object member, by its (decoded) name.
        case key(String)
        /// An array element, by its zero-based index.
        case index(Int)
    }

    /// The steps from the document root to the value, outermost first.
    public var components: [Component]

    /// Creates a path from its components, outermost first.
    public init(_ components: [Component] = []) {
        self.components = components
    }

    /// The path of the document's top-level value.
    public static var root: JSONPath { JSONPath() }

    /// This path extended by one step.
    public func appending(_ component: Component) -> JSONPath {
        var copy = self
        copy.components.append(component)
        return copy
    }

    /// This path extended by an object member name.
    public func appending(key: String) -> JSONPath {
        appending(.key(key))
    }

    /// This path extended by an array index.
    public func appending(index: Int) -> JSONPath {
        appending(.index(index))
    }

    /// The path in `$.a.b[3]` / `$["weird key"]` notation.
    public var description: String {
        var text = "$"
        for component in components {
            switch component {
            case .index(let index):
                text += "[\(index)]"
            case .key(let key) where Self.isIdentifier(key):
                text += "." + key
            case .key(let key):
                var writer = JSONWriter(capacity: key.utf8.count + 2)
                writer.string(key)
                text += "[" + String(decoding: writer.bytes, as: UTF8.self) + "]"
            }
        }
        return text
    }

    /// Whether `key` can be written after a dot: `[A-Za-z_$][A-Za-z0-9_$]*`.
    private static func isIdentifier(_ key: String) -> Bool {
        var isFirst = true
        for byte in key.utf8 {
            let isLetter = (byte | 0x20) >= UInt8(ascii: "a") && (byte | 0x20) <= UInt8(ascii: "z")
            let isDigit = byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")
            guard isLetter || byte == UInt8(ascii: "_") || byte == UInt8(ascii: "$") || (isDigit && !isFirst) else {
                return false
            }
            isFirst = false
        }
        return !isFirst
    }
}
