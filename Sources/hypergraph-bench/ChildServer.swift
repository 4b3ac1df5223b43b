// A benchmark server in a child process of hypergraph-bench, and the child side of `hypergraph-bench server`'s
// reference server. Used by the server and transport areas, and by any area that needs a server in its own process
// (its own descriptor limit, its own memory and CPU figures).
import Foundation
import HypergraphClient
import HypergraphServer
import HypergraphStore

/// A server in a child process of this executable: it prints `listening on PORT` (after any preamble lines),
/// answers `measure` on its input with `rss KIB connections N` and stops at the end of its input — the protocol of
/// the transport benchmark's idle server.
final class ChildServer {
    let port: UInt16
    let preamble: [String]
    private let process = Process()
    private let input = Pipe()
    private let lines: LineReader

    var processIdentifier: Int32 { process.processIdentifier }

    init(arguments: [String]) throws {
        process.executableURL = URL(fileURLWithPath: Bundle.main.executablePath ?? CommandLine.arguments[0])
        process.arguments = arguments
        let output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        try process.run()
        lines = LineReader(output.fileHandleForReading)
        var preamble: [String] = []
        while let line = lines.next() {
            if line.hasPrefix("listening on "), let port = UInt16(line.dropFirst("listening on ".count)) {
                self.port = port
                self.preamble = preamble
                return
            }
            preamble.append(line)
        }
        process.waitUntilExit()
        let command = arguments.joined(separator: " ")
        throw BenchmarkError("`\(command)` did not start (exit status \(process.terminationStatus))")
    }

    func measure() throws -> (kib: Int, connections: Int) {
        let words = ask("measure").split(separator: " ")
        guard words.count == 4, let kib = Int(words[1]), let connections = Int(words[3]) else {
            throw BenchmarkError("unexpected report from the child server: \(words.joined(separator: " "))")
        }
        return (kib, connections)
    }

    /// Sends one line to the child and returns its one-line answer (empty when it has gone).
    func ask(_ line: String) -> String {
        input.fileHandleForWriting.write(Data((line + "\n").utf8))
        return lines.next() ?? ""
    }

    func stop() {
        try? input.fileHandleForWriting.close()
        process.waitUntilExit()
    }

    /// Sends SIGTERM and waits for the child to exit; returns how long that took and its exit status.
    func terminate() -> (elapsed: Duration, status: Int32) {
        let started = ContinuousClock.now
        kill(process.processIdentifier, SIGTERM)
        process.waitUntilExit()
        return (ContinuousClock.now - started, process.terminationStatus)
    }
}

/// The child side of `hypergraph-bench server --reference-server COUNT` (and of `cluster`'s nodes): the reference
/// server on `store` (default: a temporary SQLite database), with COUNT new identities printed as JSON lines before
/// `listening on PORT`. The per-connection rate limit is lifted (capacity is measured) unless `liftingRateLimit` is
/// false (the abuse area keeps `hypergraph serve`'s defaults).
enum ReferenceServerChild {
    /// `answering` answers the parent's lines other than `measure` (see ``answerMeasurements(connections:otherwise:)``).
    /// `started` is called with the server once it listens.
    static func serve(
        identities count: Int, store: StoreLocation? = nil, liftingRateLimit: Bool = true,
        started: (HypergraphServer) -> Void = { _ in },
        answering otherwise: (HypergraphServer, String) -> String? = { _, _ in nil }
    ) throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("hypergraph-bench-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        var configuration = ServerConfiguration(
            port: 0, store: store ?? .sqlite(path: directory.appendingPathComponent("bench.sqlite").path),
            logLevel: .error)
        if liftingRateLimit {
            configuration.limits.requestsPerSecond = 1e9
            configuration.limits.requestBurst = 1e9
        }
        let server = try blocking { [configuration] in try await HypergraphServer.start(configuration) }
        for _ in 0..<count {
            let identity = try blocking {
                try await IdentityProvisioning.create(
                    IdentityRequest(), in: server.storage, now: SQLiteStoreConfiguration.systemClock())
            }
            writeLine(String(decoding: identity.jsonUTF8(), as: UTF8.self))
        }
        started(server)
        writeLine("listening on \(server.port)")
        answerMeasurements(connections: { server.connectionCount }, otherwise: { otherwise(server, $0) })
        try blocking { await server.shutdown() }
    }
}

/// The child side of ``ChildServer/measure()``: answers each `measure` line of standard input with
/// `rss KIB connections N` until the input ends; other lines get `otherwise`'s answer, if any.
func answerMeasurements(connections: () -> Int, otherwise: (String) -> String? = { _ in nil }) {
    while let line = readLine() {
        guard line == "measure" else {
            if let answer = otherwise(line) { writeLine(answer) }
            continue
        }
        writeLine("rss \(residentKiB(of: "self") ?? 0) connections \(connections())")
    }
}

/// Writes one line to standard output at once (the parent reads it through a pipe).
func writeLine(_ text: String) {
    FileHandle.standardOutput.write(Data((text + "\n").utf8))
}

/// VmRSS of a process (`self` or a pid) in KiB, from `/proc` (Linux only).
func residentKiB(of process: String) -> Int? {
    procField("/proc/\(process)/status", "VmRSS:")
}

/// The number after `name` in a `/proc` file of `Name: value` lines (Linux only).
func procField(_ path: String, _ name: String) -> Int? {
    guard let text = try? String(contentsOfFile: path, encoding: .utf8),
        let line = text.split(separator: "\n").first(where: { $0.hasPrefix(name) })
    else { return nil }
    return line.split(separator: " ").dropFirst().first.flatMap { Int($0) }
}
