// Store records → protocol messages. The store keeps plain strings and numbers; here they become wire types.
import HypergraphProtocol
import HypergraphStore

extension SignatureWithRecovery {
    /// The signature as the store keeps it.
    init(_ record: SignatureRecord) {
        self.init(hex: record.hex, recovery: record.recovery)
    }

    /// The signature as the store keeps it.
    var record: SignatureRecord { SignatureRecord(hex: hex, recovery: recovery) }
}

extension SignedUpdate {
    /// A stored update as clients receive it.
    init(_ record: UpdateRecord) {
        self.init(
            update: Bytes(record.content), accountAddress: record.accountAddress,
            signature: SignatureWithRecovery(record.signature), updateId: record.updateId)
    }
}

extension Updates {
    /// Consecutive stored updates, or nil when there are none (the `updates` member is then omitted, §5.3).
    init?(_ records: [UpdateRecord]) {
        guard let first = records.first, let last = records.last else { return nil }
        self.init(
            updates: records.map(SignedUpdate.init), firstUpdateClock: Int(first.clock),
            lastUpdateClock: Int(last.clock))
    }
}

extension InboxMessage {
    /// A stored inbox message; absent signature and author stay absent (§3.6).
    init(_ record: InboxMessageRecord) {
        self.init(
            id: record.id, ciphertext: record.message.ciphertext,
            signature: record.message.signature.map(SignatureWithRecovery.init),
            authorAccountAddress: record.message.authorAccountAddress,
            createdAt: Timestamp(millisecondsSince1970: record.createdAt))
    }
}

extension AccountInbox {
    /// A stored account inbox, or nil when its stored auth policy is not one of the three known ones.
    init?(_ record: AccountInboxRecord) {
        guard let policy = InboxSenderAuthPolicy(rawValue: record.authPolicy) else { return nil }
        self.init(
            accountAddress: record.accountAddress, inboxId: record.inboxId, isPublic: record.isPublic,
            authPolicy: policy, encryptionPublicKey: record.encryptionPublicKey,
            signature: SignatureWithRecovery(record.signature))
    }
}

extension SpaceInbox {
    /// A stored space inbox as members see it (with its encrypted secret key), or nil for an unknown auth policy.
    init?(_ record: SpaceInboxRecord) {
        guard let policy = InboxSenderAuthPolicy(rawValue: record.inbox.authPolicy) else { return nil }
        self.init(
            inboxId: record.inbox.inboxId, isPublic: record.inbox.isPublic, authPolicy: policy,
            encryptionPublicKey: record.inbox.encryptionPublicKey, secretKey: record.inbox.encryptedSecretKey)
    }
}

extension SpaceInboxPublic {
    /// A stored space inbox as anyone may see it, with the signed event that created it (§3.8); nil when the
    /// stored policy or event cannot be read.
    init?(_ record: SpaceInboxRecord) {
        guard let policy = InboxSenderAuthPolicy(rawValue: record.inbox.authPolicy),
            case .createSpaceInbox(let event)? = try? SpaceEvent(json: record.creationEventJSON)
        else { return nil }
        self.init(
            inboxId: record.inbox.inboxId, isPublic: record.inbox.isPublic, authPolicy: policy,
            encryptionPublicKey: record.inbox.encryptionPublicKey, creationEvent: event)
    }
}

extension SpaceResponse {
    /// The `space` message for a snapshot taken for `accountAddress` (§5.3): every event, the key boxes with the
    /// account filled in, every inbox, and the updates it holds (omitted when none).
    ///
    /// - Throws: ``RequestRejection`` (`internal`) when a stored event cannot be read back.
    init(_ snapshot: SpaceSnapshot, accountAddress: String) throws(RequestRejection) {
        var events: [SpaceEvent] = []
        events.reserveCapacity(snapshot.events.count)
        for record in snapshot.events {
            guard let event = try? SpaceEvent(json: record.eventJSON) else {
                throw RequestRejection(
                    code: .internal, message: "stored event \(record.counter) of space \(snapshot.id) is unreadable",
                    issues: nil)
            }
            events.append(event)
        }
        self.init(
            id: snapshot.id, name: snapshot.name, events: events,
            keyBoxes: snapshot.keyBoxes.map { box in
                KeyBoxWithKeyId(
                    id: box.keyId, accountAddress: accountAddress, ciphertext: box.payload.ciphertext,
                    nonce: box.payload.nonce, authorPublicKey: box.payload.authorPublicKey)
            },
            inboxes: snapshot.inboxes.compactMap(SpaceInbox.init), updates: Updates(snapshot.updates))
    }
}
