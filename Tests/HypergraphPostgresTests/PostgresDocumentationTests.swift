import HypergraphPostgres
import XCTest

/// The example of docs/postgres.md, with the URL pointing at the test cluster.
final class PostgresDocumentationTests: XCTestCase {
    func testDocumentedExample() async throws {
        let cluster = try await SharedCluster.get()
        let url = cluster.url

        let configuration = try PostgresConfiguration(url: url)
        let pool = PostgresConnectionPool(configuration: configuration, maximumConnections: 4)
        try await pool.query("CREATE TABLE IF NOT EXISTS notes (id int8 PRIMARY KEY, body text NOT NULL)")
        try await pool.withTransaction { connection in
            try await connection.query(
                "INSERT INTO notes (id, body) VALUES ($1, $2) ON CONFLICT (id) DO NOTHING", [.int64(1), .text("hello")])
        }
        let rows = try await pool.query("SELECT id, body FROM notes WHERE id = $1", [.int64(1)]).rows
        for row in rows {
            print(try row.int64(0), try row.string(1))
        }
        await pool.close()

        XCTAssertEqual(rows.count, 1)
        XCTAssertEqual(try rows.first?.string(1), "hello")
    }
}
