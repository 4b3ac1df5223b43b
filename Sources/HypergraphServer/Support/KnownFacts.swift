// Facts about the store that, once true, stay true, kept in memory so that the hot path of `create-update` needs no
// store read for them: "this signature key is a key of this account" and "this account is a member of this space".
//
// Why the answers stay exact when other processes write the same database (several server nodes sharing one
// PostgreSQL): only positive answers are kept, and none of them can ever become false in this protocol. Identities
// are never deleted and never change account or signature key (renewal replaces only the session token, which is
// therefore never looked up here); memberships are added by create-space and accept-invitation and never removed
// (PROTOCOL.md §8.2: nothing removes a single member, and this server accepts no delete-space request). A negative
// answer is never kept: a key or a membership another process adds is found by the next lookup, which asks the
// store. Should the protocol ever revoke one of these facts, this cache must learn of the revocation or go.
//
// Concurrency: each cache's two generations are guarded by its Mutex; every operation is O(1) under it.
import HypergraphStore
import Synchronization

/// The facts request handling checks on every update, answered from memory when they are known to be true.
final class KnownFacts: Sendable {
    /// The most facts of each kind held (about 200 bytes each); the least recently used are forgotten first.
    static let defaultCapacity = 100_000

    private let storage: any HypergraphStorage
    private let signingKeys: PositiveFactCache
    private let memberships: PositiveFactCache

    init(storage: any HypergraphStorage, capacity: Int = KnownFacts.defaultCapacity) {
        self.storage = storage
        signingKeys = PositiveFactCache(capacity: capacity)
        memberships = PositiveFactCache(capacity: capacity)
    }

    /// Whether `signaturePublicKey` is the signature key of one of the account's app identities (§9.8, no space
    /// scope).
    func isSigningKey(_ signaturePublicKey: String, ofAccount accountAddress: String) async throws -> Bool {
        let fact = FactKey(accountAddress, signaturePublicKey)
        if signingKeys.contains(fact) { return true }
        let found =
            try await storage.identity(
                accountAddress: accountAddress, signaturePublicKey: signaturePublicKey, linkedToSpace: nil) != nil
        if found { signingKeys.insert(fact) }
        return found
    }

    /// Whether the account is a member of the space (false when the space does not exist).
    func isMember(spaceId: String, accountAddress: String) async throws -> Bool {
        let fact = FactKey(spaceId, accountAddress)
        if memberships.contains(fact) { return true }
        let found = try await storage.isMember(spaceId: spaceId, accountAddress: accountAddress)
        if found { memberships.insert(fact) }
        return found
    }

    /// Records a membership this process has just committed (create-space, accept-invitation), so the member's
    /// first update needs no store read either.
    func memberJoined(spaceId: String, accountAddress: String) {
        memberships.insert(FactKey(spaceId, accountAddress))
    }
}

/// Strings that identify one fact, compared byte for byte (ids and addresses are compared exactly everywhere, §12 G24;
/// Swift's `==` on `String` would equate canonically equivalent sequences). Each part is prefixed with its length, so
/// no two different lists of parts give the same bytes.
struct FactKey: Hashable, Sendable {
    private let bytes: [UInt8]

    init(_ parts: String...) {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(parts.reduce(0) { $0 + $1.utf8.count + 4 })
        for part in parts {
            let count = UInt32(truncatingIfNeeded: part.utf8.count)
            bytes.append(contentsOf: [24, 16, 8, 0].map { UInt8(truncatingIfNeeded: count >> $0) })
            bytes.append(contentsOf: part.utf8)
        }
        self.bytes = bytes
    }

    /// Hashes the bytes as one block (the synthesized conformance would feed the hasher one byte at a time).
    func hash(into hasher: inout Hasher) {
        bytes.withUnsafeBytes { hasher.combine(bytes: $0) }
    }
}

/// A bounded set of facts known to be true, forgetting the least recently used first, in two generations: new and
/// used facts go to the recent one; when it holds half the capacity it becomes the old one and the previous old one
/// is dropped. So at most `capacity` facts are held, and a fact used at least once per half-capacity insertions is
/// never forgotten.
final class PositiveFactCache: Sendable {
    private struct Generations {
        var recent: Set<FactKey> = []
        var old: Set<FactKey> = []

        mutating func insert(_ fact: FactKey, generationSize: Int) {
            guard recent.insert(fact).inserted, recent.count >= generationSize else { return }
            old = recent
            recent = []
        }
    }

    private let generations = Mutex(Generations())
    private let generationSize: Int

    /// A cache holding at most `capacity` facts (at least 2).
    init(capacity: Int) {
        generationSize = max(capacity / 2, 1)
    }

    /// Whether the fact is known; a known fact counts as just used.
    func contains(_ fact: FactKey) -> Bool {
        generations.withLock { generations in
            if generations.recent.contains(fact) { return true }
            guard generations.old.remove(fact) != nil else { return false }
            generations.insert(fact, generationSize: generationSize)
            return true
        }
    }

    /// Remembers a fact that has been found true.
    func insert(_ fact: FactKey) {
        generations.withLock { $0.insert(fact, generationSize: generationSize) }
    }

    /// The number of facts held (for tests).
    var count: Int { generations.withLock { $0.recent.count + $0.old.count } }
}
