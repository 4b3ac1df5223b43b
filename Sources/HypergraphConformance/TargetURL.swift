// The URLs a run may target: checked once, before anything connects, so a typo is a usage error and not 140 failures.

/// Validation of `--url` and `--http-url`.
public enum TargetURL {
    /// `text` if it is a `ws://` URL with a host.
    ///
    /// - Throws: ``ConformanceInputError``: `wss://` is refused until the suite speaks TLS (this is the one place
    ///   that refuses it); any other scheme is wrong.
    public static func webSocket(_ text: String) throws -> String {
        if text.hasPrefix("wss://") {
            throw ConformanceInputError(
                "--url \(text): wss:// is not supported yet (no TLS in the suite); use ws:// or a TLS terminator in front")
        }
        try requireHost(text, scheme: "ws://", option: "--url")
        return text
    }

    /// `text` if it is an `http://` URL with a host.
    ///
    /// - Throws: ``ConformanceInputError`` for any other scheme.
    public static func http(_ text: String) throws -> String {
        try requireHost(text, scheme: "http://", option: "--http-url")
        return text
    }

    private static func requireHost(_ text: String, scheme: String, option: String) throws {
        guard text.hasPrefix(scheme) else {
            throw ConformanceInputError("\(option) \(text): expected a \(scheme) URL, e.g. \(scheme)127.0.0.1:3030")
        }
        let authority = text.dropFirst(scheme.count).prefix { $0 != "/" && $0 != "?" && $0 != "#" }
        guard !authority.isEmpty else {
            throw ConformanceInputError("\(option) \(text): the URL has no host, e.g. \(scheme)127.0.0.1:3030")
        }
    }
}
