// The declarative description of a command-line interface: commands, their options and positional arguments.
// Values only; parsing lives in ArgumentParser.swift, help rendering in HelpFormatter.swift.

/// One command of a tool: either a group of subcommands or a leaf with an action.
public struct Command: Sendable {
    /// The word that selects this command, e.g. `validate` in `hypergraph message validate`.
    public var name: String
    /// One-line summary shown in help listings.
    public var abstract: String
    /// Longer text shown below the usage line of this command's own help, or empty.
    public var discussion: String
    /// Named options (`--name value`, `--name=value`, `-n value`, or boolean flags).
    public var options: [Option]
    /// Positional arguments in order.
    public var arguments: [Argument]
    /// Child commands; a command with children selects one of them instead of running an action.
    public var subcommands: [Command]
    /// The action of a leaf command. It returns the process exit status.
    public var action: (@Sendable (ParsedArguments) async throws -> Int32)?
    /// The version a command group prints for `--version` (a tool's root command), or nil.
    public var version: String?

    /// Creates a leaf command that runs `action` with the parsed arguments.
    public init(
        name: String,
        abstract: String,
        discussion: String = "",
        options: [Option] = [],
        arguments: [Argument] = [],
        action: @escaping @Sendable (ParsedArguments) async throws -> Int32
    ) {
        self.name = name
        self.abstract = abstract
        self.discussion = discussion
        self.options = options
        self.arguments = arguments
        self.subcommands = []
        self.action = action
    }

    /// Creates a command group that dispatches to `subcommands`; with a `version`, `--version` prints it.
    public init(
        name: String, abstract: String, discussion: String = "", version: String? = nil, subcommands: [Command]
    ) {
        self.name = name
        self.abstract = abstract
        self.discussion = discussion
        self.options = []
        self.arguments = []
        self.subcommands = subcommands
        self.action = nil
        self.version = version
    }
}

/// A named option of a command.
public struct Option: Sendable {
    /// How an option consumes input.
    public enum Kind: Sendable, Equatable {
        /// A boolean switch: present or absent, takes no value.
        case flag
        /// Takes exactly one value; the last occurrence wins.
        case value
        /// Takes one value per occurrence; all are kept in order.
        case repeatedValue
    }

    /// Long name without dashes, e.g. `port` for `--port`.
    public var name: String
    /// Optional one-letter short name, e.g. `p` for `-p`.
    public var shortName: Character?
    /// Whether the option is a flag or takes values.
    public var kind: Kind
    /// Placeholder shown in help for the value, e.g. `PORT`.
    public var valueName: String
    /// One-line help text.
    public var help: String
    /// The value used when the option is absent, shown in help as `(default: …)`.
    public var defaultValue: String?
    /// When non-empty, the only values accepted (checked while parsing).
    public var allowedValues: [String]
    /// Whether the command cannot run without this option (checked while parsing; shown without brackets in the
    /// usage line). Only value options can be required.
    public var isRequired = false

    /// Creates an option that takes a value; a `required` one must be given (it has no default).
    public static func value(
        _ name: String, short: Character? = nil, valueName: String? = nil, help: String,
        default defaultValue: String? = nil, allowed allowedValues: [String] = [], required: Bool = false
    ) -> Option {
        precondition(!required || defaultValue == nil, "--\(name): a required option has no default")
        return Option(
            name: name, shortName: short, kind: .value, valueName: valueName ?? name.uppercased(), help: help,
            defaultValue: defaultValue, allowedValues: allowedValues, isRequired: required)
    }

    /// Creates an option that may be repeated, each occurrence taking a value.
    public static func repeated(_ name: String, valueName: String? = nil, help: String) -> Option {
        Option(
            name: name, shortName: nil, kind: .repeatedValue, valueName: valueName ?? name.uppercased(), help: help,
            defaultValue: nil, allowedValues: [])
    }

    /// Creates a boolean flag.
    public static func flag(_ name: String, short: Character? = nil, help: String) -> Option {
        Option(
            name: name, shortName: short, kind: .flag, valueName: "", help: help, defaultValue: nil,
            allowedValues: [])
    }
}

/// A positional argument of a command.
public struct Argument: Sendable {
    /// Name used in help and to look the value up, e.g. `file`.
    public var name: String
    /// One-line help text.
    public var help: String
    /// Whether the argument may be left out.
    public var isOptional: Bool
    /// Whether the argument takes all remaining positional values (must be last).
    public var isVariadic: Bool

    /// Creates a positional argument.
    public init(_ name: String, help: String, optional: Bool = false, variadic: Bool = false) {
        self.name = name
        self.help = help
        self.isOptional = optional
        self.isVariadic = variadic
    }
}
