// wss:// end to end on loopback: our TLS server and client together, each certificate the client must refuse with
// its own error, turning verification off, certificate rotation, buffered plaintext behind a paused reader, and a
// plain client speaking to a TLS port. Certificates come from scripts/tls-test-certificates.sh (the openssl command).
import HypergraphTLS
import TLSTestSupport
import XCTest

@testable import HypergraphWebSocket

final class TLSTests: XCTestCase {
    func testEchoesOverTLSInBothDirectionsWithLargeMessages() async throws {
        let (server, port) = try await startTLSServer()
        let socket = try await WebSocketClient.connect(to: "wss://localhost:\(port)/", tls: trustingTestCA)
        var events = socket.events.makeAsyncIterator()
        for size in [0, 1, 125, 16 * 1024, 16 * 1024 + 1, 1 << 20, 16 << 20] {
            let bytes = (0..<size).map { UInt8(truncatingIfNeeded: $0 &* 13) }
            socket.send(binary: bytes)
            let echoed = await events.next()
            XCTAssertEqual(echoed, .binary(bytes), "binary of \(size) bytes")
        }
        socket.close()
        let closed = await events.next()
        XCTAssertEqual(closed, .closed(.normalClosure, reason: ""))
        await server.shutdown()
    }

    func testAddressURLIsCheckedAgainstTheCertificatesAddresses() async throws {
        let (server, port) = try await startTLSServer()
        try await assertEchoes(at: "wss://127.0.0.1:\(port)/", tls: trustingTestCA)
        await server.shutdown()
    }

    func testRefusesAServerWhoseCANotTrusted() async throws {
        let (server, port) = try await startTLSServer()
        let error = await connectionError(to: "wss://localhost:\(port)/", tls: TLSClientConfiguration())
        guard case .untrustedCertificate = error else {
            return XCTFail("expected an untrusted certificate, got \(String(describing: error))")
        }
        await server.shutdown()
    }

    func testRefusesACertificateFromAnotherCA() async throws {
        let (server, port) = try await startTLSServer(certificate: "untrusted")
        let error = await connectionError(to: "wss://localhost:\(port)/", tls: trustingTestCA)
        guard case .untrustedCertificate = error else {
            return XCTFail("expected an untrusted certificate, got \(String(describing: error))")
        }
        await server.shutdown()
    }

    func testRefusesAnExpiredCertificate() async throws {
        let (server, port) = try await startTLSServer(certificate: "expired")
        let error = await connectionError(to: "wss://localhost:\(port)/", tls: trustingTestCA)
        guard case .certificateExpired = error else {
            return XCTFail("expected an expired certificate, got \(String(describing: error))")
        }
        await server.shutdown()
    }

    func testRefusesACertificateForAnotherHost() async throws {
        let (server, port) = try await startTLSServer(certificate: "wrong-host")
        let error = await connectionError(to: "wss://localhost:\(port)/", tls: trustingTestCA)
        XCTAssertEqual(error, .hostNameMismatch(peer: "localhost:\(port)", expected: "localhost"))
        XCTAssertEqual(
            error?.description, "TLS with localhost:\(port): the certificate is not valid for 'localhost'")
        await server.shutdown()
    }

    func testRefusesAPlainServerOnAWSSURLWithoutHanging() async throws {
        let server = WebSocketServer { _ in .accept { _ in } }
        let port = try await server.start()
        var configuration = WebSocketConfiguration()
        configuration.handshakeTimeout = .milliseconds(500)
        let error = await connectionError(
            to: "wss://localhost:\(port)/", tls: trustingTestCA, configuration: configuration)
        guard case .handshakeFailed = error else {
            return XCTFail("expected a handshake failure, got \(String(describing: error))")
        }
        await server.shutdown()
    }

    func testVerificationCanBeTurnedOffExplicitly() async throws {
        let (server, port) = try await startTLSServer(certificate: "wrong-host")
        try await assertEchoes(
            at: "wss://localhost:\(port)/", tls: TLSClientConfiguration(verification: .insecureNoVerification))
        await server.shutdown()
    }

    func testPlainClientOnTheTLSPortIsClosedAndTheServerGoesOn() async throws {
        let (server, port) = try await startTLSServer()
        let raw = try RawSocket(port: port)
        raw.transmit("GET / HTTP/1.1\r\nHost: x\r\n\r\n")
        XCTAssertFalse(String(decoding: raw.receive(), as: UTF8.self).contains("HTTP/1.1"))
        let socket = try await WebSocketClient.connect(to: "wss://localhost:\(port)/", tls: trustingTestCA)
        socket.close()
        await server.shutdown()
    }

