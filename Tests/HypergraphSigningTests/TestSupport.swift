import HypergraphCrypto
import HypergraphProtocol
import HypergraphSigning
import XCTest

/// A test account: an address and the key its identity signs with.
struct TestAccount {
    let address: String
    let key: Secp256k1.PrivateKey

    var publicKey: String { key.publicKey.signaturePublicKeyHex }

    /// A deterministic account: the key is SHA-256 of the label, the address 0x + the first 20 bytes of it.
    static func make(_ label: String) throws -> TestAccount {
        let digest = SHA256.hash(Array(label.utf8))
        return TestAccount(address: "0x" + Hex.encode(digest.prefix(20)), key: try Secp256k1.PrivateKey(bytes: digest))
    }
}

/// An identity registry, as a server keeps: one signature key per account.
struct TestRegistry {
    var keys: [String: String] = [:]

    init(_ accounts: [TestAccount]) {
        for account in accounts { keys[account.address] = account.publicKey }
    }

    /// The resolver of §8.3 without the connection check: the identity of `accountAddress` if its key matches.
    func resolve(_ accountAddress: String, _ key: String) -> SignerIdentity? {
        guard let registered = keys[accountAddress], registered == key else { return nil }
        return SignerIdentity(accountAddress: accountAddress, signaturePublicKey: registered)
    }
}

/// A placeholder signature, replaced by `signed(with:)`.
let unsignedSignature = SignatureWithRecovery(hex: String(repeating: "0", count: 128), recovery: 0)

/// Builders of signed events.
enum Events {
    static func createSpace(_ id: String, creator: String, by author: TestAccount) -> SpaceEvent {
        .createSpace(
            CreateSpaceEvent(
                transaction: CreateSpaceTransaction(id: id, creatorAccountAddress: creator),
                author: EventAuthor(accountAddress: author.address, signature: unsignedSignature)
            ).signed(with: author.key))
    }

    static func createSpace(_ id: String, by author: TestAccount) -> SpaceEvent {
        createSpace(id, creator: author.address, by: author)
    }

    static func invite(_ invitee: String, id: String, after previous: String, by author: TestAccount) -> SpaceEvent {
        .createInvitation(
            CreateInvitationEvent(
                transaction: CreateInvitationTransaction(
                    id: id, inviteeAccountAddress: invitee, previousEventHash: previous),
                author: EventAuthor(accountAddress: author.address, signature: unsignedSignature)
            ).signed(with: author.key))
    }

    static func accept(id: String, after previous: String, by author: TestAccount) -> SpaceEvent {
        .acceptInvitation(
            AcceptInvitationEvent(
                transaction: AcceptInvitationTransaction(id: id, previousEventHash: previous),
                author: EventAuthor(accountAddress: author.address, signature: unsignedSignature)
            ).signed(with: author.key))
    }

    static func createInbox(
        _ inboxId: String, id: String, spaceId: String, after previous: String, by author: TestAccount,
        authPolicy: InboxSenderAuthPolicy = .optionalAuth
    ) -> SpaceEvent {
        .createSpaceInbox(
            CreateSpaceInboxEvent(
                transaction: CreateSpaceInboxTransaction(
                    id: id, spaceId: spaceId, inboxId: inboxId, encryptionPublicKey: hex32("encryption \(inboxId)"),
                    secretKey: "0x" + Hex.encode(SHA256.hash(Array("secret \(inboxId)".utf8)) + [1, 2, 3]),
                    isPublic: inboxId.hasSuffix("0"), authPolicy: authPolicy, previousEventHash: previous),
                author: EventAuthor(accountAddress: author.address, signature: unsignedSignature)
            ).signed(with: author.key))
    }

    static func deleteSpace(id: String, after previous: String, by author: TestAccount) -> SpaceEvent {
        .deleteSpace(
            DeleteSpaceEvent(
                transaction: DeleteSpaceTransaction(id: id, previousEventHash: previous),
                author: EventAuthor(accountAddress: author.address, signature: unsignedSignature)
            ).signed(with: author.key))
    }
}

/// `0x` + 64 hex digits derived from `label` (inbox ids, X25519 keys).
func hex32(_ label: String) -> String {
    "0x" + Hex.encode(SHA256.hash(Array(label.utf8)))
}

/// A UUID-shaped id derived from `label`.
func uuid(_ label: String) -> String {
    let hex = Hex.encode(SHA256.hash(Array(label.utf8)).prefix(16))
    let characters = Array(hex)
    func part(_ range: Range<Int>) -> String { String(characters[range]) }
    return [part(0..<8), part(8..<12), "4" + part(13..<16), "a" + part(17..<20), part(20..<32)].joined(separator: "-")
}

extension Result {
    /// The success value, or a test failure naming the error.
    func accepted(file: StaticString = #filePath, line: UInt = #line) throws -> Success {
        switch self {
        case .success(let value): return value
        case .failure(let error):
            XCTFail("unexpected rejection: \(error)", file: file, line: line)
            throw error
        }
    }

    /// The failure, or a test failure when the value succeeded.
    func rejection(file: StaticString = #filePath, line: UInt = #line) -> Failure? {
        switch self {
        case .success:
            XCTFail("expected a rejection", file: file, line: line)
            return nil
        case .failure(let error): return error
        }
    }
}
