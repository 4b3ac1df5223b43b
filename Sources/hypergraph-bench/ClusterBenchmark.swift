// hypergraph-bench cluster: the reference server on PostgreSQL beside SQLite (confirmed updates/s and confirm
// latency with 1, 10 and 100 writers), and several nodes on one PostgreSQL (100 writers spread over the nodes, and
// cross-node fan-out latency), each beside the single-node figures of the same run.
import Foundation
import HypergraphClient
import HypergraphCommandLine
import HypergraphServer
import PostgresTestSupport

/// `hypergraph-bench cluster`: see ``command``.
///
/// Every server runs in a child process of this executable (`cluster --node STORE`): one on a temporary SQLite
/// database, and `--nodes` on one throwaway PostgreSQL cluster (fsync on) that this run starts and removes.
enum ClusterBenchmark {
    static let command = benchmarkCommand(
        name: "cluster",
        abstract: "The server on PostgreSQL beside SQLite, and several nodes on one PostgreSQL.",
        discussion: """
            Needs PostgreSQL's server programs (initdb, pg_ctl). Writers and subscribers are HypergraphClient \
            sessions in this process; every node is a child process. On one machine the nodes, PostgreSQL and the \
            load share the cores, so several nodes show the cost of the cross-node path, not its scaling \
            (docs/scaling.md).
            """,
        options: [
            .value("updates", valueName: "N", help: "Updates per write run.", default: "10000"),
            .value(
                "writers", valueName: "LIST", help: "Comma-separated writer counts, each at most 100.",
                default: "1,10,100"),
            .value("window", valueName: "K", help: "Updates in flight per writer.", default: "1"),
            .value(
                "nodes", valueName: "N", help: "PostgreSQL-backed nodes for the several-node figures.", default: "3"),
            .value("subscribers", valueName: "N", help: "Subscribers for the fan-out figures.", default: "100"),
            .value("rounds", valueName: "N", help: "Fan-out rounds.", default: "100"),
            .value("update-bytes", valueName: "B", help: "Content bytes per update.", default: "64"),
            .value(nodeOption, valueName: "STORE", help: "Internal: be a node of a parent run on this store."),
            .value(
                nodeIdentitiesOption, valueName: "COUNT", help: "Internal: identities a node creates first.",
                default: "0"),
        ]
    ) { arguments in
        raiseDescriptorLimit()
        if let store = arguments.value(nodeOption) {
            let count = try arguments.integer(nodeIdentitiesOption, in: 0...100_000) ?? 0
            return try ReferenceServerChild.serve(identities: count, store: StoreLocation(parsing: store))
        }
        try run(LoadOptions(arguments), nodes: arguments.integer("nodes", in: 1...8) ?? 3)
    }

    private static let nodeOption = "node"
    private static let nodeIdentitiesOption = "node-identities"

