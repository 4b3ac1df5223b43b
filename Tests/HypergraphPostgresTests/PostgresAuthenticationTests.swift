import HypergraphPostgres
import PostgresTestSupport
import XCTest

/// Each authentication method against a cluster whose pg_hba.conf picks the method by user.
final class PostgresAuthenticationTests: XCTestCase {
    func testEveryMethod() async throws {
        let cluster = try await startOwnCluster()
        try await cluster.psql(
            """
            SET password_encryption = 'md5'; CREATE ROLE md5user LOGIN PASSWORD 'md5 secret';
            SET password_encryption = 'scram-sha-256'; CREATE ROLE scramuser LOGIN PASSWORD 'scram sécret ü';
            CREATE ROLE plainuser LOGIN PASSWORD 'plain secret'; CREATE ROLE gssuser LOGIN;
            """)
        try await cluster.writeHBA([
            "host all md5user 127.0.0.1/32 md5", "host all scramuser 127.0.0.1/32 scram-sha-256",
            "host all plainuser 127.0.0.1/32 password", "host all gssuser 127.0.0.1/32 gss",
            "host all all 127.0.0.1/32 trust",
        ])
        try await cluster.reload()

        let trusted = try await PostgresConnection.connect(cluster.configuration(password: nil))
        await trusted.close()
        for (user, password) in [
            ("plainuser", "plain secret"), ("md5user", "md5 secret"), ("scramuser", "scram sécret ü"),
        ] {
            let connection = try await PostgresConnection.connect(cluster.configuration(user: user, password: password))
            let whoAmI = try await connection.query("SELECT current_user::text").rows[0].string(0)
            XCTAssertEqual(whoAmI, user)
            await connection.close()

            let refused = await postgresError {
                _ = try await PostgresConnection.connect(cluster.configuration(user: user, password: "wrong"))
            }
            XCTAssertEqual(refused, .authenticationFailed("password authentication failed for user \"\(user)\""), user)
            XCTAssertFalse(refused?.isConnectionProblem ?? true)

            let missing = await postgresError {
                _ = try await PostgresConnection.connect(cluster.configuration(user: user, password: nil))
            }
            guard case .authenticationFailed(let reason) = missing else {
                return XCTFail("\(user): \(String(describing: missing))")
            }
            XCTAssertTrue(reason.contains("has none"), reason)
        }

        let gss = await postgresError {
            _ = try await PostgresConnection.connect(cluster.configuration(user: "gssuser"))
        }
        XCTAssertEqual(gss, .authenticationUnsupported("GSSAPI (code 7)"))

        let unknownDatabase = await postgresError {
            _ = try await PostgresConnection.connect(cluster.configuration(database: "no_such_database"))
        }
        guard case .server(let error) = unknownDatabase else {
            return XCTFail("\(String(describing: unknownDatabase))")
        }
        XCTAssertEqual(error.sqlState, "3D000")
    }

    /// RFC 7677 §3's example exchange (user "user", password "pencil"), and a forged server signature.
    func testSCRAMAgainstRFC7677Example() throws {
        var client = SCRAMClient(user: "user", password: "pencil", nonce: "rOprNGfwEbeRWgbNEkqO")
        XCTAssertEqual(String(decoding: client.clientFirstMessage, as: UTF8.self), "n,,n=user,r=rOprNGfwEbeRWgbNEkqO")
        let serverFirst = "r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096"
        let clientFinal = try Array(serverFirst.utf8).withUnsafeBytes { try client.clientFinalMessage(serverFirst: $0) }
        XCTAssertEqual(
            String(decoding: clientFinal, as: UTF8.self),
            "c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ="
        )
        try Array("v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=".utf8).withUnsafeBytes {
            try client.verify(serverFinal: $0)
        }
        XCTAssertThrowsError(
            try Array("v=AAAATRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=".utf8).withUnsafeBytes {
                try client.verify(serverFinal: $0)
            }
        ) { error in
            guard case .authenticationFailed = error as? PostgresError else { return XCTFail("\(error)") }
        }
    }

    func testRefusedAndSilentServers() async throws {
        let closedPort = try FakeServer.unusedPort()
        let refused = await postgresError {
            _ = try await PostgresConnection.connect(
                PostgresConfiguration(host: "127.0.0.1", port: closedPort, user: "x"))
        }
        guard case .connectionFailed(_, let port, let reason) = refused else {
            return XCTFail("\(String(describing: refused))")
        }
        XCTAssertEqual(port, closedPort)
        XCTAssertTrue(reason.contains("refused"), reason)
        XCTAssertTrue(refused?.isConnectionProblem ?? false)

        let silent = try FakeServer(reply: [])
        let timedOut = await postgresError {
            _ = try await PostgresConnection.connect(
                PostgresConfiguration(
                    host: "127.0.0.1", port: silent.port, user: "x", connectTimeout: .milliseconds(300)))
        }
        guard case .connectionFailed(_, _, let timeoutReason) = timedOut else {
            return XCTFail("\(String(describing: timedOut))")
        }
        XCTAssertTrue(timeoutReason.contains("timed out"), timeoutReason)
    }

    func testOversizedMessageIsAProtocolViolation() async throws {
        // 'R' claiming 2 GiB - 1 bytes.
        let server = try FakeServer(reply: [UInt8(ascii: "R"), 0x7f, 0xff, 0xff, 0xff, 0, 0, 0, 0])
        let error = await postgresError {
            _ = try await PostgresConnection.connect(
                PostgresConfiguration(host: "127.0.0.1", port: server.port, user: "x"))
        }
        guard case .protocolViolation(let reason) = error else { return XCTFail("\(String(describing: error))") }
        XCTAssertTrue(reason.contains("claims 2147483647 bytes"), reason)
    }

    func testSASLWithoutPlainSCRAMIsUnsupported() async throws {
        var reply: [UInt8] = [UInt8(ascii: "R")]
        let body = [0, 0, 0, 10] + Array("SCRAM-SHA-256-PLUS".utf8) + [0, 0]
        reply += withUnsafeBytes(of: Int32(body.count + 4).bigEndian, Array.init) + body
        let server = try FakeServer(reply: reply)
        let error = await postgresError {
            _ = try await PostgresConnection.connect(
                PostgresConfiguration(host: "127.0.0.1", port: server.port, user: "x", password: "y"))
        }
        XCTAssertEqual(error, .authenticationUnsupported("SASL with SCRAM-SHA-256-PLUS only"))
    }
}
