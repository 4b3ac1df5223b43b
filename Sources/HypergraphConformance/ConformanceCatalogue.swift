// The case catalogue as Markdown, generated into docs/conformance.md so the documentation cannot drift.

/// Renders and checks the generated catalogue section of docs/conformance.md.
public enum ConformanceCatalogue {
    /// The line that opens the generated section.
    public static let beginMarker =
        "<!-- BEGIN GENERATED CASE CATALOGUE (hypergraph conformance catalogue; do not edit by hand) -->"
    /// The line that closes it.
    public static let endMarker = "<!-- END GENERATED CASE CATALOGUE -->"

    /// The catalogue: a count per area and level, then one table per area.
    public static func markdown(_ cases: [ConformanceCase] = ConformanceSuite.allCases) -> String {
        var lines = [beginMarker, ""]
        let levels = ConformanceLevel.allCases.map { level in
            "\(cases.filter { $0.level == level }.count) \(level.rawValue)"
        }
        lines.append("\(cases.count) cases: \(levels.joined(separator: ", ")).")
        lines.append("")
        lines.append("| Area | Cases |")
        lines.append("|---|---|")
        for area in ConformanceArea.allCases {
            lines.append("| \(area.rawValue) | \(cases.filter { $0.area == area }.count) |")
        }
        for area in ConformanceArea.allCases {
            let ofArea = cases.filter { $0.area == area }
            guard !ofArea.isEmpty else { continue }
            lines.append("")
            lines.append("### \(area.rawValue)")
            lines.append("")
            lines.append("| Id | Level | Spec | Requirement |")
            lines.append("|---|---|---|---|")
            for testCase in ofArea {
                let needs =
                    testCase.needs.isEmpty
                    ? "" : " *(needs \(testCase.needs.map(\.rawValue).sorted().joined(separator: ", ")))*"
                let requirement = testCase.requirement.replacingOccurrences(of: "|", with: "\\|")
                lines.append(
                    "| `\(testCase.id)` | \(testCase.level.rawValue) | \(testCase.specReference) | \(requirement)\(needs) |"
                )
            }
        }
        lines.append("")
        lines.append(endMarker)
        return lines.joined(separator: "\n")
    }

    /// `document` with its generated section replaced by the current catalogue.
    ///
    /// - Throws: ``ConformanceInputError`` when the document lacks the markers.
    public static func updating(_ document: String) throws(ConformanceInputError) -> String {
        guard let begin = document.range(of: beginMarker), let end = document.range(of: endMarker),
            begin.lowerBound < end.lowerBound
        else {
            throw ConformanceInputError("the document has no generated section (\(beginMarker) … \(endMarker))")
        }
        return String(document[..<begin.lowerBound]) + markdown() + String(document[end.upperBound...])
    }
}
