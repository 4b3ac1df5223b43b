// Lending identities to cases: a generator makes new ones per case; a fixed set (an identities file) is shared, each
// account lent to one case at a time, so a case never sees another case's broadcasts to its accounts.
//
// Concurrency: `IdentityLeases` is an actor owning which accounts are lent to which case.
import HypergraphClient

/// The identities of one run, lent to cases and returned when they finish.
public actor IdentityLeases {
    /// The most accounts one case uses (the delivery cases: an owner, a member, an outsider and an invitee); with a
    /// fixed set, the run keeps this many free per running case, so a case never waits for an account.
    public static let accountsPerCase = 4

    private let provisioner: any IdentityProvisioner
    /// For a fixed set: one identity per account, in file order.
    private let accounts: [HypergraphIdentity]
    /// Indexes into `accounts` lent to each holder.
    private var lent: [ObjectIdentifier: [Int]] = [:]
    /// Indexes into `accounts` ever lent in this run.
    private var used: Set<Int> = []

    /// Leases over `provisioner`'s identities.
    public init(_ provisioner: any IdentityProvisioner) {
        self.provisioner = provisioner
        var seen: Set<String> = []
        accounts = (provisioner.reusableIdentities ?? []).filter { seen.insert($0.accountAddress).inserted }
    }

    /// How many cases may run at once: `requested`, or fewer when a fixed set has too few accounts to give every
    /// running case ``accountsPerCase`` of them.
    public nonisolated static func jobs(requested: Int, for provisioner: any IdentityProvisioner) -> Int {
        guard let identities = provisioner.reusableIdentities else { return max(requested, 1) }
        let accounts = Set(identities.map(\.accountAddress)).count
        return max(1, min(requested, accounts / accountsPerCase))
    }

    /// An identity for `holder`: a new one from a generator, or a free account of the fixed set (preferring accounts
    /// earlier cases used, so never-used ones stay available to cases that need a fresh account).
    ///
    /// - Throws: ``ProvisioningError`` when the generator fails; ``CaseSkipped`` when every account is lent.
    public func identity(for holder: ObjectIdentifier) async throws -> HypergraphIdentity {
        guard provisioner.reusableIdentities != nil else { return try await provisioner.identity() }
        let free = accounts.indices.filter { index in !lent.values.contains { $0.contains(index) } }
        guard let index = free.first(where: used.contains) ?? free.first else {
            throw CaseSkipped(
                "the case needs more accounts than the identities file's \(accounts.count) (each account serves one "
                    + "case at a time)")
        }
        return lend(index, to: holder)
    }

    /// An identity of an account no case has used in this run, for cases whose check depends on the account having
    /// no history.
    ///
    /// - Throws: ``ProvisioningError`` when the generator fails; ``CaseSkipped`` when the fixed set has no unused
    ///   account left.
    public func freshIdentity(for holder: ObjectIdentifier) async throws -> HypergraphIdentity {
        guard provisioner.reusableIdentities != nil else { return try await provisioner.identity() }
        let free = accounts.indices.filter { index in
            !used.contains(index) && !lent.values.contains { $0.contains(index) }
        }
        guard let index = free.first else {
            throw CaseSkipped(
                "the case needs an account no other case has used, and every account of the identities file has "
                    + "been used (add identities to the file)")
        }
        return lend(index, to: holder)
    }

    /// Returns every identity `holder` was lent.
    public func release(_ holder: ObjectIdentifier) {
        lent[holder] = nil
    }

    private func lend(_ index: Int, to holder: ObjectIdentifier) -> HypergraphIdentity {
        lent[holder, default: []].append(index)
        used.insert(index)
        return accounts[index]
    }
}
