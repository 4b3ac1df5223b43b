// hypergraph-bench: benchmarks that print figures, each beside a baseline measured in the same run.
// Build in release mode: `swift run -c release hypergraph-bench <area> [options]`.
import HypergraphCommandLine

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The benchmark areas, each with its own options (see `hypergraph-bench <area> --help`).
let areas: [(name: String, summary: String, run: ([String]) throws -> Void)] = [
    ("codec", "Protocol message decode+validate and encode, against Foundation's JSONDecoder/JSONEncoder.", CodecBenchmark.run),
    ("crypto", "SHA-256, BLAKE3, HMAC and secp256k1, against the Python reference implementations.", CryptoBenchmark.run),
    ("transport", "WebSocket round trips, broadcast fan-out and idle-connection memory.", TransportBenchmark.run),
    ("json", "JSON reader and writer, against Foundation's JSONSerialization.", JSONBenchmark.run),
    ("server", "Load against a Hypergraph server: confirmed updates/s, fan-out latency, idle connections.", ServerBenchmark.run),
    ("abuse", "Hostile load on the reference server: bounded memory, round trips, no lost update, idle after.", AbuseBenchmark.run),
]

let words = Array(CommandLine.arguments.dropFirst())
guard let areaName = words.first, let area = areas.first(where: { $0.name == areaName }) else {
    let listing = areas.map { "  \(padded($0.name, width: 12))\($0.summary)" }.joined(separator: "\n")
    let message = "USAGE: hypergraph-bench <area> [options]\n\nAREAS:\n\(listing)\n"
    if words.first == "--help" || words.first == "-h" {
        writeStandardOutput(message)
        exit(ExitStatus.success)
    }
    writeStandardError((words.first.map { "Error: Unknown area '\($0)'.\n" } ?? "Error: Missing area.\n") + message)
    exit(ExitStatus.usage)
}
do {
    try area.run(Array(words.dropFirst()))
} catch {
    writeStandardError("Error: \(error)\n")
    exit(ExitStatus.failure)
}
