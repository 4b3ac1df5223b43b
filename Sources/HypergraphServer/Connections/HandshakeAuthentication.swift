// Authentication at the WebSocket handshake (§1.2): the token is checked before the upgrade is accepted, so a refused
// connection never opens and an accepted one loses nothing it sends right after opening (§12 G4).
import Foundation
import HypergraphHTTP
import HypergraphJSON
import HypergraphStore
import HypergraphWebSocket

/// Why an upgrade request was refused.
struct HandshakeRefusal: Error {
    /// What was wrong with the token, for the log and the response body.
    let reason: String
    /// 401 for a token that is not accepted, 503 when it could not be checked.
    var status = 401
}

extension ServerContext {
    /// The identity whose valid session token the upgrade request carries in its one `token` query parameter.
    /// Missing, empty, repeated, unknown and expired tokens are refused (unless a test behaviour binds them).
    func authenticate(_ request: HTTPRequest) async -> Result<IdentityRecord, HandshakeRefusal> {
        let tokens = Self.queryValues(named: "token", in: request)
        let refusal: String
        var status = 401
        switch tokens.count {
        case 0: refusal = "the token query parameter is missing"
        case 1 where tokens[0].isEmpty: refusal = "the token is empty"
        case 1:
            do {
                switch try await storage.identity(sessionToken: tokens[0]) {
                case .valid(let identity): return .success(identity)
                case .expired(let identity):
                    refusal = "the session token of app identity \(identity.appIdentityAddress) has expired"
                case .unknown: refusal = "the session token is unknown"
                }
            } catch {
                logger.log(.error, "handshake.store_failure", [("reason", "\(error)")])
                refusal = "the session token could not be checked; try again"
                status = 503
            }
        default: refusal = "the token query parameter is repeated"
        }
        if let identity = behavior.identityForRefusedToken(tokens.first) { return .success(identity) }
        return .failure(HandshakeRefusal(reason: refusal, status: status))
    }

    /// Every percent-decoded value of the query parameter `name`.
    private static func queryValues(named name: String, in request: HTTPRequest) -> [String] {
        guard let query = request.query else { return [] }
        return query.split(separator: "&", omittingEmptySubsequences: true).compactMap { pair in
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard decode(parts[0]) == name else { return nil }
            return parts.count > 1 ? decode(parts[1]) : ""
        }
    }

    private static func decode(_ component: Substring) -> String {
        let spaced = component.replacingOccurrences(of: "+", with: " ")
        return spaced.removingPercentEncoding ?? spaced
    }
}

extension HTTPResponse {
    /// The answer to a refused upgrade: 401 `{"error":"unauthorized","message":…}` (503 `"unavailable"` when the
    /// token could not be checked).
    static func refusedUpgrade(_ refusal: HandshakeRefusal) -> HTTPResponse {
        let error: JSONValue = refusal.status == 401 ? "unauthorized" : "unavailable"
        return .json(["error": error, "message": .string(refusal.reason)], status: refusal.status)
    }
}
