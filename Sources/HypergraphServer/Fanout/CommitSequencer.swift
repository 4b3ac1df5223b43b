// Orders the broadcasts of each space's changes by commit (§12 G8) while letting each requester's reply go first.
//
// Concurrency: `spaces` is guarded by its Mutex. The store's writer thread calls `committed` (in commit order, before
// the writers resume); request tasks call `release`. Whichever task finds a space's queue idle becomes its flusher and
// publishes outside the lock; others only mark their entries, which the flusher picks up before it stops, so each
// space's broadcasts are published by one task at a time, in commit order.
import HypergraphStore
import Synchronization

/// Publishes the broadcasts of space changes in commit order.
///
/// The store reports each committed update and event (``committed(_:)``) before the request that wrote it resumes;
/// that reserves the change's place in its space's queue. The request then sends its reply and hands over the
/// change's broadcast (``release(spaceId:position:broadcast:)``). A space's queue is published from the front as
/// far as its entries are released: subscribers see updates in clock order and events in counter order (§12 G8,
/// even when the requests' tasks resume in another order), and always after the requester got its reply (§6).
final class CommitSequencer: Sendable {
    private struct Entry {
        let position: SpacePosition
        var released = false
        var broadcasts: [Broadcast] = []
    }

    private struct SpaceQueue {
        var entries: [Entry] = []
        var isFlushing = false
    }

    private let spaces = Mutex([String: SpaceQueue]())
    private let broadcaster: any Broadcaster

    init(broadcaster: any Broadcaster) {
        self.broadcaster = broadcaster
    }

    /// Reserves the place of each committed change (the store's `onCommit`; must return quickly).
    func committed(_ changes: [CommittedChange]) {
        spaces.withLock { spaces in
            for change in changes {
                switch change {
                case .update(let update):
                    spaces[update.spaceId, default: SpaceQueue()].entries.append(
                        Entry(position: .update(clock: update.clock)))
                case .spaceEvent(let event):
                    spaces[event.spaceId, default: SpaceQueue()].entries.append(
                        Entry(position: .event(counter: event.counter)))
                }
            }
        }
    }

    /// Hands over the broadcasts of the committed change at `position` (none to only free its place) and publishes
    /// every broadcast of the space that is now due. A change the store did not report (a storage without a commit
    /// hook) is published at once.
    func release(spaceId: String, position: SpacePosition, broadcasts: [Broadcast]) {
        let mustFlush = spaces.withLock { spaces -> Bool? in
            guard var queue = spaces[spaceId],
                let index = queue.entries.firstIndex(where: { $0.position == position && !$0.released })
            else { return nil }
            queue.entries[index].released = true
            queue.entries[index].broadcasts = broadcasts
            let becomesFlusher = !queue.isFlushing
            if becomesFlusher { queue.isFlushing = true }
            spaces[spaceId] = queue
            return becomesFlusher
        }
        switch mustFlush {
        case nil: broadcasts.forEach(broadcaster.publish)
        case true?: flush(spaceId: spaceId)
        case false?: break
        }
    }

    /// Publishes the released front of the space's queue until it meets an unreleased entry or the queue is empty.
    private func flush(spaceId: String) {
        while let due = takeReleasedFront(spaceId: spaceId) {
            due.forEach(broadcaster.publish)
        }
    }

    /// Removes the released entries at the front of the queue and returns their broadcasts; when there are none,
    /// ends this task's turn as flusher and returns nil.
    private func takeReleasedFront(spaceId: String) -> [Broadcast]? {
        spaces.withLock { spaces in
            guard var queue = spaces[spaceId] else { return nil }
            let count = queue.entries.prefix { $0.released }.count
            guard count > 0 else {
                queue.isFlushing = false
                spaces[spaceId] = queue.entries.isEmpty ? nil : queue
                return nil
            }
            let due = queue.entries.prefix(count).flatMap(\.broadcasts)
            queue.entries.removeFirst(count)
            spaces[spaceId] = queue
            return due
        }
    }
}