    private static func run(_ options: LoadOptions, nodes nodeCount: Int) throws {
        if let reason = PostgresTestCluster.unavailableReason { throw BenchmarkError(reason) }
        let identityCount = options.writerCounts.max() ?? 1
        let cluster = try blocking { try await PostgresTestCluster.start() }
        defer { try? blocking { await cluster.stop() } }
        let sqlite = try ChildServer(arguments: [
            "cluster", "--\(nodeOption)", "sqlite:\(temporaryFile())",
            "--\(nodeIdentitiesOption)", String(identityCount),
        ])
        defer { sqlite.stop() }
        let first = try ChildServer(arguments: [
            "cluster", "--\(nodeOption)", cluster.url,
            "--\(nodeIdentitiesOption)", String(identityCount),
        ])
        // The other nodes start only for the several-node figures, so that the one-node figures pay for no idle
        // listener.
        var others: [ChildServer] = []
        defer { ([first] + others).forEach { $0.stop() } }
        let sqliteIdentities = try sqlite.preamble.map { try HypergraphIdentity(json: .parse($0)) }
        let postgresIdentities = try first.preamble.map { try HypergraphIdentity(json: .parse($0)) }
        let sqliteURL = "ws://127.0.0.1:\(sqlite.port)"
        let firstURL = "ws://127.0.0.1:\(first.port)"
        let sqliteProcess = "\(sqlite.processIdentifier)"
        let firstNodeProcess = "\(first.processIdentifier)"
        print(
            "SQLite node and \(nodeCount) PostgreSQL node(s) (throwaway cluster on 127.0.0.1:\(cluster.port), "
                + "fsync on), each a child process; \(ProcessInfo.processInfo.activeProcessorCount) cores")

        print(
            "\n-- confirmed updates: \(options.updates) per run over \(LoadOptions.spaceCount) spaces, "
                + "\(options.window) in flight per writer")
        for writers in options.writerCounts {
            let label = "\(writers) writer\(writers == 1 ? "" : "s")"
            let onSQLite = try blocking {
                try await WriteLoad.throughServer(
                    urls: [sqliteURL], identities: sqliteIdentities, serverProcess: sqliteProcess,
                    writers: writers, options: options)
            }
            let onPostgres = try blocking {
                try await WriteLoad.throughServer(
                    urls: [firstURL], identities: postgresIdentities,
                    serverProcess: firstNodeProcess, writers: writers, options: options)
            }
            onPostgres.print(label: "PostgreSQL, 1 node, \(label)", baseline: onSQLite, baselineName: "SQLite")
            if writers == options.writerCounts.max(), nodeCount > 1 {
                if others.isEmpty {
                    for _ in 1..<nodeCount {
                        others.append(try ChildServer(arguments: ["cluster", "--\(nodeOption)", cluster.url]))
                    }
                }
                let nodeURLs = [firstURL] + others.map { "ws://127.0.0.1:\($0.port)" }
                let spread = try blocking {
                    try await WriteLoad.throughServer(
                        urls: nodeURLs, identities: postgresIdentities, serverProcess: nil, writers: writers,
                        options: options)
                }
                spread.print(
                    label: "PostgreSQL, \(nodeCount) nodes, \(label)", baseline: onPostgres,
                    baselineName: "PostgreSQL, 1 node")
            }
        }

        print(
            "\n-- fan-out: from sending an update to its receipt by the last of \(options.subscriberCounts.max() ?? 100) "
                + "subscribers, \(options.rounds) rounds")
        let subscribers = options.subscriberCounts.max() ?? 100
        let local = try blocking {
            try await FanoutLoad.measure(
                url: sqliteURL, identity: sqliteIdentities[0], serverProcess: nil, subscribers: subscribers,
                options: options)
        }
        let sameNode = try blocking {
            try await FanoutLoad.measure(
                url: firstURL, identity: postgresIdentities[0], serverProcess: nil, subscribers: subscribers,
                options: options)
        }
        printLatencies(
            "PostgreSQL, sender and subscribers on 1 node", sameNode.latencies, baseline: local.latencies,
            baselineName: "SQLite, 1 node")
        if !others.isEmpty {
            let otherURLs = others.map { "ws://127.0.0.1:\($0.port)" }
            let crossNode = try blocking {
                try await FanoutLoad.measure(
                    url: firstURL, subscriberURLs: otherURLs, identity: postgresIdentities[0],
                    serverProcess: nil, subscribers: subscribers, options: options)
            }
            printLatencies(
                "PostgreSQL, sender on node 1, subscribers on the other \(nodeCount - 1)",
                crossNode.latencies, baseline: sameNode.latencies, baselineName: "all on 1 node")
        }
    }

    private static func printLatencies(
        _ label: String, _ ours: [Double], baseline: [Double], baselineName: String
    ) {
        printPercentileComparison(
            { "fan-out latency p\($0), \(label)" }, ours: ours, baseline: baseline, baselineName: baselineName)
    }

    private static func temporaryFile() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("hypergraph-bench-\(UUID()).sqlite").path
    }
}
