import HypergraphPostgres

extension PostgresValue {
    /// A text parameter, or NULL.
    static func optionalText(_ value: String?) -> PostgresValue { value.map { .text($0) } ?? .null }

    /// An integer parameter, or NULL.
    static func optionalInt32(_ value: Int?) -> PostgresValue {
        value.map { .int32(Int32(truncatingIfNeeded: $0)) } ?? .null
    }
}

extension PostgresError {
    /// The unique constraint a failed statement violated (SQLSTATE 23505), or nil for any other error.
    var violatedConstraint: String? {
        guard case .server(let error) = self, error.isUniqueViolation else { return nil }
        return error.constraint
    }
}
