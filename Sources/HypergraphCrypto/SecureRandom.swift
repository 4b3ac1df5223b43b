// Random bytes from the system's cryptographically secure generator, for keys, tokens and identifiers.

/// The system's cryptographically secure random source (`getrandom`/`arc4random` through the standard library).
public enum SecureRandom {
    /// `count` random bytes (none when `count` is not positive).
    public static func bytes(_ count: Int) -> [UInt8] {
        var generator = SystemRandomNumberGenerator()
        return (0..<max(count, 0)).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
    }
}
