// The size limits on request fields (ServerLimits, "Fields"): checked after decoding and before any work, so an
// oversized field costs one comparison and stores nothing.
import HypergraphProtocol

extension RequestContext {
    /// Throws `too-large`, naming the field, its size and the limit, when a field of `message` is over its limit.
    func checkFieldSizes(_ message: ClientMessage) throws {
        let limits = server.limits
        let check = FieldSizeCheck(limits: limits)
        switch message {
        case .subscribeSpace(let request):
            try check.identifier(request.id, at: "id")
        case .createSpaceEvent(let request):
            try check.identifier(request.spaceId, at: "spaceId")
            try check.identifier(request.event.transaction.id, at: "event.transaction.id")
            try check.text(request.name, at: "name", limit: limits.maximumNameBytes)
            try check.keyBox(request.keyBox, at: "keyBox")
        case .createInvitationEvent(let request):
            try check.identifier(request.spaceId, at: "spaceId")
            try check.identifier(request.event.transaction.id, at: "event.transaction.id")
            try check.count(
                request.keyBoxes.count, of: "keyBoxes", unit: "key boxes", limit: limits.maximumKeyBoxesPerRequest)
            for (index, box) in request.keyBoxes.enumerated() { try check.keyBox(box, at: "keyBoxes[\(index)]") }
        case .acceptInvitationEvent(let request):
            try check.identifier(request.spaceId, at: "spaceId")
            try check.identifier(request.event.transaction.id, at: "event.transaction.id")
        case .createSpaceInboxEvent(let request):
            let transaction = request.event.transaction
            try check.identifier(request.spaceId, at: "spaceId")
            try check.identifier(transaction.id, at: "event.transaction.id")
            try check.identifier(transaction.spaceId, at: "event.transaction.spaceId")
            try check.text(
                transaction.secretKey, at: "event.transaction.secretKey", limit: limits.maximumInboxSecretKeyBytes)
        case .getLatestSpaceInboxMessages(let request):
            try check.identifier(request.spaceId, at: "spaceId")
        case .createUpdate(let request):
            try check.identifier(request.spaceId, at: "spaceId")
            try check.identifier(request.updateId, at: "updateId")
            try check.count(request.update.bytes.count, of: "update", unit: "bytes", limit: limits.maximumUpdateBytes)
        case .listSpaces, .listInvitations, .getAccountInboxes, .createAccountInbox, .getLatestAccountInboxMessages,
            .unknown:
            break // Only fixed-format fields.
        }
    }
}

/// Compares field sizes with the limits; the error names the field by its JSON path.
struct FieldSizeCheck {
    let limits: ServerLimits

    /// A client-chosen identifier without a fixed format.
    func identifier(_ value: String, at path: String) throws {
        try text(value, at: path, limit: limits.maximumIdentifierBytes)
    }

    /// A key box's id and ciphertext.
    func keyBox(_ box: KeyBoxWithKeyId, at path: String) throws {
        try identifier(box.id, at: "\(path).id")
        try text(box.ciphertext, at: "\(path).ciphertext", limit: limits.maximumCiphertextBytes)
    }

    /// A string of at most `limit` UTF-8 bytes.
    func text(_ value: String, at path: String, limit: Int) throws {
        try count(value.utf8.count, of: path, unit: "bytes", limit: limit)
    }

    /// A size of at most `limit`.
    func count(_ size: Int, of path: String, unit: String, limit: Int) throws {
        guard size > limit else { return }
        throw RequestRejection(
            code: .tooLarge, message: "\(path) has \(size) \(unit); the limit is \(limit)", issues: nil)
    }
}
