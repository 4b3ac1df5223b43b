/// The access level of the generated declarations (`--access`).
enum AccessLevel: String, CaseIterable {
    case `public`, package, `internal`
}

/// Builds indented Swift source text line by line.
struct SwiftSource {
    /// Lines are wrapped to this many columns, counting indentation.
    static let lineWidth = 120

    /// The text so far.
    private(set) var text = ""
    private var indentation = 0
    /// The access level of the declarations. Renderers write `public` for everything a module exports; a line
    /// starting with `public ` gets this level instead, so each renderer states exports once, in one spelling.
    private let access: AccessLevel
    /// The schema folder's name, as doc comments and the file header name a schema file.
    private let schemaFolder: String

    /// Creates an empty text whose exported declarations get `access`, naming schema files inside `schemaFolder`.
    init(access: AccessLevel = .public, schemaFolder: String = "Schemas") {
        self.access = access
        self.schemaFolder = schemaFolder
    }

    /// A schema file's path as readers know it, e.g. `Schemas/models/Note.schema.json` for `models/Note.schema.json`.
    func schemaPath(_ source: String) -> String {
        "\(schemaFolder)/\(source)"
    }

    /// Appends one line at the current indentation (an empty line has no trailing spaces).
    mutating func line(_ content: String = "") {
        guard !content.isEmpty else {
            text += "\n"
            return
        }
        text += String(repeating: "    ", count: indentation) + withAccess(content) + "\n"
    }

    /// `content` with a leading `public ` replaced by the access level (dropped for `internal`, the default).
    private func withAccess(_ content: String) -> String {
        guard access != .public, content.hasPrefix("public ") else { return content }
        let declaration = content.dropFirst("public ".count)
        return access == .internal ? String(declaration) : "\(access.rawValue) \(declaration)"
    }

    /// Appends `opener {`, the body one level deeper, and `}` (plus `closerSuffix`).
    mutating func block(_ opener: String, closerSuffix: String = "", _ body: (inout SwiftSource) -> Void) {
        line(opener + " {")
        indentation += 1
        body(&self)
        indentation -= 1
        line("}" + closerSuffix)
    }

    /// Appends `switch subject {`, the cases at the same indentation (Swift style), and `}`.
    mutating func switchBlock(_ subject: String, _ body: (inout SwiftSource) -> Void) {
        line("switch \(subject) {")
        body(&self)
        line("}")
    }

    /// Appends `head` + `items` joined by `, ` + `tail` on one line when it fits; otherwise `head` ends the
    /// first line and the items follow, packed onto continuation lines one level deeper, with `tail` after the
    /// last one.
    mutating func wrapped(_ head: String, _ items: [String], _ tail: String) {
        let single = head + items.joined(separator: ", ") + tail
        let width = Self.lineWidth - indentation * 4
        guard single.count > width, !items.isEmpty else {
            line(single)
            return
        }
        line(head.trimmingTrailingSpaces)
        indented { body in
            var current = ""
            for (index, item) in items.enumerated() {
                let piece = item + (index == items.count - 1 ? tail : ",")
                if current.isEmpty {
                    current = piece
                } else if current.count + 1 + piece.count <= width - 4 {
                    current += " " + piece
                } else {
                    body.line(current)
                    current = piece
                }
            }
            body.line(current)
        }
    }

    /// Appends `head(parameters) {` on one line when it fits, otherwise the parameters packed on their own lines
    /// and `) {` on a line of its own, then the body and `}`.
    mutating func function(_ head: String, _ parameters: [String], _ body: (inout SwiftSource) -> Void) {
        let single = head + "(" + parameters.joined(separator: ", ") + ")"
        if single.count + 2 <= Self.lineWidth - indentation * 4 {
            block(single, body)
            return
        }
        wrapped(head + "(", parameters, "")
        line(") {")
        indented(body)
        line("}")
    }

    /// Appends `<statement>`, or, when it does not fit and ends in a one-expression trailing closure
    /// (`… { reader, context in <body> }`), the closure body on its own line.
    mutating func statement(_ statement: String) {
        let width = Self.lineWidth - indentation * 4
        guard statement.count > width, statement.hasSuffix(" }"), let open = statement.range(of: " in ") else {
            line(statement)
            return
        }
        line(String(statement[..<open.lowerBound]) + " in")
        indented { $0.line(String(statement[open.upperBound...].dropLast(2))) }
        line("}")
    }

    /// Appends `guard <conditions> else { <exit> }`, wrapping the conditions when they do not fit.
    mutating func guardElse(_ conditions: [String], _ exit: String) {
        let single = "guard " + conditions.joined(separator: ", ") + " else { \(exit) }"
        if single.count <= Self.lineWidth - indentation * 4 {
            line(single)
            return
        }
        wrapped("guard ", conditions, "")
        line("else { \(exit) }")
    }

    /// Appends the lines `body` produces one level deeper, without braces (a `case` body).
    mutating func indented(_ body: (inout SwiftSource) -> Void) {
        indentation += 1
        body(&self)
        indentation -= 1
    }

    /// Appends a `///` comment, each paragraph (separated by an empty line) wrapped to the line width.
    mutating func documentation(_ paragraphs: [String]) {
        let width = Self.lineWidth - indentation * 4 - 4
        for (index, paragraph) in paragraphs.enumerated() {
            if index > 0 { line("///") }
            for wrapped in Self.wrap(paragraph, width: width) { line("/// " + wrapped) }
        }
    }

    /// Appends a `///` comment of one paragraph.
    mutating func documentation(_ paragraph: String) {
        documentation([paragraph])
    }

    /// Splits `text` into lines of at most `width` characters at spaces (a longer word stays whole).
    static func wrap(_ text: String, width: Int) -> [String] {
        var lines: [String] = []
        var current = ""
        for word in text.split(separator: " ", omittingEmptySubsequences: true) {
            if current.isEmpty {
                current = String(word)
            } else if current.count + 1 + word.count <= width {
                current += " " + word
            } else {
                lines.append(current)
                current = String(word)
            }
        }
        if !current.isEmpty { lines.append(current) }
        return lines
    }
}

extension String {
    /// The string without trailing spaces.
    var trimmingTrailingSpaces: String {
        var text = self
        while text.hasSuffix(" ") { text.removeLast() }
        return text
    }
}

/// Swift literal spelling.
enum SwiftLiteral {
    /// `text` as a Swift string literal.
    static func string(_ text: String) -> String {
        "\"" + escaped(text) + "\""
    }

    /// `text` escaped for use inside a Swift string literal.
    static func escaped(_ text: String) -> String {
        var result = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\\": result += "\\\\"
            case "\"": result += "\\\""
            case "\n": result += "\\n"
            case "\t": result += "\\t"
            case "\r": result += "\\r"
            default:
                if scalar.value < 0x20 || scalar.value == 0x7F {
                    result += "\\u{\(String(scalar.value, radix: 16))}"
                } else {
                    result.unicodeScalars.append(scalar)
                }
            }
        }
        return result
    }

    /// A Swift array literal of string literals.
    static func stringArray(_ values: [String]) -> String {
        "[" + values.map(string).joined(separator: ", ") + "]"
    }
}

/// `count` and `noun`, plural unless `count` is 1: "1 character", "3 elements".
func counted(_ count: Int, _ noun: String) -> String {
    "\(count) \(noun)\(count == 1 ? "" : "s")"
}

/// The first line of every generated Swift file.
func generatedHeader(source: String) -> String {
    // The second line keeps `swift format` off generated files: the generator owns their layout.
    "// Generated by hypergraph-codegen from \(source). DO NOT EDIT.\n// swift-format-ignore-file"
}
