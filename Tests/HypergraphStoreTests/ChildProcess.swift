import Foundation
import XCTest

@testable import HypergraphStore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Runs this test binary again as a child process that executes ``ChildProcessTests/testChildProcessEntryPoint()``
/// in one of the modes below, and reads the lines it reports on stderr.
///
/// Only Linux, where `/proc/self/exe` is the test executable itself; on macOS the tests using it are skipped.
/// Each report is written as "\n<TAG> <fields…>\n" in a single `write(2)` (well below `PIPE_BUF`, so it is atomic),
/// so XCTest's own output cannot split a report.
final class ChildProcess {
    enum Mode: String {
        /// Appends updates from many tasks to the given spaces until killed; reports "CONFIRMED space clock updateId"
        /// after each `.stored` result.
        case updateStorm = "update-storm"
        /// Creates identities one after the other; reports "CREATED appIdentityAddress" after each.
        case identities
    }

    static let modeVariable = "HYPERGRAPH_STORE_CHILD_MODE"
    static let databaseVariable = "HYPERGRAPH_STORE_CHILD_DATABASE"
    static let argumentVariable = "HYPERGRAPH_STORE_CHILD_ARGUMENT"

    private let process = Process()
    private let reports = Pipe()
    private var buffer: [UInt8] = []

    init(mode: Mode, databasePath: String, argument: String) throws {
        #if os(Linux)
            process.executableURL = URL(fileURLWithPath: "/proc/self/exe")
            process.arguments = ["HypergraphStoreTests.ChildProcessTests/testChildProcessEntryPoint"]
            var environment = ProcessInfo.processInfo.environment
            environment[Self.modeVariable] = mode.rawValue
            environment[Self.databaseVariable] = databasePath
            environment[Self.argumentVariable] = argument
            process.environment = environment
            process.standardOutput = FileHandle.nullDevice
            process.standardError = reports
            try process.run()
        #else
            throw XCTSkip("child processes of the test binary are only started on Linux")
        #endif
    }

    /// Reads reports with `tag` until `enough` says so or the child closes stderr (it exited or was killed).
    /// Returns the fields of every report read.
    func readReports(tag: String, until enough: ([[String]]) -> Bool = { _ in false }) -> [[String]] {
        var found: [[String]] = []
        let handle = reports.fileHandleForReading
        while !enough(found) {
            let chunk = handle.availableData
            if chunk.isEmpty { break } // End of file.
            buffer += chunk
            while let newline = buffer.firstIndex(of: UInt8(ascii: "\n")) {
                let line = String(decoding: buffer[..<newline], as: UTF8.self)
                buffer.removeSubrange(...newline)
                let fields = line.split(separator: " ").map(String.init)
                if fields.first == tag {
                    found.append(Array(fields.dropFirst()))
                }
            }
        }
        return found
    }

    /// Sends SIGKILL: the child gets no chance to finish anything.
    func kill() {
        _ = Foundation.kill(process.processIdentifier, SIGKILL)
    }

    /// Waits for the child to end; returns how it ended.
    func waitForExit() -> (status: Int32, reason: Process.TerminationReason) {
        process.waitUntilExit()
        return (process.terminationStatus, process.terminationReason)
    }

    /// Writes one report line to stderr in a single `write(2)`.
    static func report(_ tag: String, _ fields: [String]) {
        let line = Array("\n\(([tag] + fields).joined(separator: " "))\n".utf8)
        line.withUnsafeBytes { buffer in
            _ = write(STDERR_FILENO, buffer.baseAddress, buffer.count)
        }
    }
}
