import Foundation
import HypergraphCommandLine

/// `hypergraph-codegen`: generates Swift (and a Markdown reference) from a folder of schemas, or checks that the
/// committed output is current. Without options it regenerates this repository's own protocol.
@main
enum CodegenCommand {
    static let command = Command(
        name: "hypergraph-codegen",
        abstract: "Generate Swift codecs (and a message reference) from a folder of JSON Schema files.",
        discussion: """
            With --schemas and --output, reads every *.schema.json below the schema folder and writes one Swift \
            file per type into the output folder, which holds generated files only (others there are removed); \
            --docs also writes the Markdown reference. Generated code imports HypergraphCodec. Without them, \
            regenerates this repository: Schemas/ into Sources/HypergraphProtocol/Generated/ and docs/messages.md. \
            Output is deterministic. With --check nothing is written; the command lists the stale files and exits \
            with status 1 when the output on disk differs from what the schemas produce.
            """,
        options: [
            .value("schemas", valueName: "DIR", help: "The folder of *.schema.json files (needs --output)."),
            .value("output", valueName: "DIR", help: "The folder for the generated Swift files (needs --schemas)."),
            .value("docs", valueName: "FILE", help: "Also write the Markdown reference of the types to FILE."),
            .value(
                "access", valueName: "LEVEL", help: "Access level of the generated declarations.", default: "public",
                allowed: AccessLevel.allCases.map(\.rawValue)),
            .flag("check", help: "Only compare; exit 1 and name the stale files when the output is not current."),
            .value(
                "root", valueName: "PATH",
                help: "Repository root when regenerating this repository (default: the nearest folder with "
                    + "Package.swift and Schemas/)."),
        ],
        action: { arguments in
            try run(check: arguments.flag("check"), configuration: configuration(from: arguments))
        })

    static func main() async {
        await runCommandLine(command)
    }

    /// The configuration the options describe; relative paths are taken from the current folder.
    static func configuration(from arguments: ParsedArguments) throws -> CodegenConfiguration {
        let current = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
        let schemas = arguments.value("schemas")
        let output = arguments.value("output")
        guard let schemas, let output else {
            if schemas != nil || output != nil {
                throw arguments.usageError(
                    "--schemas and --output go together: give both, or neither to regenerate this repository")
            }
            for option in ["docs", "access"] where arguments.isPresent(option) {
                throw arguments.usageError("--\(option) needs --schemas and --output")
            }
            let root =
                try arguments.value("root").map { URL(fileURLWithPath: $0, relativeTo: current) }
                ?? Codegen.repositoryRoot(from: current)
            return .repository(root: root.standardizedFileURL)
        }
        if arguments.isPresent("root") {
            throw arguments.usageError("--root is for regenerating this repository; it does not go with --schemas")
        }
        var isDirectory: ObjCBool = false
        let schemaFolder = URL(fileURLWithPath: schemas, relativeTo: current).standardizedFileURL
        guard FileManager.default.fileExists(atPath: schemaFolder.path, isDirectory: &isDirectory),
            isDirectory.boolValue
        else {
            throw arguments.usageError("--schemas \(schemas): no such folder")
        }
        let access = AccessLevel(rawValue: arguments.value("access") ?? "") ?? .public
        return CodegenConfiguration(
            schemas: schemaFolder, outputFolder: trimmingTrailingSlashes(output),
            documentation: arguments.value("docs"), access: access, base: current)
    }

    /// Runs the generator; returns the exit status.
    static func run(check: Bool, configuration: CodegenConfiguration) throws -> Int32 {
        let output: GeneratedOutput
        do {
            output = try Codegen.output(configuration)
        } catch let error as GeneratorError {
            writeStandardError("hypergraph-codegen: \(error)\n")
            return ExitStatus.failure
        }
        if check {
            let stale = output.staleness(root: configuration.base)
            guard !stale.isEmpty else {
                writeStandardOutput("hypergraph-codegen: \(output.files.count) files up to date\n")
                return ExitStatus.success
            }
            writeStandardError(
                stale.map { "stale: \($0)\n" }.joined()
                    + "hypergraph-codegen: generated output is out of date; run the same command without --check\n")
            return ExitStatus.failure
        }
        let written = try output.write(root: configuration.base)
        writeStandardOutput(
            written.map { "wrote \($0.path) (was \($0.summary))\n" }.joined()
                + "hypergraph-codegen: \(output.files.count) files, \(written.count) updated\n")
        return ExitStatus.success
    }

    /// `path` without trailing `/` (kept when it is the root), so output paths read `Generated/X.swift`.
    private static func trimmingTrailingSlashes(_ path: String) -> String {
        var path = path
        while path.count > 1, path.hasSuffix("/") { path.removeLast() }
        return path
    }
}
