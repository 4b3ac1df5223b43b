// hypergraph-bench abuse, large lists and shutdown: an account inbox many replies large, read whole by one client
// while other connections pipeline reads of it and reset (every reply within the server's maximumReplyBytes, every
// message exactly once); and a graceful shutdown (SIGTERM) while abusers hold the server, timed against its grace
// period.
import Foundation
import HypergraphClient
import HypergraphProtocol
import HypergraphServer
import HypergraphStore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// An account inbox of the abuser holding many messages, written by the server process straight to its store (as
/// ``LargeSpace`` is): what is under test is reading it.
struct LargeInbox: Sendable {
    /// Each message's ciphertext, in hex characters.
    static let ciphertextCharacters = 4 * 1024
    let inboxId: String
    let count: Int

    static func create(in child: ChildServer, target: AbuseTarget, count: Int) throws -> LargeInbox {
        let inboxId = RandomIdentifiers.hex(byteCount: 32)
        let answer = child.ask("fill-inbox \(target.abuser.accountAddress) \(inboxId) \(count)")
        guard answer == "filled-inbox \(count)" else {
            throw BenchmarkError("the server did not fill the inbox: \(answer)")
        }
        return LargeInbox(inboxId: inboxId, count: count)
    }

    /// The server side of ``create(in:target:count:)``: `fill-inbox ACCOUNT INBOX COUNT` creates the inbox and adds
    /// COUNT messages, 64 at a time (so that the store commits them in groups).
    static func fill(server: HypergraphServer, line: String) -> String? {
        let words = line.split(separator: " ").map(String.init)
        guard words.count == 4, words[0] == "fill-inbox", let count = Int(words[3]) else { return nil }
        let (account, inboxId) = (words[1], words[2])
        let storage = server.storage
        let message = NewInboxMessage(
            ciphertext: "0x" + String(repeating: "c", count: ciphertextCharacters - 2), signature: nil,
            authorAccountAddress: nil)
        do {
            try blocking {
                _ = try await storage.createAccountInbox(
                    AccountInboxRecord(
                        accountAddress: account, inboxId: inboxId, isPublic: false, authPolicy: "anonymous",
                        encryptionPublicKey: "0x" + String(repeating: "0", count: 64),
                        signature: SignatureRecord(hex: String(repeating: "1", count: 128), recovery: 0)))
                for start in stride(from: 0, to: count, by: 64) {
                    try await withThrowingTaskGroup(of: Void.self) { group in
                        for _ in start..<min(start + 64, count) {
                            group.addTask {
                                _ = try await storage.addAccountInboxMessage(
                                    accountAddress: account, inboxId: inboxId, message: message)
                            }
                        }
                        try await group.waitForAll()
                    }
                }
            }
        } catch {
            return "failed: \(error)"
        }
        return "filled-inbox \(count)"
    }

