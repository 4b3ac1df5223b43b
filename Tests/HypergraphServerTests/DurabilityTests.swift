// Durability: data survives a restart, and a `hypergraph serve` process killed with SIGKILL during a write storm
// loses no confirmed update and leaves no gap in the clocks. Also the CLI against a running server.
import Foundation
import HypergraphClient
import HypergraphJSON
import HypergraphProtocol
import HypergraphServer
import HypergraphStore
import PostgresTestSupport
import XCTest

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

final class DurabilityTests: XCTestCase {
    func testDataSurvivesARestart() async throws {
        let first = try await TestServer.start()
        let alice = try await first.participant()
        let bob = try await first.participant()
        let space = try await first.sharedSpace(owner: alice, member: bob)
        for index in 0..<5 { _ = try await alice.createUpdate(space.id, [UInt8(index)]) }
        let inbox = try await alice.session.createAccountInbox(
            alice.identity.createAccountInbox(isPublic: true, authPolicy: .anonymous))
        await alice.session.close()
        await first.stop(keepingFiles: true)

        let second = try await TestServer.start(directory: first.directory)
        let session = try await second.connect(alice.identity)
        let snapshot = try await session.subscribe(spaceId: space.id)
        XCTAssertEqual(snapshot.events.count, 3)
        XCTAssertEqual(snapshot.updates?.updates.map(\.update), (0..<5).map { [UInt8($0)] })
        let spaces = try await session.listSpaces()
        XCTAssertEqual(spaces.spaces.map(\.id), [space.id])
        let inboxes = try await session.accountInboxes()
        XCTAssertEqual(inboxes.inboxes, [inbox.inbox])
        let next = try await session.createUpdate(alice.identity.createUpdate(spaceId: space.id, update: [9]))
        XCTAssertEqual(next.clock, 5)
        await second.stop()
    }

    func testKilledServerLosesNoConfirmedUpdateAndLeavesNoClockGap() async throws {
        let directory = try TestServer.makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let databasePath = directory.appendingPathComponent("crash.sqlite").path
        try await killDuringWriteStorms(store: databasePath)
    }

    func testKilledServerOnPostgreSQLLosesNoConfirmedUpdateAndLeavesNoClockGap() async throws {
        if let reason = PostgresTestCluster.unavailableReason { throw XCTSkip(reason) }
        let cluster = try await PostgresTestCluster.start()
        do {
            try await killDuringWriteStorms(store: cluster.url)
        } catch {
            await cluster.stop()
            throw error
        }
        await cluster.stop()
    }

    /// Three rounds of: start `hypergraph serve --store store`, write from 6 connections, SIGKILL the server after a
    /// number of confirmations; then every confirmed update must be stored at its clock, with no gap.
    private func killDuringWriteStorms(store: String) async throws {
        let location = try StoreLocation(parsing: store)
        let setup = try await location.open(readers: 1)
        let provisioned = try await IdentityProvisioning.create(
            IdentityRequest(), in: setup, now: SQLiteStoreConfiguration.systemClock())
        await setup.close()
        let identity = try HypergraphIdentity(json: try JSONValue.parse(provisioned.jsonUTF8()))

        var confirmed: [String: Int] = [:]
        var spaceId: String?
        for round in 0..<3 {
            let child = try ChildServer(store: store)
            let sessions = try await (0..<6).asyncMap { _ in
                try await HypergraphClient.connect(url: child.url, token: identity.sessionToken)
            }
            if spaceId == nil {
                spaceId = try await sessions[0].createSpace(identity.createSpaceEvent(name: "Crash")).id
            }
            let space = try XCTUnwrap(spaceId)
            let target = 60 + 70 * round
            let results = try await withThrowingTaskGroup(of: [(String, Int)].self) { group in
                let counter = ConfirmationCounter()
                for session in sessions {
                    group.addTask {
                        var mine: [(String, Int)] = []
                        while true {
                            let request = identity.createUpdate(spaceId: space, update: Array(repeating: 5, count: 64))
                            do {
                                let confirmation = try await session.createUpdate(request, timeout: .seconds(10))
                                mine.append((confirmation.updateId, confirmation.clock))
                                if await counter.increment() == target { child.send(SIGKILL) }
                            } catch {
                                return mine // The server died.
                            }
                        }
                    }
                }
                return try await group.reduce(into: []) { $0 += $1 }
            }
            let exit = await child.waitForExit()
            XCTAssertEqual(exit.reason, .uncaughtSignal, "round \(round): the child was killed")
            XCTAssertGreaterThanOrEqual(results.count, target)
            for (updateId, clock) in results { confirmed[updateId] = clock }
        }

        let storage = try await location.open(readers: 1)
        let snapshot = try await storage.spaceSnapshot(
            spaceId: try XCTUnwrap(spaceId), accountAddress: identity.accountAddress,
            appIdentityAddress: try XCTUnwrap(identity.appIdentityAddress), updatesAfterClock: nil)
        await storage.close()
        XCTAssertEqual(snapshot.updates.map(\.clock), (0..<Int64(snapshot.updates.count)).map { $0 }, "no clock gap")
        let stored = Dictionary(uniqueKeysWithValues: snapshot.updates.map { ($0.updateId, Int($0.clock)) })
        for (updateId, clock) in confirmed {
            XCTAssertEqual(stored[updateId], clock, "confirmed update \(updateId) at clock \(clock) is stored")
        }
        XCTAssertGreaterThanOrEqual(stored.count, confirmed.count)
        print(
            "crash test (\(location)): 3 SIGKILLs during write storms; \(confirmed.count) updates confirmed, \(stored.count) stored, clocks 0…\(stored.count - 1) without gaps"
        )
    }

