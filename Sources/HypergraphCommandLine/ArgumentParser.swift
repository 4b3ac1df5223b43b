// Turns a list of words into a selected command and its ParsedArguments, following the conventions users know
// from swift-argument-parser: `--name value`, `--name=value`, `-n value`, `--` ends options, `-h`/`--help`
// anywhere shows help, unknown options are rejected with a suggestion.

/// What parsing decided to do.
public enum ParseOutcome: Sendable {
    /// Run the action of the leaf command with these arguments.
    case run(Command, ParsedArguments)
    /// Show the help of the command at this path (the user asked for it).
    case help([Command])
    /// Print this version (`--version` on a command group that has one).
    case version(String)
}

/// Parses `words` (without the executable name) against `root`.
public func parseArguments(_ words: [String], root: Command) throws -> ParseOutcome {
    var chain = [root]
    var index = 0
    // Select subcommands: leading words that name a child of the current command.
    while let current = chain.last, !current.subcommands.isEmpty {
        guard index < words.count else {
            throw UsageError(
                "Missing subcommand: expected one of \(quotedList(current.subcommands.map(\.name))).",
                commandPath: chain.map(\.name))
        }
        let word = words[index]
        if word == "-h" || word == "--help" { return .help(chain) }
        if word == "--version", let version = current.version { return .version(version) }
        if word == "help" {
            // `tool help a b` shows the help of `tool a b`; a word naming no subcommand is a usage error.
            var target = chain
            for name in words[(index + 1)...] {
                guard let current = target.last, let child = current.subcommands.first(where: { $0.name == name })
                else {
                    throw unknownSubcommand(name, of: target)
                }
                target.append(child)
            }
            return .help(target)
        }
        guard let child = current.subcommands.first(where: { $0.name == word }) else {
            throw unknownSubcommand(word, of: chain)
        }
        chain.append(child)
        index += 1
    }
    let leaf = chain[chain.count - 1]
    var parser = LeafParser(command: leaf, path: chain.map(\.name))
    if try parser.parse(Array(words[index...])) == .help { return .help(chain) }
    return .run(leaf, parser.result)
}

/// The usage error for `word` where a subcommand of the last command of `chain` was expected.
private func unknownSubcommand(_ word: String, of chain: [Command]) -> UsageError {
    let kind = word.hasPrefix("-") ? "option" : "subcommand"
    let names = chain.last?.subcommands.map(\.name) ?? []
    let expected = names.isEmpty ? " ('\(chain.map(\.name).joined(separator: " "))' has no subcommands)" : ""
    return UsageError(
        "Unknown \(kind) '\(word)'\(expected).\(suggestion(for: word, among: names))", commandPath: chain.map(\.name))
}

/// Parses the words that follow a leaf command.
private struct LeafParser {
    enum Outcome { case parsed, help }

    let command: Command
    let path: [String]
    var result: ParsedArguments
    var positionalWords: [String] = []

    init(command: Command, path: [String]) {
        self.command = command
        self.path = path
        var defaults: [String: String] = [:]
        for option in command.options { defaults[option.name] = option.defaultValue }
        result = ParsedArguments(commandPath: path, values: [:], flags: [], positionals: [:], defaults: defaults)
    }

    mutating func parse(_ words: [String]) throws -> Outcome {
        var index = 0
        var optionsEnded = false
        while index < words.count {
            let word = words[index]
            index += 1
            if optionsEnded || word == "-" || !word.hasPrefix("-") || isNegativeNumber(word) {
                positionalWords.append(word)
                continue
            }
            if word == "--" {
                optionsEnded = true
                continue
            }
            if word == "-h" || word == "--help" { return .help }
            let (option, spelling, inlineValue) = try resolve(word)
            switch option.kind {
            case .flag:
                if inlineValue != nil { throw error("Option '\(spelling)' does not take a value.") }
                result.flags.insert(option.name)
            case .value, .repeatedValue:
                let value: String
                if let inlineValue {
                    value = inlineValue
                } else if index < words.count, !looksLikeOption(words[index]) {
                    value = words[index]
                    index += 1
                } else {
                    throw error("Missing value for '\(spelling) \(valuePlaceholder(option))'.")
                }
                if !option.allowedValues.isEmpty, !option.allowedValues.contains(value) {
                    throw error(
                        "The value '\(value)' is invalid for '\(spelling)'. Please provide one of \(quotedList(option.allowedValues))."
                    )
                }
                result.values[option.name, default: []].append(value)
            }
        }
        try assignPositionals()
        if let missing = command.options.first(where: { $0.isRequired && result.values[$0.name] == nil }) {
            throw error("Missing expected option '\(valueSpelling(missing))'.")
        }
        return .parsed
    }

