// Helpers shared by the benchmark areas: running async work from the synchronous entry point, threads,
// reading a child process's output, and the descriptor limit.
import Dispatch
import Foundation
import HypergraphCommandLine
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A benchmark that could not run as planned.
struct BenchmarkError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// A benchmark area as a command: its options are parsed (and `--help` answered) by HypergraphCommandLine, and `run`
/// then runs on a thread of its own, off Swift's cooperative pool, since the areas wait for async work with
/// ``blocking(_:)``.
func benchmarkCommand(
    name: String, abstract: String, discussion: String = "", options: [Option] = [],
    arguments: [Argument] = [], run: @escaping @Sendable (ParsedArguments) throws -> Void
) -> Command {
    Command(name: name, abstract: abstract, discussion: discussion, options: options, arguments: arguments) { parsed in
        try await withCheckedThrowingContinuation { (done: CheckedContinuation<Void, any Error>) in
            let thread = Thread { done.resume(with: Result { try run(parsed) }) }
            thread.stackSize = 8 << 20 // the main thread's size: the areas were written for it
            thread.start()
        }
        return ExitStatus.success
    }
}

extension ParsedArguments {
    /// The comma-separated whole numbers of `--name`, each within `range`.
    func integers(_ name: String, in range: ClosedRange<Int>) throws -> [Int] {
        let text = value(name) ?? ""
        let numbers = text.split(separator: ",", omittingEmptySubsequences: false).map { Int($0) }
        guard !numbers.isEmpty, numbers.allSatisfy({ $0.map(range.contains) ?? false }) else {
            throw usageError(
                "Invalid value '\(text)' for '--\(name)': expected comma-separated whole numbers in "
                    + "\(range.lowerBound)...\(range.upperBound).")
        }
        return numbers.compactMap { $0 }
    }

    /// The value of `--name` as a positive, finite number of seconds.
    func seconds(_ name: String) throws -> Double {
        let text = value(name) ?? ""
        guard let seconds = Double(text), seconds > 0, seconds.isFinite else {
            throw usageError("Invalid value '\(text)' for '--\(name)': expected a positive number of seconds.")
        }
        return seconds
    }
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
    guard getrlimit(fileDescriptorLimitResource, &limit) == 0 else { return }
    limit.rlim_cur = limit.rlim_max
    setrlimit(fileDescriptorLimitResource, &limit)
}

#if os(Linux)
    private let fileDescriptorLimitResource = __rlimit_resource_t(RLIMIT_NOFILE.rawValue)
    let resourceUsageOfSelf = RUSAGE_SELF.rawValue
#else
    private let fileDescriptorLimitResource = RLIMIT_NOFILE
    let resourceUsageOfSelf = RUSAGE_SELF
#endif

/// Figures printed by a Python reference script (`name value` lines), or why there are none.
struct ReferenceScript {
    var figures: [String: Double] = [:]
    var problem: String?

    /// Runs `python3 script arguments…`, the script found relative to the current directory or to this package.
    static func run(_ script: String, arguments: [String]) -> ReferenceScript {
        var result = ReferenceScript()
        guard let path = locate(script) else {
            result.problem = "\(script) not found (run from the package root)"
            return result
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", path] + arguments
        let output = Pipe()
        process.standardOutput = output
        do {
            try process.run()
        } catch {
            result.problem = "could not start python3: \(error)"
            return result
        }
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            result.problem = "python3 \(path) exited with status \(process.terminationStatus)"
            return result
        }
        for line in text.split(separator: "\n") {
            let fields = line.split(separator: " ")
            if fields.count == 2, let value = Double(fields[1]) {
                result.figures[String(fields[0])] = value
            }
        }
        return result
    }

    /// The script in the current directory's checkout, else next to this source file's package.
    private static func locate(_ relative: String) -> String? {
        let packageRoot = URL(fileURLWithPath: #filePath).resolvingSymlinksInPath()
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let candidates = [relative, packageRoot.appendingPathComponent(relative).path]
        return candidates.first { FileManager.default.isReadableFile(atPath: $0) }
    }
}
