// Every signature a whole message carries, with its location and payload, for checking or (re)signing them all.
import HypergraphCrypto
import HypergraphJSON
import HypergraphProtocol

/// One signature inside a message: where it is, what it covers, and its current value.
public struct SignatureSite: Hashable, Sendable {
    /// The location of the signature object, e.g. `$.event.author.signature` or `$.updates.updates[2].signature`.
    public var path: JSONPath
    /// The bytes the signature covers (§7.4), with ids taken from the enclosing message where needed.
    public var payload: SigningPayload
    /// The signature; nil only for an inbox message that names an author but carries no signature (a place
    /// where signing adds one).
    public var signature: SignatureWithRecovery?
}

extension ClientMessage {
    /// Every signature of the message, in document order: the event of the four event requests,
    /// `create-update` and `create-account-inbox`. Other requests carry none (their schemas reach no
    /// `SignatureWithRecovery`).
    ///
    /// - Throws: ``SigningError/unknownEventKind(type:path:)`` for an event of unknown kind.
    public func signatureSites() throws(SigningError) -> [SignatureSite] {
        var copy = self
        return try SignatureWalk.sites { walk throws(SigningError) in try copy.walkSignatures(&walk) }
    }

    /// The message with every signature replaced by `key`'s signature of its payload.
    ///
    /// - Throws: ``SigningError/unknownEventKind(type:path:)`` for an event of unknown kind.
    public func signingEverySignature(with key: Secp256k1.PrivateKey) throws(SigningError) -> ClientMessage {
        var copy = self
        var walk = SignatureWalk(signingWith: key)
        try copy.walkSignatures(&walk)
        return copy
    }

    private mutating func walkSignatures(_ walk: inout SignatureWalk) throws(SigningError) {
        let root = JSONPath.root
        switch self {
        case .createSpaceEvent(var request):
            walk.visit(&request.event, at: root.appending(key: "event"))
            self = .createSpaceEvent(request)
        case .createInvitationEvent(var request):
            walk.visit(&request.event, at: root.appending(key: "event"))
            self = .createInvitationEvent(request)
        case .acceptInvitationEvent(var request):
            walk.visit(&request.event, at: root.appending(key: "event"))
            self = .acceptInvitationEvent(request)
        case .createSpaceInboxEvent(var request):
            walk.visit(&request.event, at: root.appending(key: "event"))
            self = .createSpaceInboxEvent(request)
        case .createAccountInbox(var request):
            walk.visit(&request, at: root)
            self = .createAccountInbox(request)
        case .createUpdate(var request):
            walk.visit(&request, at: root)
            self = .createUpdate(request)
        default:
            break // No signatures: SignatureCoverageTests fails for a request whose schema has some but no case here.
        }
    }
}

extension ServerMessage {
    /// Every signature of the message, in document order: the events and updates of `space`, the event of
    /// `space-event`, the updates of `updates-notification`, the inboxes of `account-inbox` and `account-inboxes`,
    /// and the signed inbox messages of the four inbox-message kinds. Other messages carry none.
    ///
    /// - Throws: ``SigningError/unknownEventKind(type:path:)`` for an event of unknown kind.
    public func signatureSites() throws(SigningError) -> [SignatureSite] {
        var copy = self
        return try SignatureWalk.sites { walk throws(SigningError) in try copy.walkSignatures(&walk) }
    }

    /// The message with every signature replaced by `key`'s signature of its payload; inbox messages that name an
    /// author but carry no signature get one.
    ///
    /// - Throws: ``SigningError/unknownEventKind(type:path:)`` for an event of unknown kind.
    public func signingEverySignature(with key: Secp256k1.PrivateKey) throws(SigningError) -> ServerMessage {
        var copy = self
        var walk = SignatureWalk(signingWith: key)
        try copy.walkSignatures(&walk)
        return copy
    }

    private mutating func walkSignatures(_ walk: inout SignatureWalk) throws(SigningError) {
        let root = JSONPath.root
        switch self {
        case .space(var space):
            for index in space.events.indices {
                try walk.visit(&space.events[index], at: root.appending(key: "events").appending(index: index))
            }
            if var updates = space.updates {
                walk.visit(&updates, spaceId: space.id, at: root.appending(key: "updates"))
                space.updates = updates
            }
            self = .space(space)
        case .spaceEvent(var message):
            try walk.visit(&message.event, at: root.appending(key: "event"))
            self = .spaceEvent(message)
        case .updatesNotification(var message):
            walk.visit(&message.updates, spaceId: message.spaceId, at: root.appending(key: "updates"))
            self = .updatesNotification(message)
        case .accountInbox(var message):
            walk.visit(&message.inbox, at: root.appending(key: "inbox"))
            self = .accountInbox(message)
        case .accountInboxes(var message):
            for index in message.inboxes.indices {
                walk.visit(&message.inboxes[index], at: root.appending(key: "inboxes").appending(index: index))
            }
            self = .accountInboxes(message)
        case .spaceInboxMessage(var message):
            walk.visit(&message.message, at: root.appending(key: "message")) {
                $0.spaceInboxSigningPayload(spaceId: message.spaceId, inboxId: message.inboxId)
            }
            self = .spaceInboxMessage(message)
        case .spaceInboxMessages(var message):
            for index in message.messages.indices {
                walk.visit(&message.messages[index], at: root.appending(key: "messages").appending(index: index)) {
                    $0.spaceInboxSigningPayload(spaceId: message.spaceId, inboxId: message.inboxId)
                }
            }
            self = .spaceInboxMessages(message)
        case .accountInboxMessage(var message):
            walk.visit(&message.message, at: root.appending(key: "message")) {
                $0.accountInboxSigningPayload(accountAddress: message.accountAddress, inboxId: message.inboxId)
            }
            self = .accountInboxMessage(message)
        case .accountInboxMessages(var message):
            for index in message.messages.indices {
                walk.visit(&message.messages[index], at: root.appending(key: "messages").appending(index: index)) {
                    $0.accountInboxSigningPayload(accountAddress: message.accountAddress, inboxId: message.inboxId)
                }
            }
            self = .accountInboxMessages(message)
        default:
            break // No signatures: SignatureCoverageTests fails for a message whose schema has some but no case here.
        }
    }
}

