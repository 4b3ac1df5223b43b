// What a conformance case is: a stable id, a requirement sentence, a spec reference, a level and a check.

/// How binding a case is.
public enum ConformanceLevel: String, Sendable, Hashable, CaseIterable, Comparable {
    /// Required by the protocol and by the TypeScript client: a failure breaks real clients.
    case must = "MUST"
    /// One of the recommended fixes of PROTOCOL.md §12: a failure is a known bug of the original server.
    case should = "SHOULD"
    /// The optional `error` message extension: reported, never required.
    case `extension` = "EXTENSION"

    /// MUST < SHOULD < EXTENSION.
    public static func < (lhs: ConformanceLevel, rhs: ConformanceLevel) -> Bool {
        allCases.firstIndex(of: lhs) ?? 0 < allCases.firstIndex(of: rhs) ?? 0
    }
}

/// The part of the protocol a case covers; the first component of its id names it.
public enum ConformanceArea: String, Sendable, Hashable, CaseIterable {
    /// Transport, authentication and connection lifecycle (§1).
    case connection
    /// Wire encoding: bytes, dates, optional members, unknown members (§2).
    case encoding
    /// The twelve requests: happy paths and failures (§4, §5).
    case requests
    /// Who receives what, including who must receive nothing (§6).
    case delivery
    /// Space-event rules: hash chain, roles, signatures, authors (§8).
    case events
    /// Updates: clocks, duplicates, signatures, ordering (§4.12, §12 G8/G9).
    case updates
    /// Inboxes over WebSocket: policies, `since`, scoping (§4.8–§4.11).
    case inboxes
    /// The HTTP endpoints the protocol depends on (§10).
    case http
    /// Malformed input: the connection stays usable or closes as specified (§1.4, §1.5).
    case resilience
    /// The optional `error` message (§1.5, §12 G3).
    case `extension`
}

/// One conformance case.
public struct ConformanceCase: Sendable {
    /// Stable identifier, e.g. `delivery.create-update.excludes-sender`; never reused for another requirement.
    public let id: String
    /// What the server must do, in one sentence.
    public let requirement: String
    /// Where the requirement comes from, e.g. `§6` or `§12 G9`.
    public let specReference: String
    /// How binding the requirement is.
    public let level: ConformanceLevel
    /// The area it belongs to.
    public let area: ConformanceArea
    /// What the case needs beyond a WebSocket URL and fresh identities.
    public let needs: Set<Need>
    /// The check: returns normally when the server conforms, throws ``CaseFailure`` (or any error) otherwise.
    let check: @Sendable (CaseContext) async throws -> Void

    /// Something a case needs from the target.
    public enum Need: String, Sendable, Hashable {
        /// The server's HTTP endpoints (`--http-url`).
        case http
        /// An identity whose session token has already expired.
        case expiredIdentity
        /// An identity whose session token expires a few seconds after it is made.
        case expiringIdentity
        /// An account no other case of the run has used (an identities file runs out of those).
        case freshAccount
    }

    /// Creates a case.
    public init(
        _ id: String, _ level: ConformanceLevel, _ specReference: String, _ requirement: String,
        area: ConformanceArea, needs: Set<Need> = [], check: @escaping @Sendable (CaseContext) async throws -> Void
    ) {
        self.id = id
        self.requirement = requirement
        self.specReference = specReference
        self.level = level
        self.area = area
        self.needs = needs
        self.check = check
    }
}

/// A case's verdict that the server does not conform: what was expected and what was observed.
public struct CaseFailure: Error, Hashable, Sendable, CustomStringConvertible {
    /// What the requirement demands at the point of failure.
    public var expected: String
    /// What the server did instead.
    public var observed: String

    /// Creates a failure.
    public init(expected: String, observed: String) {
        self.expected = expected
        self.observed = observed
    }

    /// "expected …; observed …".
    public var description: String { "expected \(expected); observed \(observed)" }
}

/// Thrown by a case that cannot run against this target (e.g. no way to provision an expired identity).
public struct CaseSkipped: Error, Hashable, Sendable, CustomStringConvertible {
    /// Why the case did not run.
    public var reason: String

    /// Creates a skip.
    public init(_ reason: String) {
        self.reason = reason
    }

    /// The reason.
    public var description: String { reason }
}
