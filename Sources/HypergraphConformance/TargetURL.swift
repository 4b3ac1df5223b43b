// The URLs a run may target: checked once, before anything connects, so a typo is a usage error and not 140 failures.

/// Validation of `--url` and `--http-url`.
package enum TargetURL {
    /// `text` if it is a `ws://` or `wss://` URL with a host.
    ///
    /// - Throws: ``ConformanceInputError`` for any other scheme.
    package static func webSocket(_ text: String) throws(ConformanceInputError) -> String {
        try requireHost(text, schemes: ["ws://", "wss://"], option: "--url")
        return text
    }

    /// `text` if it is an `http://` or `https://` URL with a host.
    ///
    /// - Throws: ``ConformanceInputError`` for any other scheme.
    package static func http(_ text: String) throws(ConformanceInputError) -> String {
        try requireHost(text, schemes: ["http://", "https://"], option: "--http-url")
        return text
    }

    private static func requireHost(
        _ text: String, schemes: [String], option: String
    ) throws(ConformanceInputError) {
        guard let scheme = schemes.first(where: { text.hasPrefix($0) }) else {
            throw ConformanceInputError(
                "\(option) \(text): expected a \(schemes.joined(separator: " or ")) URL, e.g. \(schemes[0])127.0.0.1:3030"
            )
        }
        let authority = text.dropFirst(scheme.count).prefix { $0 != "/" && $0 != "?" && $0 != "#" }
        guard !authority.isEmpty else {
            throw ConformanceInputError("\(option) \(text): the URL has no host, e.g. \(scheme)127.0.0.1:3030")
        }
    }
}
