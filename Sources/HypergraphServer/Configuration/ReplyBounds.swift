// Why each list reply stays within ServerLimits.maximumReplyBytes: its entries are bounded in number (the count
// limits) and in size (the field limits), and inbox messages are sent a reply's worth at a time. The sizes here come
// from encoding the largest entries the limits allow, so they follow the encoder.
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

    /// How many inbox messages a reply whose other members take `envelopeBytes` may carry: half of the rest for
    /// their ciphertexts and half for the members around each (``inboxMessageOverheadBytes``), so the messages the
    /// store returns within this budget fit ``maximumReplyBytes``.
    func inboxMessageBudget(envelopeBytes: Int) -> (ciphertextBytes: Int, count: Int) {
        let room = max(maximumReplyBytes - envelopeBytes, 0) / 2
        return (room, room / Self.inboxMessageOverheadBytes)
    }
}

/// The encoded sizes of the largest list entries the field limits allow: text fields made of control characters
/// (each written as a 6-byte `\uXXXX` escape), fixed-format fields at their length.
struct ListReplyEntries {
    let spaceBytes: Int
    let spacesEnvelopeBytes: Int
    let invitationBytes: Int
    let invitationsEnvelopeBytes: Int
    let accountInboxBytes: Int
    let accountInboxesEnvelopeBytes: Int
    let inboxMessagesEnvelopeBytes: Int

    init(limits: ServerLimits) {
        func text(_ bytes: Int) -> String { String(repeating: "\u{1}", count: bytes) }
        func hex(_ digits: Int) -> String { "0x" + String(repeating: "f", count: digits) }
        func size(_ message: ServerMessage) -> Int { message.jsonUTF8().count }
        let identifier = text(limits.maximumIdentifierBytes)

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
            encryptionPublicKey: hex(64), signature: SignatureWithRecovery(hex: hex(130), recovery: 1))
        accountInboxBytes =
            size(.accountInboxes(AccountInboxesResponse(inboxes: [inbox]))) - accountInboxesEnvelopeBytes
        inboxMessagesEnvelopeBytes = size(
            .spaceInboxMessages(SpaceInboxMessagesResponse(spaceId: identifier, inboxId: hex(64), messages: [])))
    }
}
