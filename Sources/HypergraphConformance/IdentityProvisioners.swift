// Where the suite gets the identities it signs with: the provisioning contract of docs/conformance.md.
//
// Concurrency: every provisioner is immutable; IdentityLeases (IdentityLeases.swift) owns the sharing.
import Dispatch
import Foundation
import HypergraphClient
import HypergraphJSON
import HypergraphProtocol
import HypergraphTLS
import Synchronization

/// Where identities come from: either a generator that makes a new identity per call, or a fixed set the run reuses
/// (``reusableIdentities``), leased to one case at a time by ``IdentityLeases``.
public protocol IdentityProvisioner: Sendable {
    /// A new identity with a valid session token (not called when ``reusableIdentities`` is non-nil).
    func identity() async throws -> HypergraphIdentity
    /// An identity whose session token has already expired; throws ``CaseSkipped`` when this provisioning method
    /// cannot make one.
    func expiredIdentity() async throws -> HypergraphIdentity
    /// A new identity whose session token expires `lifetime` from now; throws ``CaseSkipped`` when this provisioning
    /// method cannot make one.
    func identity(expiringIn lifetime: Duration) async throws -> HypergraphIdentity
    /// The fixed identities with a valid token that cases share, or nil when ``identity()`` makes new ones.
    var reusableIdentities: [HypergraphIdentity]? { get }
}

extension IdentityProvisioner {
    /// A generator: nil.
    public var reusableIdentities: [HypergraphIdentity]? { nil }
}

/// Why an identity could not be provisioned. It stops the run (exit status 2): a provisioning that fails once
/// would fail every later case too.
public struct ProvisioningError: Error, Hashable, Sendable, CustomStringConvertible {
    /// What went wrong.
    public var description: String

    /// Creates an error.
    public init(_ description: String) {
        self.description = description
    }
}

/// `--identities FILE`: a fixed list the run reuses (``IdentityLeases`` lends each account to one case at a time).
/// Identities whose `sessionTokenExpires` has passed are kept apart and used only where an expired token is needed.
public struct IdentityFile: IdentityProvisioner {
    /// The identities whose token is still valid.
    public let valid: [HypergraphIdentity]
    /// The identities whose token has expired.
    public let expired: [HypergraphIdentity]

    /// The identities of `identities`, split by expiry.
    ///
    /// - Throws: ``ProvisioningError`` when none has a valid token.
    public init(
        _ identities: [HypergraphIdentity], source: String = "the identities file"
    ) throws(ProvisioningError) {
        let now = Timestamp.now
        valid = identities.filter { ($0.sessionTokenExpires ?? .distantFuture) > now }
        expired = identities.filter { ($0.sessionTokenExpires ?? .distantFuture) <= now }
        guard !valid.isEmpty else {
            throw ProvisioningError(
                "\(source) holds no identity with a valid session token (\(identities.count) identities, all expired "
                    + "or none); `hypergraph identity create --count 5 --output FILE` makes some")
        }
    }

    /// The identities in the file at `path` (a JSON array, one object, or one object per line).
    ///
    /// - Throws: ``ProvisioningError`` when the file cannot be read or holds no usable identity.
    public init(contentsOfFile path: String) throws(ProvisioningError) {
        let identities: [HypergraphIdentity]
        do {
            identities = try HypergraphIdentity.list(contentsOfFile: path)
        } catch {
            throw ProvisioningError("cannot read identities from \(path): \(error)")
        }
        try self.init(identities, source: path)
    }

    /// The valid identities.
    public var reusableIdentities: [HypergraphIdentity]? { valid }

    /// Never called for a reusable set.
    public func identity() throws -> HypergraphIdentity {
        throw ProvisioningError("an identities file makes no new identities")
    }

    /// The first expired identity (an expired token can be refused any number of times).
    public func expiredIdentity() throws -> HypergraphIdentity {
        guard let first = expired.first else {
            throw CaseSkipped("the identities file holds no identity whose sessionTokenExpires has passed")
        }
        return first
    }

    /// A file cannot make an identity that expires during the run.
    public func identity(expiringIn lifetime: Duration) throws -> HypergraphIdentity {
        throw CaseSkipped(
            "an identities file cannot provide a token that expires during the run; use --provision-command or --admin-url"
        )
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
        let identity = try await identity(expiringIn: .zero)
        try await waitUntilExpired(identity)
        return identity
    }

    /// Runs the command with `--expires-in <seconds>s`.
    public func identity(expiringIn lifetime: Duration) async throws -> HypergraphIdentity {
        let option = "--expires-in \(lifetime.components.seconds)s"
        do {
            return try await run(command + " " + option)
        } catch {
            throw CaseSkipped("the provisioning command cannot make an identity with `\(option)`: \(error)")
        }
    }

    private func run(_ commandLine: String) async throws -> HypergraphIdentity {
        let (status, output, errors) = try await Self.shell(commandLine)
        guard status == 0 else {
            let hint =
                status == 127
                ? " (the command was not found: give its full path, e.g. \"$(swift build --show-bin-path)/hypergraph\" identity create …)"
                : ""
            throw ProvisioningError("`\(commandLine)` exited with status \(status)\(hint): \(errors.prefix(500))")
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
                    returning: (
                        process.terminationStatus, String(decoding: data, as: UTF8.self), errorText.withLock { $0 }
                    ))
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
        let identity = try await identity(expiringIn: .zero)
        try await waitUntilExpired(identity)
        return identity
    }

    /// Asks for an identity with `{"expiresIn":"<seconds>s"}`.
    public func identity(expiringIn lifetime: Duration) async throws -> HypergraphIdentity {
        let body = #"{"expiresIn":"\#(lifetime.components.seconds)s"}"#
        do {
            return try await create(body: body)
        } catch {
            throw CaseSkipped("the admin route cannot make an identity with \(body): \(error)")
        }
    }

    private func create(body: String) async throws -> HypergraphIdentity {
        let response: HypergraphHTTPResponse
        do {
            response = try await http.request(
                method: "POST", path: "/admin/identities", headers: ["Authorization": "Bearer \(token)"], json: body)
        } catch {
            throw ProvisioningError("POST /admin/identities failed: \(error)")
        }
        guard response.status == 200, let json = response.json else {
            let hint = response.status == 401 ? " (is --admin-token the server's admin token?)" : ""
            throw ProvisioningError(
                "POST /admin/identities answered \(response.status)\(hint): \(response.text.prefix(300))")
        }
        do {
            return try HypergraphIdentity(json: json)
        } catch {
            throw ProvisioningError("POST /admin/identities did not answer with an identity object: \(error)")
        }
    }
}

/// Provisioning by a closure, for servers the caller controls (e.g. an in-process reference server).
public struct ClosureProvisioner: IdentityProvisioner {
    private let make: @Sendable (_ lifetime: Duration?) async throws -> HypergraphIdentity

    /// A provisioner calling `make(nil)` for an identity with the default lifetime, `make(lifetime)` otherwise
    /// (`.zero` for an expired identity).
    public init(_ make: @escaping @Sendable (_ lifetime: Duration?) async throws -> HypergraphIdentity) {
        self.make = make
    }

    /// `make(nil)`.
    public func identity() async throws -> HypergraphIdentity {
        try await make(nil)
    }

    /// `make(.zero)`, once its expiry has passed.
    public func expiredIdentity() async throws -> HypergraphIdentity {
        let identity = try await make(.zero)
        try await waitUntilExpired(identity)
        return identity
    }

    /// `make(lifetime)`.
    public func identity(expiringIn lifetime: Duration) async throws -> HypergraphIdentity {
        try await make(lifetime)
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