    /// Also runs the server on a single event loop (`--event-loops 1`), the smallest configuration.
    func testServeStopsGracefullyOnSIGTERM() async throws {
        let directory = try TestServer.makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let databasePath = directory.appendingPathComponent("serve.sqlite").path
        let created = try HypergraphExecutable.run(["identity", "create", "--db", databasePath, "--create"])
        XCTAssertEqual(created.status, 0, created.errors)
        let identity = try HypergraphIdentity(json: try JSONValue.parse(Array(created.output.utf8)))
        let child = try ChildServer(store: databasePath, options: ["--event-loops", "1"])
        let session = try await HypergraphClient.connect(url: child.url, token: identity.sessionToken)
        _ = try await session.listSpaces()
        child.send(SIGTERM)
        let status = try await session.waitForClose(timeout: .seconds(10))
        XCTAssertEqual(status.code, .goingAway)
        let exit = await child.waitForExit()
        XCTAssertEqual(exit.reason, .exit)
        XCTAssertEqual(exit.status, 0)
        XCTAssertTrue(child.logs.contains("event=server.stopped"), child.logs)
    }

    func testServeRejectsAnEventLoopCountOutsideItsRange() throws {
        for count in ["0", "65", "two"] {
            let result = try HypergraphExecutable.run([
                "serve", "--event-loops", count, "--db", "/nonexistent/never-created.sqlite",
            ])
            XCTAssertEqual(result.status, 2, "--event-loops \(count): \(result.errors)")
            XCTAssertTrue(result.errors.contains("--event-loops"), result.errors)
        }
    }

    /// `--store` is a usage error when it names nothing usable; a PostgreSQL server that cannot be reached or refuses
    /// the login stops `serve` and `identity` with one line and exit status 1, without retries.
    func testBadStoresAreRefusedWithOneClearLine() async throws {
        let usage: [([String], String)] = [
            (["serve", "--store", "ftp://example/db"], "unknown scheme 'ftp'"),
            (["serve", "--store", "postgres://user@host:notaport/db"], "port"),
            (["serve", "--store", "sqlite:"], "expected a file path"),
            (["serve", "--store", "./a.sqlite", "--db", "./b.sqlite"], "not both"),
            (["identity", "list", "--store", "postgres://user@localhost/db?sslmode=verify-full"], "TLS"),
        ]
        for (arguments, expected) in usage {
            let result = try HypergraphExecutable.run(arguments)
            XCTAssertEqual(result.status, 2, "\(arguments): \(result.errors)")
            XCTAssertTrue(result.errors.contains(expected), "\(arguments): \(result.errors)")
        }
        // Port 1 on loopback: nothing listens there.
        for command in [["serve", "--port", "0"], ["identity", "list"]] {
            let result = try HypergraphExecutable.run(command + ["--store", "postgres://user:secret@127.0.0.1:1/db"])
            XCTAssertEqual(result.status, 1, "\(command): \(result.errors)")
            let lines = result.errors.split(separator: "\n")
            XCTAssertEqual(lines.count, 1, "one line: \(result.errors)")
            XCTAssertTrue(result.errors.contains("unavailable") && result.errors.contains("127.0.0.1:1"), result.errors)
            XCTAssertFalse(result.errors.contains("secret"), "the password is not printed: \(result.errors)")
        }
        if let reason = PostgresTestCluster.unavailableReason { throw XCTSkip(reason) }
        let cluster = try await PostgresTestCluster.start(authentication: .scram)
        var wrongPassword = cluster.configuration(password: "wrong")
        wrongPassword.connectTimeout = .seconds(5)
        let refused = try HypergraphExecutable.run([
            "identity", "list", "--store",
            "postgres://\(wrongPassword.user):wrong@127.0.0.1:\(cluster.port)/hypergraph",
        ])
        await cluster.stop()
        XCTAssertEqual(refused.status, 1, refused.errors)
        XCTAssertEqual(refused.errors.split(separator: "\n").count, 1, refused.errors)
        XCTAssertTrue(refused.errors.contains("password"), refused.errors)
    }

