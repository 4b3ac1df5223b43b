// Assembling a `space` snapshot that the server sent in parts: `space` with `snapshotLastUpdateClock`, then the
// remaining updates as `updates-notification` messages in clock order (docs/server.md, "Large snapshots").
//
// Concurrency: isolated to the `HypergraphSession` actor, like the rest of its state.
import Foundation
import HypergraphProtocol

extension HypergraphSession {
    /// A snapshot whose remaining updates are still arriving.
    struct SnapshotAssembly {
        /// Tells this assembly's timeout from that of a later one for the same space.
        let token = UUID()
        /// The snapshot so far.
        var snapshot: SpaceResponse
        /// The clock its last update will have.
        let lastClock: Int
        /// The request helper waiting for it, once it waits.
        var waiter: CheckedContinuation<Result<SpaceResponse, HypergraphClientError>, Never>?

        var isComplete: Bool { (snapshot.updates?.lastUpdateClock ?? -1) >= lastClock }
    }

    /// Starts collecting the rest of `space` when it announces more updates than it holds.
    func beginSnapshotAssembly(_ space: SpaceResponse) {
        guard let lastClock = space.snapshotLastUpdateClock, let updates = space.updates,
            updates.lastUpdateClock < lastClock
        else { return }
        snapshotAssemblies[space.id] = SnapshotAssembly(snapshot: space, lastClock: lastClock)
    }

    /// Takes `event` when it is the next part of a snapshot being assembled (the next clocks of that space);
    /// returns false to deliver it as usual.
    func absorbIntoSnapshot(_ event: HypergraphSessionEvent) -> Bool {
        guard case .message(.updatesNotification(let notification)) = event,
            var assembly = snapshotAssemblies[notification.spaceId], var updates = assembly.snapshot.updates,
            notification.updates.firstUpdateClock == updates.lastUpdateClock + 1
        else { return false }
        updates.updates += notification.updates.updates
        updates.lastUpdateClock = notification.updates.lastUpdateClock
        assembly.snapshot.updates = updates
        if assembly.isComplete, let waiter = assembly.waiter {
            snapshotAssemblies[notification.spaceId] = nil
            waiter.resume(returning: .success(Self.finished(assembly.snapshot)))
        } else {
            snapshotAssemblies[notification.spaceId] = assembly
        }
        return true
    }

    /// `head` with every update of its snapshot, waiting at most `timeout` for the parts still missing.
    func completedSnapshot(
        _ head: SpaceResponse, timeout: Duration
    ) async throws(HypergraphClientError) -> SpaceResponse {
        guard let assembly = snapshotAssemblies[head.id], assembly.snapshot.snapshotLastUpdateClock != nil else {
            return head
        }
        if assembly.isComplete {
            snapshotAssemblies[head.id] = nil
            return Self.finished(assembly.snapshot)
        }
        if let status = closeStatus {
            snapshotAssemblies[head.id] = nil
            throw status.error
        }
        let token = assembly.token
        let result = await withCheckedContinuation { continuation in
            snapshotAssemblies[head.id]?.waiter = continuation
            Task { [weak self] in
                try? await Task.sleep(for: timeout)
                await self?.failSnapshotAssembly(
                    spaceId: head.id, token: token,
                    with: .timedOut(waitingFor: "the remaining updates of space \(head.id)", after: timeout))
            }
        }
        return try result.get()
    }

    /// Ends every waiting assembly with `error` (the connection closed).
    func failSnapshotAssemblies(with error: HypergraphClientError) {
        let assemblies = snapshotAssemblies.values
        snapshotAssemblies.removeAll()
        for assembly in assemblies { assembly.waiter?.resume(returning: .failure(error)) }
    }

    private func failSnapshotAssembly(spaceId: String, token: UUID, with error: HypergraphClientError) {
        guard let assembly = snapshotAssemblies[spaceId], assembly.token == token, let waiter = assembly.waiter
        else { return }
        snapshotAssemblies[spaceId] = nil
        waiter.resume(returning: .failure(error))
    }

    /// The assembled snapshot, which no longer announces parts to come.
    private static func finished(_ snapshot: SpaceResponse) -> SpaceResponse {
        var snapshot = snapshot
        snapshot.snapshotLastUpdateClock = nil
        return snapshot
    }
}