    /// Finds the option a word names: `--name`, `--name=value`, `-n`.
    func resolve(_ word: String) throws -> (Option, String, String?) {
        if word.hasPrefix("--") {
            let body = word.dropFirst(2)
            let name: Substring
            let inlineValue: String?
            if let equals = body.firstIndex(of: "=") {
                name = body[..<equals]
                inlineValue = String(body[body.index(after: equals)...])
            } else {
                name = body
                inlineValue = nil
            }
            guard let option = command.options.first(where: { $0.name == name }) else {
                let names = command.options.map { "--" + $0.name } + ["--help"]
                throw error("Unknown option '--\(name)'.\(suggestion(for: "--" + name, among: names))")
            }
            return (option, "--\(name)", inlineValue)
        }
        let letters = word.dropFirst()
        guard letters.count == 1, let letter = letters.first,
            let option = command.options.first(where: { $0.shortName == letter })
        else {
            throw error("Unknown option '\(word)'.")
        }
        return (option, word, nil)
    }

    mutating func assignPositionals() throws {
        var remaining = positionalWords[...]
        for argument in command.arguments {
            if argument.isVariadic {
                result.positionals[argument.name] = Array(remaining)
                remaining = []
            } else if let first = remaining.first {
                result.positionals[argument.name] = [first]
                remaining = remaining.dropFirst()
            } else if !argument.isOptional {
                throw error("Missing expected argument '<\(argument.name)>'.")
            }
        }
        if let extra = remaining.first { throw error("Unexpected argument '\(extra)'.") }
    }

    func error(_ message: String) -> UsageError { UsageError(message, commandPath: path) }
}

/// Whether a word is an option rather than a value: `-x`, `--x`, but not `-`, `-5` or `-1.5`.
private func looksLikeOption(_ word: String) -> Bool {
    word.hasPrefix("-") && word != "-" && !isNegativeNumber(word)
}

private func isNegativeNumber(_ word: String) -> Bool {
    word.count > 1 && word.hasPrefix("-") && Double(word.dropFirst()) != nil
}

/// `'a', 'b' or 'c'`.
func quotedList(_ items: [String]) -> String {
    let quoted = items.map { "'\($0)'" }
    guard quoted.count > 1 else { return quoted.first ?? "" }
    return quoted.dropLast().joined(separator: ", ") + " or " + quoted[quoted.count - 1]
}

/// ` Did you mean 'x'?` for the closest candidate within a small edit distance, else an empty string.
private func suggestion(for word: String, among candidates: [String]) -> String {
    let scored = candidates.map { ($0, editDistance(word, $0)) }.filter { $0.1 <= max(2, word.count / 3) }
    guard let best = scored.min(by: { $0.1 < $1.1 }) else { return "" }
    return " Did you mean '\(best.0)'?"
}

/// Levenshtein distance between two strings, by characters.
private func editDistance(_ a: String, _ b: String) -> Int {
    let a = Array(a)
    let b = Array(b)
    var previous = Array(0...b.count)
    for (i, charA) in a.enumerated() {
        var current = [i + 1]
        for (j, charB) in b.enumerated() {
            current.append(min(previous[j + 1] + 1, current[j] + 1, previous[j] + (charA == charB ? 0 : 1)))
        }
        previous = current
    }
    return previous[b.count]
}
