// `hypergraph conformance run|list|catalogue`: the conformance suite against any server (docs/conformance.md), and
// `--spawn-reference`, which runs it against this toolkit's reference server in-process.
import Foundation
import HypergraphClient
import HypergraphCommandLine
import HypergraphConformance
import HypergraphJSON
import HypergraphServer
import HypergraphStore
import HypergraphTLS

/// The conformance commands.
enum ConformanceCommands {
    /// `hypergraph conformance` with `run`, `list` and `catalogue`.
    static let group = Command(
        name: "conformance", abstract: "Check a Hypergraph server against the protocol (docs/conformance.md).",
        subcommands: [run, list, catalogue])

    private static let casesOption = Option.repeated(
        "cases", valueName: "GLOB", help: "Only cases whose id matches (* and ?); repeatable.")
    private static let levelOption = Option.value(
        "level", valueName: "LEVEL", help: "must: MUST cases; should: MUST and SHOULD; all: also EXTENSION.",
        default: "all", allowed: ["must", "should", "all"])

    /// `hypergraph conformance run`.
    static let run = Command(
        name: "run",
        abstract: "Run the suite against a server and report every departure from the protocol.",
        discussion: """
            Provisioning (one of): --identities FILE, --provision-command CMD, --admin-url URL --admin-token T, or \
            --spawn-reference (the reference server in-process on a temporary database; --url not needed). Before \
            any case, the server must answer a WebSocket handshake with a provisioned identity. Exits 0 when no MUST \
            case fails beyond the baseline and no baseline entry is stale; 1 when cases fail; 2 on a usage error, an \
            unreachable server or a provisioning problem (one message, no cases run).
            """,
        options: [
            .repeated(
                "url", valueName: "ws[s]://HOST:PORT",
                help: "The server's WebSocket URL; repeat for several nodes, used in turn."),
            .repeated(
                "http-url", valueName: "http[s]://HOST:PORT",
                help: "The server's HTTP base URL (default: from each --url); repeatable like --url."),
            .value(
                "identities", valueName: "FILE",
                help: "Identity objects (JSON array or one per line), shared by the cases; 4 or more accounts."),
            .value("provision-command", valueName: "CMD", help: "A shell command printing one identity JSON object."),
            .value("admin-url", valueName: "URL", help: "A server with POST /admin/identities."),
            .value(
                "admin-token", valueName: "TOKEN", help: "The bearer token for --admin-url (or HYPERGRAPH_ADMIN_TOKEN)."
            ),
            .flag(
                "spawn-reference", help: "Run against the reference server, started in-process on a temporary database."
            ),
            casesOption, levelOption,
            .value("jobs", valueName: "N", help: "Cases run at the same time.", default: "4"),
            .value(
                "timeout", valueName: "MS", help: "How long to wait for something that must arrive.", default: "5000"),
            .value(
                "quiet-period", valueName: "MS", help: "How long to wait before concluding that nothing arrives.",
                default: "300"),
            .value("baseline", valueName: "FILE", help: "Case ids expected to fail (one per line, or a JSON array)."),
            .value(
                "report", valueName: "FORMAT", help: "text, json or junit.", default: "text",
                allowed: ["text", "json", "junit"]),
            .value("output", valueName: "FILE", help: "Write the report here instead of standard output."),
        ] + TLSOptions.client
    ) { arguments in
        let cases = try selection(arguments)
        let jobs = try arguments.integer("jobs", in: 1...256) ?? 4
        let timeout = Duration.milliseconds(try arguments.integer("timeout", in: 1...600_000) ?? 5000)
        let quiet = Duration.milliseconds(try arguments.integer("quiet-period", in: 1...60_000) ?? 300)
        let baseline =
            try arguments.value("baseline").map { try ConformanceBaseline(contentsOfFile: $0) }
            ?? ConformanceBaseline(ids: [])
        var reference: ReferenceServer?
        let tls = try TLSOptions.clientConfiguration(arguments)
        var target: ConformanceTarget
        if arguments.flag("spawn-reference") {
            guard !arguments.isPresent("url") else {
                throw arguments.usageError("--spawn-reference starts its own server: leave out --url.")
            }
            let server = try await ReferenceServer.start()
            reference = server
            target = ConformanceTarget(
                url: server.url, httpURL: server.httpURL, provisioner: server.provisioner, timeout: timeout,
                quietPeriod: quiet)
        } else {
            let given = arguments.values("url")
            guard !given.isEmpty else {
                throw arguments.usageError(
                    "Say which server to check: --url ws[s]://HOST:PORT (with a provisioning option), or --spawn-reference "
                        + "for the reference server in-process.")
            }
            let urls: [String]
            let httpURLs: [String]
            do {
                urls = try given.map(TargetURL.webSocket)
                let givenHTTP = try arguments.values("http-url").map(TargetURL.http)
                httpURLs = givenHTTP.isEmpty ? urls.compactMap(ConformanceTarget.httpURL(forWebSocketURL:)) : givenHTTP
            } catch {
                throw arguments.usageError("\(error).")
            }
            let chosen: any IdentityProvisioner
            do {
                chosen = try provisioner(arguments, timeout: timeout, tls: tls)
            } catch let error as ProvisioningError {
                return stopped(ConformanceStop("\(error)"))
            }
            target = ConformanceTarget(
                urls: urls, httpURLs: httpURLs, provisioner: chosen, timeout: timeout, quietPeriod: quiet)
            target.tls = tls
        }
        let results: [CaseResult]
        let started = ContinuousClock.now
        do throws(ConformanceStop) {
            try await ConformanceRunner.preflight(target)
            let parallel = IdentityLeases.jobs(requested: jobs, for: target.provisioner)
            let limited =
                parallel < jobs
                ? " (the identities file's accounts allow \(parallel) case(s) at a time, \(IdentityLeases.accountsPerCase) accounts each)"
                : ""
            writeStandardError(
                "Running \(cases.count) cases against \(target.urlsDescription) with \(parallel) jobs\(limited)…\n")
            results = try await ConformanceRunner.run(cases, against: target, jobs: jobs) { result, finished, total in
                let tag = result.status == .passed ? "pass" : result.status == .failed ? "FAIL" : "skip"
                writeStandardError("[\(finished)/\(total)] \(tag) \(result.id)\n")
            }
        } catch {
            await reference?.stop()
            return stopped(error)
        }
        await reference?.stop()
        let report = ConformanceReport(results: results, baseline: baseline, duration: ContinuousClock.now - started)
        let rendered: String
        switch arguments.value("report") ?? "text" {
        case "json": rendered = report.json()
        case "junit": rendered = report.junit()
        default: rendered = report.text()
        }
        if let path = arguments.value("output") {
            guard FileManager.default.createFile(atPath: path, contents: Data(rendered.utf8)) else {
                throw arguments.usageError("Cannot write the report to \(path).")
            }
            writeStandardError(report.text().split(separator: "\n").suffix(2).joined(separator: "\n") + "\n")
        } else {
            writeStandardOutput(rendered)
        }
        return report.passed ? ExitStatus.success : ExitStatus.failure
    }

