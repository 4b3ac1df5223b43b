// Runs cases against a target, several at a time, and turns each into a result with its evidence.
import Foundation
import HypergraphClient
import HypergraphJSON
import HypergraphProtocol

/// The outcome of one case.
public struct CaseResult: Sendable {
    /// How a case ended.
    public enum Status: String, Sendable, Hashable {
        /// The server conforms.
        case passed
        /// The server does not conform (or the case could not set itself up).
        case failed
        /// The case could not run against this target.
        case skipped
    }

    /// The case's id.
    public var id: String
    /// The case's level.
    public var level: ConformanceLevel
    /// The requirement sentence.
    public var requirement: String
    /// The spec reference.
    public var specReference: String
    /// How it ended.
    public var status: Status
    /// For failures: what was expected.
    public var expected: String?
    /// For failures: what was observed; for skips: why.
    public var observed: String?
    /// For failures: every frame and HTTP exchange of the case, `HH:mm:ss.SSS label → payload`.
    public var transcript: [String]
    /// How long the case ran.
    public var duration: Duration

    /// Creates a result from its members (e.g. to merge reports or test report handling).
    public init(
        id: String, level: ConformanceLevel, requirement: String, specReference: String, status: Status,
        expected: String?, observed: String?, transcript: [String], duration: Duration
    ) {
        self.id = id
        self.level = level
        self.requirement = requirement
        self.specReference = specReference
        self.status = status
        self.expected = expected
        self.observed = observed
        self.transcript = transcript
        self.duration = duration
    }
}

/// Why a run stopped before its cases finished: the target cannot be reached or identities cannot be provisioned.
/// Nothing the cases would report could be trusted, so the run reports this one problem instead (exit status 2).
public struct ConformanceStop: Error, Hashable, Sendable, CustomStringConvertible {
    /// What went wrong and what to check.
    public var description: String

    /// Creates a stop.
    public init(_ description: String) {
        self.description = description
    }
}

/// Runs conformance cases.
public enum ConformanceRunner {
    /// The longest a single case may take, whatever it waits for.
    static func caseDeadline(_ target: ConformanceTarget) -> Duration {
        max(target.timeout * 6, .seconds(30))
    }

    /// Checks, before any case runs, that the target answers: an identity can be provisioned, and at every URL its
    /// WebSocket handshake completes, the connection stays open for a quiet period (a server may accept the upgrade
    /// and then close a refused token, §1.2) and a `list-invitations` is answered; and that every HTTP URL answers
    /// HTTP.
    ///
    /// - Throws: ``ConformanceStop`` saying which step failed.
    public static func preflight(_ target: ConformanceTarget) async throws(ConformanceStop) {
        let identity: HypergraphIdentity
        do {
            identity = try await IdentityLeases(target.provisioner).identity(
                for: ObjectIdentifier(ConformanceRunner.self))
        } catch {
            throw ConformanceStop("cannot provision an identity: \(error)")
        }
        for url in target.urls {
            try await checkWebSocket(url, target: target, identity: identity)
        }
        for httpURL in target.httpURLs {
            do {
                _ = try await HypergraphHTTPClient(baseURL: httpURL, timeout: target.timeout, tls: target.tls)
                    .request(method: "GET", path: "/", headers: [:], json: nil)
            } catch {
                throw ConformanceStop("nothing answers HTTP at \(httpURL) (set --http-url): \(error)")
            }
        }
    }

    private static func checkWebSocket(
        _ url: String, target: ConformanceTarget, identity: HypergraphIdentity
    ) async throws(ConformanceStop) {
        let session: HypergraphSession
        do {
            session = try await HypergraphClient.connect(
                url: url, token: identity.sessionToken, configuration: target.clientConfiguration)
        } catch {
            if case .connectionFailed(.handshakeRejected(let status, _, _, _)) = error {
                throw ConformanceStop(
                    "the server refused the provisioned identity \(identity.accountAddress) (HTTP \(status) at the "
                        + "upgrade): it does not know its session token — do the identities belong to this server?")
            }
            throw ConformanceStop("cannot open a WebSocket at \(url): \(error)")
        }
        defer { Task { await session.close() } }
        // The TypeScript server checks the token after the upgrade and loses frames sent meanwhile (§12 G4): wait.
        try? await Task.sleep(for: target.quietPeriod)
        do {
            _ = try await session.listInvitations(timeout: target.timeout)
        } catch {
            if case .closed(let code, _) = error {
                throw ConformanceStop(
                    "the server closed the connection of the provisioned identity \(identity.accountAddress) (\(code)): "
                        + "it does not accept its session token — do the identities belong to this server?")
            }
            throw ConformanceStop("the server at \(url) did not answer list-invitations: \(error)")
        }
    }

