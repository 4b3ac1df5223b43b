// Identity routes: the lookup clients resolve authors with (§10.4), `GET /whoami` (§10.5) and the admin route that
// provisions identities (docs/server.md).
import HypergraphCrypto
import HypergraphHTTP
import HypergraphJSON
import HypergraphStore
import HypergraphWebSocket

extension HTTPRouter {
    /// `GET /identity?accountAddress=…&signaturePublicKey=…` (or `&appId=…`): the identity without space scope;
    /// the key wins when both are given (§10.4). Empty parameters count as missing, as in the TS server.
    func identity(_ request: HTTPRequest) async -> HTTPResponse {
        guard let account = request.queryValue("accountAddress"), !account.isEmpty else {
            return .text("No accountAddress", status: 400)
        }
        let key = request.queryValue("signaturePublicKey").flatMap { $0.isEmpty ? nil : $0 }
        let appId = request.queryValue("appId").flatMap { $0.isEmpty ? nil : $0 }
        let found: IdentityRecord?
        do {
            if let key {
                found = try await server.storage.identity(
                    accountAddress: account, signaturePublicKey: key, linkedToSpace: nil)
            } else if let appId {
                found = try await server.storage.identity(accountAddress: account, appId: appId)
            } else {
                return .text("No signaturePublicKey or appId", status: 400)
            }
        } catch {
            return storeFailure(error)
        }
        guard let found else { return .json(["accountAddress": .string(account)], status: 404) }
        // Identities provisioned here carry no ownership proofs; the members are kept (empty) so that the response
        // has the shape clients decode.
        return .json([
            "accountAddress": .string(account),
            "signaturePublicKey": .string(found.signaturePublicKey),
            "encryptionPublicKey": .string(found.encryptionPublicKey),
            "accountProof": .string(found.accountProof ?? ""),
            "keyProof": .string(found.keyProof ?? ""),
            "appId": .string(found.appId),
        ])
    }

    /// `GET /whoami` with `Authorization: Bearer <sessionToken>`: the account, or 401 (§10.5).
    func whoami(_ request: HTTPRequest) async -> HTTPResponse {
        guard let token = Self.bearerToken(of: request) else { return .text("Unauthorized", status: 401) }
        do {
            guard case .valid(let identity) = try await server.storage.identity(sessionToken: token) else {
                return .text("Unauthorized", status: 401)
            }
            return .text(identity.accountAddress)
        } catch {
            return storeFailure(error)
        }
    }

    /// `POST /admin/identities`: provisions an identity (the body and reply of `hypergraph identity create`). Only
    /// with `--admin-token`, and only for `Authorization: Bearer <admin token>`, compared in constant time.
    func createIdentity(_ request: HTTPRequest) async -> HTTPResponse {
        guard let adminTokenDigest else {
            return .jsonError("no route for POST /admin/identities (start the server with --admin-token)", status: 404)
        }
        guard carriesAdminToken(request, adminTokenDigest) else {
            var response = HTTPResponse.jsonError("a valid admin bearer token is required", status: 401)
            response.headers.replace(name: "WWW-Authenticate", value: "Bearer")
            return response
        }
        do {
            let identityRequest = try IdentityRequest(json: request.body.isEmpty ? Array("{}".utf8) : request.body)
            let identity = try await IdentityProvisioning.create(
                identityRequest, in: server.storage, now: currentMilliseconds())
            return .json(identity.jsonUTF8())
        } catch let error as IdentityProvisioningError {
            return .jsonError(error.message, status: 400)
        } catch StoreError.conflict(let conflict) {
            return .jsonError(conflict.description, status: 409)
        } catch {
            return storeFailure(error)
        }
    }

    /// 500 for a failure of the store, logged.
    func storeFailure(_ error: any Error) -> HTTPResponse {
        server.logger.log(.error, "http.store_failure", [("reason", "\(error)")])
        return .jsonError("the server could not complete the request", status: 500)
    }

    /// Whether the request carries `Authorization: Bearer <admin token>` (compared in constant time).
    func carriesAdminToken(_ request: HTTPRequest, _ adminTokenDigest: [UInt8]) -> Bool {
        guard let token = Self.bearerToken(of: request) else { return false }
        return Self.constantTimeEquals(SHA256.hash(Array(token.utf8)), adminTokenDigest)
    }

    /// The second word of `Authorization: Bearer <token>`.
    private static func bearerToken(of request: HTTPRequest) -> String? {
        guard let header = request.headers["Authorization"] else { return nil }
        let words = header.split(separator: " ", omittingEmptySubsequences: true)
        guard words.count == 2, words[0].lowercased() == "bearer" else { return nil }
        return String(words[1])
    }

    /// Compares two digests without stopping at the first difference, so the time taken says nothing about how
    /// much of the admin token was right.
    private static func constantTimeEquals(_ lhs: [UInt8], _ rhs: [UInt8]) -> Bool {
        guard lhs.count == rhs.count else { return false }
        var difference: UInt8 = 0
        for index in lhs.indices { difference |= lhs[index] ^ rhs[index] }
        return difference == 0
    }
}
