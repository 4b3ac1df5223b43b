import Foundation
import HypergraphCommandLine
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
    static let command = benchmarkCommand(
        name: "crypto",
        abstract: "SHA-256, BLAKE3, HMAC and secp256k1, against the Python reference implementations.",
        options: [
            .value("seconds", valueName: "S", help: "Measuring time per figure.", default: "1"),
            .flag("cpu-time", help: "Measure thread CPU time instead of the wall clock, on both sides."),
            .flag("no-reference", help: "Skip the Python reference run."),
            .value(
                "sign-once", valueName: "KEY",
                help: "Measure nothing: sign one digest with this 64-hex-digit key (for the valgrind check)."),
        ]
    ) { arguments in
        try run(
            Options(
                seconds: arguments.seconds("seconds"), runReference: !arguments.flag("no-reference"),
                signOnceKey: arguments.value("sign-once"), cpuTime: arguments.flag("cpu-time")))
    }

    private static func run(_ options: Options) throws {
        if let keyHex = options.signOnceKey {
            try signOnce(keyHex: keyHex)
            return
        }
        let clock = options.cpuTime ? ThreadCPUClock.now : MonotonicClock.now
        let data = (0..<(1 << 20)).map { UInt8($0 % 251) }
        var ours: [(figure: Figure, value: Double)] = []

        ours.append(
            (
                .sha256,
                fastest(seconds: options.seconds, clock: clock) { blackHole(SHA256.hash(data)) }
                    .megabytesPerSecond(bytesPerIteration: data.count)
            ))
        ours.append(
            (
                .blake3,
                fastest(seconds: options.seconds, clock: clock) { blackHole(BLAKE3.hash(data)) }
                    .megabytesPerSecond(bytesPerIteration: data.count)
            ))

        let key = [UInt8](repeating: 0x0b, count: 32)
        let message = [UInt8](repeating: 0x5c, count: 64)
        ours.append(
            (
                .hmac,
                fastest(seconds: options.seconds, clock: clock) {
                    blackHole(HMACSHA256.authenticationCode(key: key, message: message))
                }.perSecond
            ))

        let privateKey = try Secp256k1.PrivateKey(bytes: Array(1...32))
        let digest = SHA256.hash("hypergraph-bench".utf8)
        let signature = try Secp256k1.sign(digest: digest, with: privateKey)
        ours.append(
            (
                .sign,
                try fastest(seconds: options.seconds, clock: clock) {
                    blackHole(try Secp256k1.sign(digest: digest, with: privateKey))
                }.perSecond
            ))
        ours.append(
            (
                .recover,
                try fastest(seconds: options.seconds, clock: clock) {
                    blackHole(try Secp256k1.recover(signature, digest: digest))
                }.perSecond
            ))
        ours.append(
            (
                .prepareKey,
                fastest(seconds: options.seconds, clock: clock) {
                    blackHole(Secp256k1.PreparedPublicKey(privateKey.publicKey))
                }.perSecond
            ))
        let preparedKey = Secp256k1.PreparedPublicKey(privateKey.publicKey)
        ours.append(
            (
                .checkSigner,
                fastest(seconds: options.seconds, clock: clock) {
                    blackHole(Secp256k1.isSigner(preparedKey, of: signature, digest: digest))
                }.perSecond
            ))

        let reference =
            options.runReference
            ? ReferenceScript.run(
                "scripts/bench-crypto-reference.py",
                arguments: ["--seconds", String(options.seconds)] + (options.cpuTime ? ["--cpu-time"] : []))
            : nil
        if let problem = reference?.problem {
            print("reference: \(problem)")
        } else if reference != nil {
            print(
                "ours: portable Swift; reference: scripts/bench-crypto-reference.py on the same inputs in this run"
                    + (options.cpuTime ? " (thread CPU time)" : ""))
            print("(Python bindings, so their per-operation figures include about a microsecond of call overhead)")
        }
        for (figure, value) in ours {
            if let baseline = reference?.figures[figure.rawValue] {
                printComparison(
                    figure.label, ours: value, baseline: baseline, unit: figure.unit,
                    baselineName: figure.referenceName)
            } else {
                printFigure(figure.label, value, unit: figure.unit)
            }
        }
    }

    /// Signs one digest with a fixed key (building the lazily made tables), then with `keyHex`, and prints the
    /// signature: the unit of work scripts/check-constant-time-signing.sh compares across keys.
    static func signOnce(keyHex: String) throws {
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
        case checkSigner = "secp256k1-verify-ops"
        /// No reference: libsecp256k1 has no prepared keys.
        case prepareKey = "secp256k1-prepare-key-ops"

        var label: String {
            switch self {
            case .sha256: "SHA-256, 1 MiB"
            case .blake3: "BLAKE3, 1 MiB"
            case .hmac: "HMAC-SHA256, 32-byte key, 64-byte message"
            case .sign: "secp256k1 sign (RFC 6979, recoverable)"
            case .recover: "secp256k1 recover public key"
            case .checkSigner: "secp256k1 check signer, prepared key (vs verify)"
            case .prepareKey: "secp256k1 prepare a public key for checks"
            }
        }

        var unit: String {
            switch self {
            case .sha256, .blake3: "MB/s"
            case .hmac, .sign, .recover, .checkSigner, .prepareKey: "ops/s"
            }
        }

        var referenceName: String {
            switch self {
            case .sha256, .hmac: "OpenSSL"
            case .blake3: "blake3 (Rust, SIMD)"
            case .sign, .recover, .checkSigner, .prepareKey: "libsecp256k1"
            }
        }
    }

    private struct Options {
        var seconds: Double
        var runReference: Bool
        var signOnceKey: String?
        var cpuTime: Bool
    }
}
