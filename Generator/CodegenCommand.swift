import Foundation
import HypergraphCommandLine

/// `hypergraph-codegen`: regenerates the codec's Swift and docs/messages.md from Schemas/, or checks that the
/// committed output is current.
@main
enum CodegenCommand {
    static let command = Command(
        name: "hypergraph-codegen",
        abstract: "Generate the protocol codec and message reference from Schemas/.",
        discussion: """
            Reads Schemas/ and writes Sources/HypergraphProtocol/Generated/*.swift and docs/messages.md. Output is \
            deterministic. With --check nothing is written; the command lists the stale files and exits with status 1 \
            when the committed output differs from what the schemas produce.
            """,
        options: [
            .flag("check", help: "Only compare; exit 1 and name the stale files when the output is not current."),
            .value(
                "root", valueName: "PATH",
                help: "Repository root (default: the nearest folder with Package.swift and Schemas/)."),
        ],
        action: { arguments in
            try run(check: arguments.flag("check"), root: arguments.value("root"))
        })

    static func main() async {
        await runCommandLine(command)
    }

    /// Runs the generator; returns the exit status.
    static func run(check: Bool, root: String?) throws -> Int32 {
        let current = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
        let rootURL =
            try root.map { URL(fileURLWithPath: $0, relativeTo: current) } ?? Codegen.repositoryRoot(from: current)
        let output: GeneratedOutput
        do {
            output = try Codegen.output(root: rootURL)
        } catch let error as GeneratorError {
            writeStandardError("hypergraph-codegen: \(error)\n")
            return ExitStatus.failure
        }
        if check {
            let stale = output.staleness(root: rootURL)
            guard !stale.isEmpty else {
                writeStandardOutput("hypergraph-codegen: \(output.files.count) files up to date\n")
                return ExitStatus.success
            }
            writeStandardError(
                stale.map { "stale: \($0)\n" }.joined()
                    + "hypergraph-codegen: generated output is out of date; run `swift run hypergraph-codegen`\n")
            return ExitStatus.failure
        }
        let written = try output.write(root: rootURL)
        writeStandardOutput(
            written.map { "wrote \($0.path) (was \($0.summary))\n" }.joined()
                + "hypergraph-codegen: \(output.files.count) files, \(written.count) updated\n")
        return ExitStatus.success
    }
}
