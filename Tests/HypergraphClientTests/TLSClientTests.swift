// The typed client and the HTTP client over TLS against the reference server serving wss:// and https://: a session,
// the §10 routes, and the refusals a client sees as typed errors.
import HypergraphClient
import HypergraphServer
import HypergraphTLS
import TLSTestSupport
import XCTest

final class TLSClientTests: XCTestCase {
    func testSessionAndHTTPRoutesOverTLS() async throws {
        let server = try await ReferenceServer.start(tls: try certificate("server"))
        let alice = try await server.identity()
        var configuration = HypergraphClientConfiguration()
        configuration.tls = try trustingTestCA()
        let session = try await HypergraphClient.connect(
            url: "wss://localhost:\(server.server.port)", token: alice.sessionToken, configuration: configuration)
        let space = try await session.createSpace(alice.createSpaceEvent(name: "Over TLS"))
        let listed = try await session.listSpaces()
        XCTAssertEqual(listed.spaces.map(\.id), [space.id])
        await session.close()

        let http = try HypergraphHTTPClient(
            baseURL: "https://localhost:\(server.server.port)", tls: try trustingTestCA())
        let found = try await http.identity(
            accountAddress: alice.accountAddress, signaturePublicKey: alice.signaturePublicKey)
        XCTAssertEqual(found.status, 200, found.text)
        XCTAssertEqual(found.json?["accountAddress"]?.stringValue, alice.accountAddress)
        await server.stop()
    }

    func testRefusedCertificatesAreTypedErrors() async throws {
        let server = try await ReferenceServer.start(tls: try certificate("expired"))
        var configuration = HypergraphClientConfiguration()
        configuration.tls = try trustingTestCA()
        do {
            _ = try await HypergraphClient.connect(
                url: "wss://localhost:\(server.server.port)", token: nil, configuration: configuration)
            XCTFail("connected to a server with an expired certificate")
        } catch {
            guard case .connectionFailed(.tlsFailed(.certificateExpired)) = error else {
                return XCTFail("expected an expired certificate, got \(error)")
            }
        }
        do {
            _ = try await HypergraphHTTPClient(baseURL: "https://localhost:\(server.server.port)").spaceInboxes(
                spaceId: "x")
            XCTFail("an untrusted certificate was accepted over https://")
        } catch let error as HypergraphHTTPError {
            guard case .untrustedCertificate = error.tlsFailure else {
                return XCTFail("expected an untrusted CA, got \(error)")
            }
        }
        await server.stop()
    }

    private func certificate(_ name: String) throws -> TLSServerContext {
        try TLSServerContext(
            certificateChainFile: TLSTestCertificates.chain(name), privateKeyFile: TLSTestCertificates.key(name))
    }

    private func trustingTestCA() throws -> TLSClientConfiguration {
        TLSClientConfiguration(additionalTrustRootsFile: try TLSTestCertificates.authority())
    }
}
