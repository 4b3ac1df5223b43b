// The inbox routes (§10.1–10.3): posting messages, which are then pushed to WebSocket subscribers, and the public
// listings. Fixes of §12 G12: a malformed body is 400 and a missing inbox 404 (the TS server answers 500).
import HypergraphHTTP
import HypergraphJSON
import HypergraphProtocol
import HypergraphSigning
import HypergraphStore
import HypergraphWebSocket

/// The body of an inbox-message POST: `{ciphertext, signature?, authorAccountAddress?}`, checked against the formats
/// clients decode (`ciphertext` hex, the author an account address). An empty author counts as absent, as it does
/// for the TS server's policy check (§10.1), and is not stored.
private struct InboxMessageBody {
    var ciphertext: String
    var signature: SignatureWithRecovery?
    var authorAccountAddress: String?

    /// Reads the body, or says what is wrong with it.
    init(json bytes: [UInt8]) throws(InboxRouteFailure) {
        guard let value = try? JSONValue.parse(bytes) else {
            throw InboxRouteFailure(.jsonError("the body is not JSON", status: 400))
        }
        guard case .object(let members) = value else {
            throw InboxRouteFailure(.jsonError("the body must be a JSON object", status: 400))
        }
        guard case .string(let ciphertext)? = members["ciphertext"] else {
            throw InboxRouteFailure(.jsonError("$.ciphertext: expected a string", status: 400))
        }
        self.ciphertext = ciphertext
        switch members["authorAccountAddress"] {
        case nil: authorAccountAddress = nil
        case .string(let author)?: authorAccountAddress = author.isEmpty ? nil : author
        case let other?:
            throw InboxRouteFailure(
                .jsonError(
                    "$.authorAccountAddress: expected a string (or leave it out), got \(other.kind.rawValue)",
                    status: 400))
        }
        if let signature = members["signature"] {
            do {
                self.signature = try SignatureWithRecovery(jsonUTF8: signature.serialized())
            } catch {
                let problems = error.issues.map { "$.signature" + $0.description.dropFirst() }.joined(separator: "; ")
                throw InboxRouteFailure(.jsonError(problems, status: 400))
            }
        }
        let stored = InboxMessage(
            id: "00000000-0000-4000-8000-000000000000", ciphertext: ciphertext, signature: signature,
            authorAccountAddress: authorAccountAddress, createdAt: Timestamp(millisecondsSince1970: 0))
        let issues = stored.validationIssues
        guard issues.isEmpty else {
            throw InboxRouteFailure(.jsonError(issues.map(\.description).joined(separator: "; "), status: 400))
        }
    }
}

/// An HTTP answer that ends an inbox route early.
private struct InboxRouteFailure: Error {
    let response: HTTPResponse
    init(_ response: HTTPResponse) { self.response = response }
}

extension HTTPRouter {
    /// `POST /spaces/:spaceId/inboxes/:inboxId/messages` (§10.1).
    func postSpaceInboxMessage(_ request: HTTPRequest, spaceId: String, inboxId: String) async -> HTTPResponse {
        await postInboxMessage(request) { body throws in
            guard let inbox = try await server.storage.spaceInbox(spaceId: spaceId, inboxId: inboxId) else {
                throw InboxRouteFailure(.jsonError("Inbox not found", status: 404))
            }
            try await authorize(
                body, policy: inbox.inbox.authPolicy,
                payload: .spaceInboxMessage(
                    authorAccountAddress: body.authorAccountAddress, ciphertext: body.ciphertext, inboxId: inboxId,
                    spaceId: spaceId))
            let record = try await server.storage.addSpaceInboxMessage(
                spaceId: spaceId, inboxId: inboxId, message: body.newMessage)
            let message = SpaceInboxMessageResponse(spaceId: spaceId, inboxId: inboxId, message: InboxMessage(record))
            server.broadcaster.publish(
                Broadcast(audience: .subscribers(spaceId: spaceId), message: server.encode(.spaceInboxMessage(message)))
            )
        }
    }

    /// `POST /accounts/:accountAddress/inboxes/:inboxId/messages` (§10.2).
    func postAccountInboxMessage(_ request: HTTPRequest, accountAddress: String, inboxId: String) async -> HTTPResponse
    {
        await postInboxMessage(request) { body throws in
            guard let inbox = try await server.storage.accountInbox(accountAddress: accountAddress, inboxId: inboxId)
            else {
                throw InboxRouteFailure(.jsonError("Inbox not found", status: 404))
            }
            try await authorize(
                body, policy: inbox.authPolicy,
                payload: .accountInboxMessage(
                    accountAddress: accountAddress, authorAccountAddress: body.authorAccountAddress,
                    ciphertext: body.ciphertext, inboxId: inboxId))
            let record = try await server.storage.addAccountInboxMessage(
                accountAddress: accountAddress, inboxId: inboxId, message: body.newMessage)
            let message = AccountInboxMessageResponse(
                accountAddress: accountAddress, inboxId: inboxId, message: InboxMessage(record))
            server.broadcaster.publish(
                Broadcast(
                    audience: .account(address: accountAddress), message: server.encode(.accountInboxMessage(message))))
        }
    }

