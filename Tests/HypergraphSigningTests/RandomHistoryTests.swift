import HypergraphCrypto
import HypergraphProtocol
import HypergraphSigning
import SeededRandom
import XCTest

/// A long seeded random history (create, invite, accept, inbox, delete, with forged and stale events mixed in),
/// checked step by step against a separately written model of §8.2, then replayed from scratch as a client does.
final class RandomHistoryTests: XCTestCase {
    /// The expected state, kept as plain arrays of pairs in insertion order.
    private struct Model: Equatable {
        var members: [(String, SpaceMemberRole)] = []
        var removed: [(String, SpaceMemberRole)] = []
        var invitations: [(id: String, invitee: String)] = []
        var inboxes: [String] = []

        static func == (left: Model, right: Model) -> Bool {
            left.members.map(\.0) == right.members.map(\.0) && left.members.map(\.1) == right.members.map(\.1)
                && left.removed.map(\.0) == right.removed.map(\.0) && left.removed.map(\.1) == right.removed.map(\.1)
                && left.invitations.map(\.id) == right.invitations.map(\.id)
                && left.invitations.map(\.invitee) == right.invitations.map(\.invitee) && left.inboxes == right.inboxes
        }

        init() {}

        init(_ state: SpaceEventState) {
            members = state.members.map { ($0.key, $0.value.role) }
            removed = state.removedMembers.map { ($0.key, $0.value.role) }
            invitations = state.invitations.map { (id: $0.key, invitee: $0.value.inviteeAccountAddress) }
            inboxes = state.inboxes.keys
        }

        func role(_ account: String) -> SpaceMemberRole? { members.first { $0.0 == account }?.1 }
    }

