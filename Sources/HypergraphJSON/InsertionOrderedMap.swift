/// String-keyed entries in insertion order, like the members of a JavaScript object: the one ordered map of the
/// package (``JSONObject`` is this map of ``JSONValue``s; the space state keeps its members and invitations in it).
///
/// Keys compare by exact code units, as JavaScript compares property names (not by Swift's canonical
/// equivalence). Lookup is a linear scan, which is fastest for the small maps of the protocol. Two maps are equal
/// when they have the same entries in the same order.
public struct InsertionOrderedMap<Value: Hashable & Sendable>: Hashable, Sendable, Sequence,
    ExpressibleByDictionaryLiteral
{
    /// One entry: its key and value.
    public typealias Element = (key: String, value: Value)

    struct Entry: Hashable, Sendable {
        var key: String
        var value: Value

        static func == (left: Entry, right: Entry) -> Bool {
            left.key.utf8.elementsEqual(right.key.utf8) && left.value == right.value
        }

        func hash(into hasher: inout Hasher) {
            hasher.combine(key.utf8.count)
            for byte in key.utf8 { hasher.combine(byte) }
            hasher.combine(value)
        }
    }

    private(set) var entries: [Entry] = []

    /// Creates an empty map.
    public init() {}

    /// Creates a map from entries in order; a repeated key keeps its first position and its last value.
    public init(_ elements: some Sequence<Element>) {
        for (key, value) in elements { self[key] = value }
    }

    /// Creates a map from a literal, in the literal's order; a repeated key keeps its first position and its last
    /// value.
    public init(dictionaryLiteral elements: (String, Value)...) {
        for (key, value) in elements { self[key] = value }
    }

    /// The number of entries.
    public var count: Int { entries.count }

    /// Whether there are no entries.
    public var isEmpty: Bool { entries.isEmpty }

    /// The keys in insertion order.
    public var keys: [String] { entries.map(\.key) }

    /// The values in insertion order.
    public var values: [Value] { entries.map(\.value) }

    /// The value for `key`. Setting a value for a present key replaces it in place (keeping the entry's position,
    /// as assigning an existing JavaScript property does); setting a new key appends; setting nil removes.
    public subscript(key: String) -> Value? {
        get { index(of: key).map { entries[$0].value } }
        set {
            switch (index(of: key), newValue) {
            case (let index?, let value?): entries[index].value = value
            case (let index?, nil): entries.remove(at: index)
            case (nil, let value?): entries.append(Entry(key: key, value: value))
            case (nil, nil): break
            }
        }
    }

    /// Appends an entry without looking for an existing one of that key (for callers that have already rejected
    /// duplicates, such as the JSON reader).
    mutating func appendUnchecked(key: String, value: Value) {
        entries.append(Entry(key: key, value: value))
    }

    private func index(of key: String) -> Int? {
        entries.firstIndex { $0.key.utf8.elementsEqual(key.utf8) }
    }

    /// Iterates the entries in insertion order.
    public func makeIterator() -> Iterator {
        Iterator(entries: entries.makeIterator())
    }

    /// Iterator over a map's entries in insertion order.
    public struct Iterator: IteratorProtocol {
        var entries: IndexingIterator<[Entry]>

        /// The next entry, or `nil` after the last.
        public mutating func next() -> Element? {
            entries.next().map { (key: $0.key, value: $0.value) }
        }
    }
}
