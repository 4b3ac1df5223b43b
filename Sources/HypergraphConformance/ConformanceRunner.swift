// Runs cases against a target, several at a time, and turns each into a result with its evidence.
import Foundation
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

/// Runs conformance cases.
public enum ConformanceRunner {
    /// The longest a single case may take, whatever it waits for.
    static func caseDeadline(_ target: ConformanceTarget) -> Duration {
        max(target.timeout * 6, .seconds(30))
    }

    /// Runs `cases` against `target`, at most `jobs` at a time; `progress` is called after each case (from any task).
    /// Results come back in the order of `cases`.
    public static func run(
        _ cases: [ConformanceCase], against target: ConformanceTarget, jobs: Int,
        progress: @escaping @Sendable (CaseResult, _ finished: Int, _ total: Int) -> Void = { _, _, _ in }
    ) async -> [CaseResult] {
        var finished = 0
        var results = [CaseResult?](repeating: nil, count: cases.count)
        await withTaskGroup(of: (Int, CaseResult).self) { group in
            var next = 0
            func startNext() {
                guard next < cases.count else { return }
                let index = next
                next += 1
                group.addTask { (index, await run(cases[index], against: target)) }
            }
            for _ in 0..<max(jobs, 1) { startNext() }
            for await (index, result) in group {
                results[index] = result
                finished += 1
                progress(result, finished, cases.count)
                startNext()
            }
        }
        return results.compactMap { $0 }
    }

    /// Runs one case with fresh identities and connections, then closes them.
    public static func run(_ testCase: ConformanceCase, against target: ConformanceTarget) async -> CaseResult {
        let context = CaseContext(target: target)
        let started = ContinuousClock.now
        var result = CaseResult(
            id: testCase.id, level: testCase.level, requirement: testCase.requirement,
            specReference: testCase.specReference, status: .passed, expected: nil, observed: nil, transcript: [],
            duration: .zero)
        do {
            if testCase.needs.contains(.http) { _ = try context.http() }
            try await withDeadline(caseDeadline(target)) { try await testCase.check(context) }
            if let problem = await undecodableFrame(context) {
                throw CaseFailure(expected: "every frame the server sends to decode as a server message (§2.4)", observed: problem)
            }
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
        await context.closeAll()
        result.duration = ContinuousClock.now - started
        return result
    }

    /// The first text frame the server sent during the case that a TypeScript client could not decode (§2.4: such a
    /// frame, e.g. with `null` for an absent optional member, is silently dropped by real clients), or nil.
    private static func undecodableFrame(_ context: CaseContext) async -> String? {
        for peer in context.peers {
            for entry in await peer.session.transcript.entries {
                guard entry.direction == .received, case .data(.text(let text)) = entry.content,
                    !isExtensionError(text)
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

    /// Whether `text` is the optional `error` message, whose shape only the extension cases judge.
    private static func isExtensionError(_ text: String) -> Bool {
        (try? JSONValue.parse(text))?["type"]?.stringValue == "error"
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