    /// The read of the whole inbox, as a client continues with `since`, while `options.pipelines` connections each
    /// pipeline 20 reads of it and reset. Returns the phase's outcome line ("FAILED: …" when a reply passed the
    /// limit or a message was missing or repeated).
    func readWhileAbused(_ target: AbuseTarget, options: AbuseOptions) async throws -> String {
        let request = ClientMessage.getLatestAccountInboxMessages(
            GetLatestAccountInboxMessagesRequest(
                accountAddress: target.abuser.accountAddress, inboxId: inboxId,
                since: Timestamp(millisecondsSince1970: 0)))
        let frames = (0..<20).flatMap { _ in Scenarios.frame(request) }
        for _ in 0..<options.pipelines {
            let client = try BlockingClient(port: target.port, path: target.path(target.abuser))
            client.send(frames)
            client.resetOnClose()
        }
        let session = try await HypergraphClient.connect(
            url: target.url, token: target.abuser.sessionToken, configuration: benchmarkConfiguration)
        defer { Task { await session.close() } }
        let started = ContinuousClock.now
        var ids: [String] = []
        var replySizes: [Int] = []
        var since = Timestamp(millisecondsSince1970: 0)
        while true {
            let reply = try await session.latestAccountInboxMessages(
                accountAddress: target.abuser.accountAddress, inboxId: inboxId, since: since)
            // The client's encoder writes what the server's wrote: the same members in the same order.
            replySizes.append(ServerMessage.accountInboxMessages(reply).jsonUTF8().count)
            let fresh = reply.messages.filter { !ids.contains($0.id) }
            guard let last = fresh.last else { break }
            ids += fresh.map(\.id)
            since = last.createdAt
        }
        let seconds = (ContinuousClock.now - started).seconds
        let limit = ServerLimits().maximumReplyBytes
        let largest = replySizes.max() ?? 0
        let summary =
            "read \(ids.count) messages (\((count * Self.ciphertextCharacters) >> 20) MiB) in \(replySizes.count) "
            + "replies in \(format(seconds, 2)) s, largest reply \(largest) bytes (limit \(limit))"
        if ids.count != count || Set(ids).count != count {
            return "FAILED: \(summary); expected each of \(count) messages once"
        }
        if largest > limit { return "FAILED: \(summary)" }
        return summary
    }
}

/// The graceful shutdown under load: how long the server takes to exit after SIGTERM while non-reading subscribers
/// of the large space and pipelining readers of the large inbox hold it.
enum ShutdownUnderLoad {
    /// The child side: SIGTERM runs the graceful shutdown, then exits (as `hypergraph serve` does).
    static func stopOnSIGTERM(_ server: HypergraphServer) {
        signal(SIGTERM, SIG_IGN)
        Task {
            let source = DispatchSource.makeSignalSource(signal: SIGTERM, queue: .global())
            let (stream, continuation) = AsyncStream.makeStream(of: Void.self)
            source.setEventHandler { continuation.yield() }
            source.resume()
            for await _ in stream { break }
            source.cancel()
            await server.shutdown()
            exit(0)
        }
    }

    /// Starts the load, sends SIGTERM and returns the outcome line ("FAILED: …" past `gracePeriod` plus a second
    /// for closing the database, or without a clean exit).
    static func measure(
        _ child: ChildServer, _ target: AbuseTarget, space: String, inbox: LargeInbox, options: AbuseOptions,
        gracePeriod: Duration
    ) throws -> String {
        var clients: [BlockingClient] = []
        for _ in 0..<options.silentReaders {
            let client = try BlockingClient(port: target.port, path: target.path(target.abuser))
            client.send(Scenarios.frame(.subscribeSpace(SubscribeSpaceRequest(id: space))))
            clients.append(client)
        }
        let read = Scenarios.frame(
            .getLatestAccountInboxMessages(
                GetLatestAccountInboxMessagesRequest(
                    accountAddress: target.abuser.accountAddress, inboxId: inbox.inboxId,
                    since: Timestamp(millisecondsSince1970: 0))))
        for _ in 0..<options.pipelines {
            let client = try BlockingClient(port: target.port, path: target.path(target.abuser))
            client.send((0..<20).flatMap { _ in read })
            clients.append(client)
        }
        Thread.sleep(forTimeInterval: 1) // The server is now busy sending to peers that do not read.
        let (elapsed, status) = child.terminate()
        let seconds = elapsed.seconds
        let bound = gracePeriod.seconds + 1
        let line =
            "SIGTERM with \(clients.count) abusive connections open: exited after \(format(seconds, 2)) s with "
            + "status \(status) (grace period \(format(gracePeriod.seconds, 0)) s, bound \(format(bound, 0)) s)"
        return seconds <= bound && status == 0 ? line : "FAILED: " + line
    }
}

extension Duration {
    /// The duration in seconds.
    fileprivate var seconds: Double {
        Double(components.seconds) + Double(components.attoseconds) / 1e18
    }
}
