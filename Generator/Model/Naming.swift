// How schema names become Swift names. The rules are documented in docs/codec.md ("Naming").

enum Naming {
    /// Swift keywords that must be escaped with backticks when used as identifiers.
    static let reservedWords: Set<String> = [
        "associatedtype", "class", "deinit", "enum", "extension", "fileprivate", "func", "import", "init", "inout",
        "internal", "let", "open", "operator", "private", "precedencegroup", "protocol", "public", "rethrows",
        "static", "struct", "subscript", "typealias", "var", "break", "case", "catch", "continue", "default", "defer",
        "do", "else", "fallthrough", "for", "guard", "if", "in", "repeat", "return", "throw", "switch", "where",
        "while", "Any", "as", "false", "is", "nil", "self", "Self", "super", "throws", "true", "try",
    ]

    /// Names the generated decoders use for locals (`read(from:context:)`, `init(from:)`), so no property may
    /// take them.
    static let reservedPropertyNames: Set<String> = [
        "reader", "context", "present", "key", "alias", "container", "decoder", "report",
    ]

    /// `create-space-event` → `CreateSpaceEvent`, `optional_auth` → `OptionalAuth`: words split at `-` and `_`,
    /// each capitalised.
    static func upperCamelCase(_ wireName: String) -> String {
        wireName.split(whereSeparator: { $0 == "-" || $0 == "_" }).map { word in
            word.prefix(1).uppercased() + word.dropFirst()
        }.joined()
    }

    /// `create-space` → `createSpace`, `invalid-json` → `invalidJson`.
    static func lowerCamelCase(_ wireName: String) -> String {
        let upper = upperCamelCase(wireName)
        return upper.prefix(1).lowercased() + upper.dropFirst()
    }

    /// Whether `name` is a plain Swift identifier made of ASCII letters, digits and `_`.
    static func isIdentifier(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first, first == "_" || first.properties.isAlphabetic, first.isASCII else {
            return false
        }
        return name.unicodeScalars.allSatisfy {
            $0.isASCII && ($0 == "_" || $0.properties.isAlphabetic || ("0"..."9").contains($0))
        }
    }

    /// Whether `name` is an UpperCamelCase type name.
    static func isTypeName(_ name: String) -> Bool {
        isIdentifier(name) && name.first?.isUppercase == true && !name.contains("_")
    }

    /// `name` usable in Swift source: wrapped in backticks when it is a keyword.
    static func escaped(_ name: String) -> String {
        reservedWords.contains(name) ? "`\(name)`" : name
    }

    /// The required type name of a message struct: `create-update` → `CreateUpdateRequest` (client → server),
    /// `update-confirmed` → `UpdateConfirmedResponse` (server → client; TypeScript's `RequestX`/`ResponseX` with
    /// the prefix moved to the end).
    static func messageTypeName(type: String, role: SchemaRole) -> String? {
        switch role {
        case .clientMessage: upperCamelCase(type) + "Request"
        case .serverMessage: upperCamelCase(type) + "Response"
        case .model, .format, .messageUnion: nil
        }
    }
}
