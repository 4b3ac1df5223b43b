// A throwaway PostgreSQL cluster for tests and benchmarks: initdb into a temporary folder, start on a free
// loopback port, stop and delete afterwards (also at process exit).
//
// Concurrency: a cluster's configuration is immutable; the registry of running clusters (for the exit
// handler) is guarded by a Mutex. Commands run as child processes awaited without blocking the caller's thread.
import Foundation
import HypergraphPostgres
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A PostgreSQL cluster of its own, in a temporary folder, for one test case or benchmark run.
///
/// The superuser is `hypergraph` with password `hypergraph`; the database `hypergraph` exists. Local socket
/// connections (used by `psql(_:)`) are always trusted; TCP connections on 127.0.0.1 use the method chosen at
/// start, and `writeHBA(_:)` + `reload()` change that. When running as root, every PostgreSQL program runs as
/// the `postgres` OS user.
public final class PostgresTestCluster: Sendable {
    /// How TCP connections authenticate.
    public enum HBA: String, Sendable {
        /// No password.
        case trust
        /// Cleartext password.
        case password
        /// MD5 challenge (SCRAM for roles whose password is stored as SCRAM).
        case md5
        /// SCRAM-SHA-256.
        case scram = "scram-sha-256"
    }

    /// The superuser name and password.
    public static let superuser = "hypergraph"
    /// The database created for tests.
    public static let database = "hypergraph"

    /// The TCP port on 127.0.0.1.
    public let port: UInt16
    private let directory: String
    private let binaries: String

    private var dataDirectory: String { directory + "/data" }
    private var serverOptions: String {
        "-c listen_addresses=127.0.0.1 -p \(port) -k \(directory) -c fsync=on -c max_connections=100"
    }

    private init(port: UInt16, directory: String, binaries: String) {
        self.port = port
        self.directory = directory
        self.binaries = binaries
    }

    /// Nil when PostgreSQL's server programs are installed, else why tests using a cluster must be skipped.
    public static var unavailableReason: String? {
        locateBinaries() == nil
            ? "PostgreSQL server programs (initdb, pg_ctl) not found on PATH, in /usr/lib/postgresql/*/bin or in $HYPERGRAPH_PG_BIN"
            : nil
    }

    /// Creates and starts a cluster whose TCP connections authenticate with `authentication`.
    public static func start(authentication: HBA = .trust) async throws -> PostgresTestCluster {
        guard let binaries = locateBinaries() else { throw ClusterError(unavailableReason ?? "PostgreSQL not found") }
        var template = Array((NSTemporaryDirectory() + "/hypergraph-pg-XXXXXX").utf8CString)
        guard let created = mkdtemp(&template) else {
            throw ClusterError("mkdtemp failed: \(String(cString: strerror(errno)))")
        }
        let directory = String(cString: created)
        let cluster = PostgresTestCluster(port: try freePort(), directory: directory, binaries: binaries)
        do {
            try await cluster.initialize(authentication: authentication)
        } catch {
            await cluster.stop()
            throw error
        }
        return cluster
    }

    private func initialize(authentication: HBA) async throws {
        try FileManager.default.createDirectory(atPath: dataDirectory, withIntermediateDirectories: true)
        let passwordFile = directory + "/password"
        try Self.superuser.write(toFile: passwordFile, atomically: true, encoding: .utf8)
        if getuid() == 0 { try await Self.run("/bin/chown", ["-R", "postgres:postgres", directory]) }
        try await runAsServerUser(
            binaries + "/initdb",
            [
                "-D", dataDirectory, "-U", Self.superuser, "--pwfile=\(passwordFile)", "-E", "UTF8", "--no-locale",
                "-A", "trust",
            ])
        try await writeHBA(["host all all 127.0.0.1/32 \(authentication.rawValue)"])
        try await runAsServerUser(
            binaries + "/pg_ctl",
            [
                "-D", dataDirectory, "-l", directory + "/server.log", "-w", "-t", "60", "-o", serverOptions, "start",
            ])
        PostgresTestCluster.running.withLock { $0[directory] = (binaries, dataDirectory) }
        PostgresTestCluster.installExitHandler
        try await createDatabase(Self.database)
    }

    /// The configuration for `user` (the superuser by default) on this cluster's TCP port.
    public func configuration(
        user: String = PostgresTestCluster.superuser, password: String? = PostgresTestCluster.superuser,
        database: String = PostgresTestCluster.database
    ) -> PostgresConfiguration {
        PostgresConfiguration(host: "127.0.0.1", port: port, user: user, password: password, database: database)
    }

