// Reading a whole inbox: the server sends at most a reply's worth of messages per request, the oldest first, and
// the reader continues with `since` = the last message's `createdAt` (docs/server.md, "Large lists").
import HypergraphProtocol

extension HypergraphSession {
    /// Every message of a space inbox created at or after `since`, oldest first, each once, however many replies
    /// it takes: it asks again from the last message's `createdAt` until a reply brings nothing new (one more round
    /// trip than there are replies; `latestSpaceInboxMessages` is a single request).
    public func allSpaceInboxMessages(
        spaceId: String, inboxId: String, since: Timestamp = Timestamp(millisecondsSince1970: 0),
        timeout: Duration? = nil
    ) async throws(HypergraphClientError) -> [InboxMessage] {
        try await collectInboxPages(from: since) { since throws(HypergraphClientError) in
            try await latestSpaceInboxMessages(spaceId: spaceId, inboxId: inboxId, since: since, timeout: timeout)
                .messages
        }
    }

    /// Every message of an account inbox created at or after `since`, oldest first, each once, read as
    /// ``allSpaceInboxMessages(spaceId:inboxId:since:timeout:)`` does.
    public func allAccountInboxMessages(
        accountAddress: String, inboxId: String, since: Timestamp = Timestamp(millisecondsSince1970: 0),
        timeout: Duration? = nil
    ) async throws(HypergraphClientError) -> [InboxMessage] {
        try await collectInboxPages(from: since) { since throws(HypergraphClientError) in
            try await latestAccountInboxMessages(
                accountAddress: accountAddress, inboxId: inboxId, since: since, timeout: timeout
            ).messages
        }
    }

    /// Asks `fetch` from `since`, then from the last new message's time, until a reply holds no message not seen
    /// before. `since` is inclusive, so each reply after the first repeats at least the previous last message,
    /// which is dropped here by id.
    private func collectInboxPages(
        from since: Timestamp, _ fetch: (Timestamp) async throws(HypergraphClientError) -> [InboxMessage]
    ) async throws(HypergraphClientError) -> [InboxMessage] {
        var collected: [InboxMessage] = []
        var seen: Set<String> = []
        var next = since
        while true {
            let fresh = try await fetch(next).filter { seen.insert($0.id).inserted }
            guard let last = fresh.last else { return collected }
            collected += fresh
            next = last.createdAt
        }
    }
}
