import HypergraphPostgres
import XCTest

/// `PostgresConfiguration(url:)` and `redactedURL` (no server needed).
final class PostgresURLTests: XCTestCase {
    func testFullURL() throws {
        let configuration = try PostgresConfiguration(
            url:
                "postgres://al%40ice:p%3Ass%2Fw%C3%B6rd@db.example.com:6543/my%20db?application_name=hyper%20graph&sslmode=disable&connect_timeout=3"
        )
        XCTAssertEqual(configuration.user, "al@ice")
        XCTAssertEqual(configuration.password, "p:ss/wörd")
        XCTAssertEqual(configuration.host, "db.example.com")
        XCTAssertEqual(configuration.port, 6543)
        XCTAssertEqual(configuration.database, "my db")
        XCTAssertEqual(configuration.applicationName, "hyper graph")
        XCTAssertEqual(configuration.connectTimeout, .seconds(3))
        XCTAssertEqual(
            configuration.redactedURL, "postgres://al%40ice@db.example.com:6543/my%20db?application_name=hyper%20graph")
    }

    func testDefaultsAndVariants() throws {
        let minimal = try PostgresConfiguration(url: "postgresql://bob@localhost")
        XCTAssertEqual(minimal, PostgresConfiguration(user: "bob"))
        XCTAssertNil(minimal.password)
        XCTAssertEqual(minimal.database, "bob")
        XCTAssertEqual(minimal.port, 5432)

        let ipv6 = try PostgresConfiguration(url: "postgres://bob:@[::1]:5433/data")
        XCTAssertEqual(ipv6.host, "::1")
        XCTAssertEqual(ipv6.port, 5433)
        XCTAssertEqual(ipv6.password, "")
        XCTAssertEqual(ipv6.redactedURL, "postgres://bob@[::1]:5433/data")

        let bareIPv6 = try PostgresConfiguration(url: "postgres://bob@[fe80::1]")
        XCTAssertEqual(bareIPv6.host, "fe80::1")
        XCTAssertEqual(bareIPv6.port, 5432)

        for mode in ["disable", "allow", "prefer"] {
            XCTAssertNoThrow(try PostgresConfiguration(url: "postgres://bob@h/d?sslmode=\(mode)"))
        }
    }

    func testTLSModesAreRefused() {
        for mode in ["require", "verify-ca", "verify-full"] {
            XCTAssertThrowsError(try PostgresConfiguration(url: "postgres://bob@h/d?sslmode=\(mode)")) { error in
                XCTAssertEqual(error as? PostgresError, .tlsNotSupported("sslmode=\(mode)"))
            }
        }
    }

    func testEachBadPartIsNamed() {
        let cases: [(url: String, part: String)] = [
            ("mysql://bob@h/d", "scheme"),
            ("bob@h/d", "scheme"),
            ("postgres://h/d", "user"),
            ("postgres://@h/d", "user"),
            ("postgres://b%zzob@h/d", "user"),
            ("postgres://bob:pa%4@h/d", "password"),
            ("postgres://bob:%ff%fe@h/d", "password"),
            ("postgres://bob@/d", "host"),
            ("postgres://bob@[::1/d", "host"),
            ("postgres://bob@[::1]x/d", "host"),
            ("postgres://bob@h:/d", "port"),
            ("postgres://bob@h:0/d", "port"),
            ("postgres://bob@h:65536/d", "port"),
            ("postgres://bob@h:54x/d", "port"),
            ("postgres://bob@h/a/b", "database"),
            ("postgres://bob@h/d%2", "database"),
            ("postgres://bob@h/d?sslmode=sometimes", "sslmode"),
            ("postgres://bob@h/d?connect_timeout=-1", "connect_timeout"),
            ("postgres://bob@h/d?target_session_attrs=any", "query"),
            ("postgres://bob@h/d?application_name", "query"),
        ]
        for (url, part) in cases {
            XCTAssertThrowsError(try PostgresConfiguration(url: url), url) { error in
                guard case .invalidURL(let reportedPart, let reason) = error as? PostgresError else {
                    return XCTFail("\(url): expected invalidURL, got \(error)")
                }
                XCTAssertEqual(reportedPart, part, "\(url): \(reason)")
                XCTAssertFalse(reason.isEmpty)
            }
        }
    }
}
