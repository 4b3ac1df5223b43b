extension String {
    /// Exact equality of UTF-8 code units. Ids and addresses are compared this way everywhere (§1.3, §12 G24);
    /// Swift's `==` would also equate canonically equivalent Unicode sequences.
    func isExactly(_ other: String) -> Bool {
        utf8.elementsEqual(other.utf8)
    }
}
