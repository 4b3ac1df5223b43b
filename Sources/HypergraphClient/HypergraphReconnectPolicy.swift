// When and how often a session reconnects after losing its connection: exponential backoff with jitter, a cap and
// a give-up limit.
import Foundation

/// How a session reconnects after its connection was lost (docs/client.md, "Failover").
///
/// Before attempt `n` (1, 2, …) the session waits `min(initialDelay × multiplier^(n−1), maximumDelay)`, of which
/// the fraction `jitter` is random: with jitter `j` and a random `r` in 0..<1 the wait is `delay × (1 − j + j × r)`.
/// So jitter 0 waits exactly the computed delay and jitter 1 ("full jitter") anywhere between 0 and it, which spreads
/// the reconnections of many clients that lost the same node. After `maximumAttempts` failed attempts in a row the
/// session gives up and ends with its `.closed` event.
public struct HypergraphReconnectPolicy: Sendable, Hashable {
    /// The computed wait before the first attempt.
    public var initialDelay: Duration
    /// The factor by which the computed wait grows per attempt (1 or more).
    public var multiplier: Double
    /// The longest computed wait.
    public var maximumDelay: Duration
    /// The random fraction of each wait, 0 (none) to 1 (all of it).
    public var jitter: Double
    /// Attempts in a row before the session gives up; 0 never reconnects (``disabled``), nil never gives up.
    public var maximumAttempts: Int?

    /// Creates a policy; `multiplier` below 1 counts as 1, `jitter` is clamped to 0...1, a negative
    /// `maximumAttempts` counts as 0.
    public init(
        initialDelay: Duration = .milliseconds(100), multiplier: Double = 2, maximumDelay: Duration = .seconds(10),
        jitter: Double = 0.5, maximumAttempts: Int? = 10
    ) {
        self.initialDelay = initialDelay
        self.multiplier = max(multiplier, 1)
        self.maximumDelay = maximumDelay
        self.jitter = min(max(jitter, 0), 1)
        self.maximumAttempts = maximumAttempts.map { max($0, 0) }
    }

    /// No reconnecting: a lost connection ends the session, as with a single `connect(url:…)` (the default).
    public static let disabled = HypergraphReconnectPolicy(maximumAttempts: 0)

    /// The defaults: 100 ms doubling up to 10 s, half of each wait random, giving up after 10 attempts (about 40 s
    /// of waiting at most).
    public static let standard = HypergraphReconnectPolicy()

    /// Whether the session reconnects at all.
    public var isEnabled: Bool { maximumAttempts != 0 }

    /// Whether the session may make attempt `attempt` (counted from 1).
    public func allows(attempt: Int) -> Bool {
        maximumAttempts.map { attempt <= $0 } ?? true
    }

    /// The wait before attempt `attempt` (counted from 1), its random part drawn from `generator`.
    public func delay(beforeAttempt attempt: Int, using generator: inout some RandomNumberGenerator) -> Duration {
        let grown = initialDelay.seconds * pow(multiplier, Double(max(attempt, 1) - 1))
        let capped = min(grown, maximumDelay.seconds)
        let random = jitter == 0 ? 0 : Double.random(in: 0..<1, using: &generator)
        return .nanoseconds(Int64((capped * (1 - jitter + jitter * random) * 1e9).rounded()))
    }
}

extension Duration {
    /// The duration in seconds as a floating-point number.
    fileprivate var seconds: Double {
        let (seconds, attoseconds) = components
        return Double(seconds) + Double(attoseconds) / 1e18
    }
}
