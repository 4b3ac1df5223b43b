import XCTest

@testable import HypergraphStore

final class MigrationTests: XCTestCase {
    private let latestVersion = Int64(Migrator.migrations.last?.version ?? 0)

    private func header(_ path: String) throws -> (applicationID: Int64, version: Int64) {
        let connection = try SQLiteConnection(path: path, role: .reader, busyTimeoutMilliseconds: 1_000)
        return (
            try connection.queryFirst("PRAGMA application_id") { try $0.int64(0) } ?? 0,
            try connection.queryFirst("PRAGMA user_version") { try $0.int64(0) } ?? 0
        )
    }

    func testMigrationVersionsStartAtOneAndIncreaseByOne() {
        XCTAssertEqual(Migrator.migrations.map(\.version), Array(1...Int32(Migrator.migrations.count)))
    }

    func testCreatesTheSchemaOnAnEmptyDatabaseAndReopensWithoutMigratingAgain() async throws {
        let path = try makeDatabasePath(self)
        let store = try await SQLiteHypergraphStorage(path: path)
        try await store.createIdentity(makeIdentity())
        await store.close()
        XCTAssertEqual(try header(path).version, latestVersion)
        XCTAssertEqual(try header(path).applicationID, Int64(Migrator.applicationID))

        let reopened = try await SQLiteHypergraphStorage(path: path)
        let identities = try await reopened.identities()
        XCTAssertEqual(identities, [makeIdentity()])
        await reopened.close()
        XCTAssertEqual(try header(path).version, latestVersion)
    }

    func testRefusesADatabaseWrittenByNewerCode() async throws {
        let path = try makeDatabasePath(self)
        try await SQLiteHypergraphStorage(path: path).close()
        let connection = try SQLiteConnection(path: path, role: .writer, busyTimeoutMilliseconds: 1_000)
        try connection.executeScript("PRAGMA user_version = 99")
        await assertThrows(.schemaTooNew(path: path, found: 99, supported: Int(latestVersion))) {
            try await SQLiteHypergraphStorage(path: path)
        }
        XCTAssertEqual(
            StoreError.schemaTooNew(path: path, found: 99, supported: 1).description,
            "\(path) has schema version 99, but this program supports versions up to 1; use a newer program")
    }

    func testRefusesAnotherApplicationsDatabase() async throws {
        let path = try makeDatabasePath(self)
        let connection = try SQLiteConnection(path: path, role: .writer, busyTimeoutMilliseconds: 1_000)
        try connection.executeScript("CREATE TABLE notes (text TEXT)")
        await assertThrows(.notAHypergraphDatabase(path: path, applicationID: 0)) {
            try await SQLiteHypergraphStorage(path: path)
        }
        try connection.executeScript("DROP TABLE notes; PRAGMA application_id = 42")
        await assertThrows(.notAHypergraphDatabase(path: path, applicationID: 42)) {
            try await SQLiteHypergraphStorage(path: path)
        }
    }

    func testAFailingMigrationLeavesThePreviousVersionAndNothingOfItself() throws {
        let path = try makeDatabasePath(self)
        let connection = try SQLiteConnection(path: path, role: .writer, busyTimeoutMilliseconds: 1_000)
        let first = Migration(version: 1, summary: "first", script: "CREATE TABLE a (n INTEGER) STRICT;")
        let broken = Migration(
            version: 2, summary: "broken", script: "CREATE TABLE b (n INTEGER) STRICT; INSERT INTO missing VALUES (1);")
        XCTAssertThrowsError(try Migrator.migrate(connection, migrations: [first, broken])) { error in
            guard case .migrationFailed(path, 2, "broken", let underlying)? = error as? StoreError else {
                return XCTFail("unexpected error \(error)")
            }
            XCTAssertTrue(underlying.contains("no such table: missing"), underlying)
        }
        XCTAssertEqual(try header(path).version, 1)
        let tables = try connection.query("SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name") {
            try $0.text(0)
        }
        XCTAssertEqual(tables, ["a"])
        // Fixed code picks up at version 1.
        let fixed = Migration(version: 2, summary: "fixed", script: "CREATE TABLE b (n INTEGER) STRICT;")
        try Migrator.migrate(connection, migrations: [first, fixed])
        XCTAssertEqual(try header(path).version, 2)
    }

