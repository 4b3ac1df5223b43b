// `hypergraph identity create|list`: provisioning app identities and session tokens in a server's database, also
// while the server runs (docs/server.md, "Provisioning").
import Foundation
import HypergraphCommandLine
import HypergraphServer
import HypergraphStore

/// The identity commands.
enum IdentityCommands {
    /// `hypergraph identity` with `create` and `list`.
    static let group = Command(
        name: "identity", abstract: "Create and list app identities and their session tokens.",
        subcommands: [create, list])

    private static let storeOptions = StoreOptions.options(dbHelp: "The server's SQLite database; same as --store PATH.")

    /// `hypergraph identity create [--store LOCATION | --db PATH] [--account 0x…] [--app-id ID] [--signature-public-key 0x…] …`.
    static let create = Command(
        name: "create",
        abstract: "Create an app identity with a session token and print it as one JSON object.",
        discussion: """
            Prints {accountAddress, appIdentityAddress, appId, sessionToken, sessionTokenExpires, \
            signaturePublicKey, signaturePrivateKey, encryptionPublicKey}; signaturePrivateKey only when the key \
            pair was generated here (it is stored nowhere). Everything not given is generated. Works while a \
            server is running on the same database.
            """,
        options: storeOptions + [
            .value("account", valueName: "0xADDRESS", help: "The account (0x + 40 hex digits); random when left out."),
            .value("app-id", valueName: "ID", help: "The app the identity is for.", default: IdentityProvisioning.defaultAppId),
            .value(
                "signature-public-key", valueName: "0xKEY",
                help: "A compressed secp256k1 public key to use instead of generating a key pair."),
            .value(
                "encryption-public-key", valueName: "0xKEY",
                help: "An X25519 public key (0x + 64 hex digits) to use instead of a random one."),
            .value("expires-in", valueName: "DURATION", help: "Token lifetime: a number and s, m, h or d.", default: "30d"),
        ]
    ) { arguments in
        let lifetime: Int64
        do {
            lifetime = try IdentityProvisioning.lifetime(arguments.value("expires-in") ?? "30d")
        } catch {
            throw arguments.usageError("Invalid value for '--expires-in': \(error)")
        }
        let request = IdentityRequest(
            accountAddress: arguments.value("account"), appId: arguments.value("app-id"),
            signaturePublicKey: arguments.value("signature-public-key"),
            encryptionPublicKey: arguments.value("encryption-public-key"), lifetimeMilliseconds: lifetime)
        let storage = try await openStore(arguments, mustExist: false)
        let identity: ProvisionedIdentity
        do {
            identity = try await IdentityProvisioning.create(
                request, in: storage, now: SQLiteStoreConfiguration.systemClock())
        } catch {
            await storage.close()
            throw error
        }
        await storage.close()
        writeStandardOutput(String(decoding: identity.jsonUTF8(), as: UTF8.self) + "\n")
        return ExitStatus.success
    }

    /// `hypergraph identity list [--store LOCATION | --db PATH]`: one JSON object per line, oldest first, without private keys.
    static let list = Command(
        name: "list",
        abstract: "List the app identities of a database, one JSON object per line.",
        options: storeOptions
    ) { arguments in
        let storage = try await openStore(arguments, mustExist: true)
        let identities = try await storage.identities()
        await storage.close()
        let lines = identities.map { String(decoding: IdentityProvisioning.listing($0), as: UTF8.self) + "\n" }
        writeStandardOutput(lines.joined())
        return ExitStatus.success
    }

    private static func openStore(_ arguments: ParsedArguments, mustExist: Bool) async throws -> any HypergraphStorage {
        let location = try StoreOptions.location(arguments)
        if mustExist, !location.existsLocally {
            throw arguments.usageError("No database at '\(location)'.")
        }
        return try await location.open(readers: 1)
    }
}
