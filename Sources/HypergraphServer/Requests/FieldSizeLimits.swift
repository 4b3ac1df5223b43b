// The size limits on request fields (ServerLimits, "Fields"): checked after decoding and before any work, so an
// oversized field costs one comparison and stores nothing. Which fields have which limit is in the schemas
// (`x-hypergraph-size-limit`); this file only gives each limit its value.
import HypergraphProtocol

extension RequestContext {
    /// Throws `too-large`, naming the field, its size and the limit, when a field of `message` is over its limit.
    func checkFieldSizes(_ message: ClientMessage) throws {
        let limits = server.limits
        try message.visitSizeLimitedMembers { member in
            let (limit, unit) = limits.maximum(for: member.limit)
            guard member.size > limit else { return }
            throw RequestRejection(
                code: .tooLarge, message: "\(member.path) has \(member.size) \(unit); the limit is \(limit)",
                issues: nil)
        }
    }
}

extension ServerLimits {
    /// The value of a schema size limit and the unit it counts in.
    func maximum(for limit: SizeLimit) -> (value: Int, unit: String) {
        switch limit {
        case .identifier: (maximumIdentifierBytes, "bytes")
        case .name: (maximumNameBytes, "bytes")
        case .ciphertext: (maximumCiphertextBytes, "bytes")
        case .inboxSecretKey: (maximumInboxSecretKeyBytes, "bytes")
        case .update: (maximumUpdateBytes, "bytes")
        case .keyBoxes: (maximumKeyBoxesPerRequest, "key boxes")
        }
    }
}
