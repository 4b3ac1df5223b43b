// Close status codes (RFC 6455 §7.4 and the IANA "WebSocket Close Code Number" registry).

/// The status code of a close frame, or of a connection that ended without one.
public enum WebSocketCloseCode: Sendable, Hashable, CustomStringConvertible {
    /// 1000: the purpose of the connection was fulfilled.
    case normalClosure
    /// 1001: the endpoint is going away (server shutting down, page navigated away).
    case goingAway
    /// 1002: the peer broke the protocol.
    case protocolError
    /// 1003: the endpoint cannot accept this kind of data (e.g. binary where only text is understood).
    case unsupportedData
    /// 1005: the close frame carried no status code. Never sent on the wire.
    case noStatusReceived
    /// 1006: the connection ended without a close frame. Never sent on the wire.
    case abnormalClosure
    /// 1007: a message's data was inconsistent with its type (invalid UTF-8 in a text message).
    case invalidPayloadData
    /// 1008: a generic policy violation.
    case policyViolation
    /// 1009: a message or frame exceeded the configured size limit.
    case messageTooBig
    /// 1010: the client needed an extension the server did not negotiate.
    case mandatoryExtension
    /// 1011: the server hit an unexpected condition.
    case internalServerError
    /// 1012: the server is restarting.
    case serviceRestart
    /// 1013: try again later; the endpoint is overloaded (also used here when a peer reads too slowly).
    case tryAgainLater
    /// 1014: a gateway got an invalid response upstream.
    case badGateway
    /// Any other code, e.g. the application range 3000–4999.
    case unknown(UInt16)

    /// The code for a numeric value; named cases are used where one exists.
    public init(rawValue: UInt16) {
        switch rawValue {
        case 1000: self = .normalClosure
        case 1001: self = .goingAway
        case 1002: self = .protocolError
        case 1003: self = .unsupportedData
        case 1005: self = .noStatusReceived
        case 1006: self = .abnormalClosure
        case 1007: self = .invalidPayloadData
        case 1008: self = .policyViolation
        case 1009: self = .messageTooBig
        case 1010: self = .mandatoryExtension
        case 1011: self = .internalServerError
        case 1012: self = .serviceRestart
        case 1013: self = .tryAgainLater
        case 1014: self = .badGateway
        default: self = .unknown(rawValue)
        }
    }

    /// The numeric value.
    public var rawValue: UInt16 {
        switch self {
        case .normalClosure: 1000
        case .goingAway: 1001
        case .protocolError: 1002
        case .unsupportedData: 1003
        case .noStatusReceived: 1005
        case .abnormalClosure: 1006
        case .invalidPayloadData: 1007
        case .policyViolation: 1008
        case .messageTooBig: 1009
        case .mandatoryExtension: 1010
        case .internalServerError: 1011
        case .serviceRestart: 1012
        case .tryAgainLater: 1013
        case .badGateway: 1014
        case .unknown(let value): value
        }
    }

    /// Whether a close frame may carry this code: 1000–1003, 1007–1014 and the registered/private ranges
    /// 3000–4999. Receiving any other code is a protocol error.
    public var isAllowedInCloseFrame: Bool {
        switch rawValue {
        case 1000...1003, 1007...1014, 3000...4999: return true
        default: return false
        }
    }

    /// The number and the name, e.g. "1002 (protocol error)".
    public var description: String {
        let name: String
        switch self {
        case .normalClosure: name = "normal closure"
        case .goingAway: name = "going away"
        case .protocolError: name = "protocol error"
        case .unsupportedData: name = "unsupported data"
        case .noStatusReceived: name = "no status received"
        case .abnormalClosure: name = "abnormal closure"
        case .invalidPayloadData: name = "invalid payload data"
        case .policyViolation: name = "policy violation"
        case .messageTooBig: name = "message too big"
        case .mandatoryExtension: name = "mandatory extension"
        case .internalServerError: name = "internal server error"
        case .serviceRestart: name = "service restart"
        case .tryAgainLater: name = "try again later"
        case .badGateway: name = "bad gateway"
        case .unknown: return String(rawValue)
        }
        return "\(rawValue) (\(name))"
    }

    /// Codes are equal when their numbers are, so `.unknown(1000)` equals `.normalClosure`.
    public static func == (lhs: WebSocketCloseCode, rhs: WebSocketCloseCode) -> Bool {
        lhs.rawValue == rhs.rawValue
    }

    /// Hashes the numeric value, consistent with `==`.
    public func hash(into hasher: inout Hasher) {
        hasher.combine(rawValue)
    }
}