    /// Reads the body, runs `store` (lookup, policy, insert, broadcast) and answers `{}`, or the failure's answer.
    private func postInboxMessage(
        _ request: HTTPRequest, _ store: (InboxMessageBody) async throws -> Void
    ) async -> HTTPResponse {
        do {
            let body = try InboxMessageBody(json: request.body)
            let limit = server.limits.maximumCiphertextBytes
            guard body.ciphertext.utf8.count <= limit else {
                return .jsonError(
                    "$.ciphertext has \(body.ciphertext.utf8.count) bytes; the limit is \(limit)", status: 413)
            }
            try await store(body)
            return .json(JSONValue.object([:]))
        } catch let failure as InboxRouteFailure {
            return failure.response
        } catch StoreError.conflict(let conflict) {
            // A replayed signed message (the signed payload has no nonce): stored once, answered 409.
            return .jsonError(conflict.description, status: 409)
        } catch {
            return storeFailure(error)
        }
    }

    /// The auth-policy rules of §10.1 step 3 (an empty author was read as absent, as in JavaScript), then, for a signed
    /// message, the signature must recover (low-S) to an identity of the author (step 4).
    private func authorize(_ body: InboxMessageBody, policy: String, payload: SigningPayload) async throws {
        let hasAuthor = body.authorAccountAddress != nil
        let hasSignature = body.signature != nil
        switch InboxSenderAuthPolicy(rawValue: policy) {
        case .requiresAuth?:
            guard hasAuthor && hasSignature else {
                throw InboxRouteFailure(.jsonError("Signature and authorAccountAddress required", status: 400))
            }
        case .anonymous?:
            guard !hasAuthor && !hasSignature else {
                throw InboxRouteFailure(.jsonError("Signature and authorAccountAddress not allowed", status: 400))
            }
        case .optionalAuth?:
            guard hasAuthor == hasSignature else {
                throw InboxRouteFailure(
                    .jsonError("Signature and authorAccountAddress must be provided together", status: 400))
            }
        case nil:
            throw InboxRouteFailure(.jsonError("Unknown auth policy", status: 500))
        }
        guard let signature = body.signature, let author = body.authorAccountAddress else { return }
        let key: String
        do {
            key = try payload.signer(of: signature, policy: .rejectHighS)
        } catch {
            throw InboxRouteFailure(.jsonError("Invalid signature: \(error)", status: 400))
        }
        guard try await server.facts.isSigningKey(key, ofAccount: author) else {
            throw InboxRouteFailure(.jsonError("Not authorized to post to this inbox", status: 403))
        }
    }

    /// `GET /spaces/:spaceId/inboxes`: the public inboxes of the space (§10.3).
    func publicSpaceInboxes(spaceId: String) async -> HTTPResponse {
        do {
            let records = try await server.storage.spaceInboxes(spaceId: spaceId, publicOnly: true)
            return .json(Self.body(member: "inboxes", array: records.compactMap(SpaceInboxPublic.init)))
        } catch {
            return storeFailure(error)
        }
    }

    /// `GET /spaces/:spaceId/inboxes/:inboxId`: one inbox, public or not as in the TS server; 404 when missing.
    func publicSpaceInbox(spaceId: String, inboxId: String) async -> HTTPResponse {
        do {
            guard let record = try await server.storage.spaceInbox(spaceId: spaceId, inboxId: inboxId),
                let inbox = SpaceInboxPublic(record)
            else { return .jsonError("Inbox not found", status: 404) }
            return .json(Self.body(member: "inbox", value: inbox))
        } catch {
            return storeFailure(error)
        }
    }

    /// `GET /accounts/:accountAddress/inboxes`: the account's public inboxes (§10.3).
    func publicAccountInboxes(accountAddress: String) async -> HTTPResponse {
        do {
            let records = try await server.storage.accountInboxes(accountAddress: accountAddress, publicOnly: true)
            return .json(Self.body(member: "inboxes", array: records.compactMap(AccountInbox.init)))
        } catch {
            return storeFailure(error)
        }
    }

    /// `GET /accounts/:accountAddress/inboxes/:inboxId`: one inbox, public or not as in the TS server; 404 when
    /// missing.
    func publicAccountInbox(accountAddress: String, inboxId: String) async -> HTTPResponse {
        do {
            guard let record = try await server.storage.accountInbox(accountAddress: accountAddress, inboxId: inboxId),
                let inbox = AccountInbox(record)
            else { return .jsonError("Inbox not found", status: 404) }
            return .json(Self.body(member: "inbox", value: inbox))
        } catch {
            return storeFailure(error)
        }
    }
}

extension InboxMessageBody {
    /// The message to store, as posted.
    fileprivate var newMessage: NewInboxMessage {
        NewInboxMessage(
            ciphertext: ciphertext, signature: signature?.record, authorAccountAddress: authorAccountAddress)
    }
}

extension HTTPRouter {
    /// `{"<member>": value}` in the codec's wire form.
    fileprivate static func body(member: String, value: some WireCodable) -> [UInt8] {
        var writer = JSONWriter(capacity: 1024)
        writer.beginObject()
        writer.key(member)
        value.write(to: &writer)
        writer.endObject()
        return writer.bytes
    }

    /// `{"<member>": [values…]}` in the codec's wire form.
    fileprivate static func body(member: String, array values: [some WireCodable]) -> [UInt8] {
        var writer = JSONWriter(capacity: 1024)
        writer.beginObject()
        writer.key(member)
        writer.beginArray()
        for value in values { value.write(to: &writer) }
        writer.endArray()
        writer.endObject()
        return writer.bytes
    }
}