    /// `hypergraph conformance list`.
    static let list = Command(
        name: "list",
        abstract: "List the cases: id, level, spec reference and requirement.",
        options: [casesOption, levelOption]
    ) { arguments in
        for testCase in try selection(arguments) {
            writeStandardOutput(
                "\(testCase.id)\t\(testCase.level.rawValue)\t\(testCase.specReference)\t\(testCase.requirement)\n")
        }
        return ExitStatus.success
    }

    /// `hypergraph conformance catalogue [--check] [--file docs/conformance.md]`.
    static let catalogue = Command(
        name: "catalogue",
        abstract: "Regenerate the case catalogue in docs/conformance.md, or check that it is current.",
        discussion: "With --check, exits 1 (changing nothing) when the catalogue section differs from the case list.",
        options: [
            .flag("check", help: "Only check; exit 1 when the file is out of date."),
            .value(
                "file", valueName: "PATH", help: "The document holding the catalogue.", default: "docs/conformance.md"),
        ]
    ) { arguments in
        let path = arguments.value("file") ?? "docs/conformance.md"
        guard let data = FileManager.default.contents(atPath: path) else {
            throw arguments.usageError("Cannot read \(path).")
        }
        let current = String(decoding: data, as: UTF8.self)
        let updated = try ConformanceCatalogue.updating(current)
        if arguments.flag("check") {
            guard updated == current else {
                writeStandardError(
                    "\(path): the case catalogue is out of date; run `hypergraph conformance catalogue`.\n")
                return ExitStatus.failure
            }
            writeStandardOutput("\(path): the case catalogue is current (\(ConformanceSuite.allCases.count) cases).\n")
            return ExitStatus.success
        }
        guard FileManager.default.createFile(atPath: path, contents: Data(updated.utf8)) else {
            throw arguments.usageError("Cannot write \(path).")
        }
        writeStandardOutput("\(path): catalogue written (\(ConformanceSuite.allCases.count) cases).\n")
        return ExitStatus.success
    }