    /// `postgres://hypergraph:hypergraph@127.0.0.1:PORT/hypergraph`.
    public var url: String {
        "postgres://\(Self.superuser):\(Self.superuser)@127.0.0.1:\(port)/\(Self.database)"
    }

    /// The server log so far (for failure messages).
    public var serverLog: String {
        (try? String(contentsOfFile: directory + "/server.log", encoding: .utf8)) ?? ""
    }

    /// Replaces pg_hba.conf with local trust plus `lines`; takes effect after `reload()` (or at start).
    public func writeHBA(_ lines: [String]) async throws {
        let text = (["local all all trust"] + lines).joined(separator: "\n") + "\n"
        try text.write(toFile: dataDirectory + "/pg_hba.conf", atomically: false, encoding: .utf8)
    }

    /// Makes the server re-read its configuration files.
    public func reload() async throws {
        try await runAsServerUser(binaries + "/pg_ctl", ["-D", dataDirectory, "reload"])
        try await Task.sleep(for: .milliseconds(300)) // pg_ctl reload only signals the postmaster
    }

    /// Restarts the server (fast shutdown: sessions are terminated) and waits until it accepts connections.
    public func restart() async throws {
        try await runAsServerUser(
            binaries + "/pg_ctl",
            [
                "-D", dataDirectory, "-l", directory + "/server.log", "-w", "-t", "60", "-m", "fast", "-o",
                serverOptions,
                "restart",
            ])
    }

    /// Stops the server (fast shutdown) but keeps the cluster, for outage tests; ``startServer()`` brings it back on
    /// the same port.
    public func stopServer() async throws {
        try await runAsServerUser(binaries + "/pg_ctl", ["-D", dataDirectory, "-m", "fast", "-w", "stop"])
    }

    /// Starts the server of a cluster stopped with ``stopServer()`` and waits until it accepts connections.
    public func startServer() async throws {
        try await runAsServerUser(
            binaries + "/pg_ctl",
            [
                "-D", dataDirectory, "-l", directory + "/server.log", "-w", "-t", "60", "-o", serverOptions, "start",
            ])
    }