extension SpaceEvent {
    /// The one signature of a bare event, at `$.author.signature`.
    ///
    /// - Throws: ``SigningError/unknownEventKind(type:path:)`` for an event of unknown kind.
    public func signatureSites() throws(SigningError) -> [SignatureSite] {
        var copy = self
        return try SignatureWalk.sites { walk throws(SigningError) in try walk.visit(&copy, at: .root) }
    }
}

/// One pass over the signatures of a message: either collecting them, or replacing each with a new signature.
private struct SignatureWalk {
    /// The key to sign with; nil when only collecting.
    let key: Secp256k1.PrivateKey?
    /// The signatures visited so far.
    private(set) var sites: [SignatureSite] = []

    init(signingWith key: Secp256k1.PrivateKey?) {
        self.key = key
    }

    /// Collects the sites `body` visits, without changing anything.
    static func sites(
        _ body: (inout SignatureWalk) throws(SigningError) -> Void
    ) throws(SigningError) -> [SignatureSite] {
        var walk = SignatureWalk(signingWith: nil)
        try body(&walk)
        return walk.sites
    }

    /// Records one site and, when signing, returns the signature to put there.
    private mutating func record(
        _ signature: SignatureWithRecovery?, payload: SigningPayload, at path: JSONPath
    ) -> SignatureWithRecovery? {
        sites.append(SignatureSite(path: path, payload: payload, signature: signature))
        return key.map(payload.signature(with:))
    }

    /// A value that holds its whole payload, at `path`; its signature is at `path.signature`.
    mutating func visit(_ message: inout some SignedMessage, at path: JSONPath) {
        visit(&message, signatureAt: path.appending(key: "signature"))
    }

    /// A space event of a known kind, at `path`; its signature is at `path.author.signature`.
    mutating func visit(_ event: inout some SignedSpaceEvent, at path: JSONPath) {
        visit(&event, signatureAt: path.appending(key: "author").appending(key: "signature"))
    }

    private mutating func visit(_ message: inout some SignedMessage, signatureAt path: JSONPath) {
        if let signature = record(message.signature, payload: message.signingPayload, at: path) {
            message.signature = signature
        }
    }

    /// A space event of any kind.
    mutating func visit(_ event: inout SpaceEvent, at path: JSONPath) throws(SigningError) {
        switch event {
        case .createSpace(var known):
            visit(&known, at: path)
            event = .createSpace(known)
        case .deleteSpace(var known):
            visit(&known, at: path)
            event = .deleteSpace(known)
        case .createInvitation(var known):
            visit(&known, at: path)
            event = .createInvitation(known)
        case .acceptInvitation(var known):
            visit(&known, at: path)
            event = .acceptInvitation(known)
        case .createSpaceInbox(var known):
            visit(&known, at: path)
            event = .createSpaceInbox(known)
        case .unknown(let type, _):
            throw .unknownEventKind(type: type, path: path)
        }
    }

    /// The updates of space `spaceId`.
    mutating func visit(_ updates: inout Updates, spaceId: String, at path: JSONPath) {
        for index in updates.updates.indices {
            let update = updates.updates[index]
            let signaturePath = path.appending(key: "updates").appending(index: index).appending(key: "signature")
            if let signature = record(
                update.signature, payload: update.signingPayload(spaceId: spaceId), at: signaturePath)
            {
                updates.updates[index].signature = signature
            }
        }
    }

    /// An inbox message, whose payload takes ids from the enclosing message. Anonymous messages (no signature, no
    /// author) have no signature site.
    mutating func visit(
        _ message: inout InboxMessage, at path: JSONPath, payload: (InboxMessage) -> SigningPayload
    ) {
        guard message.signature != nil || message.authorAccountAddress != nil else { return }
        if let signature = record(message.signature, payload: payload(message), at: path.appending(key: "signature")) {
            message.signature = signature
        }
    }
}
