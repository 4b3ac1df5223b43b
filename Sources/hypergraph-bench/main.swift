// hypergraph-bench: benchmarks that print figures, each beside a baseline measured in the same run.
// Build in release mode: `swift run -c release hypergraph-bench <area> [options]`; `<area> --help` lists the options.
import Foundation
import HypergraphCommandLine

let hypergraphBench = Command(
    name: "hypergraph-bench",
    abstract: "Benchmarks of the toolkit, each figure beside a baseline measured in the same run.",
    subcommands: [
        CodecBenchmark.command, CryptoBenchmark.command, TransportBenchmark.command, JSONBenchmark.command,
        TLSBenchmark.command, ServerBenchmark.command, PostgresBenchmark.command, ClusterBenchmark.command,
        AbuseBenchmark.command,
    ]
)

// `crypto --sign-once KEY` runs on the main thread before anything else starts: scripts/check-constant-time-signing.sh
// runs it under valgrind and compares what signing executes for several keys, which only a process with no other
// threads (and so the same heap history every time) keeps identical down to malloc.
let words = Array(CommandLine.arguments.dropFirst())
if words.count == 3, words[0] == "crypto", words[1] == "--sign-once" {
    do {
        try CryptoBenchmark.signOnce(keyHex: words[2])
        exit(ExitStatus.success)
    } catch {
        FileHandle.standardError.write(Data("Error: \(error)\n".utf8))
        exit(ExitStatus.failure)
    }
}

// The top level stays synchronous (no `await` here): the main thread then waits on a semaphore instead of parking
// in Dispatch's signal wait, which valgrind cannot run.
let status = (try? blocking { await runCommand(hypergraphBench, words: words) })
exit(status ?? ExitStatus.failure)
