// The `hypergraph` command-line tool: one entry point for every user-facing task of the toolkit.
import HypergraphCommandLine
import HypergraphProtocol

let hypergraph = Command(
    name: "hypergraph",
    abstract: "Tools for the Hypergraph sync protocol.",
    version: HypergraphToolkit.version,
    subcommands: [
        ServerCommands.serve,
        IdentityCommands.group,
        ConformanceCommands.group,
        Command(
            name: "message",
            abstract: "Validate, format, sign and verify protocol messages.",
            subcommands: [
                MessageCommands.validate, MessageCommands.format, SigningCommands.verify, SigningCommands.sign,
            ]
        ),
        Command(name: "event", abstract: "Work with space events.", subcommands: [SigningCommands.eventHash]),
        Command(name: "key", abstract: "Manage signing keys.", subcommands: [KeyCommands.generate]),
    ]
)

await runCommandLine(hypergraph)