    func testRejectsInvalidConfiguration() async throws {
        let path = try makeDatabasePath(self)
        await assertThrows(.invalidConfiguration("readerCount is 0; it must be at least 1")) {
            try await SQLiteHypergraphStorage(configuration: SQLiteStoreConfiguration(path: path, readerCount: 0))
        }
        await assertThrows(.invalidConfiguration("maxBatchSize is 0; it must be at least 1")) {
            try await SQLiteHypergraphStorage(configuration: SQLiteStoreConfiguration(path: path, maxBatchSize: 0))
        }
    }

    func testVersionThreeTotalsTheUpdatesAVersionTwoDatabaseAlreadyHolds() async throws {
        let path = try makeDatabasePath(self)
        let connection = try SQLiteConnection(path: path, role: .writer, busyTimeoutMilliseconds: 1_000)
        try Migrator.migrate(connection, migrations: [schemaVersion1, schemaVersion2])
        let (alice, bob) = (makeIdentity(account: "0xAlice"), makeIdentity(account: "0xBob"))
        let store = try await SQLiteHypergraphStorage(path: path)
        try await store.createIdentity(alice)
        try await store.createIdentity(bob)
        _ = try await store.createSpace(makeSpace("space-1", creator: alice))
        _ = try await store.createSpace(makeSpace("space-2", creator: bob))
        await store.close()
        // Updates written by version 2 code: straight into the table, without the triggers.
        try connection.executeScript(
            "PRAGMA user_version = 2; DROP TRIGGER updates_add_bytes; DROP TRIGGER updates_remove_bytes")
        try connection.executeScript("DROP TABLE space_update_bytes; DROP TABLE account_update_bytes")
        // Opening the store applied version 4 too; a version 2 database still has the index it drops.
        try connection.executeScript("CREATE INDEX updates_by_account ON updates (account_address)")
        for (space, clock, account, size) in [
            ("space-1", 0, "0xAlice", 10), ("space-1", 1, "0xBob", 20), ("space-2", 0, "0xBob", 40),
        ] {
            try connection.executeScript(
                "INSERT INTO updates VALUES ('\(space)', \(clock), 'u\(clock)', '\(account)', zeroblob(\(size)), 'sig', 0, 0)"
            )
        }
        let migrated = try await SQLiteHypergraphStorage(path: path)
        let before = try await migrated.storedUpdateBytes(spaceId: "space-1", accountAddress: "0xBob")
        XCTAssertEqual(before, StoredUpdateBytes(space: 30, account: 60))
        _ = try await migrated.appendUpdate(
            spaceId: "space-1", accountAddress: "0xBob", update: [1, 2, 3],
            signature: SignatureRecord(hex: "s", recovery: 0),
            updateId: "u-new")
        let after = try await migrated.storedUpdateBytes(spaceId: "space-1", accountAddress: "0xBob")
        XCTAssertEqual(after, StoredUpdateBytes(space: 33, account: 63))
        await migrated.close()
    }

    func testVersionFourDropsTheIndexOfUpdatesByAccountAndKeepsTheUpdates() async throws {
        let path = try makeDatabasePath(self)
        let connection = try SQLiteConnection(path: path, role: .writer, busyTimeoutMilliseconds: 1_000)
        try Migrator.migrate(connection, migrations: [schemaVersion1, schemaVersion2, schemaVersion3])
        let indexCount = "SELECT count(*) FROM sqlite_master WHERE type = 'index' AND name = 'updates_by_account'"
        XCTAssertEqual(try connection.queryFirst(indexCount) { try $0.int64(0) }, 1)
        try connection.executeScript(
            "INSERT INTO spaces VALUES ('space-1', 'one', 0); INSERT INTO updates VALUES ('space-1', 0, 'u0', "
                + "'0xAlice', zeroblob(5), 'sig', 0, 0)")

        let store = try await SQLiteHypergraphStorage(path: path)
        XCTAssertEqual(try connection.queryFirst(indexCount) { try $0.int64(0) }, 0)
        XCTAssertEqual(try connection.queryFirst("PRAGMA user_version") { try $0.int64(0) }, 4)
        let stored = try await store.storedUpdateBytes(spaceId: "space-1", accountAddress: "0xAlice")
        XCTAssertEqual(stored, StoredUpdateBytes(space: 5, account: 5))
        await store.close()
    }

    func testOpeningAnUnreachablePathFailsWithTheSQLiteError() async {
        do {
            _ = try await SQLiteHypergraphStorage(path: "/nonexistent-dir/x/db.sqlite")
            XCTFail("expected an error")
        } catch StoreError.sqlite(let error) {
            XCTAssertTrue(error.message.contains("/nonexistent-dir/x/db.sqlite"), error.message)
        } catch {
            XCTFail("unexpected error \(error)")
        }
    }
}
