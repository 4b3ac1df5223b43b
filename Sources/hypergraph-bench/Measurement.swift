// Shared timing and reporting helpers for every hypergraph-bench area.
// Benchmarks print figures; they never assert. Each figure is compared with a baseline measured in the same run.
#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Monotonic clock readings in nanoseconds.
enum MonotonicClock {
    /// Nanoseconds since an arbitrary fixed point; only differences are meaningful.
    static func now() -> UInt64 {
        var spec = timespec()
        clock_gettime(CLOCK_MONOTONIC, &spec)
        return UInt64(spec.tv_sec) &* 1_000_000_000 &+ UInt64(spec.tv_nsec)
    }
}

/// CPU time of the calling thread in nanoseconds: unlike the monotonic clock it does not advance while other
/// processes have the CPU, so single-threaded computations measure the same on a busy machine.
enum ThreadCPUClock {
    /// Nanoseconds of CPU time this thread has used; only differences are meaningful.
    static func now() -> UInt64 {
        var spec = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &spec)
        return UInt64(spec.tv_sec) &* 1_000_000_000 &+ UInt64(spec.tv_nsec)
    }
}

/// The result of timing an operation repeated `iterations` times.
struct Timing {
    /// How many times the operation ran.
    var iterations: Int
    /// Total elapsed time in seconds, on the clock the measurement used (wall clock unless stated).
    var seconds: Double

    /// Operations per second.
    var perSecond: Double { Double(iterations) / seconds }

    /// Megabytes (10^6 bytes) per second when each operation handles `bytesPerIteration` bytes.
    func megabytesPerSecond(bytesPerIteration: Int) -> Double {
        Double(bytesPerIteration) * Double(iterations) / seconds / 1_000_000
    }
}

/// Runs `operation` repeatedly: a short warm-up, then as many iterations as fit in `minimumSeconds`
/// (at least `minimumIterations`). The clock is read once per batch so fast operations are not dominated by it.
/// `clock` is the monotonic clock unless the caller measures CPU time (``ThreadCPUClock``).
func measure(
    minimumSeconds: Double = 1.0,
    minimumIterations: Int = 3,
    clock: () -> UInt64 = MonotonicClock.now,
    _ operation: () throws -> Void
) rethrows -> Timing {
    try operation() // warm-up: caches, lazy tables, allocator
    var iterations = 0
    var batch = 1
    let start = clock()
    var elapsed = 0.0
    while elapsed < minimumSeconds || iterations < minimumIterations {
        for _ in 0..<batch { try operation() }
        iterations += batch
        elapsed = Double(clock() - start) / 1e9
        if elapsed < minimumSeconds / 10 { batch *= 2 }
    }
    return Timing(iterations: iterations, seconds: elapsed)
}

/// CPU time in seconds of one process: in its own code and libraries (user) and in the kernel on its behalf (system).
struct CPUTime: Sendable {
    var user: Double
    var kernel: Double
    var total: Double { user + kernel }

    static func - (after: CPUTime, before: CPUTime) -> CPUTime {
        CPUTime(user: after.user - before.user, kernel: after.kernel - before.kernel)
    }
}

/// CPU time of this process (`"self"`, from `getrusage`) or of another one by pid (from `/proc`, Linux only; nil
/// elsewhere or when it has gone).
func cpuTime(of process: String) -> CPUTime? {
    if process == "self" {
        var usage = rusage()
        getrusage(resourceUsageOfSelf, &usage)
        func seconds(_ time: timeval) -> Double { Double(time.tv_sec) + Double(time.tv_usec) / 1e6 }
        return CPUTime(user: seconds(usage.ru_utime), kernel: seconds(usage.ru_stime))
    }
    guard let text = try? String(contentsOfFile: "/proc/\(process)/stat", encoding: .utf8),
        let end = text.lastIndex(of: ")")
    else { return nil }
    let fields = text[text.index(after: end)...].split(separator: " ") // fields 3 (state) onwards
    guard fields.count > 12, let user = Double(fields[11]), let system = Double(fields[12]) else { return nil }
    let ticksPerSecond = Double(sysconf(Int32(_SC_CLK_TCK)))
    return CPUTime(user: user / ticksPerSecond, kernel: system / ticksPerSecond)
}

/// CPU time (user + system) in seconds of a process; see `cpuTime(of:)`.
func cpuSeconds(of process: String) -> Double? {
    cpuTime(of: process)?.total
}

/// Percentile (0...100) of `samples` by nearest rank; `samples` need not be sorted. Returns 0 for no samples.
func percentile(_ samples: [Double], _ percent: Double) -> Double {
    guard !samples.isEmpty else { return 0 }
    let sorted = samples.sorted()
    let rank = Int((percent / 100 * Double(sorted.count)).rounded(.up)) - 1
    return sorted[min(max(rank, 0), sorted.count - 1)]
}

/// Formats a number with a fixed number of decimals, e.g. `format(1234.5678, 1)` → "1234.6".
func format(_ value: Double, _ decimals: Int = 1) -> String {
    var scale = 1.0
    for _ in 0..<decimals { scale *= 10 }
    let rounded = (value * scale).rounded() / scale
    var text = String(rounded)
    if decimals == 0, text.hasSuffix(".0") { text.removeLast(2) }
    if let dot = text.firstIndex(of: ".") {
        let fraction = text.distance(from: dot, to: text.endIndex) - 1
        if fraction < decimals { text += String(repeating: "0", count: decimals - fraction) }
    } else if decimals > 0 {
        text += "." + String(repeating: "0", count: decimals)
    }
    return text
}

/// Prints one aligned result row: a label, our figure, the baseline figure and the ratio ours/baseline.
/// The p50 and p99 of the latencies `ours` (milliseconds) beside those of `baseline`, one line each, labelled by
/// `label(percent)`.
func printPercentileComparison(
    _ label: (Int) -> String, ours: [Double], baseline: [Double], baselineName: String
) {
    for percent in [50, 99] {
        printComparison(
            label(percent), ours: percentile(ours, Double(percent)), baseline: percentile(baseline, Double(percent)),
            unit: "ms", baselineName: baselineName)
    }
}

func printComparison(_ label: String, ours: Double, baseline: Double, unit: String, baselineName: String) {
    let ratio = baseline > 0 ? ours / baseline : .infinity
    print(
        "\(padded(label)) \(format(ours)) \(unit)   \(baselineName): \(format(baseline)) \(unit)   ratio \(format(ratio, 2))x"
    )
}

/// Prints one aligned result row without a baseline.
func printFigure(_ label: String, _ value: Double, unit: String) {
    print("\(padded(label)) \(format(value)) \(unit)")
}

/// Pads `label` with spaces to a fixed column width so result rows line up.
func padded(_ label: String, width: Int = 44) -> String {
    label.count >= width ? label : label + String(repeating: " ", count: width - label.count)
}

/// Keeps a value alive and opaque to the optimiser so benchmarked work is not eliminated.
@inline(never)
func blackHole<T>(_ value: T) {
    withExtendedLifetime(value) {}
}