    /// Issue 12 §5: a missing database is refused unless --create is given, invalid options create nothing, and
    /// --count/--output write the `conformance run --identities` format.
    func testIdentityCreateNeedsAnExistingDatabaseAndWritesIdentityFiles() throws {
        let directory = try TestServer.makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let databasePath = directory.appendingPathComponent("typo.sqlite").path
        let missing = try HypergraphExecutable.run(["identity", "create", "--db", databasePath])
        XCTAssertEqual(missing.status, 2, missing.errors)
        XCTAssertTrue(missing.errors.contains("--create"), missing.errors)
        for invalid in [
            ["--account", "0x12"], ["--count", "0"],
            ["--count", "2", "--account", "0x" + String(repeating: "a", count: 40)],
            ["--expires-in", "soon"],
        ] {
            let result = try HypergraphExecutable.run(
                ["identity", "create", "--db", databasePath, "--create"] + invalid)
            XCTAssertEqual(result.status, 2, "\(invalid): \(result.errors)")
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: databasePath), "invalid options created the database")
        let output = directory.appendingPathComponent("identities.json").path
        let created = try HypergraphExecutable.run(
            ["identity", "create", "--db", databasePath, "--create", "--count", "3", "--output", output])
        XCTAssertEqual(created.status, 0, created.errors)
        let identities = try HypergraphIdentity.list(contentsOfFile: output)
        XCTAssertEqual(Set(identities.map(\.accountAddress)).count, 3)
        let listed = try HypergraphExecutable.run(["identity", "list", "--db", databasePath])
        XCTAssertEqual(listed.output.split(separator: "\n").count, 3)
    }

    func testIdentityCommandsWorkWhileTheServerRuns() async throws {
        let server = try await TestServer.start()
        let databasePath = server.directory.appendingPathComponent("hypergraph.sqlite").path
        let created = try HypergraphExecutable.run([
            "identity", "create", "--db", databasePath, "--app-id", "cli-app", "--expires-in", "2h",
        ])
        XCTAssertEqual(created.status, 0, created.errors)
        let lines = created.output.split(separator: "\n")
        XCTAssertEqual(lines.count, 1, "exactly one JSON object")
        let json = try JSONValue.parse(Array(lines[0].utf8))
        XCTAssertEqual(
            json.objectValue?.keys,
            [
                "accountAddress", "appIdentityAddress", "appId", "sessionToken", "sessionTokenExpires",
                "signaturePublicKey",
                "signaturePrivateKey", "encryptionPublicKey",
            ])
        let identity = try HypergraphIdentity(json: json)
        XCTAssertEqual(identity.appId, "cli-app")
        let session = try await server.connect(identity)
        let space = try await session.createSpace(identity.createSpaceEvent(name: "From the CLI"))
        XCTAssertEqual(space.name, "From the CLI")
        let listed = try HypergraphExecutable.run(["identity", "list", "--db", databasePath])
        XCTAssertEqual(listed.status, 0, listed.errors)
        XCTAssertTrue(listed.output.contains(identity.accountAddress))
        XCTAssertFalse(listed.output.contains("signaturePrivateKey"))
        let duplicate = try HypergraphExecutable.run([
            "identity", "create", "--db", databasePath, "--account", identity.accountAddress, "--app-id", "cli-app",
        ])
        XCTAssertEqual(duplicate.status, 1)
        XCTAssertTrue(duplicate.errors.contains("already has an app identity"), duplicate.errors)
        await server.stop()
    }
}

/// Counts confirmations across the writer tasks.
private actor ConfirmationCounter {
    private var count = 0

    func increment() -> Int {
        count += 1
        return count
    }
}

extension Sequence where Element: Sendable {
    /// `map` with an async transform, one element after another.
    func asyncMap<T>(_ transform: (Element) async throws -> T) async rethrows -> [T] {
        var results: [T] = []
        for element in self { results.append(try await transform(element)) }
        return results
    }
}
