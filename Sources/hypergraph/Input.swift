// Reading command input: a file path, or standard input for `-` or no path.
import Foundation
import HypergraphCommandLine

/// Where a command reads its input from.
enum InputSource {
    /// Reads the whole input named by a command's `[FILE|-]` argument: standard input when `path` is nil or `-`.
    static func read(_ path: String?) throws -> [UInt8] {
        guard let path, path != "-" else {
            return Array(FileHandle.standardInput.readDataToEndOfFile())
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw InputError(message: "cannot read '\(path)': no such file or not readable")
        }
        return Array(data)
    }

    /// Splits input into non-empty lines (for `--lines`), returning each line's bytes and its 1-based line number.
    static func lines(of bytes: [UInt8]) -> [(number: Int, bytes: ArraySlice<UInt8>)] {
        var lines: [(Int, ArraySlice<UInt8>)] = []
        var number = 0
        for line in bytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false) {
            number += 1
            let trimmed = line.last == UInt8(ascii: "\r") ? line.dropLast() : line
            if trimmed.contains(where: { $0 != UInt8(ascii: " ") && $0 != UInt8(ascii: "\t") }) {
                lines.append((number, trimmed))
            }
        }
        return lines
    }
}

/// A problem reading a command's input.
struct InputError: Error, Sendable, CustomStringConvertible {
    /// What went wrong, naming the input.
    var message: String
    var description: String { message }
}

/// The argument every message command takes: a file, or `-`/nothing for standard input.
let inputArgument = Argument(
    "file", help: "A JSON file to read, or '-' (the default) for standard input.", optional: true)
