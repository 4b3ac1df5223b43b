import Foundation
import HypergraphCrypto

/// `hypergraph-bench crypto [--seconds S] [--cpu-time] [--no-reference] [--sign-once KEY]`: throughput of the
/// hash functions and secp256k1.
///
/// Prints MB/s for SHA-256 and BLAKE3 over 1 MiB, operations per second for HMAC-SHA256 on RFC 6979-sized
/// inputs and for secp256k1 signing and public-key recovery. When python3 is available, the same run executes
/// scripts/bench-crypto-reference.py (OpenSSL, official BLAKE3, libsecp256k1 via coincurve) on the same inputs
/// and prints each figure next to the reference with the ratio ours/reference. `--seconds` is the measuring time
/// per figure (default 1), split into five slices of which the fastest counts. `--cpu-time` measures the thread's
/// CPU time instead of the wall clock, on both sides, so figures hold on a machine busy with other work.
///
/// `--sign-once KEY` measures nothing: it signs one digest with a fixed key (which builds the lazily created
/// tables), then the same digest with the 64-hex-digit private key KEY, and prints that signature.
/// scripts/check-constant-time-signing.sh runs it under valgrind for several keys and compares the instructions
/// and branches executed inside `Secp256k1.sign`.
enum CryptoBenchmark {
    static func run(arguments: [String]) throws {
        let options = try Options(arguments)
        if let keyHex = options.signOnceKey {
            try signOnce(keyHex: keyHex)
            return
        }
        let clock = options.cpuTime ? ThreadCPUClock.now : MonotonicClock.now
        let data = (0..<(1 << 20)).map { UInt8($0 % 251) }
        var ours: [(figure: Figure, value: Double)] = []

        ours.append((.sha256, fastest(seconds: options.seconds, clock: clock) { blackHole(SHA256.hash(data)) }
            .megabytesPerSecond(bytesPerIteration: data.count)))
        ours.append((.blake3, fastest(seconds: options.seconds, clock: clock) { blackHole(BLAKE3.hash(data)) }
            .megabytesPerSecond(bytesPerIteration: data.count)))

        let key = [UInt8](repeating: 0x0b, count: 32)
        let message = [UInt8](repeating: 0x5c, count: 64)
        ours.append((.hmac, fastest(seconds: options.seconds, clock: clock) {
            blackHole(HMACSHA256.authenticationCode(key: key, message: message))
        }.perSecond))

        let privateKey = try Secp256k1.PrivateKey(bytes: Array(1...32))
        let digest = SHA256.hash("hypergraph-bench".utf8)
        let signature = try Secp256k1.sign(digest: digest, with: privateKey)
        ours.append((.sign, try fastest(seconds: options.seconds, clock: clock) {
            blackHole(try Secp256k1.sign(digest: digest, with: privateKey))
        }.perSecond))
        ours.append((.recover, try fastest(seconds: options.seconds, clock: clock) {
            blackHole(try Secp256k1.recover(signature, digest: digest))
        }.perSecond))

        let reference = options.runReference ? ReferenceRun(seconds: options.seconds, cpuTime: options.cpuTime) : nil
        if let problem = reference?.problem {
            print("reference: \(problem)")
        } else if reference != nil {
            print("ours: portable Swift; reference: scripts/bench-crypto-reference.py on the same inputs in this run"
                + (options.cpuTime ? " (thread CPU time)" : ""))
            print("(Python bindings, so their per-operation figures include about a microsecond of call overhead)")
        }
        for (figure, value) in ours {
            if let baseline = reference?.figures[figure.rawValue] {
                printComparison(figure.label, ours: value, baseline: baseline, unit: figure.unit,
                                baselineName: figure.referenceName)
            } else {
                printFigure(figure.label, value, unit: figure.unit)
            }
        }
    }

    private static func signOnce(keyHex: String) throws {
        let digest = SHA256.hash("hypergraph-bench".utf8)
        let warmUpKey = try Secp256k1.PrivateKey(bytes: Array(1...32))
        blackHole(try Secp256k1.sign(digest: digest, with: warmUpKey))
        let key = try Secp256k1.PrivateKey(bytes: Hex.decode(keyHex))
        print(try Secp256k1.sign(digest: digest, with: key).compactHex)
    }

