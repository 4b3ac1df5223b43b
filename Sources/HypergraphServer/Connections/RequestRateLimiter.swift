// A token bucket per connection. Owned by the connection's request loop (one task), so it needs no lock.

/// Allows `rate` requests per second on average and bursts of up to `burst`.
struct RequestRateLimiter {
    private let rate: Double
    private let burst: Double
    private var tokens: Double
    private var refilledAt: ContinuousClock.Instant

    init(rate: Double, burst: Double, now: ContinuousClock.Instant = .now) {
        self.rate = max(rate, 0)
        self.burst = max(burst, 1)
        tokens = self.burst
        refilledAt = now
    }

    /// Takes one token; false when the bucket is empty (the request is over the limit).
    mutating func take(now: ContinuousClock.Instant = .now) -> Bool {
        let elapsed = refilledAt.duration(to: now)
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
        tokens = min(burst, tokens + seconds * rate)
        refilledAt = now
        guard tokens >= 1 else { return false }
        tokens -= 1
        return true
    }
}
