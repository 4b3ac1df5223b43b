// §4.12 and §12 G8/G9/G20: clocks, duplicates, signatures and ordering of updates.
import HypergraphClient
import HypergraphProtocol
import HypergraphSigning

extension ConformanceSuite {
    /// Sends `request` and requires that it is refused and that the space holds no update afterwards.
    static func expectUpdateRefused(
        _ context: CaseContext, _ request: CreateUpdateRequest, on peer: Peer, owner: Peer, _ requirement: String
    ) async throws {
        try await context.expectRefused(.createUpdate(request), on: peer, requirement)
        let snapshot = try await context.subscribe(owner, to: request.spaceId)
        try require(
            snapshot.updates == nil, "nothing stored after the refusal",
            observed: "\(snapshot.updates?.updates.count ?? 0) update(s) in the snapshot")
    }

    /// Sends the update `[1]` on `peer` and requires its `update-confirmed`; returns the request.
    static func confirmedFirstUpdate(
        _ context: CaseContext, by peer: Peer, in spaceId: String
    ) async throws -> CreateUpdateRequest {
        let request = peer.identity.createUpdate(spaceId: spaceId, update: [1])
        _ = try await context.expect("update-confirmed") { () throws(HypergraphClientError) in
            try await peer.session.createUpdate(request, timeout: context.timeout)
        }
        return request
    }

