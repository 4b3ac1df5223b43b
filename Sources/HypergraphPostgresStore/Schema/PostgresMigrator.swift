import HypergraphPostgres
import HypergraphStore

/// One step of the PostgreSQL schema history. Versions start at 1 and increase by 1; 0 is the empty database.
struct PostgresMigration: Sendable {
    /// The schema version the database has after this step.
    var version: Int
    /// What the step does, for error messages.
    var summary: String
    /// The SQL script of the step (several statements, run with the simple query protocol).
    var script: String
}

/// Brings a PostgreSQL database to the newest schema version.
///
/// The version lives in the one-row table `hypergraph_schema_version`. Each step runs in its own transaction together
/// with the version bump, under a transaction-scoped advisory lock, so several nodes starting at once apply each step
/// exactly once and a failing step leaves the previous version with nothing of itself (PostgreSQL DDL is
/// transactional). A database that has tables but no version table belongs to something else and is refused.
enum PostgresMigrator {
    /// The advisory lock key all migrations take: the ASCII bytes "HGst", as in SQLite's `application_id`.
    static let lockKey: Int64 = 0x4847_7374

    /// The migrations of this version of the code, oldest first.
    static let migrations: [PostgresMigration] = [postgresSchemaVersion1, postgresSchemaVersion2]

    /// Applies every migration newer than the database's version.
    ///
    /// - Parameter location: the database's URL without password, for error messages.
    static func migrate(
        _ connection: PostgresConnection, location: String, migrations: [PostgresMigration] = migrations
    ) async throws {
        let supported = migrations.last?.version ?? 0
        for migration in migrations {
            try await connection.transaction { connection in
                _ = try await connection.query("SELECT pg_advisory_xact_lock($1)", [.int64(lockKey)])
                let current = try await version(connection, location: location)
                if current > supported {
                    throw StoreError.schemaTooNew(path: location, found: current, supported: supported)
                }
                guard current < migration.version else { return }
                do {
                    try await connection.simpleQuery(migration.script)
                    _ = try await connection.query(
                        "UPDATE hypergraph_schema_version SET version = $1", [.int64(Int64(migration.version))])
                } catch {
                    throw StoreError.migrationFailed(
                        path: location, version: migration.version, summary: migration.summary,
                        underlying: "\(error)")
                }
            }
        }
    }

    /// The database's schema version; creates the version table (at 0) in a database without tables.
    private static func version(_ connection: PostgresConnection, location: String) async throws -> Int {
        let hasVersionTable = try await connection.query(
            "SELECT to_regclass('hypergraph_schema_version') IS NOT NULL"
        ).rows[0].bool(0)
        if !hasVersionTable {
            let tables = try await connection.query(
                "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() ORDER BY tablename LIMIT 5"
            ).rows.map { try $0.string(0) }
            guard tables.isEmpty else {
                throw StoreError.foreignDatabase(
                    location: location,
                    reason: "it has tables (\(tables.joined(separator: ", "))) but no hypergraph_schema_version table")
            }
            try await connection.simpleQuery(
                """
                CREATE TABLE hypergraph_schema_version (version INTEGER NOT NULL);
                INSERT INTO hypergraph_schema_version (version) VALUES (0);
                """)
        }
        return Int(try await connection.query("SELECT version FROM hypergraph_schema_version").rows[0].int64(0))
    }
}
