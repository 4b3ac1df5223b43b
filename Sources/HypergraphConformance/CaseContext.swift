// Everything one case runs with: the target, its identities, its connections, its HTTP exchanges, and the record of
// all of them for the failure report.
//
// Concurrency: `CaseContext` is immutable except `record`, a Mutex-guarded log of the case's peers and HTTP exchanges;
// its identities are lent by the run's IdentityLeases actor.
import Foundation
import HypergraphClient
import HypergraphHTTP
import HypergraphProtocol
import HypergraphTLS
import Synchronization

/// The server under test and how to talk to it: one node, or several nodes of one deployment that the cases spread
/// their connections over (docs/conformance.md, "Across several nodes").
public struct ConformanceTarget: Sendable {
    /// The WebSocket URLs without a token, e.g. `ws://127.0.0.1:3030/`; never empty. Each case opens its first
    /// connection through the first URL, its second through the second, and so on round-robin.
    public var urls: [String]
    /// The HTTP base URLs, e.g. `http://127.0.0.1:3030`, used round-robin like `urls`; empty skips the cases that
    /// need HTTP.
    public var httpURLs: [String]
    /// Where identities come from.
    public var provisioner: any IdentityProvisioner
    /// How long to wait for something that must arrive.
    public var timeout: Duration
    /// How long to wait before concluding that something did not arrive.
    public var quietPeriod: Duration
    /// How a wss:// or https:// server's certificate is checked (the system's trust store unless set).
    public var tls = TLSClientConfiguration()
    /// Told the URL of every connection a case opens, before it opens (tests count how the nodes were used).
    package var connectionObserver: (@Sendable (String) -> Void)?

    /// The default quiet period: 300 ms.
    public static let defaultQuietPeriod: Duration = .milliseconds(300)

    /// Creates a target of one node.
    public init(
        url: String, httpURL: String?, provisioner: any IdentityProvisioner, timeout: Duration = .seconds(5),
        quietPeriod: Duration = defaultQuietPeriod
    ) {
        self.init(
            urls: [url], httpURLs: httpURL.map { [$0] } ?? [], provisioner: provisioner, timeout: timeout,
            quietPeriod: quietPeriod)
    }

    /// Creates a target of the nodes `urls` (at least one) and `httpURLs` (possibly none).
    public init(
        urls: [String], httpURLs: [String], provisioner: any IdentityProvisioner, timeout: Duration = .seconds(5),
        quietPeriod: Duration = defaultQuietPeriod
    ) {
        precondition(!urls.isEmpty, "a conformance target needs at least one WebSocket URL")
        self.urls = urls
        self.httpURLs = httpURLs
        self.provisioner = provisioner
        self.timeout = timeout
        self.quietPeriod = quietPeriod
    }

    /// The first WebSocket URL.
    public var url: String { urls[0] }

    /// The first HTTP base URL; nil when there is none.
    public var httpURL: String? { httpURLs.first }

    /// The URLs for messages: the one URL, or the list in braces.
    public var urlsDescription: String {
        urls.count == 1 ? url : "{" + urls.joined(separator: ", ") + "}"
    }

    /// The HTTP URL a WebSocket URL implies: `ws://host:port/…` → `http://host:port`, `wss://…` → `https://…`.
    public static func httpURL(forWebSocketURL url: String) -> String? {
        let secure = url.hasPrefix("wss://")
        guard secure || url.hasPrefix("ws://") else { return nil }
        let authority = url.drop { $0 != "/" }.dropFirst(2).prefix { $0 != "/" && $0 != "?" && $0 != "#" }
        return authority.isEmpty ? nil : (secure ? "https://" : "http://") + authority
    }

    /// The session settings for connecting to this target (its TLS settings).
    public var clientConfiguration: HypergraphClientConfiguration {
        var configuration = HypergraphClientConfiguration()
        configuration.tls = tls
        return configuration
    }
}

