// Why each list reply and the head of each `space` reply stay within ServerLimits.maximumReplyBytes: their entries are
// bounded in number (the count limits) and in size (the field limits), and inbox messages and updates are sent a
// reply's worth at a time. The sizes here come from encoding the largest entries the limits allow, so they follow the
// encoder.
import HypergraphProtocol

extension ServerLimits {
    /// The members of one inbox message other than its ciphertext, at most: the id (a UUID), the signature (132 hex
    /// digits and the recovery), the author's address, `createdAt` and the member names come to about 330 bytes.
    static let inboxMessageOverheadBytes = 512

    /// Combinations of these limits that would let a reply pass ``maximumReplyBytes``, in words; empty for the
    /// defaults. The server logs each at start as a warning (a list reply that would pass the limit is still never
    /// sent: it is refused with `too-large`, docs/server.md "Large lists").
    public var replyBoundProblems: [String] {
        var problems: [String] = []
        func check(_ what: String, count: Int, countLimit: String, entryBytes: Int, envelopeBytes: Int) {
            let worst = envelopeBytes + count * (entryBytes + 1)
            guard worst > maximumReplyBytes else { return }
            problems.append(
                "\(what) can take \(worst) bytes (\(countLimit) = \(count) entries of up to \(entryBytes) bytes), "
                    + "more than maximumReplyBytes (\(maximumReplyBytes))")
        }
        let entries = ListReplyEntries(limits: self)
        check(
            "a list-spaces reply", count: maximumSpacesPerAppIdentity, countLimit: "maximumSpacesPerAppIdentity",
            entryBytes: entries.spaceBytes, envelopeBytes: entries.spacesEnvelopeBytes)
        check(
            "a list-invitations reply", count: maximumPendingInvitationsPerAccount,
            countLimit: "maximumPendingInvitationsPerAccount", entryBytes: entries.invitationBytes,
            envelopeBytes: entries.invitationsEnvelopeBytes)
        check(
            "an account-inboxes reply", count: maximumAccountInboxesPerAccount,
            countLimit: "maximumAccountInboxesPerAccount", entryBytes: entries.accountInboxBytes,
            envelopeBytes: entries.accountInboxesEnvelopeBytes)
        let space = SpaceReplyEntries(limits: self)
        let inboxEvents = min(maximumInboxesPerSpace, maximumEventsPerSpace)
        let spaceWorst =
            space.envelopeBytes + 4 * maximumUpdateBytes + inboxEvents * (space.inboxEventBytes + 2)
            + (maximumEventsPerSpace - inboxEvents) * (space.eventBytes + 1)
        if spaceWorst > maximumReplyBytes {
            problems.append(
                "a space reply can take \(spaceWorst) bytes (maximumEventsPerSpace = \(maximumEventsPerSpace) events "
                    + "of up to \(space.eventBytes) bytes, maximumInboxesPerSpace = \(maximumInboxesPerSpace) of them "
                    + "inboxes of up to \(space.inboxEventBytes) bytes with their event, a key box and one update of "
                    + "maximumUpdateBytes = \(maximumUpdateBytes)), more than maximumReplyBytes (\(maximumReplyBytes))")
        }
        // `since` is inclusive (§4.9): a reply that continues a read repeats the last message of the one before, so
        // it must have room for two messages of the largest size to make progress.
        let budget = inboxMessageBudget(envelopeBytes: entries.inboxMessagesEnvelopeBytes)
        if budget.ciphertextBytes < 2 * maximumCiphertextBytes || budget.count < 2 {
            problems.append(
                "an inbox-messages reply has room for \(budget.ciphertextBytes) ciphertext bytes and "
                    + "\(budget.count) messages, less than two messages of maximumCiphertextBytes "
                    + "(\(maximumCiphertextBytes)): a client continuing with since could make no progress")
        }
        return problems
    }

    /// The most one update of an `updates` array takes besides its content (which takes at most 4 characters a
    /// byte): its other members with the longest update id the limits allow, and the comma.
    var updateOverheadBytes: Int {
        let fields = WorstCaseFields(limits: self)
        func size(_ updates: [SignedUpdate]) -> Int {
            fields.size(
                .updatesNotification(
                    UpdatesNotificationResponse(
                        spaceId: "", updates: Updates(updates: updates, firstUpdateClock: 0, lastUpdateClock: 0))))
        }
        return size([fields.update, fields.update]) - size([fields.update])
    }

    /// How many inbox messages a reply whose other members take `envelopeBytes` may carry: half of the rest for
    /// their ciphertexts and half for the members around each (``inboxMessageOverheadBytes``), so the messages the
    /// store returns within this budget fit ``maximumReplyBytes``.
    func inboxMessageBudget(envelopeBytes: Int) -> (ciphertextBytes: Int, count: Int) {
        let room = max(maximumReplyBytes - envelopeBytes, 0) / 2
        return (room, room / Self.inboxMessageOverheadBytes)
    }
}

/// The encoded sizes of the largest list entries the field limits allow (made of ``WorstCaseFields``).
struct ListReplyEntries {
    let spaceBytes: Int
    let spacesEnvelopeBytes: Int
    let invitationBytes: Int
    let invitationsEnvelopeBytes: Int
    let accountInboxBytes: Int
    let accountInboxesEnvelopeBytes: Int
    let inboxMessagesEnvelopeBytes: Int

