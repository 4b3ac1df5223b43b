// The verdict of a run (baseline applied) and its renderings: text, JSON and JUnit XML.
import Foundation
import HypergraphJSON

/// Known failures a run tolerates: case ids, one per line (`#` starts a comment), or a JSON array of ids. A line
/// starting with `?` names a case that may fail or pass (a race): tolerated, and never reported as stale.
public struct ConformanceBaseline: Sendable, Hashable {
    /// The ids expected to fail.
    public var ids: Set<String>
    /// The ids that may fail or pass.
    public var unstableIds: Set<String>

    /// A baseline of `ids` (expected to fail) and `unstableIds` (may fail).
    public init(ids: Set<String>, unstableIds: Set<String> = []) {
        self.ids = ids
        self.unstableIds = unstableIds
    }

    /// Whether a failure of `id` is tolerated.
    public func tolerates(_ id: String) -> Bool { ids.contains(id) || unstableIds.contains(id) }

    /// Reads a baseline file.
    ///
    /// - Throws: ``ConformanceInputError`` when the file cannot be read or is a JSON value other than an array of
    ///   strings.
    public init(contentsOfFile path: String) throws(ConformanceInputError) {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ConformanceInputError("cannot read the baseline file \(path)")
        }
        if let array = (try? JSONValue.parse(Array(data)))?.arrayValue {
            let ids = array.compactMap(\.stringValue)
            guard ids.count == array.count else {
                throw ConformanceInputError("the baseline \(path) must be a JSON array of case id strings")
            }
            self.init(ids: Set(ids))
            return
        }
        var ids: Set<String> = []
        var unstable: Set<String> = []
        for line in String(decoding: data, as: UTF8.self).split(whereSeparator: \.isNewline) {
            let text = line.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
            var id = text.trimmingCharacters(in: .whitespaces)
            if id.hasPrefix("?") {
                id = id.dropFirst().trimmingCharacters(in: .whitespaces)
                if !id.isEmpty { unstable.insert(id) }
            } else if !id.isEmpty {
                ids.insert(id)
            }
        }
        self.init(ids: ids, unstableIds: unstable)
    }
}

/// A problem with the suite's input (baseline, options).
public struct ConformanceInputError: Error, Hashable, Sendable, CustomStringConvertible {
    /// What is wrong.
    public var description: String

    /// Creates an error.
    public init(_ description: String) {
        self.description = description
    }
}

/// The results of a run, judged against a baseline.
public struct ConformanceReport: Sendable {
    /// Every case's result, in catalogue order.
    public var results: [CaseResult]
    /// The baseline applied.
    public var baseline: ConformanceBaseline
    /// How long the whole run took.
    public var duration: Duration

    /// Creates a report.
    public init(results: [CaseResult], baseline: ConformanceBaseline, duration: Duration) {
        self.results = results
        self.baseline = baseline
        self.duration = duration
    }

    /// Results with `status`.
    public func count(_ status: CaseResult.Status) -> Int { results.filter { $0.status == status }.count }

    /// MUST cases that failed and are not in the baseline: each makes the run fail.
    public var newMustFailures: [CaseResult] {
        results.filter { $0.status == .failed && $0.level == .must && !baseline.tolerates($0.id) }
    }

    /// Baseline entries whose case ran and passed: the baseline is stale and the run fails, so baselines cannot rot.
    public var staleBaselineEntries: [String] {
        results.filter { $0.status == .passed && baseline.ids.contains($0.id) }.map(\.id).sorted()
    }

    /// Whether the run passes: no MUST failure beyond the baseline and no stale baseline entry.
    public var passed: Bool { newMustFailures.isEmpty && staleBaselineEntries.isEmpty }

    /// `N passed, M failed, K skipped`.
    public var summary: String {
        "\(count(.passed)) passed, \(count(.failed)) failed, \(count(.skipped)) skipped"
    }

    // MARK: Text

    /// The human-readable report: every failure with its evidence, the skips, the verdict.
    public func text() -> String {
        var lines: [String] = []
        for result in results where result.status == .failed {
            let tolerated = baseline.tolerates(result.id) ? " (in baseline)" : ""
            lines.append("FAIL [\(result.level.rawValue)] \(result.id)\(tolerated)  \(result.specReference)")
            lines.append("  requirement: \(result.requirement)")
            lines.append("  expected:    \(result.expected ?? "")")
            lines.append("  observed:    \(result.observed ?? "")")
            if !result.transcript.isEmpty {
                lines.append("  transcript:")
                lines += result.transcript.map { "    " + $0 }
            }
            lines.append("")
        }
        for result in results where result.status == .skipped {
            lines.append("SKIP [\(result.level.rawValue)] \(result.id): \(result.observed ?? "")")
        }
        for id in staleBaselineEntries {
            lines.append("STALE baseline entry \(id): the case passes now; remove it from the baseline")
        }
        var byLevel: [String] = []
        for level in ConformanceLevel.allCases {
            let ofLevel = results.filter { $0.level == level }
            guard !ofLevel.isEmpty else { continue }
            let passed = ofLevel.filter { $0.status == .passed }.count
            byLevel.append("\(level.rawValue) \(passed)/\(ofLevel.count)")
        }
        lines.append("")
        lines.append("\(summary) (\(byLevel.joined(separator: ", ")) passed) in \(seconds(duration)) s")
        lines.append(verdict)
        return lines.joined(separator: "\n") + "\n"
    }

