import CSQLite

/// One step of the schema history. Versions start at 1 and increase by 1; version 0 is the empty database.
struct Migration: Sendable {
    /// The schema version the database has after this step.
    var version: Int32
    /// What the step does, for error messages.
    var summary: String
    /// The SQL script of the step.
    var script: String
}

/// Brings a database to the newest schema version.
///
/// The version lives in SQLite's `PRAGMA user_version` header field, and `PRAGMA application_id` marks the file as a
/// Hypergraph store. Each migration runs in its own `BEGIN IMMEDIATE` transaction together with the version bump, so a
/// crash or error leaves the database at the previous version with nothing of the failed step applied, and two
/// processes opening a fresh database at once cannot both apply the same step.
enum Migrator {
    /// `application_id` of a Hypergraph store: the ASCII bytes "HGst".
    static let applicationID: Int32 = 0x4847_7374

    /// The migrations of this version of the code, oldest first.
    static let migrations: [Migration] = [schemaVersion1, schemaVersion2, schemaVersion3, schemaVersion4]

    /// Applies every migration newer than the database's version; refuses databases that are newer than `migrations`
    /// or that belong to another application.
    static func migrate(_ connection: SQLiteConnection, migrations: [Migration] = migrations) throws {
        let supported = migrations.last?.version ?? 0
        // The common case, an up-to-date database, needs no write lock.
        guard try checkedVersion(of: connection, supported: supported) < supported else { return }
        for migration in migrations {
            try connection.transaction(immediate: true) {
                let current = try checkedVersion(of: connection, supported: supported)
                guard current < migration.version else { return }
                do {
                    try connection.executeScript(migration.script)
                } catch {
                    throw StoreError.migrationFailed(
                        path: connection.path, version: Int(migration.version), summary: migration.summary,
                        underlying: error)
                }
                try connection.executeScript("PRAGMA application_id = \(applicationID)")
                try connection.executeScript("PRAGMA user_version = \(migration.version)")
            }
        }
    }

    /// The database's schema version, after checking that the file is a Hypergraph store this code can read.
    private static func checkedVersion(of connection: SQLiteConnection, supported: Int32) throws -> Int32 {
        let application = try pragma("application_id", connection)
        let version = try pragma("user_version", connection)
        // An unmarked database is ours to initialise only when it is empty.
        if application != applicationID {
            let isUnmarkedAndEmpty =
                try application == 0 && version == 0
                && !connection.exists("SELECT 1 FROM sqlite_schema")
            guard isUnmarkedAndEmpty else {
                throw StoreError.notAHypergraphDatabase(path: connection.path, applicationID: application)
            }
        }
        if version > supported {
            throw StoreError.schemaTooNew(path: connection.path, found: Int(version), supported: Int(supported))
        }
        return version
    }

    private static func pragma(_ name: String, _ connection: SQLiteConnection) throws -> Int32 {
        let value = try connection.queryFirst("PRAGMA \(name)") { row in try row.int64(0) } ?? 0
        return Int32(truncatingIfNeeded: value)
    }
}
