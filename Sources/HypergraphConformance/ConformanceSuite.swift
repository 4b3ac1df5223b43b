// The catalogue of cases and how a run selects from it.

/// The conformance suite: every case, in catalogue order.
public enum ConformanceSuite {
    /// Every case, grouped by area in catalogue order.
    public static let allCases: [ConformanceCase] =
        connectionCases + encodingCases + spaceRequestCases + deliveryCases + eventCases + updateCases + inboxCases
        + httpCases + resilienceCases + extensionCases

    /// The cases whose level is at most `maximumLevel` and whose id matches one of `patterns` (all when empty).
    public static func select(
        patterns: [String], maximumLevel: ConformanceLevel, from cases: [ConformanceCase] = allCases
    ) -> [ConformanceCase] {
        cases.filter { testCase in
            testCase.level <= maximumLevel
                && (patterns.isEmpty || patterns.contains { Glob.matches(testCase.id, pattern: $0) })
        }
    }
}

/// Shell-style patterns for case ids: `*` matches any run of characters, `?` one character.
package enum Glob {
    /// Whether `text` matches `pattern` as a whole.
    package static func matches(_ text: String, pattern: String) -> Bool {
        let text = Array(text)
        let pattern = Array(pattern)
        var textIndex = 0
        var patternIndex = 0
        var starIndex: Int?
        var resumeIndex = 0
        while textIndex < text.count {
            if patternIndex < pattern.count, pattern[patternIndex] == "?" || pattern[patternIndex] == text[textIndex] {
                textIndex += 1
                patternIndex += 1
            } else if patternIndex < pattern.count, pattern[patternIndex] == "*" {
                starIndex = patternIndex
                resumeIndex = textIndex
                patternIndex += 1
            } else if let star = starIndex {
                patternIndex = star + 1
                resumeIndex += 1
                textIndex = resumeIndex
            } else {
                return false
            }
        }
        while patternIndex < pattern.count, pattern[patternIndex] == "*" { patternIndex += 1 }
        return patternIndex == pattern.count
    }
}