    func testRandomHistoryMatchesTheModelAndReplays() throws {
        var random = SplitMix64(seed: 20_260_101)
        let accounts = try (0..<40).map { try TestAccount.make("history account \($0)") }
        let stranger = try TestAccount.make("history stranger")
        let registry = TestRegistry(accounts)
        let spaceId = uuid("history space")
        let apply = { (event: SpaceEvent, state: SpaceEventState?) in
            SpaceEventRules.apply(event, to: state, resolveIdentity: registry.resolve)
        }

        let genesis = Events.createSpace(spaceId, by: accounts[0])
        var state = try apply(genesis, nil).accepted()
        var model = Model()
        model.members = [(accounts[0].address, .admin)]
        var accepted: [SpaceEvent] = [genesis]
        var states: [SpaceEventState] = [state]
        var outcomes: [String: Int] = [:]

        for step in 0..<400 {
            // Mostly plausible authors (the admin, an invitee), sometimes anyone, so both outcomes are common.
            let plausible = Int.random(in: 0..<4, using: &random) != 0
            let invitees = accounts.filter { account in model.invitations.contains { $0.invitee == account.address } }
            let kind = Int.random(in: 0..<100, using: &random)
            let author =
                plausible
                ? (kind >= 35 && kind < 70 ? invitees.randomElement(using: &random) : accounts[0]) ?? accounts[0]
                : accounts.randomElement(using: &random)!
            let outsiders = accounts.filter { account in
                model.role(account.address) == nil && !model.invitations.contains { $0.invitee == account.address }
            }
            let other =
                (plausible ? outsiders.randomElement(using: &random) : nil) ?? accounts.randomElement(using: &random)!
            let eventId = uuid("history event \(step)")
            var previous = state.lastEventHash
            let corruption = Int.random(in: 0..<20, using: &random)
            if corruption == 0 { previous = hex32("stale \(step)") }
            let signer = corruption == 1 ? stranger : author

            var event: SpaceEvent
            var expected: Result<Model, SpaceEventRejection>
            var next = model
            let isAdmin = model.role(author.address) == .admin
            // delete-space ends the space's life (nobody is admin afterwards), so it comes only near the end.
            switch step < 380 ? kind % 97 : kind {
            case 0..<35:
                event = Events.invite(other.address, id: eventId, after: previous, by: signer)
                if !isAdmin {
                    expected = .failure(.notAdmin(accountAddress: author.address))
                } else if model.role(other.address) != nil {
                    expected = .failure(.inviteeAlreadyMember(accountAddress: other.address))
                } else if let pending = model.invitations.first(where: { $0.invitee == other.address }) {
                    expected = .failure(.inviteeAlreadyInvited(accountAddress: other.address, invitationId: pending.id))
                } else {
                    next.invitations.append((eventId, other.address))
                    expected = .success(next)
                }
            case 35..<70:
                event = Events.accept(id: eventId, after: previous, by: signer)
                if model.role(author.address) != nil {
                    expected = .failure(.alreadyMember(accountAddress: author.address))
                } else if let index = model.invitations.firstIndex(where: { $0.invitee == author.address }) {
                    next.invitations.remove(at: index)
                    next.members.append((author.address, .member))
                    next.removed.removeAll { $0.0 == author.address }
                    expected = .success(next)
                } else {
                    expected = .failure(.noInvitation(accountAddress: author.address))
                }
            case 70..<97:
                // A small pool of inbox ids, so duplicates happen.
                let inboxId = hex32("history inbox \(Int.random(in: 0..<100, using: &random))")
                event = Events.createInbox(inboxId, id: eventId, spaceId: spaceId, after: previous, by: signer)
                if !isAdmin {
                    expected = .failure(.notAdmin(accountAddress: author.address))
                } else if model.inboxes.contains(inboxId) {
                    expected = .failure(.duplicateInbox(inboxId: inboxId))
                } else {
                    next.inboxes.append(inboxId)
                    expected = .success(next)
                }
            default:
                event = Events.deleteSpace(id: eventId, after: previous, by: signer)
                if isAdmin {
                    next.removed = model.members
                    next.members = []
                    next.invitations = []
                    expected = .success(next)
                } else {
                    expected = .failure(.notAdmin(accountAddress: author.address))
                }
            }
            if signer.address != author.address {
                // Signed with an unregistered key but claiming the author's account.
                guard let known = event.knownEvent else { return XCTFail("unknown kind") }
                let payload = known.signingPayload
                let claimed = payload.signature(with: stranger.key)
                event = try rebuild(event, author: author.address, signature: claimed)
                expected = .failure(
                    .unknownIdentity(accountAddress: author.address, signaturePublicKey: stranger.publicKey))
            }
            if previous != state.lastEventHash {
                expected = .failure(.badChainHash(expected: state.lastEventHash, got: previous))
            }

            switch (apply(event, state), expected) {
            case (.success(let newState), .success(let newModel)):
                XCTAssertEqual(Model(newState), newModel, "step \(step)")
                XCTAssertEqual(newState.lastEventHash, try event.eventHash(), "step \(step)")
                XCTAssertEqual(try SpaceEventState(jsonUTF8: newState.jsonUTF8()), newState, "step \(step)")
                state = newState
                model = newModel
                accepted.append(event)
                states.append(newState)
                outcomes["accepted \(event.type)", default: 0] += 1
            case (.failure(let rejection), .failure(let expectedRejection)):
                XCTAssertEqual(rejection, expectedRejection, "step \(step)")
                outcomes[Mirror(reflecting: rejection).children.first?.label ?? "\(rejection)", default: 0] += 1
            case (let actual, let expected):
                return XCTFail("step \(step): \(event.type) gave \(actual), expected \(expected)")
            }
        }
        // The history exercises every kind and the common rejections.
        for kind in ["create-invitation", "accept-invitation", "create-space-inbox"] {
            XCTAssertGreaterThan(outcomes["accepted \(kind)", default: 0], 3, "\(outcomes)")
        }
        for rejection in [
            "notAdmin", "noInvitation", "alreadyMember", "inviteeAlreadyMember", "duplicateInbox", "badChainHash",
            "unknownIdentity",
        ] {
            XCTAssertGreaterThan(outcomes[rejection, default: 0], 0, "\(outcomes)")
        }
        XCTAssertGreaterThan(accepted.count, 60, "\(outcomes)")

        // A client replays `space.events` from scratch (through the wire form), under either policy.
        for policy in [EventRulePolicy.compatible, .strict] {
            var replayed: SpaceEventState?
            for (index, event) in accepted.enumerated() {
                let decoded = try SpaceEvent(jsonUTF8: event.jsonUTF8())
                XCTAssertEqual(decoded, event)
                replayed = try SpaceEventRules.apply(
                    decoded, to: replayed, policy: policy, resolveIdentity: registry.resolve
                )
                .accepted()
                XCTAssertEqual(replayed, states[index], "event \(index)")
            }
        }
    }

    /// `event` with another author account and signature.
    private func rebuild(_ event: SpaceEvent, author: String, signature: SignatureWithRecovery) throws -> SpaceEvent {
        let newAuthor = EventAuthor(accountAddress: author, signature: signature)
        switch event {
        case .createInvitation(var known):
            known.author = newAuthor
            return .createInvitation(known)
        case .acceptInvitation(var known):
            known.author = newAuthor
            return .acceptInvitation(known)
        case .createSpaceInbox(var known):
            known.author = newAuthor
            return .createSpaceInbox(known)
        case .deleteSpace(var known):
            known.author = newAuthor
            return .deleteSpace(known)
        case .createSpace, .unknown:
            struct UnexpectedKind: Error {}
            XCTFail("the history generator never rebuilds \(event.type) events")
            throw UnexpectedKind()
        }
    }
}
