// The checks cases are written with: await a reply, require silence, inspect the raw frames.
import HypergraphClient
import HypergraphJSON
import HypergraphProtocol

/// Fails the case unless `condition` holds.
func require(_ condition: Bool, _ expected: @autoclosure () -> String, observed: @autoclosure () -> String)
    throws
{
    if !condition { throw CaseFailure(expected: expected(), observed: observed()) }
}

/// Fails the case unless `actual == wanted`.
func requireEqual<Value: Equatable>(_ actual: Value, _ wanted: Value, _ what: String) throws {
    try require(actual == wanted, "\(what) = \(wanted)", observed: "\(actual)")
}

/// The optional `error` message (§1.5): only EXTENSION cases judge its content. Every other case ignores it, decodable
/// or not (an unknown code, a missing member), because the core protocol has no error messages.
enum ExtensionFrames {
    /// Whether `text` is a JSON object whose `type` is `error`.
    static func isError(_ text: String) -> Bool {
        (try? JSONValue.parse(text))?["type"]?.stringValue == "error"
    }

    /// Whether `event` is an `error` message, or a frame that would be one but does not decode.
    static func isError(_ event: HypergraphSessionEvent) -> Bool {
        switch event {
        case .message(let message): message.type == "error"
        case .undecodable(let frame): if case .text(let text) = frame.payload { isError(text) } else { false }
        case .closed, .disconnected, .reconnected: false
        }
    }
}

extension CaseContext {
    /// Runs a client operation that must succeed (e.g. a request helper awaiting its reply); a client error becomes
    /// a failure saying `expected`.
    public func expect<Value>(
        _ expected: String, _ operation: () async throws(HypergraphClientError) -> Value
    ) async throws -> Value {
        do {
            return try await operation()
        } catch {
            throw CaseFailure(expected: expected, observed: "\(error)")
        }
    }

    /// Sends `message` on `peer` and requires that the server does not answer it with its reply (§1.5: refusals are
    /// silent or, as an extension, an `error`) and keeps the connection open. Returns the `error`, if one came.
    @discardableResult
    public func expectRefused(
        _ message: ClientMessage, on peer: Peer, _ requirement: String
    ) async throws -> ErrorResponse? {
        do {
            let reply = try await peer.session.request(message, timeout: target.quietPeriod)
            throw CaseFailure(
                expected: requirement, observed: "\(peer.label) received the reply \(reply.type): \(summary(reply))")
        } catch let error as HypergraphClientError {
            switch error {
            case .serverError(let response): return response
            case .timedOut: return nil
            default: throw CaseFailure(expected: requirement + " (connection kept open)", observed: "\(error)")
            }
        }
    }

    /// Waits one quiet period, then requires that none of `peers` received a message of one of `types` (any
    /// message when `types` is empty) meanwhile or before (their queues are drained).
    public func expectNothing(_ peers: [Peer], of types: Set<String> = [], _ requirement: String) async throws {
        try await Task.sleep(for: target.quietPeriod)
        var received: [String] = []
        for peer in peers {
            for event in await peer.session.drainEvents() {
                if types.isEmpty, ExtensionFrames.isError(event) { continue }
                switch event {
                case .message(let message):
                    guard types.isEmpty || types.contains(message.type) else { continue }
                    received.append("\(peer.label) received \(message.type): \(summary(message))")
                case .undecodable(let frame):
                    received.append("\(peer.label) received an undecodable frame: \(frame)")
                case .closed(let code, let reason), .disconnected(let code, let reason):
                    received.append("\(peer.label)'s connection closed (\(code) \(reason))")
                case .reconnected(let url):
                    received.append("\(peer.label) reconnected to \(url)")
                }
            }
        }
        try require(received.isEmpty, requirement, observed: received.joined(separator: "; "))
    }

    /// The first message `peer` receives that matches `isMatch`, waiting at most the timeout.
    public func expectMessage(
        on peer: Peer, _ description: String, where isMatch: @escaping @Sendable (ServerMessage) -> Bool
    ) async throws -> ServerMessage {
        do {
            return try await peer.session.nextMessage(description, timeout: target.timeout, where: isMatch)
        } catch {
            throw CaseFailure(expected: "\(peer.label) to receive \(description)", observed: "\(error)")
        }
    }

    /// Requires that `peer` can still be used: a `get-account-inboxes` is answered.
    public func expectUsable(_ peer: Peer, after what: String) async throws {
        _ = try await expect("the connection to stay usable after \(what) (get-account-inboxes answered)") {
            () throws(HypergraphClientError) in try await peer.session.accountInboxes(timeout: target.timeout)
        }
    }

    /// The JSON objects of the text frames `peer` received whose `type` is `type`, oldest first.
    public func rawFrames(_ peer: Peer, type: String) async -> [JSONObject] {
        await peer.session.transcript.entries.compactMap { entry -> JSONObject? in
            guard entry.direction == .received, case .data(.text(let text)) = entry.content,
                let object = (try? JSONValue.parse(text))?.objectValue, object["type"]?.stringValue == type
            else { return nil }
            return object
        }
    }

    /// Requires that `peer` received at least one `type` frame and returns the last one.
    public func lastRawFrame(_ peer: Peer, type: String) async throws -> JSONObject {
        guard let last = await rawFrames(peer, type: type).last else {
            throw CaseFailure(expected: "\(peer.label) to have received \(type)", observed: "no \(type) text frame")
        }
        return last
    }

    /// A short description of a message for reports.
    func summary(_ message: ServerMessage) -> String {
        FramePayload.text(message.jsonString()).preview(limit: 300)
    }
}
