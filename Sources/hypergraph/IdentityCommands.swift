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

    private static let storeOptions = StoreOptions.options(
        dbHelp: "The server's SQLite database; same as --store PATH.")

    /// `hypergraph identity create [--store LOCATION | --db PATH] [--create] [--count N] [--output FILE] [--account 0x…] …`.
    static let create = Command(
        name: "create",
        abstract: "Create app identities with session tokens and print them as JSON objects.",
        discussion: """
            Prints {accountAddress, appIdentityAddress, appId, sessionToken, sessionTokenExpires, \
            signaturePublicKey, signaturePrivateKey, encryptionPublicKey}, one object per line (or, with --output, \
            writes them as a JSON array: the `hypergraph conformance run --identities` format); signaturePrivateKey \
            only when the key pair was generated here (it is stored nowhere). Everything not given is generated. \
            The database must exist unless --create is given, so a typo cannot start a database the running server \
            does not read. Invalid options create nothing. Works while a server is running on the same database.
            """,
        options: storeOptions + [
            .flag("create", help: "Create the database when it does not exist."),
            .value(
                "count", valueName: "N", help: "How many identities to create (each with its own account).",
                default: "1"),
            .value(
                "output", valueName: "FILE",
                help: "Write the identities to FILE as a JSON array instead of printing them."),
            .value("account", valueName: "0xADDRESS", help: "The account (0x + 40 hex digits); random when left out."),
            .value(
                "app-id", valueName: "ID", help: "The app the identity is for.",
                default: IdentityProvisioning.defaultAppId),
            .value(
                "signature-public-key", valueName: "0xKEY",
                help: "A compressed secp256k1 public key to use instead of generating a key pair."),
            .value(
                "encryption-public-key", valueName: "0xKEY",
                help: "An X25519 public key (0x + 64 hex digits) to use instead of a random one."),
            .value(
                "expires-in", valueName: "DURATION", help: "Token lifetime: a number and s, m, h or d.", default: "30d"),
        ]
    ) { arguments in
        let count = try arguments.integer("count", in: 1...10_000) ?? 1
        if count > 1, let shared = ["account", "signature-public-key"].first(where: arguments.isPresent) {
            throw arguments.usageError("--\(shared) names one identity; it cannot be combined with --count \(count).")
        }
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
        // Everything is checked before the database is opened, so invalid options create nothing.
        let now = SQLiteStoreConfiguration.systemClock()
        var identities: [ProvisionedIdentity] = []
        do {
            for _ in 0..<count { identities.append(try IdentityProvisioning.make(request, now: now)) }
        } catch {
            throw arguments.usageError("\(error)")
        }
        let output = arguments.value("output")
        if let output {
            let directory = (output as NSString).deletingLastPathComponent
            guard FileManager.default.isWritableFile(atPath: directory.isEmpty ? "." : directory) else {
                throw arguments.usageError("Cannot write '\(output)': its directory does not exist or is not writable.")
            }
        }
        let storage = try await openStore(arguments)
        do {
            for identity in identities { try await storage.createIdentity(identity.record) }
        } catch {
            await storage.close()
            throw error
        }
        await storage.close()
        let objects = identities.map { String(decoding: $0.jsonUTF8(), as: UTF8.self) }
        if let output {
            let array = "[\n" + objects.joined(separator: ",\n") + "\n]\n"
            guard FileManager.default.createFile(atPath: output, contents: Data(array.utf8)) else {
                throw arguments.usageError("Cannot write '\(output)'.")
            }
            writeStandardError("Wrote \(count) identit\(count == 1 ? "y" : "ies") to \(output).\n")
        } else {
            writeStandardOutput(objects.map { $0 + "\n" }.joined())
        }
        return ExitStatus.success
    }

    /// `hypergraph identity list [--store LOCATION | --db PATH]`: one JSON object per line, oldest first, without private keys.
    static let list = Command(
        name: "list",
        abstract: "List the app identities of a database, one JSON object per line.",
        options: storeOptions
    ) { arguments in
        let storage = try await openStore(arguments)
        let identities = try await storage.identities()
        await storage.close()
        let lines = identities.map { String(decoding: IdentityProvisioning.listing($0), as: UTF8.self) + "\n" }
        writeStandardOutput(lines.joined())
        return ExitStatus.success
    }

    /// The store the arguments name. It must exist unless `--create` is given (only `create` offers that flag): a
    /// mistyped path must not quietly start a new database. A PostgreSQL database always exists on its server.
    private static func openStore(_ arguments: ParsedArguments) async throws -> any HypergraphStorage {
        let location = try StoreOptions.location(arguments)
        if !arguments.flag("create"), !location.existsLocally {
            throw arguments.usageError("No database at '\(location)' (give --create to make a new one).")
        }
        return try await location.open(readers: 1)
    }
}
