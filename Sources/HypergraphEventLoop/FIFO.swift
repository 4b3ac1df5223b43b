// A first-in first-out queue backed by an array with a moving head, for the hot queues of the engine
// (outbound frames, pending loop tasks, undelivered events) where `removeFirst()` would be O(n).

/// A FIFO queue with amortised O(1) append and removal from the front.
package struct FIFO<Element> {
    private var storage: [Element] = []
    private var head = 0
    private static var keptCapacity: Int { 4 }

    /// An empty queue.
    package init() {}

    /// Whether the queue holds no element.
    package var isEmpty: Bool { head == storage.count }

    /// The oldest element, if any.
    package var first: Element? { isEmpty ? nil : storage[head] }

    /// Adds `element` at the back.
    package mutating func append(_ element: Element) {
        storage.append(element)
    }

    /// Removes and returns the oldest element, if any.
    package mutating func popFirst() -> Element? {
        guard head < storage.count else { return nil }
        let element = storage[head]
        head += 1
        if head == storage.count {
            // Empty again: a queue that held a few elements keeps its small buffer, so a connection that is sent
            // one message at a time does not allocate and free it per message; a grown one is dropped, so an
            // idle queue costs little.
            storage.removeAll(keepingCapacity: storage.capacity <= FIFO.keptCapacity)
            head = 0
        } else if head >= 64, head * 2 >= storage.count {
            storage.removeFirst(head)
            head = 0
        }
        return element
    }

    /// Replaces the oldest element (which must exist) with `element`.
    package mutating func replaceFirst(with element: Element) {
        storage[head] = element
    }

    /// Removes every element.
    package mutating func removeAll() {
        storage = []
        head = 0
    }

    /// Calls `body` with the queued elements in order until it returns false.
    package func forEach(while body: (Element) -> Bool) {
        for index in head..<storage.count where !body(storage[index]) { return }
    }
}