    static let updateCases: [ConformanceCase] = [
        ConformanceCase(
            "updates.confirmed", .must, "§4.12, §5.5",
            "create-update by a member is answered with `update-confirmed` carrying its updateId, the spaceId and clock 0 for the first update.",
            area: .updates
        ) { context in
            let alice = try await context.peer("alice")
            let space = try await context.createSpace(by: alice)
            let id = RandomIdentifiers.uuid()
            let confirmation = try await context.createUpdate(by: alice, in: space.id, updateId: id)
            try requireEqual(
                confirmation, UpdateConfirmedResponse(updateId: id, clock: 0, spaceId: space.id), "update-confirmed")
        },
        ConformanceCase(
            "updates.clocks.sequential", .must, "§3.4, §9.5",
            "Successive updates of a space get clocks 0, 1, 2, … in order.",
            area: .updates
        ) { context in
            let alice = try await context.peer("alice")
            let bob = try await context.peer("bob")
            let space = try await context.sharedSpace(owner: alice, member: bob)
            var clocks: [Int] = []
            for writer in [alice, bob, alice, bob] {
                clocks.append(try await context.createUpdate(by: writer, in: space.id).clock)
            }
            try requireEqual(clocks, [0, 1, 2, 3], "the confirmed clocks")
        },
        ConformanceCase(
            "updates.not-subscribed.allowed", .must, "§4.12",
            "A member may send create-update without being subscribed to the space.",
            area: .updates
        ) { context in
            let alice = try await context.peer("alice")
            let bob = try await context.peer("bob")
            let space = try await context.sharedSpace(owner: alice, member: bob)
            try await context.createUpdate(by: bob, in: space.id)
        },
        ConformanceCase(
            "updates.forged-signature.refused", .must, "§4.12, §7.4.2",
            "create-update whose signature is by a key that is not the author's is refused and nothing is stored.",
            area: .updates
        ) { context in
            let alice = try await context.peer("alice")
            let space = try await context.createSpace(by: alice)
            var request = alice.identity.createUpdate(spaceId: space.id, update: [1, 2, 3])
            request.signature = BrokenSignatures.foreign(request.signingPayload)
            try await expectUpdateRefused(
                context, request, on: alice, owner: alice, "no update-confirmed for a forged signature")
        },
        ConformanceCase(
            "updates.tampered-bytes.refused", .must, "§4.12, §7.4.2",
            "create-update whose bytes differ from the signed bytes is refused and nothing is stored.",
            area: .updates
        ) { context in
            let alice = try await context.peer("alice")
            let space = try await context.createSpace(by: alice)
            var request = alice.identity.createUpdate(spaceId: space.id, update: [1, 2, 3])
            request.update = Bytes([1, 2, 4])
            try await expectUpdateRefused(
                context, request, on: alice, owner: alice, "no update-confirmed for tampered bytes")
        },
        ConformanceCase(
            "updates.other-account.refused", .must, "§4.12",
            "create-update whose accountAddress is another account (even a member, correctly signed by it) is refused.",
            area: .updates
        ) { context in
            let alice = try await context.peer("alice")
            let bob = try await context.peer("bob")
            let space = try await context.sharedSpace(owner: alice, member: bob)
            let request = bob.identity.createUpdate(spaceId: space.id, update: [5])
            try await expectUpdateRefused(
                context, request, on: alice, owner: alice, "no update-confirmed for bob's update sent by alice")
        },
        ConformanceCase(
            "updates.non-member.refused", .must, "§4.12",
            "create-update by an account that is not a member of the space is refused and nothing is stored.",
            area: .updates
        ) { context in
            let alice = try await context.peer("alice")
            let mallory = try await context.peer("mallory")
            let space = try await context.createSpace(by: alice)
            let request = mallory.identity.createUpdate(spaceId: space.id, update: [6])
            try await expectUpdateRefused(
                context, request, on: mallory, owner: alice, "no update-confirmed for a non-member")
        },
        ConformanceCase(
            "updates.unknown-space.refused", .must, "§4.12",
            "create-update for a space that does not exist is refused.",
            area: .updates
        ) { context in
            let alice = try await context.peer("alice")
            let request = alice.identity.createUpdate(spaceId: RandomIdentifiers.uuid(), update: [7])
            try await context.expectRefused(
                .createUpdate(request), on: alice, "no update-confirmed for an unknown space")
        },
        ConformanceCase(
            "updates.high-s-signature.refused", .should, "§12 G20",
            "create-update with the high-S form of a valid signature is refused.",
            area: .updates
        ) { context in
            let alice = try await context.peer("alice")
            let space = try await context.createSpace(by: alice)
            var request = alice.identity.createUpdate(spaceId: space.id, update: [8])
            request.signature = BrokenSignatures.highS(request.signature)
            try await expectUpdateRefused(
                context, request, on: alice, owner: alice, "no update-confirmed for a high-S signature")
        },
        ConformanceCase(
            "updates.duplicate-id.original-clock", .should, "§12 G9",
            "Re-sending an update with the same updateId is confirmed with its original clock and stored once.",
            area: .updates
        ) { context in
            let alice = try await context.peer("alice")
            let space = try await context.createSpace(by: alice)
            let first = try await confirmedFirstUpdate(context, by: alice, in: space.id)
            try await context.createUpdate(by: alice, in: space.id, [2])
            let again = try await context.expect("update-confirmed for the resent update") {
                () throws(HypergraphClientError) in
                try await alice.session.createUpdate(first, timeout: context.timeout)
            }
            try requireEqual(again.clock, 0, "the resent update's clock")
            let snapshot = try await context.subscribe(alice, to: space.id)
            try requireEqual(snapshot.updates?.updates.count ?? 0, 2, "the number of stored updates")
        },
        ConformanceCase(
            "updates.duplicate-id.other-content-refused", .should, "§12 G9",
            "Re-sending an updateId with different content is refused (not confirmed) and the original is kept unchanged.",
            area: .updates
        ) { context in
            let alice = try await context.peer("alice")
            let space = try await context.createSpace(by: alice)
            let first = try await confirmedFirstUpdate(context, by: alice, in: space.id)
            let changed = alice.identity.createUpdate(spaceId: space.id, update: [2], updateId: first.updateId)
            let error = try await context.expectRefused(
                .createUpdate(changed), on: alice, "no update-confirmed for an updateId reused with other content")
            if let error { try requireEqual(error.code, .conflict, "the error code") }
            let snapshot = try await context.subscribe(alice, to: space.id)
            try requireEqual(snapshot.updates?.updates.map(\.update.bytes) ?? [], [[1]], "the stored updates")
        },
        ConformanceCase(
            "updates.duplicate-id.not-rebroadcast", .should, "§12 G9",
            "Re-sending an update with the same updateId sends no second `updates-notification`.",
            area: .updates
        ) { context in
            let alice = try await context.peer("alice")
            let watcher = try await context.secondConnection(of: alice)
            let space = try await context.createSpace(by: alice)
            try await context.subscribe(watcher, to: space.id)
            let request = alice.identity.createUpdate(spaceId: space.id, update: [3])
            for _ in 0..<2 {
                _ = try await context.expect("update-confirmed") { () throws(HypergraphClientError) in
                    try await alice.session.createUpdate(request, timeout: context.timeout)
                }
            }
            _ = try await context.expectMessage(on: watcher, "the first updates-notification") {
                $0.type == "updates-notification"
            }
            try await context.expectNothing([watcher], of: ["updates-notification"], "no second notification")
        },
        ConformanceCase(
            "updates.concurrent.distinct-clocks", .must, "§9.5, §13.17",
            "Updates sent concurrently by several connections are confirmed with distinct clocks (an update that is never confirmed is §12 G8's loss, judged by the SHOULD case).",
            area: .updates
        ) { context in
            let (clocks, _) = try await concurrentWriters(context)
            try require(
                !clocks.isEmpty && Set(clocks).count == clocks.count,
                "at least one confirmation, all with distinct clocks",
                observed: "\(clocks.sorted())")
        },
        ConformanceCase(
            "updates.concurrent.all-confirmed-consecutive", .should, "§12 G8",
            "Every one of N concurrent updates is confirmed, with the consecutive clocks 0…N−1.",
            area: .updates
        ) { context in
            let (clocks, _) = try await concurrentWriters(context)
            try requireEqual(clocks.sorted(), Array(0..<20), "the confirmed clocks of the 20 updates")
        },
        ConformanceCase(
            "updates.concurrent.notifications-in-clock-order", .should, "§5.6, §12 G8",
            "A subscriber receives the notifications of concurrent updates in clock order, none missing.",
            area: .updates
        ) { context in
            let (clocks, watcher) = try await concurrentWriters(context)
            var seen: [Int] = []
            while seen.count < clocks.count {
                let message = try await context.expectMessage(
                    on: watcher, "updates-notification \(seen.count + 1) of \(clocks.count)"
                ) {
                    $0.type == "updates-notification"
                }
                if case .updatesNotification(let note) = message { seen.append(note.updates.firstUpdateClock) }
            }
            try requireEqual(seen, seen.sorted(), "the notification clocks in arrival order")
        },
    ]

