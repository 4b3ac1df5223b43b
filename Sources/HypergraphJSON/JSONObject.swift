/// The members of a JSON object, in document order.
///
/// Member names are compared by exact code units (as in JavaScript), not by Swift's canonical-equivalence `==`.
/// Lookup is a linear scan, which is fastest for the small objects of the protocol. Two objects are equal when
/// they have the same members in the same order.
public struct JSONObject: Hashable, Sendable, Sequence, ExpressibleByDictionaryLiteral {
    /// One member: its name and value.
    public typealias Element = (key: String, value: JSONValue)

    struct Member: Hashable, Sendable {
        var key: String
        var value: JSONValue
    }

    private(set) var members: [Member]

    /// Creates an empty object.
    public init() {
        members = []
    }

    /// Creates an object from members in order; a repeated name keeps its first position and its last value.
    public init<Members: Sequence>(_ members: Members) where Members.Element == Element {
        self.members = []
        for (key, value) in members { self[key] = value }
    }

    /// Creates an object from a literal; a repeated name keeps its first position and its last value.
    public init(dictionaryLiteral elements: (String, JSONValue)...) {
        self.init(elements.lazy.map { (key: $0.0, value: $0.1) })
    }

    /// Number of members.
    public var count: Int { members.count }

    /// Whether the object has no members.
    public var isEmpty: Bool { members.isEmpty }

    /// Member names in order.
    public var keys: [String] { members.map(\.key) }

    /// The value of the member named `key`; assigning `nil` removes it, assigning a value replaces it in place or
    /// appends a new member.
    public subscript(key: String) -> JSONValue? {
        get { index(of: key).map { members[$0].value } }
        set {
            switch (index(of: key), newValue) {
            case (let index?, let value?): members[index].value = value
            case (let index?, nil): members.remove(at: index)
            case (nil, let value?): members.append(Member(key: key, value: value))
            case (nil, nil): break
            }
        }
    }

    /// Appends a member without looking for an existing one of that name (the parser has already rejected
    /// duplicates).
    mutating func appendUnchecked(key: String, value: JSONValue) {
        members.append(Member(key: key, value: value))
    }

    private func index(of key: String) -> Int? {
        members.firstIndex { $0.key.utf8.elementsEqual(key.utf8) }
    }

    /// Iterates members in order.
    public func makeIterator() -> Iterator {
        Iterator(members: members.makeIterator())
    }

    /// Iterator over an object's members in order.
    public struct Iterator: IteratorProtocol {
        var members: IndexingIterator<[Member]>

        /// The next member, or `nil` after the last.
        public mutating func next() -> Element? {
            members.next().map { (key: $0.key, value: $0.value) }
        }
    }
}