    /// Stops the server (immediately) and deletes the cluster's folder.
    public func stop() async {
        if PostgresTestCluster.running.withLock({ $0.removeValue(forKey: directory) }) != nil {
            _ = try? await runAsServerUser(
                binaries + "/pg_ctl", ["-D", dataDirectory, "-m", "immediate", "-w", "stop"])
        }
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// Creates a database owned by the superuser.
    public func createDatabase(_ name: String) async throws {
        try await psql("CREATE DATABASE \"\(name)\"", database: "postgres")
    }

    /// Runs `sql` with psql over the local socket as the superuser and returns its unaligned, tuples-only output.
    @discardableResult
    public func psql(_ sql: String, database: String = PostgresTestCluster.database) async throws -> String {
        try await runAsServerUser(
            binaries + "/psql",
            [
                "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-h", directory, "-p", String(port), "-U",
                Self.superuser,
                "-d", database, "-c", sql,
            ])
    }

    // MARK: Processes

    /// Runs a PostgreSQL program, as the `postgres` user when this process is root.
    @discardableResult
    private func runAsServerUser(_ program: String, _ arguments: [String]) async throws -> String {
        if getuid() == 0 {
            return try await Self.run(
                "/usr/sbin/runuser", ["-u", "postgres", "--", program] + arguments, in: directory)
        }
        return try await Self.run(program, arguments, in: directory)
    }

    /// Runs `program` and returns its standard output; a non-zero exit status throws with its standard error.
    /// The child is spawned directly and reaped with `waitpid` on a thread of its own: pg_ctl leaves a server
    /// running that inherits descriptors, so waiting for pipes or for Foundation's termination notice (which
    /// watches an inherited socket) would never end.
    @discardableResult
    private static func run(_ program: String, _ arguments: [String], in directory: String = "/") async throws -> String
    {
        let outputPath = NSTemporaryDirectory() + "/hypergraph-pg-\(UUID().uuidString)"
        defer {
            try? FileManager.default.removeItem(atPath: outputPath + ".out")
            try? FileManager.default.removeItem(atPath: outputPath + ".err")
        }
        let status = try await withCheckedThrowingContinuation {
            (continuation: CheckedContinuation<Int32, any Error>) in
            Thread {
                continuation.resume(
                    with: Result { try spawnAndWait(program, arguments, in: directory, output: outputPath) })
            }.start()
        }
        let output = (try? String(contentsOfFile: outputPath + ".out", encoding: .utf8)) ?? ""
        guard status == 0 else {
            let errors = (try? String(contentsOfFile: outputPath + ".err", encoding: .utf8)) ?? ""
            throw ClusterError(
                "\(program) \(arguments.joined(separator: " ")) exited with \(status): \(errors)\(output)")
        }
        return output
    }

    /// Spawns `program` with standard output and error in `output`.out/.err and returns its exit status.
    private static func spawnAndWait(_ program: String, _ arguments: [String], in directory: String, output: String)
        throws -> Int32
    {
        // The child changes directory through a shell, since posix_spawn has no portable chdir action.
        let command = "cd \"$1\" && shift && exec \"$@\" </dev/null >\"$OUT.out\" 2>\"$OUT.err\""
        let argv = ["/bin/sh", "-c", command, "sh", directory, program] + arguments
        var environment = ProcessInfo.processInfo.environment
        environment["OUT"] = output
        let envp = environment.map { "\($0.key)=\($0.value)" }
        var cArguments = argv.map { strdup($0) } + [nil]
        var cEnvironment = envp.map { strdup($0) } + [nil]
        defer {
            cArguments.forEach { free($0) }
            cEnvironment.forEach { free($0) }
        }
        var pid = pid_t()
        let spawned = posix_spawn(&pid, "/bin/sh", nil, nil, &cArguments, &cEnvironment)
        guard spawned == 0 else { throw ClusterError("posix_spawn \(program): \(String(cString: strerror(spawned)))") }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 {
            guard errno == EINTR else { throw ClusterError("waitpid \(program): \(String(cString: strerror(errno)))") }
        }
        // WIFEXITED / WEXITSTATUS, which the Swift overlays do not import.
        return status & 0x7f == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
    }

    /// The folder holding initdb and pg_ctl.
    private static func locateBinaries() -> String? {
        let environment = ProcessInfo.processInfo.environment
        var candidates: [String] = []
        if let configured = environment["HYPERGRAPH_PG_BIN"] { candidates.append(configured) }
        candidates += (environment["PATH"] ?? "").split(separator: ":").map(String.init)
        let versions = (try? FileManager.default.contentsOfDirectory(atPath: "/usr/lib/postgresql")) ?? []
        candidates += versions.sorted { (Int($0) ?? 0) > (Int($1) ?? 0) }.map { "/usr/lib/postgresql/\($0)/bin" }
        return candidates.first { folder in
            ["initdb", "pg_ctl", "psql"].allSatisfy { FileManager.default.isExecutableFile(atPath: "\(folder)/\($0)") }
        }
    }

    /// A TCP port on 127.0.0.1 that was free a moment ago.
    private static func freePort() throws -> UInt16 {
        let fd = socket(AF_INET, Int32(streamSocketType), 0)
        guard fd >= 0 else { throw ClusterError("socket failed") }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
                bind(fd, pointer, length) == 0 && getsockname(fd, pointer, &length) == 0
            }
        }
        guard bound else { throw ClusterError("could not bind a free port: \(String(cString: strerror(errno)))") }
        return UInt16(bigEndian: address.sin_port)
    }

    // MARK: Cleanup at exit

    private static let running = Mutex<[String: (binaries: String, dataDirectory: String)]>([:])

    /// Stops clusters a test run left behind when the process exits normally.
    private static let installExitHandler: Void = {
        atexit {
            let leftovers = PostgresTestCluster.running.withLock { running in
                defer { running = [:] }
                return running
            }
            for (directory, cluster) in leftovers {
                let stop = [cluster.binaries + "/pg_ctl", "-D", cluster.dataDirectory, "-m", "immediate", "stop"]
                let command = getuid() == 0 ? ["/usr/sbin/runuser", "-u", "postgres", "--"] + stop : stop
                _ = try? spawnAndWait(command[0], Array(command.dropFirst()), in: "/", output: directory + "/exit")
                try? FileManager.default.removeItem(atPath: directory)
            }
        }
    }()
}

#if os(Linux)
    private let streamSocketType = SOCK_STREAM.rawValue
#else
    private let streamSocketType = SOCK_STREAM
#endif

/// A cluster could not be created or controlled.
public struct ClusterError: Error, CustomStringConvertible {
    /// What failed, with the program's output.
    public var description: String

    init(_ description: String) {
        self.description = description
    }
}
