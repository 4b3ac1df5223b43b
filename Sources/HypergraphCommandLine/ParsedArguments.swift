// The values a command received, with typed accessors that turn bad values into usage errors.

/// The result of parsing a leaf command's arguments.
public struct ParsedArguments: Sendable {
    /// The words that selected the command, e.g. `["hypergraph", "message", "validate"]`.
    public var commandPath: [String]
    var values: [String: [String]]
    var flags: Set<String>
    var positionals: [String: [String]]
    var defaults: [String: String]

    /// Whether the boolean flag `--name` was given.
    public func flag(_ name: String) -> Bool { flags.contains(name) }

    /// The last value of `--name`, or its declared default, or nil.
    public func value(_ name: String) -> String? { values[name]?.last ?? defaults[name] }

    /// Every value given for a repeatable option, in order.
    public func values(_ name: String) -> [String] { values[name] ?? [] }

    /// Whether `--name` was given explicitly (defaults do not count).
    public func isPresent(_ name: String) -> Bool { values[name] != nil || flags.contains(name) }

    /// The value of the positional argument `name`, or nil when it was left out.
    public func argument(_ name: String) -> String? { positionals[name]?.first }

    /// All values of a variadic positional argument.
    public func arguments(_ name: String) -> [String] { positionals[name] ?? [] }

    /// The value of `--name` as an integer within `range`, or nil when absent without default.
    public func integer(_ name: String, in range: ClosedRange<Int> = Int.min...Int.max) throws -> Int? {
        guard let text = value(name) else { return nil }
        guard let number = Int(text), range.contains(number) else {
            let bounds =
                range == Int.min...Int.max ? "an integer" : "an integer in \(range.lowerBound)...\(range.upperBound)"
            throw UsageError("Invalid value '\(text)' for '--\(name)': expected \(bounds).", commandPath: commandPath)
        }
        return number
    }

    /// The value of `--name`, throwing a usage error naming the option when it is missing.
    public func required(_ name: String) throws -> String {
        guard let text = value(name) else {
            throw UsageError("Missing expected option '--\(name)'.", commandPath: commandPath)
        }
        return text
    }

    /// A usage error attributed to this command, for checks done after parsing.
    public func usageError(_ message: String) -> UsageError { UsageError(message, commandPath: commandPath) }
}

/// A mistake in how a command was invoked. The runner prints it with the command's usage and exits with status 2.
public struct UsageError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What was wrong, as one sentence.
    public var message: String
    /// The words of the command that rejected the arguments.
    public var commandPath: [String]

    /// Creates a usage error for the command at `commandPath`.
    public init(_ message: String, commandPath: [String]) {
        self.message = message
        self.commandPath = commandPath
    }

    /// The message alone.
    public var description: String { message }
}