/// One connection a case opened: who it is and the session.
public struct Peer: Sendable {
    /// A name for reports, e.g. `alice` or `alice#2` for her second connection.
    public let label: String
    /// The identity it is connected as.
    public let identity: HypergraphIdentity
    /// The open session.
    public let session: HypergraphSession

    /// The identity's account address.
    public var account: String { identity.accountAddress }
}

/// What a case works with.
public final class CaseContext: Sendable {
    /// The server under test.
    public let target: ConformanceTarget
    private let record = Mutex(Record())

    private struct Record {
        var peers: [Peer] = []
        var http: [(date: Date, line: String)] = []
        var names: [String: Int] = [:]
        /// WebSocket connections and HTTP clients handed out so far, which pick the next node.
        var webSocketCount = 0
        var httpCount = 0
    }

    /// Where the case's identities come from.
    let leases: IdentityLeases

    init(target: ConformanceTarget, leases: IdentityLeases) {
        self.target = target
        self.leases = leases
    }

    /// How long to wait for something that must arrive.
    public var timeout: Duration { target.timeout }

    /// An identity for this case alone while it runs (an account of an identities file may serve other cases before
    /// or after it). A ``ProvisioningError`` stops the whole run.
    public func identity() async throws -> HypergraphIdentity {
        try await leases.identity(for: ObjectIdentifier(self))
    }

    /// An identity of an account no other case of the run has used (skips the case when none is left).
    public func freshIdentity() async throws -> HypergraphIdentity {
        try await leases.freshIdentity(for: ObjectIdentifier(self))
    }

    /// An identity whose session token has expired (skips the case when the provisioning cannot make one).
    public func expiredIdentity() async throws -> HypergraphIdentity {
        try await target.provisioner.expiredIdentity()
    }

    /// A new identity whose session token expires `lifetime` from now (skips the case when the provisioning cannot
    /// make one).
    public func identity(expiringIn lifetime: Duration) async throws -> HypergraphIdentity {
        try await target.provisioner.identity(expiringIn: lifetime)
    }

    /// An identity of its own connected once, labelled `name`.
    public func peer(_ name: String) async throws -> Peer {
        try await connect(identity(), as: name)
    }

    /// Another connection of `peer`'s identity.
    public func secondConnection(of peer: Peer) async throws -> Peer {
        try await connect(peer.identity, as: peer.label.split(separator: "#").first.map(String.init) ?? peer.label)
    }

    /// Opens a session as `identity`; the first connection of a name is labelled `name`, later ones `name#2`, ….
    public func connect(_ identity: HypergraphIdentity, as name: String) async throws -> Peer {
        let label = record.withLock { record -> String in
            let count = (record.names[name] ?? 0) + 1
            record.names[name] = count
            return count == 1 ? name : "\(name)#\(count)"
        }
        let session: HypergraphSession
        do {
            session = try await HypergraphClient.connect(
                url: nextURL(), token: identity.sessionToken, configuration: target.clientConfiguration)
        } catch {
            throw CaseFailure(expected: "\(label) to connect with a valid token", observed: "\(error)")
        }
        let peer = Peer(label: label, identity: identity, session: session)
        track(peer)
        return peer
    }

    /// The WebSocket URL for the case's next connection: the target's URLs in turn, starting with the first.
    public func nextURL() -> String {
        let url = next(of: target.urls, counter: \.webSocketCount)
        target.connectionObserver?(url)
        return url
    }

    /// The element of `urls` the case's `counter` points at; advances the counter.
    private func next(of urls: [String], counter: WritableKeyPath<Record, Int>) -> String {
        record.withLock { record in
            defer { record[keyPath: counter] += 1 }
            return urls[record[keyPath: counter] % urls.count]
        }
    }

    /// Adds a session opened by the case itself (e.g. with a crafted URL) to the report.
    public func track(_ peer: Peer) {
        record.withLock { $0.peers.append(peer) }
    }

