// The deadlines of one event loop's channels, as a binary min-heap.

/// Pending channel deadlines, earliest first. Entries are not removed when a channel's deadline moves: a channel
/// re-checks its real deadlines when an entry fires (see `EventLoop.schedule`), so stale entries cost one check.
struct TimerHeap {
    /// One scheduled wake-up for a channel.
    struct Entry {
        /// Monotonic nanoseconds.
        var deadline: UInt64
        /// The channel to wake.
        var channelID: UInt64
    }

    private var entries: [Entry] = []

    /// The earliest deadline, if any.
    var earliest: UInt64? { entries.first?.deadline }

    /// Adds a deadline.
    mutating func insert(_ entry: Entry) {
        entries.append(entry)
        var child = entries.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard entries[child].deadline < entries[parent].deadline else { break }
            entries.swapAt(child, parent)
            child = parent
        }
    }

    /// Removes and returns the earliest entry if its deadline is not after `now`.
    mutating func popExpired(now: UInt64) -> Entry? {
        guard let first = entries.first, first.deadline <= now else { return nil }
        let last = entries.removeLast()
        guard !entries.isEmpty else { return first }
        entries[0] = last
        var parent = 0
        while true {
            let left = 2 * parent + 1
            let right = left + 1
            var smallest = parent
            if left < entries.count, entries[left].deadline < entries[smallest].deadline { smallest = left }
            if right < entries.count, entries[right].deadline < entries[smallest].deadline { smallest = right }
            guard smallest != parent else { break }
            entries.swapAt(parent, smallest)
            parent = smallest
        }
        return first
    }
}