    /// Four connections send five updates each at once to one space watched by a fifth; returns the clocks confirmed
    /// within the timeout (the TypeScript server may lose some, §12 G8) and the watcher.
    static func concurrentWriters(_ context: CaseContext) async throws -> ([Int], Peer) {
        let alice = try await context.peer("alice")
        let space = try await context.createSpace(by: alice)
        let watcher = try await context.secondConnection(of: alice)
        try await context.subscribe(watcher, to: space.id)
        var writers: [Peer] = []
        for _ in 0..<4 { writers.append(try await context.secondConnection(of: alice)) }
        let timeout = context.timeout
        return (
            try await withThrowingTaskGroup(of: [Int].self) { group in
                for writer in writers {
                    group.addTask {
                        let requests = (0..<5).map {
                            writer.identity.createUpdate(spaceId: space.id, update: [UInt8($0)])
                        }
                        for request in requests { try await writer.session.send(.createUpdate(request)) }
                        var clocks: [Int] = []
                        for request in requests {
                            let message = try? await writer.session.nextMessage(
                                "update-confirmed \(request.updateId)", timeout: timeout
                            ) {
                                if case .updateConfirmed(let confirmed) = $0 {
                                    confirmed.updateId == request.updateId
                                } else {
                                    false
                                }
                            }
                            if case .updateConfirmed(let confirmed)? = message { clocks.append(confirmed.clock) }
                        }
                        return clocks
                    }
                }
                var all: [Int] = []
                do {
                    for try await clocks in group { all += clocks }
                } catch {
                    throw CaseFailure(
                        expected: "update-confirmed for each of 20 concurrent updates", observed: "\(error)")
                }
                return all
            }, watcher
        )
    }
}