    func testReloadServesTheNewCertificateWhileOpenConnectionsGoOn() async throws {
        let directory = try TLSTestCertificates.directory()
        let live = FileManager.default.temporaryDirectory.appendingPathComponent("hypergraph-tls-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: live, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: live) }
        let certificate = live.appendingPathComponent("live.pem").path
        let key = live.appendingPathComponent("live.key").path
        func install(_ name: String) throws {
            for (source, target) in [("\(name).pem", certificate), ("\(name).key", key)] {
                try? FileManager.default.removeItem(atPath: target)
                try FileManager.default.copyItem(atPath: "\(directory)/\(source)", toPath: target)
            }
        }
        try install("expired")
        let context = try TLSServerContext(certificateChainFile: certificate, privateKeyFile: key)
        let (server, port) = try await startTLSServer(context: context)
        let before = try await WebSocketClient.connect(
            to: "wss://localhost:\(port)/",
            tls: TLSClientConfiguration(
                additionalTrustRootsFile: "\(directory)/ca.pem", verification: .insecureNoVerification))
        try install("server")
        try context.reload()
        let after = try await WebSocketClient.connect(to: "wss://localhost:\(port)/", tls: trustingTestCA)
        for socket in [before, after] { await assertEchoes(on: socket) }
        try install("wrong-host")
        try FileManager.default.removeItem(atPath: key)
        XCTAssertThrowsError(try context.reload()) { error in
            guard case .invalidConfiguration(let file, _) = error as? TLSError else { return XCTFail("\(error)") }
            XCTAssertEqual(file, key)
        }
        let kept = try await WebSocketClient.connect(to: "wss://localhost:\(port)/", tls: trustingTestCA)
        kept.close()
        await server.shutdown()
    }

    func testMissingOrMismatchedFilesAreRefusedWithTheirName() throws {
        let directory = try TLSTestCertificates.directory()
        XCTAssertThrowsError(
            try TLSServerContext(
                certificateChainFile: "\(directory)/server.pem", privateKeyFile: "\(directory)/rotated.key")
        ) { error in
            guard case .invalidConfiguration(let file, let detail) = error as? TLSError else {
                return XCTFail("\(error)")
            }
            XCTAssertEqual(file, "\(directory)/rotated.key")
            XCTAssertTrue(detail.contains("mismatch"), detail)
        }
        XCTAssertThrowsError(
            try TLSClientConfiguration(additionalTrustRootsFile: "\(directory)/missing.pem").validate()
        ) { error in
            guard case .invalidConfiguration(let file, _) = error as? TLSError else { return XCTFail("\(error)") }
            XCTAssertEqual(file, "\(directory)/missing.pem")
        }
    }

    // MARK: Support

    private var trustingTestCA: TLSClientConfiguration {
        TLSClientConfiguration(additionalTrustRootsFile: try? TLSTestCertificates.authority())
    }

    private func startTLSServer(
        certificate name: String = "server", context: TLSServerContext? = nil
    ) async throws -> (WebSocketServer, UInt16) {
        let directory = try TLSTestCertificates.directory()
        let tls =
            try context
            ?? TLSServerContext(
                certificateChainFile: "\(directory)/\(name).pem", privateKeyFile: "\(directory)/\(name).key")
        let server = WebSocketServer(tls: tls) { _ in
            .accept { socket in
                for await event in socket.events {
                    switch event {
                    case .text(let text): socket.send(text: text)
                    case .binary(let bytes): socket.send(binary: bytes)
                    default: break
                    }
                }
            }
        }
        return (server, try await server.start())
    }

    /// Connects to `url`, checks that a text message comes back, and closes.
    private func assertEchoes(at url: String, tls: TLSClientConfiguration) async throws {
        await assertEchoes(on: try await WebSocketClient.connect(to: url, tls: tls))
    }

    private func assertEchoes(on socket: WebSocket) async {
        var events = socket.events.makeAsyncIterator()
        socket.send(text: "echo me")
        let echoed = await events.next()
        XCTAssertEqual(echoed, .text("echo me"))
        socket.close()
    }

    private func connectionError(
        to url: String, tls: TLSClientConfiguration, configuration: WebSocketConfiguration = WebSocketConfiguration()
    ) async -> TLSError? {
        do {
            let socket = try await WebSocketClient.connect(to: url, configuration: configuration, tls: tls)
            socket.close()
            return nil
        } catch WebSocketClientError.tlsFailed(let error) {
            return error
        } catch {
            XCTFail("expected a TLS error, got \(error)")
            return nil
        }
    }
}
