import HypergraphPostgres
import PostgresTestSupport
import XCTest

@testable import HypergraphPostgresStore
@testable import HypergraphStore

/// What only the PostgreSQL backend has: its migrations, and how it reports a database it cannot use or reach. The
/// storage contract itself is tested for both backends by the other test classes of this module.
final class PostgresStoreTests: XCTestCase {
    override func setUp() async throws {
        if let reason = PostgresTestCluster.unavailableReason { throw XCTSkip(reason) }
    }

    /// A new database of the shared cluster and its location.
    private func newDatabase() async throws -> PostgresConfiguration {
        try await StoreBackend.$current.withValue(.postgres) {
            guard case .postgres(let database) = try await makeStoreLocation(self) else {
                throw XCTSkip("not a PostgreSQL location")
            }
            return database
        }
    }

    func testMigratesAnEmptyDatabaseOnceAndReopensWithoutChanges() async throws {
        let database = try await newDatabase()
        let first = try await PostgresHypergraphStorage(configuration: PostgresStoreConfiguration(database: database))
        try await first.createIdentity(makeIdentity())
        await first.close()
        // Two stores opening at once (two nodes starting together) both succeed; the data is untouched.
        async let second = PostgresHypergraphStorage(configuration: PostgresStoreConfiguration(database: database))
        async let third = PostgresHypergraphStorage(configuration: PostgresStoreConfiguration(database: database))
        let (a, b) = try await (second, third)
        let identities = try await a.identities()
        XCTAssertEqual(identities, [makeIdentity()])
        await a.close()
        await b.close()
        let connection = try await PostgresConnection.connect(database)
        let version = try await connection.query("SELECT version FROM hypergraph_schema_version").rows[0].int64(0)
        XCTAssertEqual(version, Int64(PostgresMigrator.migrations.last?.version ?? 0))
        await connection.close()
    }

    func testVersionTwoDropsTheIndexOfUpdatesByAccount() async throws {
        let database = try await newDatabase()
        let connection = try await PostgresConnection.connect(database)
        try await PostgresMigrator.migrate(connection, location: "test", migrations: [postgresSchemaVersion1])
        let indexCount = "SELECT count(*) FROM pg_indexes WHERE indexname = 'updates_by_account'"
        let before = try await connection.query(indexCount).rows[0].int64(0)
        XCTAssertEqual(before, 1)
        let store = try await PostgresHypergraphStorage(configuration: PostgresStoreConfiguration(database: database))
        let after = try await connection.query(indexCount).rows[0].int64(0)
        XCTAssertEqual(after, 0)
        let version = try await connection.query("SELECT version FROM hypergraph_schema_version").rows[0].int64(0)
        XCTAssertEqual(version, 2)
        await store.close()
        await connection.close()
    }

    func testRefusesADatabaseWrittenByNewerCode() async throws {
        let database = try await newDatabase()
        let store = try await PostgresHypergraphStorage(configuration: PostgresStoreConfiguration(database: database))
        await store.close()
        let connection = try await PostgresConnection.connect(database)
        _ = try await connection.query("UPDATE hypergraph_schema_version SET version = 99")
        await connection.close()
        do {
            _ = try await PostgresHypergraphStorage(configuration: PostgresStoreConfiguration(database: database))
            XCTFail("a newer schema was accepted")
        } catch let error as StoreError {
            guard case .schemaTooNew(_, let found, _) = error else { return XCTFail("unexpected \(error)") }
            XCTAssertEqual(found, 99)
        }
    }

    func testRefusesAnotherApplicationsDatabaseAndChangesNothing() async throws {
        let database = try await newDatabase()
        let connection = try await PostgresConnection.connect(database)
        try await connection.simpleQuery("CREATE TABLE invoices (id INTEGER PRIMARY KEY)")
        do {
            _ = try await PostgresHypergraphStorage(configuration: PostgresStoreConfiguration(database: database))
            XCTFail("a foreign database was accepted")
        } catch let error as StoreError {
            guard case .foreignDatabase(_, let reason) = error else { return XCTFail("unexpected \(error)") }
            XCTAssertTrue(reason.contains("invoices"), reason)
        }
        let tables = try await connection.query(
            "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() ORDER BY tablename"
        ).rows.map { try $0.string(0) }
        XCTAssertEqual(tables, ["invoices"], "nothing was created")
        await connection.close()
    }

    func testAnUnreachableOrRefusingDatabaseIsUnavailableAndSaysWhy() async throws {
        var unreachable = try await newDatabase()
        unreachable.port = 1 // tcpmux: nothing listens there on loopback
        unreachable.connectTimeout = .seconds(2)
        do {
            _ = try await PostgresHypergraphStorage(configuration: PostgresStoreConfiguration(database: unreachable))
            XCTFail("opened a store on a closed port")
        } catch let error as StoreError {
            guard case .unavailable(let reason) = error else { return XCTFail("unexpected \(error)") }
            XCTAssertTrue(reason.contains(String(unreachable.port)), reason)
        }
        var missing = try await newDatabase()
        missing.database = "no_such_database"
        do {
            _ = try await PostgresHypergraphStorage(configuration: PostgresStoreConfiguration(database: missing))
            XCTFail("opened a database that does not exist")
        } catch let error as StoreError {
            XCTAssertTrue(error.description.contains("no_such_database"), error.description)
        }
    }

}
