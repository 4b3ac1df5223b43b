// Running the built `hypergraph` executable as a child process: to crash a real server, and to run the CLI.
import Foundation
import Synchronization
import XCTest

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

enum HypergraphExecutable {
    /// The executable `name` (by default `hypergraph`) built next to the test bundle (e.g. `.build/debug/hypergraph`).
    static func url(named name: String = "hypergraph") throws -> URL {
        var directories = [Bundle.main.bundleURL, Bundle(for: ChildServer.self).bundleURL.deletingLastPathComponent()]
        #if os(Linux)
            directories.append(
                URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().deletingLastPathComponent())
        #endif
        for directory in directories {
            let candidate = directory.appendingPathComponent(name)
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
        }
        throw ChildProcessError("the \(name) executable is not built next to the tests (run `swift build` first)")
    }

    /// Runs `hypergraph arguments…` (or the executable `name`) to completion, in `directory` when given, and returns
    /// its exit status, standard output and standard error.
    static func run(
        _ arguments: [String], executable name: String = "hypergraph", in directory: URL? = nil
    ) throws -> (status: Int32, output: String, errors: String) {
        let process = Process()
        process.executableURL = try url(named: name)
        process.arguments = arguments
        if let directory { process.currentDirectoryURL = directory }
        let output = Pipe()
        let errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        let outputData = output.fileHandleForReading.readDataToEndOfFile()
        let errorData = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (
            process.terminationStatus, String(decoding: outputData, as: UTF8.self),
            String(decoding: errorData, as: UTF8.self)
        )
    }
}

/// Why a child process could not be used; a test failure, never a skip, because CI builds the executable first.
struct ChildProcessError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// `hypergraph serve` in a child process, with its log lines collected.
final class ChildServer: @unchecked Sendable {
    // @unchecked: `process` and `port` are set up in `init` and only read afterwards; `logText` is guarded by its
    // Mutex.
    private let logText = Mutex("")
    private let process = Process()
    private(set) var port: UInt16 = 0

    /// Starts `hypergraph serve --port 0 --store store` (plus `options`) and waits until it reports its port.
    init(store: String, options: [String] = []) throws {
        process.executableURL = try HypergraphExecutable.url()
        process.arguments = ["serve", "--port", "0", "--store", store, "--log-level", "info"] + options
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        errors.fileHandleForReading.readabilityHandler = { [weak self] handle in
            let data = handle.availableData
            guard let self, !data.isEmpty else { return }
            self.logText.withLock { $0 += String(decoding: data, as: UTF8.self) }
        }
        try process.run()
        for _ in 0..<1_000 {
            if let line = logs.split(separator: "\n").first(where: { $0.contains("event=server.start") }),
                let field = line.split(separator: " ").first(where: { $0.hasPrefix("port=") }),
                let port = UInt16(field.dropFirst(5))
            {
                self.port = port
                return
            }
            guard process.isRunning else { break }
            Thread.sleep(forTimeInterval: 0.01)
        }
        process.terminate()
        throw ChildProcessError("the child server did not start: \(logs)")
    }

    /// Everything the child logged so far.
    var logs: String { logText.withLock { $0 } }

    var url: String { "ws://127.0.0.1:\(port)/" }

    /// Sends `signal` to the child.
    func send(_ signal: Int32) {
        kill(process.processIdentifier, signal)
    }

    /// Waits for the child to end and returns how: its exit status, or the signal that ended it.
    func waitForExit() async -> (reason: Process.TerminationReason, status: Int32) {
        while process.isRunning { try? await Task.sleep(for: .milliseconds(5)) }
        return (process.terminationReason, process.terminationStatus)
    }
}