    /// The cases `--cases` and `--level` select.
    private static func selection(_ arguments: ParsedArguments) throws -> [ConformanceCase] {
        let level: ConformanceLevel =
            switch arguments.value("level") ?? "all" {
            case "must": .must
            case "should": .should
            default: .extension
            }
        let cases = ConformanceSuite.select(patterns: arguments.values("cases"), maximumLevel: level)
        guard !cases.isEmpty else {
            throw arguments.usageError("No case matches --cases \(arguments.values("cases")).")
        }
        return cases
    }

    /// Reports a run that stopped before its cases could be trusted; exit status 2 (docs/conformance.md).
    private static func stopped(_ stop: ConformanceStop) -> Int32 {
        writeStandardError("hypergraph conformance run: stopped before the cases: \(stop)\n")
        return ExitStatus.usage
    }

    /// The provisioner the options name.
    private static func provisioner(
        _ arguments: ParsedArguments, timeout: Duration, tls: TLSClientConfiguration
    ) throws -> any IdentityProvisioner {
        let chosen = ["identities", "provision-command", "admin-url"].filter { arguments.isPresent($0) }
        guard chosen.count == 1 else {
            throw arguments.usageError(
                "Give exactly one of --identities, --provision-command, --admin-url (or --spawn-reference).")
        }
        if let path = arguments.value("identities") { return try IdentityFile(contentsOfFile: path) }
        if let command = arguments.value("provision-command") { return CommandProvisioner(command: command) }
        let token = arguments.value("admin-token") ?? ProcessInfo.processInfo.environment["HYPERGRAPH_ADMIN_TOKEN"]
        guard let token else {
            throw arguments.usageError("--admin-url needs --admin-token (or HYPERGRAPH_ADMIN_TOKEN).")
        }
        return try AdminProvisioner(
            baseURL: try arguments.required("admin-url"), token: token, timeout: timeout, tls: tls)
    }
}

/// The reference server running in this process on a temporary database, provisioning identities directly.
private struct ReferenceServer {
    let server: HypergraphServer
    let directory: URL

    var url: String { "ws://127.0.0.1:\(server.port)/" }
    var httpURL: String { "http://127.0.0.1:\(server.port)" }

    static func start() async throws -> ReferenceServer {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "hypergraph-conformance-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let server = try await HypergraphServer.start(
            ServerConfiguration(
                port: 0, store: .sqlite(path: directory.appendingPathComponent("reference.sqlite").path),
                logLevel: .error))
        return ReferenceServer(server: server, directory: directory)
    }

    /// Identities created in the server's store, as `hypergraph identity create` would; expired ones with lifetime 0.
    var provisioner: ClosureProvisioner {
        let storage = server.storage
        return ClosureProvisioner { lifetime in
            let milliseconds =
                lifetime.map { $0.components.seconds * 1000 } ?? IdentityProvisioning.defaultLifetimeMilliseconds
            let provisioned = try await IdentityProvisioning.create(
                IdentityRequest(lifetimeMilliseconds: milliseconds), in: storage,
                now: SQLiteStoreConfiguration.systemClock())
            return try HypergraphIdentity(json: JSONValue.parse(provisioned.jsonUTF8()))
        }
    }

    func stop() async {
        await server.shutdown()
        try? FileManager.default.removeItem(at: directory)
    }
}
