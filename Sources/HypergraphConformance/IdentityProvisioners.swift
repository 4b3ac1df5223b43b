// Where the suite gets the identities it signs with: the provisioning contract of docs/conformance.md.
//
// Concurrency: `IdentityFilePool` is an actor owning its remaining identities; the other provisioners are immutable.
import Dispatch
import Foundation
import HypergraphClient
import HypergraphJSON
import HypergraphProtocol
import HypergraphTLS
import Synchronization

/// Gives the suite fresh identities: each call returns an identity no other case has used.
public protocol IdentityProvisioner: Sendable {
    /// A new identity with a valid session token.
    func identity() async throws -> HypergraphIdentity
    /// A new identity whose session token has already expired; throws ``CaseSkipped`` when this provisioning
    /// method cannot make one.
    func expiredIdentity() async throws -> HypergraphIdentity
}

/// Why an identity could not be provisioned.
public struct ProvisioningError: Error, Sendable, CustomStringConvertible {
    /// What went wrong.
    public var description: String

    /// Creates an error.
    public init(_ description: String) {
        self.description = description
    }
}

/// `--identities FILE`: a fixed list, each identity handed out once. Identities whose `sessionTokenExpires` has
/// passed are kept apart and handed out only as expired identities.
public actor IdentityFilePool: IdentityProvisioner {
    private var valid: [HypergraphIdentity]
    private var expired: [HypergraphIdentity]
    private let total: Int

    /// A pool of `identities`.
    public init(_ identities: [HypergraphIdentity]) {
        let now = Timestamp.now
        valid = identities.filter { ($0.sessionTokenExpires ?? .distantFuture) > now }.reversed()
        expired = identities.filter { ($0.sessionTokenExpires ?? .distantFuture) <= now }.reversed()
        total = identities.count
    }

    /// The identities in the file at `path` (a JSON array, one object, or one object per line).
    public init(contentsOfFile path: String) throws {
        self.init(try HypergraphIdentity.list(contentsOfFile: path))
    }

    /// The next unused identity with a valid token.
    public func identity() throws -> HypergraphIdentity {
        guard let next = valid.popLast() else {
            throw ProvisioningError(
                "the identities file is used up (\(total) identities; every case needs fresh ones — "
                    + "`hypergraph conformance list` shows the cases, provide about 4 per case or use --provision-command)")
        }
        return next
    }

    /// The next unused identity whose token has expired.
    public func expiredIdentity() throws -> HypergraphIdentity {
        guard let next = expired.popLast() else {
            throw CaseSkipped("the identities file holds no identity whose sessionTokenExpires has passed")
        }
        return next
    }
}

/// `--provision-command CMD`: runs `CMD` with `/bin/sh -c` once per identity; it prints one identity JSON object.
/// For an expired identity it runs `CMD --expires-in 0s` (the `hypergraph identity create` option); a command that
/// fails then makes the case skip.
public struct CommandProvisioner: IdentityProvisioner {
    /// The shell command.
    public let command: String

    /// A provisioner running `command`.
    public init(command: String) {
        self.command = command
    }

    /// Runs the command and reads its output.
    public func identity() async throws -> HypergraphIdentity {
        try await run(command)
    }

    /// Runs the command with `--expires-in 0s` and waits until the token's expiry has passed.
    public func expiredIdentity() async throws -> HypergraphIdentity {
        let identity: HypergraphIdentity
        do {
            identity = try await run(command + " --expires-in 0s")
        } catch {
            throw CaseSkipped("the provisioning command cannot make an expired identity (`--expires-in 0s`): \(error)")
        }
        try await waitUntilExpired(identity)
        return identity
    }

    private func run(_ commandLine: String) async throws -> HypergraphIdentity {
        let (status, output, errors) = try await Self.shell(commandLine)
        guard status == 0 else {
            throw ProvisioningError("`\(commandLine)` exited with status \(status): \(errors.prefix(500))")
        }
        do {
            return try HypergraphIdentity(json: JSONValue.parse(output))
        } catch {
            throw ProvisioningError("`\(commandLine)` did not print one identity JSON object: \(error)")
        }
    }

