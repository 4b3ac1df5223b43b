extension ConformanceSuite {
    static let requestCases: [ConformanceCase] = spaceRequestCases
    static let inboxCases: [ConformanceCase] = []
    static let httpCases: [ConformanceCase] = []
}
