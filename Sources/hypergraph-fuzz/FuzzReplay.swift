// Entry point of ordinary builds: replays inputs (e.g. crash files libFuzzer saved) through the same checks, so a
// finding can be debugged without the fuzzer. scripts/fuzz.sh builds with `-DHYPERGRAPH_FUZZING`, which removes
// this entry point so that libFuzzer's own `main` drives `LLVMFuzzerTestOneInput` (SwiftPM compiles executables
// with `-parse-as-library` under `--sanitize=fuzzer` but does not rename an `@main` entry point, so the two
// `main` symbols would clash).
#if !HYPERGRAPH_FUZZING
    #if canImport(Glibc)
        import Glibc
    #elseif canImport(Darwin)
        import Darwin
    #endif

    @main
    enum FuzzReplay {
        static func main() {
            let paths = CommandLine.arguments.dropFirst()
            guard !paths.isEmpty else {
                print("usage: hypergraph-fuzz FILE...   (replays inputs; scripts/fuzz.sh builds the libFuzzer variant)")
                exit(2)
            }
            for path in paths {
                guard let bytes = readFile(path) else {
                    print("\(path): cannot read")
                    exit(1)
                }
                bytes.withUnsafeBytes { FuzzChecks.run($0) }
                print("\(path): \(bytes.count) bytes, ok")
            }
        }

        private static func readFile(_ path: String) -> [UInt8]? {
            guard let file = fopen(path, "rb") else { return nil }
            defer { fclose(file) }
            var bytes: [UInt8] = []
            var chunk = [UInt8](repeating: 0, count: 65_536)
            while true {
                let count = fread(&chunk, 1, chunk.count, file)
                bytes.append(contentsOf: chunk[..<count])
                if count < chunk.count { return ferror(file) == 0 ? bytes : nil }
            }
        }
    }
#endif
