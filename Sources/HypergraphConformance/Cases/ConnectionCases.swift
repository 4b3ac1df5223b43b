// §1: authentication and the connection lifecycle.
import HypergraphClient
import HypergraphProtocol
import HypergraphWebSocket

extension ConformanceSuite {
    static let connectionCases: [ConformanceCase] = [
        ConformanceCase(
            "connection.token.valid.request-after-open", .should, "§1.2, §12 G4",
            "A request sent immediately after the WebSocket opens with a valid token is answered (the TypeScript server may lose it: §12 G4).",
            area: .connection
        ) { context in
            let alice = try await context.peer("alice")
            _ = try await context.expect("list-spaces sent right after open to be answered") {
                () throws(HypergraphClientError) in try await alice.session.listSpaces(timeout: context.timeout)
            }
        },
        refusedTokenCase(
            "connection.token.missing.refused",
            "A connection without a token never has a request answered and is closed promptly."
        ) { context in context.nextURL() },
        refusedTokenCase(
            "connection.token.empty.refused",
            "A connection with an empty token never has a request answered and is closed promptly."
        ) { context in try HypergraphClient.authenticatedURL(context.nextURL(), token: "") },
        refusedTokenCase(
            "connection.token.unknown.refused",
            "A connection with an unknown token never has a request answered and is closed promptly."
        ) { context in
            try HypergraphClient.authenticatedURL(context.nextURL(), token: String(repeating: "ab", count: 32))
        },
        refusedTokenCase(
            "connection.token.repeated.refused",
            "A connection whose token parameter is repeated (?token=T&token=T) never has a request answered and is closed promptly."
        ) { context in
            let token = try await context.identity().sessionToken
            return try HypergraphClient.authenticatedURL(
                HypergraphClient.authenticatedURL(context.nextURL(), token: token), token: token)
        },
        refusedTokenCase(
            "connection.token.expired.refused",
            "A connection with an expired session token never has a request answered and is closed promptly.",
            needs: [.expiredIdentity]
        ) { context in
            try await HypergraphClient.authenticatedURL(
                context.nextURL(), token: context.expiredIdentity().sessionToken)
        },
        ConformanceCase(
            "connection.token.expires-while-open.closed", .should, "§1.3, §12 G18",
            "A connection whose session token expires while it is open is closed by the server with 4401 (the TypeScript server never re-checks the token).",
            area: .connection, needs: [.expiringIdentity]
        ) { context in
            let identity = try await context.identity(expiringIn: .seconds(3))
            let alice = try await context.connect(identity, as: "alice")
            _ = try await context.expect("list-invitations answered while the token is valid") {
                () throws(HypergraphClientError) in try await alice.session.listInvitations(timeout: context.timeout)
            }
            let remaining =
                (identity.sessionTokenExpires?.millisecondsSince1970 ?? 0) - Timestamp.now.millisecondsSince1970
            let close = try await context.expect("the connection closed once the token expired") {
                () throws(HypergraphClientError) in
                try await alice.session.waitForClose(timeout: .milliseconds(max(remaining, 0)) + context.timeout)
            }
            try requireEqual(close.code, .unknown(4401), "the close code")
        },
        ConformanceCase(
            "connection.requests.answered-in-order", .should, "§1.4, §12 G7",
            "Requests sent back to back on one connection are answered in the order they were sent.",
            area: .connection
        ) { context in
            let alice = try await context.peer("alice")
            let requests: [ClientMessage] = [
                .getAccountInboxes(GetAccountInboxesRequest()), .listSpaces(ListSpacesRequest()),
                .listInvitations(ListInvitationsRequest()), .getAccountInboxes(GetAccountInboxesRequest()),
                .listSpaces(ListSpacesRequest()),
            ]
            for request in requests { try await alice.session.send(request) }
            var types: [String] = []
            for _ in requests {
                let message = try await context.expect("a reply to each pipelined request") {
                    () throws(HypergraphClientError) in try await alice.session.nextMessage(timeout: context.timeout)
                }
                types.append(message.type)
            }
            try requireEqual(
                types, ["account-inboxes", "list-spaces", "list-invitations", "account-inboxes", "list-spaces"],
                "the reply types in order")
        },
        ConformanceCase(
            "connection.same-token.several-connections", .must, "§1.3",
            "Several connections may be open with the same session token, each answered independently.",
            area: .connection
        ) { context in
            let alice = try await context.peer("alice")
            let again = try await context.secondConnection(of: alice)
            for peer in [alice, again] {
                _ = try await context.expect("\(peer.label)'s list-invitations to be answered") {
                    () throws(HypergraphClientError) in try await peer.session.listInvitations(timeout: context.timeout)
                }
            }
        },
    ]

    /// The close codes §1.2 allows for a refused token after a completed upgrade: none (1005, what the TypeScript
    /// server sends), 1008 or 4401.
    static let refusalCloseCodes: [WebSocketCloseCode] = [.noStatusReceived, .policyViolation, .unknown(4401)]

    /// A case opening a connection at the URL `url` builds and requiring the refusal §1.2 defines: HTTP 401 at the
    /// upgrade, or an upgrade followed promptly by a close (1005, 1008 or 4401) without any request answered. A
    /// failed TCP connection, a timeout or any other error is a failure: it says nothing about the token.
    private static func refusedTokenCase(
        _ id: String, _ requirement: String, needs: Set<ConformanceCase.Need> = [],
        url: @escaping @Sendable (CaseContext) async throws -> String
    ) -> ConformanceCase {
        ConformanceCase(id, .must, "§1.2", requirement, area: .connection, needs: needs) { context in
            let target = try await url(context)
            let refusal = "HTTP 401 at the upgrade, or the upgrade followed by a close (1005, 1008 or 4401)"
            let session: HypergraphSession
            do {
                session = try await HypergraphClient.connect(
                    url: target, token: nil, configuration: context.target.clientConfiguration)
            } catch let error as HypergraphClientError {
                if case .connectionFailed(.handshakeRejected(let status, _, _, _)) = error, status == 401 { return }
                throw CaseFailure(expected: refusal, observed: "\(error)")
            }
            let identity = HypergraphIdentity.random()
            context.track(Peer(label: "refused", identity: identity, session: session))
            try? await session.send(.listSpaces(ListSpacesRequest()))
            let close: HypergraphSession.CloseStatus
            do {
                close = try await session.waitForClose(timeout: context.timeout)
            } catch {
                throw CaseFailure(expected: refusal, observed: "still open after \(context.timeout): \(error)")
            }
            try require(refusalCloseCodes.contains(close.code), refusal, observed: "a close with \(close.code)")
            let answered = await session.drainEvents().compactMap { event -> String? in
                guard case .message(let message) = event, message.type != "error" else { return nil }
                return message.type
            }
            try require(
                answered.isEmpty, "no request answered on a refused connection", observed: "received \(answered)")
        }
    }
}
