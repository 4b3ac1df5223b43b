import Foundation
import HypergraphPostgresStore
import XCTest

@testable import HypergraphStore

/// Tests with a second process on the same database: a child killed with SIGKILL during a write storm, and a child
/// writing identities while this process writes updates.
final class ChildProcessTests: XCTestCase {
    private static let stormSpaces = (0..<4).map { "storm-space-\($0)" }

    /// The child's side. Skipped in a normal run; ``ChildProcess`` runs it with the mode in the environment.
    func testChildProcessEntryPoint() async throws {
        let environment = ProcessInfo.processInfo.environment
        guard let mode = environment[ChildProcess.modeVariable].flatMap(ChildProcess.Mode.init(rawValue:)),
            let path = environment[ChildProcess.databaseVariable],
            let argument = environment[ChildProcess.argumentVariable]
        else {
            throw XCTSkip("runs only as the child process of the other ChildProcessTests")
        }
        let store = try await openStore(at: path)
        switch mode {
        case .updateStorm:
            try await runUpdateStorm(store, round: argument)
        case .identities:
            for index in 0..<(Int(argument) ?? 0) {
                let identity = makeIdentity(account: "0xChild\(index)")
                try await store.createIdentity(identity)
                ChildProcess.report("CREATED", [identity.appIdentityAddress])
            }
        }
        await store.close()
    }

    /// 16 tasks append 1 KiB updates round-robin over the storm spaces until the parent kills the process (or, as a
    /// safety net if the parent died, for at most a minute).
    private func runUpdateStorm(_ store: any HypergraphStorage, round: String) async throws {
        let deadline = Date().addingTimeInterval(60)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for writer in 0..<16 {
                group.addTask {
                    var sequence = 0
                    while Date() < deadline {
                        let space = Self.stormSpaces[(writer + sequence) % Self.stormSpaces.count]
                        let updateId = "r\(round)-w\(writer)-s\(sequence)"
                        let result = try await store.appendUpdate(
                            spaceId: space, accountAddress: "0xAlice", update: makeUpdateBytes(sequence),
                            signature: testSignature, updateId: updateId)
                        guard case .stored(let clock) = result else {
                            throw StoreError.conflict(.updateId(spaceId: space, updateId: updateId, storedBy: "?"))
                        }
                        ChildProcess.report("CONFIRMED", [space, String(clock), updateId])
                        sequence += 1
                    }
                }
            }
            try await group.waitForAll()
        }
    }

    /// Runs against both backends: for PostgreSQL the child is a second client of the same database, killed while
    /// its transactions are in flight.
    func testKillDuringWriteStormLosesNoConfirmedUpdateAndLeavesNoGap() async throws {
        try await forEachBackend {
            let path = try await makeStoreLocation(self).childArgument
            let setup = try await openStore(at: path)
            let alice = makeIdentity()
            try await setup.createIdentity(alice)
            for space in Self.stormSpaces {
                _ = try await setup.createSpace(makeSpace(space, creator: alice))
            }
            await setup.close()

            var confirmed: [String: [Int64: String]] = [:]
            // Each round kills the child at a different point of its storm; the database is checked after every kill.
            for (round, killAfter) in [25, 150, 400, 60, 250, 1_000, 5, 700].enumerated() {
                let child = try ChildProcess(mode: .updateStorm, databasePath: path, argument: String(round))
                var reports = child.readReports(tag: "CONFIRMED") { $0.count >= killAfter }
                child.kill()
                reports += child.readReports(tag: "CONFIRMED") // Whatever it confirmed before dying.
                let exit = child.waitForExit()
                XCTAssertEqual(exit.reason, .uncaughtSignal, "round \(round): the child should have been killed")
                XCTAssertGreaterThanOrEqual(reports.count, killAfter, "round \(round): the child stopped early")
                for report in reports {
                    guard report.count == 3, let clock = Int64(report[1]) else {
                        return XCTFail("malformed report \(report)")
                    }
                    XCTAssertNil(confirmed[report[0], default: [:]][clock], "clock \(clock) confirmed twice")
                    confirmed[report[0], default: [:]][clock] = report[2]
                }

                let store = try await openStore(at: path)
                for space in Self.stormSpaces {
                    let updates = try await store.spaceSnapshot(
                        spaceId: space, accountAddress: alice.accountAddress,
                        appIdentityAddress: alice.appIdentityAddress, updatesAfterClock: nil
                    ).updates
                    XCTAssertEqual(
                        updates.map(\.clock), Array(0..<Int64(updates.count)), "round \(round): gap in \(space)")
                    for (clock, updateId) in confirmed[space, default: [:]] {
                        XCTAssertLessThan(clock, Int64(updates.count), "round \(round): confirmed clock \(clock) lost")
                        if clock < Int64(updates.count) {
                            XCTAssertEqual(
                                updates[Int(clock)].updateId, updateId, "round \(round): \(space) @ \(clock)")
                        }
                    }
                }
                await store.close()
            }
            XCTAssertGreaterThan(confirmed.values.map(\.count).reduce(0, +), 0)
        }
    }

    /// A store at a location as ``TestStoreLocation/childArgument`` writes it: a PostgreSQL URL or an SQLite path.
    private func openStore(at location: String) async throws -> any HypergraphStorage {
        if location.hasPrefix("postgres://") {
            return try await PostgresHypergraphStorage(url: location)
        }
        return try await SQLiteHypergraphStorage(path: location)
    }

    func testIdentitiesWrittenByAnotherProcessWhileThisOneWrites() async throws {
        let (store, alice) = try await openStoreWithSpace(self)
        let path = store.configuration.path
        let child = try ChildProcess(mode: .identities, databasePath: path, argument: "40")

        // Keep this process's writer busy while the child competes for the write lock.
        let writing = Task {
            var index = 0
            while !Task.isCancelled {
                _ = try await store.appendUpdate(
                    spaceId: "space-1", accountAddress: alice.accountAddress, update: makeUpdateBytes(index),
                    signature: testSignature, updateId: "parent-\(index)")
                index += 1
            }
        }
        let created = child.readReports(tag: "CREATED")
        let exit = child.waitForExit()
        writing.cancel()
        try await writing.value

        XCTAssertEqual(exit.reason, .exit)
        XCTAssertEqual(exit.status, 0)
        XCTAssertEqual(created.count, 40)
        let identities = try await store.identities()
        XCTAssertEqual(
            Set(identities.map(\.appIdentityAddress)), Set([alice.appIdentityAddress] + created.map { $0[0] }))
        let updates = try await store.spaceSnapshot(
            spaceId: "space-1", accountAddress: alice.accountAddress, appIdentityAddress: alice.appIdentityAddress,
            updatesAfterClock: nil
        ).updates
        XCTAssertEqual(updates.map(\.clock), Array(0..<Int64(updates.count)))
    }
}
