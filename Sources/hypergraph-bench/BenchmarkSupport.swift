// Helpers shared by the benchmark areas: running async work from the synchronous entry point, threads,
// reading a child process's output, the descriptor limit, and running a Python reference script.
import Dispatch
import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Synchronization

/// A benchmark that could not run as planned.
struct BenchmarkError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// Bad arguments to a benchmark area.
struct BenchmarkUsageError: Error, CustomStringConvertible {
    var message: String
    var description: String { message }
}

/// Runs async work from the synchronous benchmark entry point and waits for its result.
func blocking<T: Sendable>(_ body: @escaping @Sendable () async throws -> T) throws -> T {
    let result = Mutex<Result<T, any Error>?>(nil)
    let done = DispatchSemaphore(value: 0)
    Task {
        let outcome: Result<T, any Error>
        do { outcome = .success(try await body()) } catch { outcome = .failure(error) }
        result.withLock { $0 = outcome }
        done.signal()
    }
    done.wait()
    guard let outcome = result.withLock({ $0 }) else { throw BenchmarkError("no result") }
    return try outcome.get()
}

/// Runs `body(index)` on `count` new threads and waits for all of them.
func onThreads(_ count: Int, _ body: @escaping @Sendable (Int) -> Void) {
    let finished = DispatchSemaphore(value: 0)
    for index in 0..<count {
        Thread {
            body(index)
            finished.signal()
        }.start()
    }
    for _ in 0..<count { finished.wait() }
}

/// Lines from a pipe.
final class LineReader {
    private let handle: FileHandle
    private var pending: [UInt8] = []

    init(_ handle: FileHandle) { self.handle = handle }

    func next() -> String? {
        while true {
            if let newline = pending.firstIndex(of: 10) {
                let line = String(decoding: pending[..<newline], as: UTF8.self)
                pending.removeSubrange(...newline)
                return line
            }
            let data = handle.availableData
            guard !data.isEmpty else { return nil }
            pending += data
        }
    }
}

/// Lets this process hold as many descriptors as its hard limit allows (10,000 connections need more than the
/// usual 1,024).
func raiseDescriptorLimit() {
    var limit = rlimit()
    guard getrlimit(RLIMIT_NOFILE_CONSTANT, &limit) == 0 else { return }
    limit.rlim_cur = limit.rlim_max
    setrlimit(RLIMIT_NOFILE_CONSTANT, &limit)
}

#if os(Linux)
private let RLIMIT_NOFILE_CONSTANT = __rlimit_resource_t(RLIMIT_NOFILE.rawValue)
let RUSAGE_SELF_CONSTANT = RUSAGE_SELF.rawValue
#else
private let RLIMIT_NOFILE_CONSTANT = RLIMIT_NOFILE
let RUSAGE_SELF_CONSTANT = RUSAGE_SELF
#endif

/// Figures printed by a reference script (`NAME VALUE` lines) run with python3 in the same run, or why there are none.
struct PythonReferenceRun {
    var figures: [String: Double] = [:]
    var problem: String?

    /// Runs `script` (a path relative to the package root) with `arguments`.
    init(script relative: String, arguments: [String]) {
        guard let script = packageFile(relative) else {
            problem = "\(relative) not found (run from the package root)"
            return
        }
        let text: String
        switch runCommand(["python3", script] + arguments) {
        case .success(let output): text = output
        case .failure(let error):
            problem = error.description
            return
        }
        for line in text.split(separator: "\n") {
            let fields = line.split(separator: " ")
            if fields.count == 2, let value = Double(fields[1]) {
                figures[String(fields[0])] = value
            }
        }
    }
}

/// Runs `command` (its first word found on PATH) and returns its standard output, or why it failed.
func runCommand(_ command: [String]) -> Result<String, BenchmarkError> {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = command
    let output = Pipe()
    process.standardOutput = output
    do {
        try process.run()
    } catch {
        return .failure(BenchmarkError("could not start \(command[0]): \(error)"))
    }
    let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    process.waitUntilExit()
    guard process.terminationStatus == 0 else {
        return .failure(BenchmarkError("\(command.joined(separator: " ")) exited with status \(process.terminationStatus)"))
    }
    return .success(text)
}

/// A file of the package (e.g. a script): in the current directory's checkout, else next to this source file's package.
func packageFile(_ relative: String) -> String? {
    let packageRoot = URL(fileURLWithPath: #filePath).resolvingSymlinksInPath()
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    let candidates = [relative, packageRoot.appendingPathComponent(relative).path]
    return candidates.first { FileManager.default.isReadableFile(atPath: $0) }
}
