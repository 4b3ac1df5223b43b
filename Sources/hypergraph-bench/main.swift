// hypergraph-bench: benchmarks that print figures, each beside a baseline measured in the same run.
// Build in release mode: `swift run -c release hypergraph-bench <area> [options]`; `<area> --help` lists the options.
import HypergraphCommandLine

let hypergraphBench = Command(
    name: "hypergraph-bench",
    abstract: "Benchmarks of the toolkit, each figure beside a baseline measured in the same run.",
    subcommands: [
        CodecBenchmark.command, CryptoBenchmark.command, TransportBenchmark.command, JSONBenchmark.command,
        TLSBenchmark.command, ServerBenchmark.command, PostgresBenchmark.command, ClusterBenchmark.command,
    ]
)

await runCommandLine(hypergraphBench)
