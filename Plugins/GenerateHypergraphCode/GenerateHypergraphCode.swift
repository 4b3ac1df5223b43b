import Foundation
import PackagePlugin

/// `swift package --allow-writing-to-package-directory generate-hypergraph-code --target T`: runs
/// hypergraph-codegen on the package's schema folder (default `Schemas/`) and writes the Swift into the target's
/// `Generated/` folder. The options are documented in docs/schemas.md and printed by `--help`.
@main
struct GenerateHypergraphCode: CommandPlugin {
    func performCommand(context: PluginContext, arguments: [String]) async throws {
        var extractor = ArgumentExtractor(arguments)
        if extractor.extractFlag(named: "help") > 0 {
            print(Self.help)
            return
        }
        let targetNames = extractor.extractOption(named: "target")
        let schemas = extractor.extractOption(named: "schemas").last ?? "Schemas"
        let access = extractor.extractOption(named: "access").last
        let docs = extractor.extractOption(named: "docs").last
        let check = extractor.extractFlag(named: "check") > 0
        guard extractor.remainingArguments.isEmpty else {
            throw PluginError("unexpected arguments \(extractor.remainingArguments); see --help\n\(Self.help)")
        }
        guard !targetNames.isEmpty else {
            throw PluginError("name the target to generate into with --target (see --help)")
        }
        let package = context.package.directoryURL.standardizedFileURL
        let tool = try context.tool(named: "hypergraph-codegen")
        for target in try context.package.targets(named: targetNames) {
            guard target is SourceModuleTarget else {
                throw PluginError("target \(target.name) has no Swift sources to generate into")
            }
            var arguments = [
                "--schemas", schemas,
                "--output", Self.path(of: target.directoryURL.appending(path: "Generated"), in: package),
            ]
            if let access { arguments += ["--access", access] }
            if let docs { arguments += ["--docs", docs] }
            if check { arguments.append("--check") }
            try Self.run(tool.url, arguments, in: package)
        }
    }

    /// Runs the generator in the package folder, so the paths it prints are relative to the package.
    static func run(_ executable: URL, _ arguments: [String], in folder: URL) throws {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        process.currentDirectoryURL = folder
        try process.run()
        process.waitUntilExit()
        guard process.terminationReason == .exit, process.terminationStatus == 0 else {
            throw PluginError(
                "hypergraph-codegen \(arguments.joined(separator: " ")) failed with status \(process.terminationStatus)"
            )
        }
    }

    /// `url` relative to `package` when it is inside it (targets always are), otherwise absolute.
    static func path(of url: URL, in package: URL) -> String {
        let path = url.standardizedFileURL.path
        let base = package.path.hasSuffix("/") ? package.path : package.path + "/"
        return path.hasPrefix(base) ? String(path.dropFirst(base.count)) : path
    }

    static let help = """
        USAGE: swift package --allow-writing-to-package-directory generate-hypergraph-code --target <target> \
        [--schemas <folder>] [--access public|package|internal] [--docs <file>] [--check]

          --target   The target whose Generated/ folder receives the Swift files (repeatable).
          --schemas  The folder of *.schema.json files, relative to the package (default: Schemas).
          --access   Access level of the generated declarations (default: public).
          --docs     Also write the Markdown reference of the types to this file, relative to the package.
          --check    Write nothing; fail and list the stale files when the generated code is not current.
        """
}

/// A failure the plugin reports to `swift package`.
struct PluginError: Error, CustomStringConvertible {
    /// What went wrong.
    var description: String

    init(_ description: String) {
        self.description = description
    }
}