    init(limits: ServerLimits) {
        let fields = WorstCaseFields(limits: limits)
        let (text, hex, size, identifier) = (fields.text, fields.hex, fields.size, fields.identifier)

        spacesEnvelopeBytes = size(.listSpaces(ListSpacesResponse(spaces: [])))
        spaceBytes =
            size(
                .listSpaces(
                    ListSpacesResponse(
                        spaces: [HypergraphProtocol.SpaceSummary(id: identifier, name: text(limits.maximumNameBytes))])
                )) - spacesEnvelopeBytes
        invitationsEnvelopeBytes = size(.listInvitations(ListInvitationsResponse(invitations: [])))
        invitationBytes =
            size(
                .listInvitations(
                    ListInvitationsResponse(
                        invitations: [Invitation(id: identifier, previousEventHash: hex(64), spaceId: identifier)])))
            - invitationsEnvelopeBytes
        accountInboxesEnvelopeBytes = size(.accountInboxes(AccountInboxesResponse(inboxes: [])))
        let inbox = AccountInbox(
            accountAddress: hex(40), inboxId: hex(64), isPublic: false, authPolicy: .requiresAuth,
            encryptionPublicKey: hex(64), signature: fields.signature)
        accountInboxBytes =
            size(.accountInboxes(AccountInboxesResponse(inboxes: [inbox]))) - accountInboxesEnvelopeBytes
        inboxMessagesEnvelopeBytes = size(
            .spaceInboxMessages(SpaceInboxMessagesResponse(spaceId: identifier, inboxId: hex(64), messages: [])))
    }
}

/// The largest field values the limits allow: text fields made of control characters (each written as a 6-byte
/// `\uXXXX` escape), fixed-format fields at their length (hex fields are checked for their format, so they are never
/// escaped).
struct WorstCaseFields {
    let identifier: String
    let signature = SignatureWithRecovery(hex: Self.hexDigits(130), recovery: 1)

    init(limits: ServerLimits) {
        identifier = Self.controlCharacters(limits.maximumIdentifierBytes)
    }

    /// An update without content.
    var update: SignedUpdate {
        SignedUpdate(update: Bytes([]), accountAddress: hex(40), signature: signature, updateId: identifier)
    }

    /// A text of `bytes` control characters.
    func text(_ bytes: Int) -> String { Self.controlCharacters(bytes) }
    /// `0x` and `digits` hexadecimal digits.
    func hex(_ digits: Int) -> String { Self.hexDigits(digits) }
    /// The encoded size of `message`.
    func size(_ message: ServerMessage) -> Int { message.jsonUTF8().count }

    private static func controlCharacters(_ bytes: Int) -> String { String(repeating: "\u{1}", count: bytes) }
    private static func hexDigits(_ digits: Int) -> String { "0x" + String(repeating: "f", count: digits) }
}

/// The encoded sizes of the parts of the largest `space` reply the limits allow (a space has one key, so the reply
/// has at most one key box for the requester).
struct SpaceReplyEntries {
    /// A `space` reply with the longest id and name, one key box, no events or inboxes and one update without
    /// content (each content byte adds at most 4 characters).
    let envelopeBytes: Int
    /// The largest event other than `create-space-inbox`.
    let eventBytes: Int
    /// The largest `create-space-inbox` event together with its inbox in `inboxes`.
    let inboxEventBytes: Int

    init(limits: ServerLimits) {
        let fields = WorstCaseFields(limits: limits)
        let (hex, identifier) = (fields.hex, fields.identifier)
        let author = EventAuthor(accountAddress: hex(40), signature: fields.signature)
        let keyBox = KeyBoxWithKeyId(
            id: identifier, accountAddress: hex(40), ciphertext: hex(limits.maximumCiphertextBytes - 2),
            nonce: hex(48), authorPublicKey: hex(64))
        let empty = SpaceResponse(
            id: identifier, name: fields.text(limits.maximumNameBytes), events: [], keyBoxes: [keyBox], inboxes: [],
            updates: Updates(updates: [fields.update], firstUpdateClock: Int.max, lastUpdateClock: Int.max),
            snapshotLastUpdateClock: Int.max)
        func size(events: [SpaceEvent], inboxes: [SpaceInbox] = []) -> Int {
            var response = empty
            response.events = events
            response.inboxes = inboxes
            return fields.size(.space(response))
        }
        let envelope = size(events: [])
        envelopeBytes = envelope
        let otherEvents: [SpaceEvent] = [
            .createSpace(
                CreateSpaceEvent(
                    transaction: CreateSpaceTransaction(id: identifier, creatorAccountAddress: hex(40)), author: author)
            ),
            .createInvitation(
                CreateInvitationEvent(
                    transaction: CreateInvitationTransaction(
                        id: identifier, inviteeAccountAddress: hex(40), previousEventHash: hex(64)),
                    author: author)),
            .acceptInvitation(
                AcceptInvitationEvent(
                    transaction: AcceptInvitationTransaction(id: identifier, previousEventHash: hex(64)),
                    author: author)),
        ]
        eventBytes = otherEvents.map { size(events: [$0]) - envelope }.max() ?? 0
        let secretKey = hex(limits.maximumInboxSecretKeyBytes - 2)
        let inboxEvent = SpaceEvent.createSpaceInbox(
            CreateSpaceInboxEvent(
                transaction: CreateSpaceInboxTransaction(
                    id: identifier, spaceId: identifier, inboxId: hex(64), encryptionPublicKey: hex(64),
                    secretKey: secretKey, isPublic: false, authPolicy: .requiresAuth, previousEventHash: hex(64)),
                author: author))
        let inbox = SpaceInbox(
            inboxId: hex(64), isPublic: false, authPolicy: .requiresAuth, encryptionPublicKey: hex(64),
            secretKey: secretKey)
        inboxEventBytes = size(events: [inboxEvent], inboxes: [inbox]) - envelope
    }
}
