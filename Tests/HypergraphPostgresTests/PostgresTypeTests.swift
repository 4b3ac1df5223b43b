import Foundation
import HypergraphPostgres
import XCTest

/// Every supported type through both result formats: a statement's first execution returns text, later ones
/// binary; the simple protocol always returns text.
final class PostgresTypeTests: XCTestCase {
    private static let uuid = UUID(uuidString: "A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11")!
    /// 2024-02-29 12:34:56.123456 UTC.
    private static let date = Date(timeIntervalSince1970: 1_709_210_096.123456)

    private let parameters: [PostgresValue] = [
        .int16(.min), .int16(.max), .int32(.min), .int32(.max), .int64(.min), .int64(.max), .int64(0),
        .bool(true), .bool(false), .text(""), .text("héllo 🌍 'quoted' \\ \"x\""), .bytea([]),
        .bytea([0, 1, 0xfe, 0xff]),
        .timestamptz(PostgresTypeTests.date), .timestamptz(Date(timeIntervalSince1970: -1.5)),
        .uuid(PostgresTypeTests.uuid), .null,
    ]

    func testParametersRoundTripInTextThenBinary() async throws {
        let cluster = try await SharedCluster.get()
        let connection = try await PostgresConnection.connect(cluster.configuration())
        let placeholders = (1...parameters.count).map { "$\($0)" }.joined(separator: ", ")
        let sql = "SELECT \(placeholders)"
        for round in ["text", "binary", "binary again"] {
            let result = try await connection.query(sql, parameters)
            XCTAssertEqual(result.rows.count, 1)
            XCTAssertEqual(result.rows[0].values, parameters, round)
            XCTAssertEqual(result.commandTag, "SELECT 1")
            XCTAssertEqual(result.affectedRows, 1)
        }
        await connection.close()
    }

    func testColumnTypesAndAccessors() async throws {
        let cluster = try await SharedCluster.get()
        let connection = try await PostgresConnection.connect(cluster.configuration())
        let sql = """
            SELECT 1::int2 AS small, 2::int4 AS medium, 3::int8 AS large, true AS flag, 'x'::varchar AS label,
                   'n'::name AS identifier, '\\x00ff'::bytea AS data, NULL::text AS nothing,
                   '2000-01-01 00:00:00.000001+00'::timestamptz AS instant, 1.5::numeric AS decimal,
                   'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'::uuid AS id
            """
        for _ in 0..<2 {
            let result = try await connection.query(sql)
            XCTAssertEqual(
                result.columns.map(\.name),
                [
                    "small", "medium", "large", "flag", "label", "identifier", "data", "nothing", "instant", "decimal",
                    "id",
                ])
            XCTAssertEqual(result.columns.map(\.typeOID), [21, 23, 20, 16, 1043, 19, 17, 25, 1184, 1700, 2950])
            let row = result.rows[0]
            XCTAssertEqual(try row.int64(0), 1)
            XCTAssertEqual(try row.int32(1), 2)
            XCTAssertEqual(try row.int64(2), 3)
            XCTAssertEqual(try row.bool(3), true)
            XCTAssertEqual(try row.string(4), "x")
            XCTAssertEqual(try row.string(5), "n")
            XCTAssertEqual(try row.bytes(6), [0, 255])
            XCTAssertTrue(row.isNull(7))
            XCTAssertNil(try row.optionalString(7))
            XCTAssertNil(try row.optionalInt64(7))
            XCTAssertNil(try row.optionalBytes(7))
            XCTAssertEqual(try row.optionalBytes(6), [0, 255])
            XCTAssertEqual(try row.date(8), Date(timeIntervalSince1970: 946_684_800.000001))
            XCTAssertEqual(try row.string(9), "1.5") // numeric has no case of its own: text
            XCTAssertEqual(try row.uuid(10), Self.uuid)
            XCTAssertThrowsError(try row.string(0)) {
                XCTAssertEqual($0 as? PostgresError, .decoding("column 0 (small): expected text, got int2"))
            }
            XCTAssertThrowsError(try row.int64(7)) {
                XCTAssertEqual($0 as? PostgresError, .decoding("column 7 (nothing): expected a value, got NULL"))
            }
            XCTAssertThrowsError(try row.int32(2)) {
                XCTAssertEqual($0 as? PostgresError, .decoding("column 2 (large): expected int4, got int8"))
            }
        }
        await connection.close()
    }

    func testSimpleProtocolDecodesText() async throws {
        let cluster = try await SharedCluster.get()
        let connection = try await PostgresConnection.connect(cluster.configuration())
        let results = try await connection.simpleQuery(
            """
            SELECT '-32768'::int2, 2147483647::int4, '-9223372036854775808'::int8, false, ''::text, ''::bytea,
                   '\\xdeadbeef'::bytea, '2024-02-29 12:34:56.123456+00'::timestamptz,
                   '1999-12-31 23:59:59.5-05:30'::timestamptz, 'infinity'::timestamptz,
                   'A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11'::uuid, NULL::int8;
            SELECT 'second statement'
            """)
        XCTAssertEqual(results.count, 2)
        XCTAssertEqual(
            results[0].rows[0].values,
            [
                .int16(.min), .int32(.max), .int64(.min), .bool(false), .text(""), .bytea([]),
                .bytea([0xde, 0xad, 0xbe, 0xef]),
                .timestamptz(Self.date), .timestamptz(Date(timeIntervalSince1970: 946_704_599.5)),
                .timestamptz(.distantFuture),
                .uuid(Self.uuid), .null,
            ])
        XCTAssertEqual(try results[1].rows[0].string(0), "second statement")
        await connection.close()
    }

    func testTimestampMicrosecondsSurviveBothFormats() async throws {
        let cluster = try await SharedCluster.get()
        let connection = try await PostgresConnection.connect(cluster.configuration())
        let table = uniqueName("instants")
        try await connection.simpleQuery("CREATE TABLE \(table) (at timestamptz)")
        // Including 0001-01-01, 0044-03-15 BC and the year 12000, which the text format writes unusually.
        let instants = [
            946_684_800.000001, 1_709_210_096.999999, 4_102_444_800.5, -62_135_596_800.0, -63_517_910_400.25,
            316_516_204_800.0,
        ]
        .map { Date(timeIntervalSince1970: $0) }
        for instant in instants {
            try await connection.query("INSERT INTO \(table) VALUES ($1)", [.timestamptz(instant)])
        }
        for _ in 0..<2 {
            let rows = try await connection.query("SELECT at FROM \(table) ORDER BY at").rows
            XCTAssertEqual(try rows.map { try $0.date(0) }, instants.sorted())
        }
        let text = try await connection.simpleQuery("SELECT at FROM \(table) ORDER BY at")[0].rows
        XCTAssertEqual(try text.map { try $0.date(0) }, instants.sorted())
        await connection.close()
    }
}