    /// One line: whether the run passes and why not.
    public var verdict: String {
        if passed { return "RESULT: PASS (no MUST failure beyond the baseline)" }
        var reasons: [String] = []
        if !newMustFailures.isEmpty {
            reasons.append("\(newMustFailures.count) MUST case(s) failed beyond the baseline")
        }
        if !staleBaselineEntries.isEmpty { reasons.append("\(staleBaselineEntries.count) stale baseline entr(ies)") }
        return "RESULT: FAIL (" + reasons.joined(separator: "; ") + ")"
    }

    // MARK: JSON

    /// The `format` member of the JSON report.
    public static let jsonFormat = "hypergraph-conformance-report"
    /// The `version` member of the JSON report: raised when a member changes meaning or disappears (adding members
    /// keeps the version). The members are documented in docs/conformance.md, "Reports".
    public static let jsonVersion = 1

    /// The machine-readable report (format ``jsonFormat``, version ``jsonVersion``).
    public func json() -> String {
        let cases: [JSONValue] = results.map { result in
            var object: JSONObject = [
                "id": .string(result.id), "level": .string(result.level.rawValue),
                "specReference": .string(result.specReference), "requirement": .string(result.requirement),
                "status": .string(result.status.rawValue), "inBaseline": .bool(baseline.tolerates(result.id)),
                "durationMs": .number(milliseconds(result.duration)),
            ]
            if let expected = result.expected { object["expected"] = .string(expected) }
            if let observed = result.observed { object["observed"] = .string(observed) }
            if !result.transcript.isEmpty { object["transcript"] = .array(result.transcript.map(JSONValue.string)) }
            return .object(object)
        }
        let report: JSONObject = [
            "format": .string(Self.jsonFormat), "version": .number(Double(Self.jsonVersion)),
            "passed": .bool(passed),
            "summary": [
                "passed": .number(Double(count(.passed))), "failed": .number(Double(count(.failed))),
                "skipped": .number(Double(count(.skipped))),
            ],
            "newMustFailures": .array(newMustFailures.map { .string($0.id) }),
            "staleBaselineEntries": .array(staleBaselineEntries.map(JSONValue.string)),
            "durationMs": .number(milliseconds(duration)),
            "cases": .array(cases),
        ]
        return String(decoding: JSONValue.object(report).serialized(), as: UTF8.self) + "\n"
    }

    // MARK: JUnit

    /// JUnit XML: one test case per conformance case, class name = level, failures with the evidence.
    public func junit() -> String {
        var xml = #"<?xml version="1.0" encoding="UTF-8"?>"# + "\n"
        xml +=
            #"<testsuite name="hypergraph-conformance" tests="\#(results.count)" failures="\#(count(.failed))" "#
            + #"skipped="\#(count(.skipped))" time="\#(seconds(duration))">"# + "\n"
        for result in results {
            xml +=
                #"  <testcase classname="\#(result.level.rawValue)" name="\#(escape(result.id))" "#
                + #"time="\#(seconds(result.duration))">"# + "\n"
            switch result.status {
            case .passed: break
            case .skipped:
                xml += #"    <skipped message="\#(escape(result.observed ?? ""))"/>"# + "\n"
            case .failed:
                let message = "expected \(result.expected ?? ""); observed \(result.observed ?? "")"
                let body = (["\(result.specReference): \(result.requirement)", message] + result.transcript)
                    .joined(separator: "\n")
                xml += #"    <failure message="\#(escape(message))">\#(escape(body))</failure>"# + "\n"
            }
            xml += "  </testcase>\n"
        }
        return xml + "</testsuite>\n"
    }

    private func escape(_ text: String) -> String {
        var result = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": result += "&amp;"
            case "<": result += "&lt;"
            case ">": result += "&gt;"
            case "\"": result += "&quot;"
            case "\n", "\t": result.unicodeScalars.append(scalar)
            case _ where scalar.value < 0x20: result += " "
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result
    }

    private func milliseconds(_ duration: Duration) -> Double {
        let (seconds, attoseconds) = duration.components
        return Double(seconds) * 1000 + Double(attoseconds) / 1e15
    }

    private func seconds(_ duration: Duration) -> String {
        String(format: "%.3f", milliseconds(duration) / 1000)
    }
}
