// Runs a command tree as a process: parse, show help or errors, run the action, exit with its status.
#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Exit statuses shared by every tool of the toolkit.
public enum ExitStatus {
    /// Success.
    public static let success: Int32 = 0
    /// The command ran and found a problem (invalid input, failed check).
    public static let failure: Int32 = 1
    /// The command was invoked wrongly (unknown option, missing argument, bad value).
    public static let usage: Int32 = 2
}

/// Parses `arguments` (including the executable name, as in `CommandLine.arguments`), runs the selected
/// command and exits the process with its status. Help goes to standard output; errors go to standard error.
public func runCommandLine(_ root: Command, arguments: [String] = CommandLine.arguments) async -> Never {
    exit(await runCommand(root, words: Array(arguments.dropFirst())))
}

/// Parses and runs without exiting, returning the exit status (used by tests and by `runCommandLine`).
public func runCommand(_ root: Command, words: [String]) async -> Int32 {
    do {
        switch try parseArguments(words, root: root) {
        case .help(let chain):
            writeStandardOutput(helpText(for: chain))
            return ExitStatus.success
        case .version(let version):
            writeStandardOutput(version + "\n")
            return ExitStatus.success
        case .run(let command, let parsed):
            guard let action = command.action else { return ExitStatus.usage }
            return try await action(parsed)
        }
    } catch let error as UsageError {
        writeStandardError(usageErrorText(error, root: root))
        return ExitStatus.usage
    } catch {
        writeStandardError("Error: \(error)\n")
        return ExitStatus.failure
    }
}

/// The text printed for a usage error: the error, the usage line, and where to find help.
func usageErrorText(_ error: UsageError, root: Command) -> String {
    var chain = [root]
    for name in error.commandPath.dropFirst() {
        guard let child = chain.last?.subcommands.first(where: { $0.name == name }) else { break }
        chain.append(child)
    }
    let path = chain.map(\.name).joined(separator: " ")
    return "Error: \(error.message)\nUsage: \(usageLine(for: chain))\n  See '\(path) --help' for more information.\n"
}

/// Writes text to standard output unbuffered, so it interleaves correctly with standard error.
public func writeStandardOutput(_ text: String) { writeAll(text, to: STDOUT_FILENO) }

/// Writes text to standard error.
public func writeStandardError(_ text: String) { writeAll(text, to: STDERR_FILENO) }

private func writeAll(_ text: String, to descriptor: Int32) {
    var bytes = Array(text.utf8)
    bytes.withUnsafeMutableBytes { buffer in
        var offset = 0
        while offset < buffer.count {
            let written = write(descriptor, buffer.baseAddress! + offset, buffer.count - offset)
            if written < 0 {
                if errno == EINTR { continue }
                return
            }
            offset += written
        }
    }
}
