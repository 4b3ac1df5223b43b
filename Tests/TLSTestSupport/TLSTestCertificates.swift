// The certificates the TLS tests and the TLS benchmark use, made once per process by scripts/tls-test-certificates.sh
// (the openssl command): a private CA and, signed by it, certificates for localhost (valid, expired, for another
// host, rotated) plus one from an untrusted CA.
//
// Concurrency: the directory is made once, on first use, by a `let` initialiser (thread-safe in Swift).
import Foundation

/// The test certificates (see the header comment).
public enum TLSTestCertificates {
    /// Why the certificates could not be made.
    public struct Failure: Error, CustomStringConvertible {
        /// What failed.
        public var description: String
    }

    private static let made: Result<String, Failure> = {
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("scripts/tls-test-certificates.sh").path
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("hypergraph-tls-certificates-\(ProcessInfo.processInfo.processIdentifier)").path
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        process.arguments = [script, directory]
        process.standardOutput = FileHandle.nullDevice
        do {
            try process.run()
        } catch {
            return .failure(Failure(description: "cannot run \(script): \(error)"))
        }
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            return .failure(Failure(description: "\(script) exited with status \(process.terminationStatus)"))
        }
        return .success(directory)
    }()

    /// The directory holding `ca.pem` and `NAME.pem`/`NAME.key` for server, rotated, expired, wrong-host and
    /// untrusted.
    public static func directory() throws -> String { try made.get() }

    /// `NAME.pem` (the chain file) in the directory.
    public static func chain(_ name: String) throws -> String { "\(try directory())/\(name).pem" }

    /// `NAME.key` in the directory.
    public static func key(_ name: String) throws -> String { "\(try directory())/\(name).key" }

    /// The private CA's certificate, `ca.pem`.
    public static func authority() throws -> String { "\(try directory())/ca.pem" }
}
