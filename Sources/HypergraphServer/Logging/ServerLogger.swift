import HypergraphProtocol
import Synchronization

// Structured one-line logs: `<ISO-8601 time> level=<level> event=<name> key=value …` (logfmt), one line per call.
//
// Concurrency: the logger is immutable; the standard-error sink serialises whole lines with its own Mutex so that
// lines from different connections never interleave.
#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// How important a log line is; lines below the configured level are dropped.
public enum LogLevel: String, Sendable, Hashable, CaseIterable, Comparable {
    /// Every request, including successful reads.
    case debug
    /// Connections, requests and their outcomes, start and stop.
    case info
    /// Rejected requests and refused connections, with their reasons.
    case warn
    /// Failures of the server itself (storage errors, a listener that cannot start).
    case error

    private var rank: Int {
        switch self {
        case .debug: 0
        case .info: 1
        case .warn: 2
        case .error: 3
        }
    }

    /// Orders levels from `debug` (least important) to `error`.
    public static func < (lhs: LogLevel, rhs: LogLevel) -> Bool { lhs.rank < rhs.rank }
}

/// Where finished log lines go.
public struct LogSink: Sendable {
    /// Receives one complete line, without the trailing newline.
    public let write: @Sendable (String) -> Void

    /// A sink calling `write` for every line (tests collect lines this way).
    public init(_ write: @escaping @Sendable (String) -> Void) {
        self.write = write
    }

    /// Standard error, one `write(2)` per line under a lock.
    public static let standardError = LogSink { line in
        var bytes = Array(line.utf8)
        bytes.append(UInt8(ascii: "\n"))
        standardErrorLock.withLock { _ in writeAll(bytes, to: STDERR_FILENO) }
    }
}

/// Writes every byte, retrying after interruptions; gives up silently on other errors (logging must not fail).
private func writeAll(_ bytes: [UInt8], to descriptor: Int32) {
    bytes.withUnsafeBytes { buffer in
        guard let base = buffer.baseAddress else { return }
        var offset = 0
        while offset < buffer.count {
            let written = write(descriptor, base + offset, buffer.count - offset)
            if written < 0 {
                if errno == EINTR { continue }
                return
            }
            offset += written
        }
    }
}

private let standardErrorLock = Mutex(())

/// Writes structured log lines at or above a minimum level.
struct ServerLogger: Sendable {
    let minimumLevel: LogLevel
    let sink: LogSink

    /// Whether lines of `level` are written (check before building expensive fields).
    func isEnabled(_ level: LogLevel) -> Bool { level >= minimumLevel }

    /// Writes `event` with `fields` in order; fields whose value is nil are left out.
    func log(_ level: LogLevel, _ event: String, _ fields: [(String, String?)] = []) {
        guard isEnabled(level) else { return }
        let now = Timestamp(millisecondsSince1970: currentMilliseconds())
        var line = "\(now.iso8601) level=\(level.rawValue) event=\(ServerLogger.format(event))"
        for (key, value) in fields {
            guard let value else { continue }
            line += " \(key)=\(ServerLogger.format(value))"
        }
        sink.write(line)
    }

    /// A value as logfmt writes it: bare when it has no spaces, quotes, `=` or control characters, otherwise
    /// quoted with `"` and `\` escaped and control characters written as `\n`, `\t` or `\u{…}`.
    static func format(_ value: String) -> String {
        let needsQuotes =
            value.isEmpty
            || value.unicodeScalars.contains { scalar in
                scalar == " " || scalar == "\"" || scalar == "=" || scalar == "\\" || scalar.value < 0x20
                    || scalar.value == 0x7F
            }
        guard needsQuotes else { return value }
        var quoted = "\""
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\"": quoted += "\\\""
            case "\\": quoted += "\\\\"
            case "\n": quoted += "\\n"
            case "\r": quoted += "\\r"
            case "\t": quoted += "\\t"
            case _ where scalar.value < 0x20 || scalar.value == 0x7F:
                quoted += "\\u{\(String(scalar.value, radix: 16))}"
            default: quoted.unicodeScalars.append(scalar)
            }
        }
        return quoted + "\""
    }
}

/// Milliseconds since 1970 from the wall clock.
func currentMilliseconds() -> Int64 {
    var now = timespec()
    clock_gettime(CLOCK_REALTIME, &now)
    return Int64(now.tv_sec) * 1_000 + Int64(now.tv_nsec) / 1_000_000
}
