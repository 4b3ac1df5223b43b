// One authenticated WebSocket connection: reads its messages and handles them one after another (§12 G7).
//
// Concurrency: a session runs in the task the WebSocket server gives the connection. Its requests are handled in
// that task, in arrival order; different connections run in parallel. The rate limiter is local to that task.
// At most `queuedRequestsPerConnection` requests wait (the transport stops reading beyond that), and once the
// connection is closing the waiting ones are dropped unhandled and the one in progress stops at its next step.
import HypergraphJSON
import HypergraphProtocol
import HypergraphStore
import HypergraphWebSocket

/// Fields added to a request's log line.
typealias LogFields = [(String, String?)]

/// Serves one connection from registration to close.
struct ClientSession: Sendable {
    let server: ServerContext
    let identity: IdentityRecord
    let socket: WebSocket

    /// Registers the connection, handles its messages until it closes, then unregisters it.
    func run() async {
        let id = server.registry.register(socket: socket, accountAddress: identity.accountAddress)
        let context = RequestContext(
            server: server, connection: id, identity: identity, socket: socket,
            signingKey: ConnectionSigningKey(signaturePublicKey: identity.signaturePublicKey))
        server.logger.log(
            .info, "connection.open",
            [
                ("conn", id.description), ("account", identity.accountAddress),
                ("app_identity", identity.appIdentityAddress),
                ("peer", socket.remoteAddress),
            ])
        let expiry = closeWhenSessionExpires()
        var limiter = RequestRateLimiter(rate: server.limits.requestsPerSecond, burst: server.limits.requestBurst)
        var closing = (code: WebSocketCloseCode.abnormalClosure, reason: "")
        var dropped = 0
        messages: for await event in socket.events {
            switch event {
            case .text where !socket.isOpen, .binary where !socket.isOpen:
                dropped += 1 // Nobody is left to answer: no work for a client that has gone.
            case .text(let text):
                if await !handle(Array(text.utf8), in: context, limiter: &limiter) { break messages }
            case .binary(let bytes):
                // Like the TS server, binary frames are read as UTF-8 JSON too (§1.4).
                if await !handle(bytes, in: context, limiter: &limiter) { break messages }
            case .pong:
                continue
            case .closed(let code, let reason):
                closing = (code, reason)
            }
        }
        expiry.cancel()
        server.registry.unregister(id)
        server.logger.log(
            .info, "connection.close",
            [
                ("conn", id.description), ("code", String(closing.code.rawValue)),
                ("reason", closing.reason.isEmpty ? nil : closing.reason),
                ("dropped_requests", dropped == 0 ? nil : String(dropped)),
            ])
    }

    /// Closes the connection with 4401 when its session token expires (§12 G18: a connection does not outlive its
    /// token).
    private func closeWhenSessionExpires() -> Task<Void, Never> {
        let expiresAt = identity.sessionTokenExpiresAt
        let socket = self.socket
        return Task {
            // At most a day per sleep, so far-future expiries never overflow the clock's arithmetic.
            while case let remaining = expiresAt.subtractingReportingOverflow(currentMilliseconds()),
                !remaining.overflow, remaining.partialValue >= 0
            {
                do {
                    try await Task.sleep(for: .milliseconds(min(remaining.partialValue, 86_400_000) + 1))
                } catch {
                    return // The connection ended first.
                }
            }
            socket.close(code: .unknown(4401), reason: "session token expired")
        }
    }

    /// Handles one message; returns false when the connection was closed because of it.
    private func handle(_ bytes: [UInt8], in context: RequestContext, limiter: inout RequestRateLimiter) async -> Bool {
        let started = ContinuousClock.now
        var identifiers = RequestIdentifiers()
        do {
            guard limiter.take() else {
                identifiers = RequestIdentifiers(scanning: bytes)
                throw RequestRejection(
                    code: .rateLimited,
                    message: "more than \(server.limits.requestsPerSecond) requests per second (burst "
                        + "\(server.limits.requestBurst)); the request was not processed", issues: nil)
            }
            guard bytes.count <= server.limits.maximumRequestBytes else {
                identifiers = RequestIdentifiers(scanning: bytes)
                throw RequestRejection(
                    code: .tooLarge,
                    message: "the message has \(bytes.count) bytes; the limit is "
                        + "\(server.limits.maximumRequestBytes)", issues: nil)
            }
            let message: ClientMessage
            do throws(MessageDecodingError) {
                message = try ClientMessage(jsonUTF8: bytes)
            } catch {
                if error.isMalformedJSON, server.behavior.closesConnectionOnInvalidJSON {
                    socket.close(code: .invalidPayloadData, reason: "invalid JSON")
                    return false
                }
                identifiers = RequestIdentifiers(scanning: bytes)
                throw RequestRejection(decodingError: error)
            }
            identifiers = RequestIdentifiers(message)
            try context.checkFieldSizes(message)
            let fields = try await context.handle(message)
            logRequest(.info, context, identifiers, started, [("outcome", "ok")] + fields)
        } catch is ConnectionGone {
            logRequest(.info, context, identifiers, started, [("outcome", "abandoned")])
        } catch {
            let rejection = Self.rejection(for: error)
            if server.behavior.answersRefusalsWithErrors {
                context.reply(.error(identifiers.errorMessage(for: rejection)))
            }
            logRequest(
                rejection.code == .internal ? .error : .warn, context, identifiers, started,
                [("outcome", "rejected"), ("code", rejection.code.rawValue), ("reason", rejection.message)])
        }
        return true
    }

    private static func rejection(for error: any Error) -> RequestRejection {
        switch error {
        case let rejection as RequestRejection: rejection
        case let error as StoreError: RequestRejection(error)
        default: RequestRejection(code: .internal, message: "the server failed: \(error)", issues: nil)
        }
    }

    private func logRequest(
        _ level: LogLevel, _ context: RequestContext, _ identifiers: RequestIdentifiers,
        _ started: ContinuousClock.Instant, _ fields: LogFields
    ) {
        guard server.logger.isEnabled(level) else { return }
        let elapsed = started.duration(to: .now)
        let milliseconds = Double(elapsed.components.seconds) * 1_000 + Double(elapsed.components.attoseconds) * 1e-15
        server.logger.log(
            level, "request",
            [
                ("conn", context.connection.description), ("type", identifiers.requestType ?? "?"),
                ("space", identifiers.spaceId),
            ] + fields + [("duration_ms", String(format3(milliseconds)))])
    }
}

/// A number with three decimals, e.g. `0.482`.
func format3(_ value: Double) -> String {
    let thousandths = Int64((value * 1_000).rounded())
    let whole = thousandths / 1_000
    let fraction = abs(thousandths % 1_000)
    return "\(whole)." + String(repeating: "0", count: 3 - String(fraction).count) + String(fraction)
}
