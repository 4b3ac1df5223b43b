// Who a client acts as: an account, its signing key and the session token, read from the provisioning JSON.
import Foundation
import HypergraphCrypto
import HypergraphJSON
import HypergraphProtocol
import HypergraphSigning

/// An identity the client can connect and sign as: the account address, the secp256k1 signature key of one of its
/// app identities, and that app identity's session token.
///
/// The JSON form is the provisioning contract of `hypergraph identity create` (docs/server.md): one object with
/// `accountAddress`, `appIdentityAddress`, `appId`, `sessionToken`, `sessionTokenExpires`, `signaturePublicKey`,
/// `signaturePrivateKey` and `encryptionPublicKey`.
public struct HypergraphIdentity: Sendable {
    /// The account (`0x` + 40 hex digits), compared by servers as an exact string.
    public var accountAddress: String
    /// The key that signs events, updates and inboxes.
    public let signatureKey: Secp256k1.PrivateKey
    /// `signatureKey`'s public key as servers register it: `0x` + 66 lowercase hex digits (compressed point).
    public let signaturePublicKey: String
    /// The app identity's address, when known.
    public var appIdentityAddress: String?
    /// The app the identity belongs to, when known.
    public var appId: String?
    /// The token for `HypergraphClient.connect`, when known.
    public var sessionToken: String?
    /// When the token expires, when known.
    public var sessionTokenExpires: Timestamp?
    /// The app identity's X25519 public key (`0x` + 64 hex digits), when known.
    public var encryptionPublicKey: String?

    /// An identity from its parts.
    public init(
        accountAddress: String, signatureKey: Secp256k1.PrivateKey, appIdentityAddress: String? = nil,
        appId: String? = nil, sessionToken: String? = nil, sessionTokenExpires: Timestamp? = nil,
        encryptionPublicKey: String? = nil
    ) {
        self.accountAddress = accountAddress
        self.signatureKey = signatureKey
        signaturePublicKey = signatureKey.publicKey.signaturePublicKeyHex
        self.appIdentityAddress = appIdentityAddress
        self.appId = appId
        self.sessionToken = sessionToken
        self.sessionTokenExpires = sessionTokenExpires
        self.encryptionPublicKey = encryptionPublicKey
    }

    /// A new identity with a random key and, unless given, a random account address — for tests against servers
    /// that accept any signer, or before registering the key with a server.
    public static func random(accountAddress: String? = nil, sessionToken: String? = nil) -> HypergraphIdentity {
        HypergraphIdentity(
            accountAddress: accountAddress ?? RandomIdentifiers.hex(byteCount: 20), signatureKey: .random(),
            sessionToken: sessionToken, encryptionPublicKey: RandomIdentifiers.hex(byteCount: 32))
    }

    /// Reads one identity object. Unknown members are ignored.
    ///
    /// - Throws: ``HypergraphClientError/invalidIdentity(_:)`` naming the member and the problem: a missing or
    ///   non-string member, a malformed `signaturePrivateKey` (or none: the client needs it to sign), a
    ///   `signaturePublicKey` that is not the private key's, a `sessionTokenExpires` that is not a date.
    public init(json value: JSONValue) throws(HypergraphClientError) {
        guard let object = value.objectValue else {
            throw .invalidIdentity("expected a JSON object with accountAddress, sessionToken, signaturePrivateKey…")
        }
        func string(_ name: String, required: Bool) throws(HypergraphClientError) -> String? {
            guard let member = object[name] else {
                if required { throw .invalidIdentity("member \(name) is missing") }
                return nil
            }
            guard let text = member.stringValue else { throw .invalidIdentity("member \(name) must be a string") }
            return text
        }
        let privateKeyText = try string("signaturePrivateKey", required: true) ?? ""
        let key: Secp256k1.PrivateKey
        do {
            key = try Secp256k1.PrivateKey(hex: privateKeyText)
        } catch {
            throw .invalidIdentity("signaturePrivateKey: \(error)")
        }
        var expires: Timestamp?
        if let text = try string("sessionTokenExpires", required: false) {
            guard let timestamp = Timestamp(iso8601: text) else {
                throw .invalidIdentity("sessionTokenExpires \(String(reflecting: text)) is not an ISO-8601 date")
            }
            expires = timestamp
        }
        self.init(
            accountAddress: try string("accountAddress", required: true) ?? "", signatureKey: key,
            appIdentityAddress: try string("appIdentityAddress", required: false),
            appId: try string("appId", required: false), sessionToken: try string("sessionToken", required: false),
            sessionTokenExpires: expires, encryptionPublicKey: try string("encryptionPublicKey", required: false))
        if let claimed = try string("signaturePublicKey", required: false), claimed.lowercased() != signaturePublicKey {
            throw .invalidIdentity(
                "signaturePublicKey \(claimed) is not the public key of signaturePrivateKey (\(signaturePublicKey))")
        }
    }

    /// Reads the identities in the file at `path`; see `list(json:)`.
    ///
    /// - Throws: ``HypergraphClientError/invalidIdentity(_:)`` when the file cannot be read or holds no valid list.
    public static func list(contentsOfFile path: String) throws(HypergraphClientError) -> [HypergraphIdentity] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw .invalidIdentity("cannot read the file \(path)")
        }
        do throws(HypergraphClientError) {
            return try list(json: Array(data))
        } catch {
            throw .invalidIdentity("\(path): \(error.reason)")
        }
    }

    /// Reads identities from a file's contents: a JSON array of identity objects, a single object, or one object
    /// per line (what repeated `hypergraph identity create` calls print).
    ///
    /// - Throws: ``HypergraphClientError/invalidIdentity(_:)`` naming the entry (index or line) and the problem, or
    ///   saying that there is no identity at all.
    public static func list(json bytes: [UInt8]) throws(HypergraphClientError) -> [HypergraphIdentity] {
        if let document = try? JSONValue.parse(bytes) {
            var identities: [HypergraphIdentity] = []
            for (index, value) in (document.arrayValue ?? [document]).enumerated() {
                do throws(HypergraphClientError) {
                    identities.append(try HypergraphIdentity(json: value))
                } catch {
                    throw .invalidIdentity("entry \(index): \(error.reason)")
                }
            }
            guard !identities.isEmpty else { throw .invalidIdentity("the array holds no identity objects") }
            return identities
        }
        var identities: [HypergraphIdentity] = []
        for (index, line) in bytes.split(separator: UInt8(ascii: "\n")).enumerated() {
            guard line.contains(where: { $0 != UInt8(ascii: " ") && $0 != UInt8(ascii: "\r") }) else { continue }
            let value: JSONValue
            do {
                value = try JSONValue.parse(Array(line))
            } catch {
                throw .invalidIdentity("line \(index + 1): not JSON (\(error)); expected one identity object per line")
            }
            do throws(HypergraphClientError) {
                identities.append(try HypergraphIdentity(json: value))
            } catch {
                throw .invalidIdentity("line \(index + 1): \(error.reason)")
            }
        }
        guard !identities.isEmpty else { throw .invalidIdentity("no identity objects found") }
        return identities
    }
}

extension HypergraphClientError {
    /// The text of `invalidIdentity`, or the description of any other error.
    fileprivate var reason: String {
        if case .invalidIdentity(let reason) = self { return reason }
        return description
    }
}