    /// Runs `cases` against `target`, at most `jobs` at a time (fewer when the identities are a fixed set too small
    /// for that, see ``IdentityLeases/jobs(requested:for:)``); `progress` is called after each case (from any task).
    /// Results come back in the order of `cases`.
    ///
    /// - Throws: ``ConformanceStop`` as soon as a case cannot get an identity (``ProvisioningError``); the cases
    ///   still running are cancelled.
    public static func run(
        _ cases: [ConformanceCase], against target: ConformanceTarget, jobs: Int,
        progress: @escaping @Sendable (CaseResult, _ finished: Int, _ total: Int) -> Void = { _, _, _ in }
    ) async throws(ConformanceStop) -> [CaseResult] {
        let leases = IdentityLeases(target.provisioner)
        let parallel = IdentityLeases.jobs(requested: jobs, for: target.provisioner)
        var finished = 0
        var results = [CaseResult?](repeating: nil, count: cases.count)
        let stop: ConformanceStop? = await withTaskGroup(of: (Int, Result<CaseResult, ConformanceStop>).self) { group in
            var next = 0
            func startNext() {
                guard next < cases.count else { return }
                let index = next
                next += 1
                group.addTask { (index, await run(cases[index], against: target, leases: leases)) }
            }
            for _ in 0..<parallel { startNext() }
            for await (index, outcome) in group {
                switch outcome {
                case .failure(let stop):
                    group.cancelAll()
                    return stop
                case .success(let result):
                    results[index] = result
                    finished += 1
                    progress(result, finished, cases.count)
                    startNext()
                }
            }
            return nil
        }
        if let stop { throw stop }
        return results.compactMap { $0 }
    }

    /// Runs one case with its own identities and connections, then closes them and returns the identities.
    public static func run(_ testCase: ConformanceCase, against target: ConformanceTarget) async -> CaseResult {
        let outcome = await run(testCase, against: target, leases: IdentityLeases(target.provisioner))
        switch outcome {
        case .success(let result): return result
        case .failure(let stop):
            return CaseResult(
                id: testCase.id, level: testCase.level, requirement: testCase.requirement,
                specReference: testCase.specReference, status: .failed, expected: "a provisioned identity",
                observed: stop.description, transcript: [], duration: .zero)
        }
    }

    private static func run(
        _ testCase: ConformanceCase, against target: ConformanceTarget, leases: IdentityLeases
    ) async -> Result<CaseResult, ConformanceStop> {
        let context = CaseContext(target: target, leases: leases)
        let outcome = await run(testCase, in: context)
        await context.closeAll()
        // Returned before the next case starts, so it finds the accounts free.
        await leases.release(ObjectIdentifier(context))
        return outcome
    }

    private static func run(_ testCase: ConformanceCase, in context: CaseContext) async -> Result<
        CaseResult, ConformanceStop
    > {
        let target = context.target
        let started = ContinuousClock.now
        var result = CaseResult(
            id: testCase.id, level: testCase.level, requirement: testCase.requirement,
            specReference: testCase.specReference, status: .passed, expected: nil, observed: nil, transcript: [],
            duration: .zero)
        do {
            if testCase.needs.contains(.http) { _ = try context.http() }
            try await withDeadline(caseDeadline(target)) { try await testCase.check(context) }
            if let problem = await undecodableFrame(context) {
                throw CaseFailure(
                    expected: "every frame the server sends to decode as a server message (§2.4)", observed: problem)
            }
        } catch let error as ProvisioningError {
            return .failure(ConformanceStop("provisioning failed during \(testCase.id): \(error)"))
        } catch let skip as CaseSkipped {
            result.status = .skipped
            result.observed = skip.reason
        } catch let failure as CaseFailure {
            result.status = .failed
            result.expected = failure.expected
            result.observed = failure.observed
            // A wait that timed out is often explained by a reply the client could not decode: name it.
            if let problem = await undecodableFrame(context), problem != failure.observed {
                result.observed? += "; meanwhile \(problem)"
            }
        } catch {
            result.status = .failed
            result.expected = "the case to run to completion"
            result.observed = "\(error)"
        }
        if result.status == .failed { result.transcript = await context.transcript() }
        result.duration = ContinuousClock.now - started
        return .success(result)
    }

    /// The first text frame the server sent during the case that a TypeScript client could not decode (§2.4: such a
    /// frame, e.g. with `null` for an absent optional member, is silently dropped by real clients), or nil.
    private static func undecodableFrame(_ context: CaseContext) async -> String? {
        for peer in context.peers {
            for entry in await peer.session.transcript.entries {
                guard entry.direction == .received, case .data(.text(let text)) = entry.content,
                    !ExtensionFrames.isError(text)
                else { continue }
                do {
                    _ = try ServerMessage(json: text)
                } catch {
                    return "\(peer.label) received the undecodable frame \(text.prefix(300)): \(error)"
                }
            }
        }
        return nil
    }

    /// Runs `body`, failing when it takes longer than `limit`.
    private static func withDeadline(
        _ limit: Duration, _ body: @escaping @Sendable () async throws -> Void
    ) async throws {
        try await withThrowingTaskGroup(of: Bool.self) { group in
            group.addTask {
                try await body()
                return true
            }
            group.addTask {
                try await Task.sleep(for: limit)
                return false
            }
            defer { group.cancelAll() }
            guard let first = try await group.next(), first else {
                throw CaseFailure(expected: "the case to finish within \(limit)", observed: "it was still running")
            }
        }
    }
}