    /// The HTTP client for the next of the target's HTTP URLs (in turn, like `nextURL()`), or a skip when the target
    /// has none.
    public func http() throws -> HypergraphHTTPClient {
        guard !target.httpURLs.isEmpty else { throw CaseSkipped("no HTTP URL (--http-url) for this target") }
        let url = next(of: target.httpURLs, counter: \.httpCount)
        do {
            return try HypergraphHTTPClient(baseURL: url, timeout: target.timeout, tls: target.tls)
        } catch {
            throw CaseSkipped("unusable HTTP URL: \(error)")
        }
    }

    /// Sends an HTTP request and records it (and the response) for the report.
    public func http(
        _ method: String, _ target: String, json body: String? = nil, headers: HTTPHeaders = HTTPHeaders()
    ) async throws -> HypergraphHTTPResponse {
        let client = try http()
        note("HTTP → \(method) \(target)\(body.map { " " + $0 } ?? "")")
        let response: HypergraphHTTPResponse
        do {
            response = try await client.request(method: method, path: target, headers: headers, json: body)
        } catch {
            note("HTTP ← failed: \(error)")
            throw CaseFailure(expected: "an HTTP response to \(method) \(target)", observed: "\(error)")
        }
        note("HTTP ← \(response.status) \(response.text.prefix(2000))")
        return response
    }

    /// Adds a line to the report's transcript.
    func note(_ line: String) {
        record.withLock { $0.http.append((Date(), line)) }
    }

    /// Every session the case opened.
    var peers: [Peer] { record.withLock { $0.peers } }

    /// The transcript of every connection and HTTP exchange, merged in time order: `HH:mm:ss.SSS label → payload`.
    func transcript() async -> [String] {
        var lines: [(Date, String)] = record.withLock { $0.http.map { ($0.date, "\($0.line)") } }
        for peer in peers {
            for entry in await peer.session.transcript.entries {
                let arrow = entry.direction == .sent ? "→" : "←"
                lines.append((entry.date, "\(peer.label) \(arrow) \(TranscriptLine.content(entry.content))"))
            }
        }
        return lines.sorted { $0.0 < $1.0 }.map { "\(TranscriptLine.time($0.0)) \($0.1)" }
    }

    /// Closes every session the case opened.
    func closeAll() async {
        await withTaskGroup(of: Void.self) { group in
            for peer in peers {
                group.addTask { await peer.session.close() }
            }
        }
    }
}

/// Formatting of transcript lines.
enum TranscriptLine {
    /// `HH:mm:ss.SSS` in UTC.
    static func time(_ date: Date) -> String {
        let milliseconds = Int64((date.timeIntervalSince1970 * 1000).rounded(.down))
        let dayMilliseconds = ((milliseconds % 86_400_000) + 86_400_000) % 86_400_000
        func pad(_ value: Int64, _ width: Int) -> String {
            let text = String(value)
            return String(repeating: "0", count: max(width - text.count, 0)) + text
        }
        return "\(pad(dayMilliseconds / 3_600_000, 2)):\(pad(dayMilliseconds / 60_000 % 60, 2))"
            + ":\(pad(dayMilliseconds / 1000 % 60, 2)).\(pad(dayMilliseconds % 1000, 3))"
    }

    /// The kind and payload of an entry, payloads cut after 1,500 characters.
    static func content(_ content: Transcript.Content) -> String {
        let limit = 1500
        switch content {
        case .data(.text(let text)): return "text " + FramePayload.text(text).preview(limit: limit)
        case .data(.binary(let bytes)): return "binary " + FramePayload.binary(bytes).preview(limit: limit)
        case .frame(let frame): return "raw frame opcode \(frame.opcode.rawValue) \(frame.payload.count) bytes"
        case .rawBytes(let bytes): return "raw bytes " + FramePayload.binary(bytes).preview(limit: limit)
        case .ping(let bytes): return "ping " + FramePayload.binary(bytes).preview(limit: limit)
        case .pong(let bytes): return "pong " + FramePayload.binary(bytes).preview(limit: limit)
        case .close(let code, let reason):
            return reason.isEmpty ? "close \(code)" : "close \(code) \(String(reflecting: reason))"
        }
    }
}