    /// The fastest of five measurements of a fifth of `seconds` each. Other processes on a shared machine only
    /// ever slow a slice down, so the fastest slice is the best estimate of the code's own speed; the reference
    /// script measures the same way.
    private static func fastest(
        seconds: Double, clock: () -> UInt64, _ operation: () throws -> Void
    ) rethrows -> Timing {
        var best = try measure(minimumSeconds: seconds / 5, clock: clock, operation)
        for _ in 1..<5 {
            let timing = try measure(minimumSeconds: seconds / 5, clock: clock, operation)
            if timing.perSecond > best.perSecond { best = timing }
        }
        return best
    }

    /// One reported figure; the raw value is its name in the reference script's output.
    private enum Figure: String {
        case sha256 = "sha256-mbps"
        case blake3 = "blake3-mbps"
        case hmac = "hmac-sha256-ops"
        case sign = "secp256k1-sign-ops"
        case recover = "secp256k1-recover-ops"

        var label: String {
            switch self {
            case .sha256: "SHA-256, 1 MiB"
            case .blake3: "BLAKE3, 1 MiB"
            case .hmac: "HMAC-SHA256, 32-byte key, 64-byte message"
            case .sign: "secp256k1 sign (RFC 6979, recoverable)"
            case .recover: "secp256k1 recover public key"
            }
        }

        var unit: String {
            switch self {
            case .sha256, .blake3: "MB/s"
            case .hmac, .sign, .recover: "ops/s"
            }
        }

        var referenceName: String {
            switch self {
            case .sha256, .hmac: "OpenSSL"
            case .blake3: "blake3 (Rust, SIMD)"
            case .sign, .recover: "libsecp256k1"
            }
        }
    }

    private struct Options {
        var seconds = 1.0
        var runReference = true
        var signOnceKey: String?
        var cpuTime = false

        init(_ arguments: [String]) throws {
            var remaining = arguments[...]
            while let argument = remaining.popFirst() {
                switch argument {
                case "--no-reference":
                    runReference = false
                case "--cpu-time":
                    cpuTime = true
                case "--sign-once":
                    guard let key = remaining.popFirst() else { throw CryptoBenchmarkError.missingKey }
                    signOnceKey = key
                case "--seconds":
                    let text = remaining.popFirst()
                    guard let text, let value = Double(text), value > 0, value.isFinite else {
                        throw CryptoBenchmarkError.invalidSeconds(text ?? "nothing")
                    }
                    seconds = value
                default:
                    throw CryptoBenchmarkError.unknownArgument(argument)
                }
            }
        }
    }

    /// Figures from scripts/bench-crypto-reference.py, or why there are none.
    private struct ReferenceRun {
        var figures: [String: Double] = [:]
        var problem: String?

        init(seconds: Double, cpuTime: Bool) {
            guard let script = Self.locateScript() else {
                problem = "scripts/bench-crypto-reference.py not found (run from the package root)"
                return
            }
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = ["python3", script, "--seconds", String(seconds)] + (cpuTime ? ["--cpu-time"] : [])
            let output = Pipe()
            process.standardOutput = output
            do {
                try process.run()
            } catch {
                problem = "could not start python3: \(error)"
                return
            }
            let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            process.waitUntilExit()
            guard process.terminationStatus == 0 else {
                problem = "python3 \(script) exited with status \(process.terminationStatus)"
                return
            }
            for line in text.split(separator: "\n") {
                let fields = line.split(separator: " ")
                if fields.count == 2, let value = Double(fields[1]) {
                    figures[String(fields[0])] = value
                }
            }
        }

        /// The script in the current directory's checkout, else next to this source file's package.
        private static func locateScript() -> String? {
            let relative = "scripts/bench-crypto-reference.py"
            let packageRoot = URL(fileURLWithPath: #filePath).resolvingSymlinksInPath()
                .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            let candidates = [relative, packageRoot.appendingPathComponent(relative).path]
            return candidates.first { FileManager.default.isReadableFile(atPath: $0) }
        }
    }
}

/// Why `hypergraph-bench crypto` could not understand its arguments.
enum CryptoBenchmarkError: Error, CustomStringConvertible {
    case unknownArgument(String)
    case invalidSeconds(String)
    case missingKey

    var description: String {
        switch self {
        case .unknownArgument(let argument):
            "unknown argument \(String(reflecting: argument)); expected --seconds S, --cpu-time, --no-reference or --sign-once KEY"
        case .invalidSeconds(let text):
            "--seconds needs a positive number of seconds, got \(String(reflecting: text))"
        case .missingKey:
            "--sign-once needs a private key: 64 hex digits, 1 ≤ key < n"
        }
    }
}
