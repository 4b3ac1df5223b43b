import HypergraphJSON

/// Where something in `Schemas/` is: a file (relative to `Schemas/`) and a JSON pointer inside it. Used in error
/// messages and in the headers of generated files.
struct SchemaLocation: Hashable, Sendable, CustomStringConvertible {
    /// File path relative to `Schemas/`, e.g. `client/create-update.schema.json`.
    var file: String
    /// JSON pointer inside the file, e.g. `/properties/update`; empty for the whole document.
    var pointer: String = ""

    /// The location one step further down.
    func appending(_ token: String) -> SchemaLocation {
        let escaped = token.replacingOccurrences(of: "~", with: "~0").replacingOccurrences(of: "/", with: "~1")
        return SchemaLocation(file: file, pointer: pointer + "/" + escaped)
    }

    /// `Schemas/<file>#<pointer>`.
    var description: String {
        "Schemas/\(file)" + (pointer.isEmpty ? "" : "#\(pointer)")
    }
}

/// A problem with the schemas or the generator's input; generation stops and prints it.
struct GeneratorError: Error, CustomStringConvertible {
    /// Where the problem is, when it is inside a schema.
    var location: SchemaLocation?
    /// What is wrong.
    var message: String

    init(_ message: String, at location: SchemaLocation? = nil) {
        self.message = message
        self.location = location
    }

    var description: String {
        location.map { "\($0): \(message)" } ?? message
    }
}

/// A JSON value inside a schema file, together with its location so every problem can say where it is.
struct SchemaNode {
    /// The JSON value.
    let value: JSONValue
    /// Where the value is.
    let location: SchemaLocation

    /// The member `key` of an object node.
    subscript(key: String) -> SchemaNode? {
        guard case .object(let object) = value, let member = object[key] else { return nil }
        return SchemaNode(value: member, location: location.appending(key))
    }

    /// The member names of an object node, in document order (empty for other values).
    var keys: [String] {
        guard case .object(let object) = value else { return [] }
        return object.keys
    }

    /// Whether the node is an object.
    var isObject: Bool {
        if case .object = value { return true }
        return false
    }

    /// The members of an object node in document order.
    func members() throws -> [(key: String, node: SchemaNode)] {
        guard case .object(let object) = value else { throw GeneratorError("expected an object", at: location) }
        return object.map { (key: $0.key, node: SchemaNode(value: $0.value, location: location.appending($0.key))) }
    }

    /// The elements of an array node.
    func elements() throws -> [SchemaNode] {
        guard case .array(let elements) = value else { throw GeneratorError("expected an array", at: location) }
        return elements.enumerated().map { SchemaNode(value: $1, location: location.appending(String($0))) }
    }

    /// The string value of the node.
    func string() throws -> String {
        guard case .string(let text) = value else { throw GeneratorError("expected a string", at: location) }
        return text
    }

    /// The integer value of the node.
    func integer() throws -> Int {
        guard case .number(let number) = value, let integer = Int(exactly: number) else {
            throw GeneratorError("expected an integer", at: location)
        }
        return integer
    }

    /// The string member `key`, or `nil` when absent.
    func optionalString(_ key: String) throws -> String? {
        try self[key]?.string()
    }

    /// The integer member `key`, or `nil` when absent.
    func optionalInteger(_ key: String) throws -> Int? {
        try self[key]?.integer()
    }

    /// The string member `key`; an error when it is absent.
    func requiredString(_ key: String) throws -> String {
        guard let member = self[key] else { throw GeneratorError("missing \"\(key)\"", at: location) }
        return try member.string()
    }
}