    /// Runs `commandLine` with `/bin/sh -c` and returns its status, standard output and standard error.
    private static func shell(_ commandLine: String) async throws -> (Int32, String, String) {
        try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async {
                let process = Process()
                process.executableURL = URL(fileURLWithPath: "/bin/sh")
                process.arguments = ["-c", commandLine]
                let output = Pipe()
                let errors = Pipe()
                process.standardOutput = output
                process.standardError = errors
                do {
                    try process.run()
                } catch {
                    continuation.resume(throwing: ProvisioningError("cannot run /bin/sh: \(error)"))
                    return
                }
                // Standard error is drained on another worker so neither pipe can fill up and block the child.
                let errorText = Mutex("")
                let group = DispatchGroup()
                DispatchQueue.global().async(group: group) {
                    let data = errors.fileHandleForReading.readDataToEndOfFile()
                    errorText.withLock { $0 = String(decoding: data, as: UTF8.self) }
                }
                let data = output.fileHandleForReading.readDataToEndOfFile()
                process.waitUntilExit()
                group.wait()
                continuation.resume(
                    returning: (process.terminationStatus, String(decoding: data, as: UTF8.self), errorText.withLock { $0 }))
            }
        }
    }
}

/// `--admin-url URL --admin-token T`: `POST URL/admin/identities` with `Authorization: Bearer T`; the body `{}`, or
/// `{"expiresIn":"0s"}` for an expired identity. The response is one identity object.
public struct AdminProvisioner: IdentityProvisioner {
    private let http: HypergraphHTTPClient
    private let token: String

    /// A provisioner for the server at `baseURL` (`http://host:port`, or `https://host:port` checked as `tls` says).
    public init(
        baseURL: String, token: String, timeout: Duration, tls: TLSClientConfiguration = TLSClientConfiguration()
    ) throws {
        http = try HypergraphHTTPClient(baseURL: baseURL, timeout: timeout, tls: tls)
        self.token = token
    }

    /// Asks for an identity with the default lifetime.
    public func identity() async throws -> HypergraphIdentity {
        try await create(body: "{}")
    }

    /// Asks for an identity that expires at once and waits until it has.
    public func expiredIdentity() async throws -> HypergraphIdentity {
        let identity: HypergraphIdentity
        do {
            identity = try await create(body: #"{"expiresIn":"0s"}"#)
        } catch {
            throw CaseSkipped("the admin route cannot make an expired identity (expiresIn \"0s\"): \(error)")
        }
        try await waitUntilExpired(identity)
        return identity
    }

    private func create(body: String) async throws -> HypergraphIdentity {
        let response = try await http.request(
            method: "POST", path: "/admin/identities", headers: ["Authorization": "Bearer \(token)"], json: body)
        guard response.status == 200, let json = response.json else {
            throw ProvisioningError("POST /admin/identities answered \(response.status): \(response.text.prefix(300))")
        }
        return try HypergraphIdentity(json: json)
    }
}

/// Provisioning by a closure, for servers the caller controls (e.g. an in-process reference server).
public struct ClosureProvisioner: IdentityProvisioner {
    private let make: @Sendable (_ expired: Bool) async throws -> HypergraphIdentity

    /// A provisioner calling `make(false)` for valid and `make(true)` for expired identities.
    public init(_ make: @escaping @Sendable (_ expired: Bool) async throws -> HypergraphIdentity) {
        self.make = make
    }

    /// `make(false)`.
    public func identity() async throws -> HypergraphIdentity {
        try await make(false)
    }

    /// `make(true)`, once its expiry has passed.
    public func expiredIdentity() async throws -> HypergraphIdentity {
        let identity = try await make(true)
        try await waitUntilExpired(identity)
        return identity
    }
}

/// Sleeps until `identity`'s token expiry lies in the past (a token made with lifetime 0 expires "now").
func waitUntilExpired(_ identity: HypergraphIdentity) async throws {
    guard let expires = identity.sessionTokenExpires else {
        throw CaseSkipped("the expired identity has no sessionTokenExpires")
    }
    let remaining = expires.millisecondsSince1970 - Timestamp.now.millisecondsSince1970
    guard remaining < 60_000 else {
        throw CaseSkipped("the 'expired' identity is valid until \(expires); the provisioning ignored the expiry")
    }
    if remaining >= 0 { try await Task.sleep(for: .milliseconds(remaining + 5)) }
}

extension Timestamp {
    /// The latest representable time, for identities without an expiry.
    static let distantFuture = Timestamp(millisecondsSince1970: .max)
}
