/// The members of a JSON object, in document order: an ``InsertionOrderedMap`` of ``JSONValue``s.
///
/// Member names are compared by exact code units (as in JavaScript), not by Swift's canonical-equivalence `==`;
/// a repeated name keeps its first position and its last value. Two objects are equal when they have the same
/// members in the same order.
public typealias JSONObject = InsertionOrderedMap<JSONValue>
