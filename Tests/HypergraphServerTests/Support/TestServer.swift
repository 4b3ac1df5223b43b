// An in-process server on an ephemeral loopback port with a temporary database, and ways to talk to it.
import Foundation
import HypergraphClient
import HypergraphCrypto
import HypergraphHTTP
import HypergraphProtocol
@_spi(Testing) import HypergraphServer
import HypergraphSigning
import HypergraphStore
import Synchronization
import XCTest

/// Lines a server logged, collected for assertions. `lines` is guarded by its Mutex.
final class LogCollector: Sendable {
    private let lines = Mutex<[String]>([])

    var sink: LogSink {
        LogSink { [self] line in
            lines.withLock { $0.append(line) }
        }
    }

    /// Every line logged so far.
    var all: [String] { lines.withLock { $0 } }
}

/// A running server for one test; call ``stop()`` at the end.
final class TestServer: Sendable {
    let server: HypergraphServer
    let directory: URL
    let logs: LogCollector

    /// How long tests wait to be confident that a message does not arrive.
    static let quietPeriod: Duration = .milliseconds(200)

    private init(server: HypergraphServer, directory: URL, logs: LogCollector) {
        self.server = server
        self.directory = directory
        self.logs = logs
    }

    /// Starts a server on a free port with a new database in a new temporary directory (or in `directory`), or on
    /// `store` when given.
    static func start(
        behavior: any ServerBehavior = StandardBehavior(), limits: ServerLimits = ServerLimits(),
        adminToken: String? = nil, directory: URL? = nil, store: StoreLocation? = nil
    ) async throws -> TestServer {
        let directory = try directory ?? makeTemporaryDirectory()
        let logs = LogCollector()
        var configuration = ServerConfiguration(
            port: 0, store: store ?? .sqlite(path: directory.appendingPathComponent("hypergraph.sqlite").path),
            adminToken: adminToken,
            logLevel: .debug, logSink: logs.sink, limits: limits, shutdownGracePeriod: .seconds(2))
        configuration.behavior = behavior
        let server = try await HypergraphServer.start(configuration)
        return TestServer(server: server, directory: directory, logs: logs)
    }

    /// A fresh empty directory under the system's temporary directory.
    static func makeTemporaryDirectory() throws -> URL {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "hypergraph-server-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        return directory
    }

    /// Stops the server and, unless `keepingFiles`, deletes its directory.
    func stop(keepingFiles: Bool = false) async {
        await server.shutdown()
        if !keepingFiles { try? FileManager.default.removeItem(at: directory) }
    }

    var storage: any HypergraphStorage { server.storage }
    var url: String { "ws://127.0.0.1:\(server.port)/" }

    /// Provisions an identity (as `hypergraph identity create` does) and returns it ready to connect and sign.
    func identity(
        account: String? = nil, appId: String = "default", key: Secp256k1.PrivateKey? = nil,
        lifetimeMilliseconds: Int64 = IdentityProvisioning.defaultLifetimeMilliseconds
    ) async throws -> HypergraphIdentity {
        let provisioned = try await IdentityProvisioning.create(
            IdentityRequest(
                accountAddress: account, appId: appId, signaturePublicKey: key?.publicKey.signaturePublicKeyHex,
                lifetimeMilliseconds: lifetimeMilliseconds),
            in: storage, now: SQLiteStoreConfiguration.systemClock())
        let record = provisioned.record
        let signatureKey = try key ?? Secp256k1.PrivateKey(hex: XCTUnwrap(provisioned.signaturePrivateKey))
        return HypergraphIdentity(
            accountAddress: record.accountAddress, signatureKey: signatureKey,
            appIdentityAddress: record.appIdentityAddress, appId: record.appId, sessionToken: record.sessionToken,
            sessionTokenExpires: Timestamp(millisecondsSince1970: record.sessionTokenExpiresAt),
            encryptionPublicKey: record.encryptionPublicKey)
    }

    /// Opens an authenticated session as `identity`.
    func connect(_ identity: HypergraphIdentity) async throws -> HypergraphSession {
        try await HypergraphClient.connect(url: url, token: identity.sessionToken)
    }

    /// Sends one HTTP request and returns the response.
    func http(
        _ method: String, _ target: String, body: String? = nil, headers: HTTPHeaders = HTTPHeaders()
    ) async throws -> HypergraphHTTPResponse {
        try await HypergraphHTTPClient(host: "127.0.0.1", port: server.port).request(
            method: method, path: target, headers: headers, body: body.map { Array($0.utf8) } ?? [])
    }

    /// Log lines containing every one of `fragments`.
    func logLines(containing fragments: String...) -> [String] {
        logs.all.filter { line in fragments.allSatisfy { line.contains($0) } }
    }

    /// The log lines containing every one of `fragments`, once there are at least `count` (lines are written just
    /// after the reply goes out, so a test that got the reply may have to wait a moment); gives up after `seconds`.
    func awaitLogLines(count: Int = 1, within seconds: Int = 5, containing fragments: String...) async throws
        -> [String]
    {
        var lines: [String] = []
        for _ in 0..<(seconds * 100) {
            lines = logs.all.filter { line in fragments.allSatisfy { line.contains($0) } }
            if lines.count >= count { break }
            try await Task.sleep(for: .milliseconds(10))
        }
        return lines
    }
}

/// A person in a test: an identity and one open session.
struct Participant: Sendable {
    let identity: HypergraphIdentity
    let session: HypergraphSession

    var account: String { identity.accountAddress }
}

extension TestServer {
    /// A new identity with one connected session.
    func participant(account: String? = nil, appId: String = "default", key: Secp256k1.PrivateKey? = nil)
        async throws -> Participant
    {
        let identity = try await self.identity(account: account, appId: appId, key: key)
        return Participant(identity: identity, session: try await connect(identity))
    }

    /// Another session of the same identity.
    func secondSession(of participant: Participant) async throws -> Participant {
        Participant(identity: participant.identity, session: try await connect(participant.identity))
    }
}
