// Creating app identities with session tokens: the provisioning contract of `hypergraph identity create` and
// `POST /admin/identities` (docs/server.md), replacing the original's Privy/Connect login flow (§10.6).
import HypergraphCrypto
import HypergraphJSON
import HypergraphProtocol
import HypergraphSigning
import HypergraphStore

/// Why an identity could not be provisioned from the given values.
public struct IdentityProvisioningError: Error, Hashable, Sendable, CustomStringConvertible {
    /// What was wrong and what was expected.
    public var message: String

    /// Creates an error.
    public init(_ message: String) {
        self.message = message
    }

    /// The message.
    public var description: String { message }
}

/// What to provision; every member left nil is generated.
public struct IdentityRequest: Sendable, Hashable {
    /// The account (`0x` + 40 hex digits); generated at random when nil.
    public var accountAddress: String?
    /// The app the identity is for; ``IdentityProvisioning/defaultAppId`` when nil.
    public var appId: String?
    /// The secp256k1 signature public key (`0x` + 66 hex digits, compressed); when nil a key pair is generated and
    /// its private key is returned once.
    public var signaturePublicKey: String?
    /// The X25519 encryption public key (`0x` + 64 hex digits); random when nil.
    public var encryptionPublicKey: String?
    /// How long the session token stays valid, in milliseconds.
    public var lifetimeMilliseconds: Int64

    /// Creates a request.
    public init(
        accountAddress: String? = nil, appId: String? = nil, signaturePublicKey: String? = nil,
        encryptionPublicKey: String? = nil,
        lifetimeMilliseconds: Int64 = IdentityProvisioning.defaultLifetimeMilliseconds
    ) {
        self.accountAddress = accountAddress
        self.appId = appId
        self.signaturePublicKey = signaturePublicKey
        self.encryptionPublicKey = encryptionPublicKey
        self.lifetimeMilliseconds = lifetimeMilliseconds
    }

    /// Reads the body of `POST /admin/identities`: a JSON object whose members `accountAddress`, `appId`,
    /// `signaturePublicKey`, `encryptionPublicKey` and `expiresIn` (e.g. `"30d"`) are all optional strings.
    public init(json bytes: [UInt8]) throws(IdentityProvisioningError) {
        let value: JSONValue
        do {
            value = try JSONValue.parse(bytes)
        } catch {
            throw IdentityProvisioningError("the body is not JSON: \(error)")
        }
        guard case .object(let members) = value else {
            throw IdentityProvisioningError("the body must be a JSON object, got \(value.kind.rawValue)")
        }
        func string(_ name: String) throws(IdentityProvisioningError) -> String? {
            guard let member = members[name] else { return nil }
            guard case .string(let text) = member else {
                throw IdentityProvisioningError("$.\(name): expected a string, got \(member.kind.rawValue)")
            }
            return text
        }
        self.init(
            accountAddress: try string("accountAddress"), appId: try string("appId"),
            signaturePublicKey: try string("signaturePublicKey"),
            encryptionPublicKey: try string("encryptionPublicKey"))
        if let expiresIn = try string("expiresIn") {
            lifetimeMilliseconds = try IdentityProvisioning.lifetime(expiresIn)
        }
    }
}

/// An identity that was just provisioned.
public struct ProvisionedIdentity: Sendable, Hashable {
    /// The stored identity, session token included.
    public var record: IdentityRecord
    /// The signature private key (`0x` + 64 hex digits) when it was generated here; it is not stored anywhere.
    public var signaturePrivateKey: String?

    /// Creates a provisioned identity.
    public init(record: IdentityRecord, signaturePrivateKey: String?) {
        self.record = record
        self.signaturePrivateKey = signaturePrivateKey
    }

    /// The provisioning contract: one JSON object with exactly `accountAddress`, `appIdentityAddress`, `appId`,
    /// `sessionToken`, `sessionTokenExpires` (ISO-8601 with milliseconds), `signaturePublicKey`,
    /// `signaturePrivateKey` (only when generated) and `encryptionPublicKey`.
    public func jsonUTF8() -> [UInt8] {
        var members = IdentityProvisioning.sharedMembers(of: record)
        if let signaturePrivateKey { members["signaturePrivateKey"] = .string(signaturePrivateKey) }
        members["encryptionPublicKey"] = .string(record.encryptionPublicKey)
        return JSONValue.object(members).serialized()
    }
}

/// Provisions app identities: generates what a request leaves out and stores the identity.
public enum IdentityProvisioning {
    /// The app id used when none is given.
    public static let defaultAppId = "default"
    /// Session tokens last 30 days unless told otherwise, as in the original (§9.7).
    public static let defaultLifetimeMilliseconds: Int64 = 30 * 86_400_000

