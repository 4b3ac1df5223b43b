// Every limit of ServerLimits by name, so that `hypergraph serve --limit NAME=VALUE` (and any other tool reading text)
// can change it. ServerLimitsSettingTests fails when a stored property of ServerLimits is missing here.

extension ServerLimits {
    /// The names `set(_:to:)` takes: the property names of the limits, e.g. `maximumReplyBytes`.
    public static var settingNames: [String] { settings.map(\.name) }

    /// Changes the limit `name` (a property name, see ``settingNames``) to the value `text` spells: a whole number
    /// of at least 1 for counts and sizes, a positive decimal for `requestsPerSecond` and `requestBurst`, a positive
    /// decimal number of seconds for durations, and also `off` for `idlePingInterval`.
    ///
    /// - Throws: ``ServerLimitSettingError`` naming the problem; the limits are then unchanged.
    public mutating func set(_ name: String, to text: String) throws(ServerLimitSettingError) {
        guard let setting = Self.settings.first(where: { $0.name == name }) else {
            throw .unknownName(name, known: Self.settingNames)
        }
        guard setting.apply(&self, text) else {
            throw .invalidValue(name: name, value: text, expected: setting.expected)
        }
    }

    /// One limit: its name, what its value looks like, and how text sets it (false: the text is not such a value).
    private struct Setting: Sendable {
        var name: String
        var expected: String
        var apply: @Sendable (inout ServerLimits, String) -> Bool

        /// A limit of type `Value`, set from whatever `parse` accepts (nil: not such a value).
        static func parsed<Value>(
            _ name: String, _ keyPath: WritableKeyPath<ServerLimits, Value> & Sendable, expected: String,
            _ parse: @escaping @Sendable (String) -> Value?
        ) -> Setting {
            Setting(name: name, expected: expected) { limits, text in
                guard let value = parse(text) else { return false }
                limits[keyPath: keyPath] = value
                return true
            }
        }

        static func count(_ name: String, _ keyPath: WritableKeyPath<ServerLimits, Int> & Sendable) -> Setting {
            parsed(name, keyPath, expected: "a whole number of at least 1") { Int($0).flatMap { $0 >= 1 ? $0 : nil } }
        }

        static func total(_ name: String, _ keyPath: WritableKeyPath<ServerLimits, Int64> & Sendable) -> Setting {
            parsed(name, keyPath, expected: "a whole number of bytes, at least 1") {
                Int64($0).flatMap { $0 >= 1 ? $0 : nil }
            }
        }

        static func rate(_ name: String, _ keyPath: WritableKeyPath<ServerLimits, Double> & Sendable) -> Setting {
            parsed(name, keyPath, expected: "a positive number") {
                Double($0).flatMap { $0.isFinite && $0 > 0 ? $0 : nil }
            }
        }

        static func duration(_ name: String, _ keyPath: WritableKeyPath<ServerLimits, Duration> & Sendable) -> Setting {
            parsed(name, keyPath, expected: "a positive number of seconds", seconds)
        }

        static func optionalDuration(
            _ name: String, _ keyPath: WritableKeyPath<ServerLimits, Duration?> & Sendable
        ) -> Setting {
            // `Duration??`: the outer nil refuses the text, an inner nil (`off`) turns the pings off.
            parsed(name, keyPath, expected: "a positive number of seconds, or off") { text -> Duration?? in
                text == "off" ? .some(nil) : seconds(text).map { $0 }
            }
        }

        private static func seconds(_ text: String) -> Duration? {
            guard let value = Double(text), value.isFinite, value > 0, value <= 86_400 * 365 else { return nil }
            return .milliseconds(Int64((value * 1_000).rounded(.up)))
        }
    }

    /// Every limit, in the order of the declarations.
    private static let settings: [Setting] = [
        .count("maximumRequestBytes", \.maximumRequestBytes),
        .count("maximumMessageBytes", \.maximumMessageBytes),
        .rate("requestsPerSecond", \.requestsPerSecond),
        .rate("requestBurst", \.requestBurst),
        .count("subscriptionsPerConnection", \.subscriptionsPerConnection),
        .count("outboundHighWaterMark", \.outboundHighWaterMark),
        .optionalDuration("idlePingInterval", \.idlePingInterval),
        .duration("pongTimeout", \.pongTimeout),
        .count("maximumHTTPBodyBytes", \.maximumHTTPBodyBytes),
        .count("maximumReplyBytes", \.maximumReplyBytes),
        .count("queuedRequestsPerConnection", \.queuedRequestsPerConnection),
        .duration("slowReaderTimeout", \.slowReaderTimeout),
        .count("maximumNameBytes", \.maximumNameBytes),
        .count("maximumIdentifierBytes", \.maximumIdentifierBytes),
        .count("maximumCiphertextBytes", \.maximumCiphertextBytes),
        .count("maximumKeyBoxesPerRequest", \.maximumKeyBoxesPerRequest),
        .count("maximumUpdateBytes", \.maximumUpdateBytes),
        .count("maximumInboxSecretKeyBytes", \.maximumInboxSecretKeyBytes),
        .count("maximumSpacesPerAppIdentity", \.maximumSpacesPerAppIdentity),
        .count("maximumPendingInvitationsPerAccount", \.maximumPendingInvitationsPerAccount),
        .count("maximumAccountInboxesPerAccount", \.maximumAccountInboxesPerAccount),
        .count("maximumEventsPerSpace", \.maximumEventsPerSpace),
        .count("maximumInboxesPerSpace", \.maximumInboxesPerSpace),
        .total("maximumSpaceUpdateBytes", \.maximumSpaceUpdateBytes),
        .total("maximumAccountUpdateBytes", \.maximumAccountUpdateBytes),
    ]
}

/// Why ``ServerLimits/set(_:to:)`` refused a setting.
public enum ServerLimitSettingError: Error, Sendable, Hashable, CustomStringConvertible {
    /// No limit has this name; `known` lists the names there are.
    case unknownName(String, known: [String])
    /// The value is not what the limit takes.
    case invalidValue(name: String, value: String, expected: String)

    /// What was wrong and what was expected.
    public var description: String {
        switch self {
        case .unknownName(let name, let known):
            "no limit is named '\(name)'; expected one of \(known.joined(separator: ", "))"
        case .invalidValue(let name, let value, let expected):
            "\(name) cannot be '\(value)'; expected \(expected)"
        }
    }
}
