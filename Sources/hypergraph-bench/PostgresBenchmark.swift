import Foundation
import HypergraphCommandLine
import HypergraphPostgres
import PostgresTestSupport

/// `hypergraph-bench postgres [--inserts N] [--selects N] [--rounds N] [--no-reference]`: the PostgreSQL client against libpq.
///
/// Starts a throwaway PostgreSQL cluster (PostgresTestCluster: fsync on, loopback TCP) and measures, on one
/// connection, (a) prepared `INSERT INTO bench_insert (a, b) VALUES ($1, $2)` round trips per second in
/// autocommit: `inserts / 10` of them durable (synchronous_commit on: each waits for the disk, so this mostly
/// measures the disk), then `inserts` with synchronous_commit off (the round trip itself); and (b) rows per second of `SELECT id, name, data FROM bench_rows` (10,000 rows of int8, text and
/// bytea) repeated `selects` times. Each of `rounds` rounds first runs scripts/bench-postgres-reference.py, which
/// does the same through psycopg 3 (libpq), then ours; the best of each figure is printed with the ratio
/// ours/libpq.
enum PostgresBenchmark {
    /// The `postgres` area.
    static let command = benchmarkCommand(
        name: "postgres",
        abstract: "PostgreSQL client: prepared INSERT round trips and SELECT rows/s, against psycopg 3 (libpq).",
        options: [
            .value(
                "inserts", valueName: "N", help: "INSERT round trips per round (a tenth of them durable)",
                default: "10000"),
            .value("selects", valueName: "N", help: "10,000-row SELECTs per round", default: "20"),
            .value(
                "rounds", valueName: "N", help: "alternating rounds of libpq and ours; the best counts", default: "3"),
            .flag("no-reference", help: "skip scripts/bench-postgres-reference.py"),
        ]
    ) { arguments in try run(Options(arguments)) }

    private static func run(_ options: Options) throws {
        guard PostgresTestCluster.unavailableReason == nil else {
            throw BenchmarkError(PostgresTestCluster.unavailableReason ?? "PostgreSQL is not installed")
        }
        let cluster = try blocking { try await PostgresTestCluster.start() }
        defer { _ = try? blocking { await cluster.stop() } }
        _ = try blocking {
            try await cluster.psql(
                """
                CREATE TABLE bench_insert (a int8, b text);
                CREATE TABLE bench_rows (id int8 PRIMARY KEY, name text NOT NULL, data bytea NOT NULL);
                INSERT INTO bench_rows SELECT i, 'name number ' || i, decode(md5(i::text), 'hex') FROM generate_series(1, 10000) AS i;
                ANALYZE bench_rows;
                """)
        }
        print("server: PostgreSQL on 127.0.0.1:\(cluster.port) (throwaway cluster, fsync on); one connection each")
        // Rounds alternate libpq and ours and the best of each figure counts: the machine's other load and the
        // server's checkpoints only ever slow a round down, and alternating spreads them over both sides.
        var ours: [String: Double] = [:]
        var reference: ReferenceScript?
        for _ in 0..<options.rounds {
            if options.runReference {
                let round = ReferenceScript.run(
                    "scripts/bench-postgres-reference.py",
                    arguments: [
                        "--port", String(cluster.port), "--inserts", String(options.inserts), "--selects",
                        String(options.selects),
                    ])
                reference =
                    reference.map { best in
                        var merged = best
                        merged.figures.merge(round.figures, uniquingKeysWith: max)
                        merged.problem = merged.problem ?? round.problem
                        return merged
                    } ?? round
            }
            let round = try blocking { try await measureOurs(cluster: cluster, options: options) }
            ours.merge(round, uniquingKeysWith: max)
        }
        if let problem = reference?.problem { print("reference: \(problem)") }
        // Our figure, the reference figure it compares with, the label.
        let figures = [
            ("insert-durable-ops", "insert-durable-ops", "INSERT round trips, synchronous_commit on"),
            ("insert-ops", "insert-ops", "INSERT round trips, synchronous_commit off"),
            ("insert-on-loop-ops", "insert-ops", "  the same, caller on the connection's loop"),
            ("select-rows", "select-rows", "SELECT 10,000 rows (int8, text, bytea)"),
        ]
        for (name, baselineName, label) in figures {
            report(
                label, ours[name] ?? 0, reference?.figures[baselineName],
                unit: name.hasSuffix("rows") ? "rows/s" : "ops/s")
        }
    }

    private static func report(_ label: String, _ value: Double, _ baseline: Double?, unit: String) {
        if let baseline {
            printComparison(label, ours: value, baseline: baseline, unit: unit, baselineName: "psycopg 3 (libpq)")
        } else {
            printFigure(label, value, unit: unit)
        }
    }

    /// One round of our figures, named as the reference script names them.
    private static func measureOurs(cluster: PostgresTestCluster, options: Options) async throws -> [String: Double] {
        let connection = try await PostgresConnection.connect(cluster.configuration())
        let insert = "INSERT INTO bench_insert (a, b) VALUES ($1, $2)"
        for index in 0..<200 { // warm-up; the statement gets prepared
            try await connection.query(insert, [.int64(Int64(index)), .text("warm-up")])
        }
        func insertsPerSecond(_ count: Int) async throws -> Double {
            let started = MonotonicClock.now()
            for index in 0..<count {
                try await connection.query(insert, [.int64(Int64(index)), .text("row \(index)")])
            }
            return Double(count) / (Double(MonotonicClock.now() - started) / 1e9)
        }
        let durableInsertsPerSecond = try await insertsPerSecond(max(1, options.inserts / 10))
        try await connection.simpleQuery("SET synchronous_commit = off")
        let fastInsertsPerSecond = try await insertsPerSecond(options.inserts)
        let onLoopInsertsPerSecond = try await withTaskExecutorPreference(connection.executor) {
            try await insertsPerSecond(options.inserts)
        }

        let select = "SELECT id, name, data FROM bench_rows"
        _ = try await connection.query(select) // prepared; results in text
        _ = try await connection.query(select) // from here on binary
        var rows = 0
        let started = MonotonicClock.now()
        for _ in 0..<options.selects {
            rows += try await connection.query(select).rows.count
        }
        let rowsPerSecond = Double(rows) / (Double(MonotonicClock.now() - started) / 1e9)
        await connection.close()
        return [
            "insert-durable-ops": durableInsertsPerSecond, "insert-ops": fastInsertsPerSecond,
            "insert-on-loop-ops": onLoopInsertsPerSecond, "select-rows": rowsPerSecond,
        ]
    }

    private struct Options {
        var inserts = 10_000
        var selects = 20
        var rounds = 3
        var runReference = true

        init(_ parsed: ParsedArguments) throws {
            let positive = 1...Int.max
            inserts = try parsed.integer("inserts", in: positive) ?? inserts
            selects = try parsed.integer("selects", in: positive) ?? selects
            rounds = try parsed.integer("rounds", in: positive) ?? rounds
            runReference = !parsed.flag("no-reference")
        }
    }
}