    /// Builds a new identity from `request` at time `now`, generating what it leaves out.
    ///
    /// - Throws: ``IdentityProvisioningError`` naming a malformed given value.
    public static func make(_ request: IdentityRequest, now: UnixMilliseconds) throws(IdentityProvisioningError)
        -> ProvisionedIdentity
    {
        let account =
            try request.accountAddress.map { text throws(IdentityProvisioningError) in
                try checkedHex(text, name: "accountAddress", digits: 40, keepCase: true)
            } ?? "0x" + Hex.encode(SecureRandom.bytes(20))
        let appId = request.appId ?? defaultAppId
        guard !appId.isEmpty, appId.utf8.count <= 256 else {
            throw IdentityProvisioningError("appId must have 1 to 256 bytes, got \(appId.utf8.count)")
        }
        var privateKey: String?
        let signatureKey: String
        if let given = request.signaturePublicKey {
            let text = try checkedHex(given, name: "signaturePublicKey", digits: 66, keepCase: false)
            do {
                _ = try Secp256k1.PublicKey(sec1: Hex.decode(text.dropFirst(2)))
            } catch {
                throw IdentityProvisioningError(
                    "signaturePublicKey \(given) is not a compressed secp256k1 key: \(error)")
            }
            signatureKey = text
        } else {
            let key = Secp256k1.PrivateKey.random()
            privateKey = key.hex
            signatureKey = key.publicKey.signaturePublicKeyHex
        }
        let encryptionKey =
            try request.encryptionPublicKey.map { text throws(IdentityProvisioningError) in
                try checkedHex(text, name: "encryptionPublicKey", digits: 64, keepCase: false)
            } ?? "0x" + Hex.encode(SecureRandom.bytes(32))
        guard (0...maximumLifetimeMilliseconds).contains(request.lifetimeMilliseconds) else {
            throw IdentityProvisioningError(
                "the token lifetime is \(request.lifetimeMilliseconds) ms; it must be between 0 and 100 years")
        }
        let (expiry, overflow) = now.addingReportingOverflow(request.lifetimeMilliseconds)
        guard !overflow else { throw IdentityProvisioningError("the token expiry overflows; check the clock") }
        let record = IdentityRecord(
            accountAddress: account, appIdentityAddress: "0x" + Hex.encode(SecureRandom.bytes(20)), appId: appId,
            signaturePublicKey: signatureKey, encryptionPublicKey: encryptionKey,
            sessionToken: Hex.encode(SecureRandom.bytes(32)), sessionTokenExpiresAt: expiry, createdAt: now)
        return ProvisionedIdentity(record: record, signaturePrivateKey: privateKey)
    }

    /// Builds and stores a new identity. Store conflicts (an account that already has an identity for the app, or
    /// this signature key) are thrown as `StoreError`.
    public static func create(
        _ request: IdentityRequest, in storage: any HypergraphStorage, now: UnixMilliseconds
    ) async throws -> ProvisionedIdentity {
        let identity = try make(request, now: now)
        try await storage.createIdentity(identity.record)
        return identity
    }

    /// One line of `hypergraph identity list`: the identity as a JSON object without any private key.
    public static func listing(_ record: IdentityRecord) -> [UInt8] {
        var members = sharedMembers(of: record)
        members["encryptionPublicKey"] = .string(record.encryptionPublicKey)
        members["createdAt"] = .string(Timestamp(millisecondsSince1970: record.createdAt).iso8601)
        return JSONValue.object(members).serialized()
    }

    /// The members that the provisioning answer and the listing line both start with, in that order.
    fileprivate static func sharedMembers(of record: IdentityRecord) -> JSONObject {
        [
            "accountAddress": .string(record.accountAddress),
            "appIdentityAddress": .string(record.appIdentityAddress),
            "appId": .string(record.appId),
            "sessionToken": .string(record.sessionToken),
            "sessionTokenExpires": .string(Timestamp(millisecondsSince1970: record.sessionTokenExpiresAt).iso8601),
            "signaturePublicKey": .string(record.signaturePublicKey),
        ]
    }

    /// Reads a token lifetime such as `30d`, `12h`, `90m` or `45s` (a whole number and one unit).
    public static func lifetime(_ text: String) throws(IdentityProvisioningError) -> Int64 {
        let units: [Character: Int64] = ["s": 1_000, "m": 60_000, "h": 3_600_000, "d": 86_400_000]
        guard let unit = text.last, let scale = units[unit], let count = Int64(text.dropLast()), count >= 0,
            count <= maximumLifetimeMilliseconds / scale
        else {
            throw IdentityProvisioningError(
                "invalid lifetime '\(text)': expected a whole number followed by s, m, h or d, e.g. 30d")
        }
        return count * scale
    }

    /// The longest token lifetime accepted: 100 years.
    private static let maximumLifetimeMilliseconds: Int64 = 100 * 365 * 86_400_000

    private static func checkedHex(
        _ text: String, name: String, digits: Int, keepCase: Bool
    ) throws(IdentityProvisioningError) -> String {
        let body = text.utf8.dropFirst(2)
        guard text.hasPrefix("0x"), body.count == digits, body.allSatisfy(isHexDigit) else {
            throw IdentityProvisioningError("\(name) must be 0x followed by \(digits) hex digits, got '\(text)'")
        }
        return keepCase ? text : text.lowercased()
    }

    private static func isHexDigit(_ byte: UInt8) -> Bool {
        (0x30...0x39).contains(byte) || (0x41...0x46).contains(byte) || (0x61...0x66).contains(byte)
    }
}
