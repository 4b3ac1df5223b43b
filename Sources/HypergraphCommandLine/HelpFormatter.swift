// Renders help text in the layout users know from swift-argument-parser: OVERVIEW, USAGE, ARGUMENTS, OPTIONS,
// SUBCOMMANDS.

/// The help text of the last command in `chain` (the chain holds the root first).
public func helpText(for chain: [Command]) -> String {
    guard let command = chain.last else { return "" }
    var lines: [String] = []
    lines.append("OVERVIEW: \(command.abstract)")
    if !command.discussion.isEmpty {
        lines.append("")
        lines.append(command.discussion)
    }
    lines.append("")
    lines.append("USAGE: \(usageLine(for: chain))")
    if !command.arguments.isEmpty {
        lines.append("")
        lines.append("ARGUMENTS:")
        for argument in command.arguments {
            lines.append(row("<\(argument.name)>\(argument.isVariadic ? " ..." : "")", argument.help))
        }
    }
    lines.append("")
    lines.append("OPTIONS:")
    for option in command.options {
        var help = option.help
        if option.isRequired { help += " (required)" }
        if let defaultValue = option.defaultValue { help += " (default: \(defaultValue))" }
        if !option.allowedValues.isEmpty {
            help += " [values: \(option.allowedValues.joined(separator: ", "))]"
        }
        lines.append(row(optionSpelling(option), help))
    }
    if command.version != nil { lines.append(row("--version", "Show the version.")) }
    lines.append(row("-h, --help", "Show help information."))
    if !command.subcommands.isEmpty {
        lines.append("")
        lines.append("SUBCOMMANDS:")
        for subcommand in command.subcommands { lines.append(row(subcommand.name, subcommand.abstract)) }
        lines.append("")
        lines.append("  See '\(chain.map(\.name).joined(separator: " ")) help <subcommand>' for detailed help.")
    }
    return lines.joined(separator: "\n") + "\n"
}

/// `hypergraph message sign --key <0x<64 hex>> [<file>]`: required options bare, the others in brackets.
public func usageLine(for chain: [Command]) -> String {
    guard let command = chain.last else { return "" }
    var parts = [chain.map(\.name).joined(separator: " ")]
    if !command.subcommands.isEmpty {
        parts.append("<subcommand>")
    }
    for option in command.options {
        let spelling = valueSpelling(option)
        parts.append(
            option.isRequired ? spelling : option.kind == .repeatedValue ? "[\(spelling) ...]" : "[\(spelling)]")
    }
    for argument in command.arguments {
        let name = "<\(argument.name)>\(argument.isVariadic ? " ..." : "")"
        parts.append(argument.isOptional || argument.isVariadic ? "[\(name)]" : name)
    }
    return parts.joined(separator: " ")
}

/// `--name <value>` for options taking a value, `--name` for flags.
func valueSpelling(_ option: Option) -> String {
    option.kind == .flag ? "--\(option.name)" : "--\(option.name) \(valuePlaceholder(option))"
}

/// `<value>`: the option's value name as help and errors show it.
func valuePlaceholder(_ option: Option) -> String {
    "<\(option.valueName.lowercased())>"
}

private func optionSpelling(_ option: Option) -> String {
    (option.shortName.map { "-\($0), " } ?? "") + valueSpelling(option)
}

/// Two-column row: the left column padded to a fixed width, wrapping to a new line when it is too long.
private func row(_ left: String, _ right: String) -> String {
    let width = 26
    let indented = "  " + left
    if indented.count >= width - 1 {
        return indented + "\n" + String(repeating: " ", count: width) + right
    }
    return indented + String(repeating: " ", count: width - indented.count) + right
}
