// Routes plain HTTP requests (§10) to their handlers; anything unknown gets a JSON 404.
import Foundation
import HypergraphCrypto
import HypergraphHTTP
import HypergraphJSON
import HypergraphProtocol
import HypergraphWebSocket

/// Answers the HTTP requests of §10 plus `GET /` (health) and `POST /admin/identities`.
struct HTTPRouter: Sendable {
    /// One route: a method and a path pattern whose `:` segments are parameters.
    private struct Route: Sendable {
        let method: String
        let pattern: [String]
        let handle: @Sendable (HTTPRouter, HTTPRequest, [String]) async -> HTTPResponse
    }

    let server: ServerContext
    /// SHA-256 of the admin token, or nil when the admin route is disabled.
    let adminTokenDigest: [UInt8]?

    private static let routes: [Route] = [
        Route(method: "GET", pattern: []) { router, request, _ in router.health(request) },
        Route(method: "GET", pattern: ["health"]) { router, _, _ in await router.readiness() },
        Route(method: "GET", pattern: ["identity"]) { router, request, _ in await router.identity(request) },
        Route(method: "GET", pattern: ["whoami"]) { router, request, _ in await router.whoami(request) },
        Route(method: "POST", pattern: ["admin", "identities"]) { router, request, _ in
            await router.createIdentity(request)
        },
        Route(method: "GET", pattern: ["spaces", ":", "inboxes"]) { router, _, parameters in
            await router.publicSpaceInboxes(spaceId: parameters[0])
        },
        Route(method: "GET", pattern: ["spaces", ":", "inboxes", ":"]) { router, _, parameters in
            await router.publicSpaceInbox(spaceId: parameters[0], inboxId: parameters[1])
        },
        Route(method: "POST", pattern: ["spaces", ":", "inboxes", ":", "messages"]) { router, request, parameters in
            await router.postSpaceInboxMessage(request, spaceId: parameters[0], inboxId: parameters[1])
        },
        Route(method: "GET", pattern: ["accounts", ":", "inboxes"]) { router, _, parameters in
            await router.publicAccountInboxes(accountAddress: parameters[0])
        },
        Route(method: "GET", pattern: ["accounts", ":", "inboxes", ":"]) { router, _, parameters in
            await router.publicAccountInbox(accountAddress: parameters[0], inboxId: parameters[1])
        },
        Route(method: "POST", pattern: ["accounts", ":", "inboxes", ":", "messages"]) { router, request, parameters in
            await router.postAccountInboxMessage(request, accountAddress: parameters[0], inboxId: parameters[1])
        },
    ]

    /// Answers one request and logs it.
    func respond(to request: HTTPRequest) async -> HTTPResponse {
        let started = ContinuousClock.now
        var response = await route(request)
        response.allowAnyOrigin()
        let level: LogLevel = response.status >= 500 ? .error : (response.status >= 400 ? .warn : .info)
        if server.logger.isEnabled(level) {
            let elapsed = started.duration(to: .now)
            let milliseconds =
                Double(elapsed.components.seconds) * 1_000 + Double(elapsed.components.attoseconds) * 1e-15
            server.logger.log(
                level, "http",
                [
                    ("method", request.method), ("path", request.path), ("status", String(response.status)),
                    ("peer", request.remoteAddress),
                    (
                        "reason",
                        response.status >= 400 ? String(decoding: response.body.prefix(300), as: UTF8.self) : nil
                    ),
                    ("duration_ms", format3(milliseconds)),
                ])
        }
        return response
    }

    private func route(_ request: HTTPRequest) async -> HTTPResponse {
        if request.method == "OPTIONS" { return .preflight }
        guard let segments = Self.segments(of: request.path) else {
            return .jsonError("the path \(request.path) is not valid percent-encoding", status: 400)
        }
        var allowedMethods: [String] = []
        for route in Self.routes {
            guard let parameters = Self.match(segments, route.pattern) else { continue }
            guard route.method == request.method || (route.method == "GET" && request.method == "HEAD") else {
                allowedMethods.append(route.method)
                continue
            }
            return await route.handle(self, request, parameters)
        }
        if !allowedMethods.isEmpty {
            var response = HTTPResponse.jsonError(
                "method \(request.method) is not allowed on \(request.path); use \(allowedMethods.joined(separator: ", "))",
                status: 405)
            response.headers.replace(name: "Allow", value: allowedMethods.joined(separator: ", "))
            return response
        }
        return .jsonError("no route for \(request.method) \(request.path)", status: 404)
    }

    /// The percent-decoded path segments (`/a/b/` → `["a", "b"]`), or nil for invalid escapes.
    private static func segments(of path: String) -> [String]? {
        var segments: [String] = []
        for raw in path.split(separator: "/", omittingEmptySubsequences: true) {
            guard let decoded = raw.removingPercentEncoding else { return nil }
            segments.append(decoded)
        }
        return segments
    }

    /// The parameter values when `segments` fit `pattern`.
    private static func match(_ segments: [String], _ pattern: [String]) -> [String]? {
        guard segments.count == pattern.count else { return nil }
        var parameters: [String] = []
        for (segment, expected) in zip(segments, pattern) {
            if expected == ":" {
                parameters.append(segment)
            } else if segment != expected {
                return nil
            }
        }
        return parameters
    }

    /// `GET /`: health and version; the operational figures (the connection count) only for a request carrying
    /// the admin token, so an anonymous caller learns nothing about the server's load.
    /// `GET /health`, for load balancers and orchestration: 200 `{"status":"ok"}` when the store answers (and, on
    /// PostgreSQL, its change feed listens), else 503 `{"status":"unavailable","reason":…}`.
    private func readiness() async -> HTTPResponse {
        if let problem = await server.storage.health() {
            return .json(["status": "unavailable", "reason": .string(problem)], status: 503)
        }
        return .json(["status": "ok"])
    }

    private func health(_ request: HTTPRequest) -> HTTPResponse {
        var body: JSONObject = [
            "status": "ok", "server": "hypergraph-swift", "version": .string(HypergraphToolkit.version),
        ]
        if let adminTokenDigest, carriesAdminToken(request, adminTokenDigest) {
            body["connections"] = .number(Double(server.registry.count))
        }
        return .json(.object(body))
    }
}
