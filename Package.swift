// swift-tools-version:6.1
// hypergraph-swift: a dependency-free Swift toolkit for the Hypergraph sync protocol.
// Only Foundation, Dispatch, the C library, the system SQLite and (for TLS) the system OpenSSL are used; see docs/architecture.md.
import PackageDescription

let package = Package(
    name: "hypergraph-swift",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "HypergraphJSON", targets: ["HypergraphJSON"]),
        .library(name: "HypergraphCodec", targets: ["HypergraphCodec"]),
        .library(name: "HypergraphProtocol", targets: ["HypergraphProtocol"]),
        .library(name: "HypergraphCrypto", targets: ["HypergraphCrypto"]),
        .library(name: "HypergraphSigning", targets: ["HypergraphSigning"]),
        .library(name: "HypergraphTLS", targets: ["HypergraphTLS"]),
        .library(name: "HypergraphEventLoop", targets: ["HypergraphEventLoop"]),
        .library(name: "HypergraphHTTP", targets: ["HypergraphHTTP"]),
        .library(name: "HypergraphWebSocket", targets: ["HypergraphWebSocket"]),
        .library(name: "HypergraphStore", targets: ["HypergraphStore"]),
        .library(name: "HypergraphPostgresStore", targets: ["HypergraphPostgresStore"]),
        .library(name: "HypergraphServer", targets: ["HypergraphServer"]),
        .library(name: "HypergraphClient", targets: ["HypergraphClient"]),
        .library(name: "HypergraphConformance", targets: ["HypergraphConformance"]),
        .library(name: "HypergraphPostgres", targets: ["HypergraphPostgres"]),
        .executable(name: "hypergraph", targets: ["hypergraph"]),
        .executable(name: "hypergraph-codegen", targets: ["hypergraph-codegen"]),
        .executable(name: "hypergraph-bench", targets: ["hypergraph-bench"]),
        .executable(name: "websocket-echo", targets: ["websocket-echo"]),
        .executable(name: "hypergraph-fuzz", targets: ["hypergraph-fuzz"]),
        .plugin(name: "GenerateHypergraphCode", targets: ["GenerateHypergraphCode"]),
    ],
    targets: [
        // MARK: Libraries
        .target(name: "HypergraphJSON"),
        .target(name: "HypergraphCrypto"),
        // Argument parsing for the executables here (a target, not a product).
        .target(name: "HypergraphCommandLine"),
        // The runtime of generated code; what other packages' generated code compiles against, so it stays light.
        .target(name: "HypergraphCodec", dependencies: ["HypergraphJSON"]),
        .target(name: "HypergraphProtocol", dependencies: ["HypergraphCodec", "HypergraphJSON"]),
        .target(
            name: "HypergraphSigning",
            dependencies: ["HypergraphProtocol", "HypergraphCrypto", "HypergraphJSON"]
        ),
        .systemLibrary(
            name: "COpenSSL",
            pkgConfig: "openssl",
            providers: [.apt(["libssl-dev"]), .brew(["openssl@3"])]
        ),
        .target(name: "HypergraphTLS", dependencies: ["COpenSSL"]),
        .target(name: "HypergraphEventLoop", dependencies: ["HypergraphTLS"]),
        .target(name: "HypergraphHTTP", dependencies: ["HypergraphEventLoop", "HypergraphTLS"]),
        .target(
            name: "HypergraphWebSocket",
            dependencies: ["HypergraphEventLoop", "HypergraphHTTP", "HypergraphCrypto", "HypergraphTLS"]
        ),
        .target(name: "HypergraphPostgres", dependencies: ["HypergraphCrypto", "HypergraphEventLoop"]),
        // A throwaway PostgreSQL cluster for tests and benchmarks (not a product).
        .target(name: "PostgresTestSupport", dependencies: ["HypergraphPostgres"], path: "Tests/PostgresTestSupport"),
        // Test certificates made with the openssl command, for the TLS tests and benchmark (not a product).
        .target(name: "TLSTestSupport", path: "Tests/TLSTestSupport"),
        .systemLibrary(
            name: "CSQLite",
            pkgConfig: "sqlite3",
            providers: [.apt(["libsqlite3-dev"]), .brew(["sqlite"])]
        ),
        .target(name: "HypergraphStore", dependencies: ["CSQLite"]),
        .target(name: "HypergraphPostgresStore", dependencies: ["HypergraphStore", "HypergraphPostgres"]),
        .target(
            name: "HypergraphServer",
            dependencies: [
                "HypergraphProtocol", "HypergraphSigning", "HypergraphStore", "HypergraphPostgresStore",
                "HypergraphPostgres", "HypergraphWebSocket", "HypergraphHTTP", "HypergraphCrypto", "HypergraphJSON",
                "HypergraphTLS",
            ]
        ),
        .target(
            name: "HypergraphClient",
            dependencies: [
                "HypergraphProtocol", "HypergraphSigning", "HypergraphWebSocket", "HypergraphHTTP", "HypergraphCrypto",
                "HypergraphJSON", "HypergraphTLS",
            ]
        ),

        .target(
            name: "HypergraphConformance",
            dependencies: [
                "HypergraphClient", "HypergraphProtocol", "HypergraphSigning", "HypergraphWebSocket", "HypergraphHTTP",
                "HypergraphCrypto", "HypergraphJSON", "HypergraphTLS",
            ]
        ),

        // MARK: Executables
        .executableTarget(
            name: "hypergraph",
            dependencies: [
                "HypergraphCommandLine", "HypergraphJSON", "HypergraphProtocol",
                "HypergraphCrypto", "HypergraphSigning", "HypergraphStore", "HypergraphServer", "HypergraphClient",
                "HypergraphConformance", "HypergraphWebSocket", "HypergraphTLS",
            ]
        ),
        .executableTarget(
            name: "hypergraph-codegen",
            dependencies: ["HypergraphCommandLine", "HypergraphJSON"],
            path: "Generator"
        ),
        .executableTarget(
            name: "hypergraph-bench",
            dependencies: [
                "HypergraphCommandLine", "HypergraphJSON", "HypergraphProtocol", "HypergraphSigning",
                "HypergraphCrypto", "HypergraphWebSocket", "HypergraphEventLoop", "HypergraphStore", "HypergraphServer",
                "HypergraphClient", "HypergraphPostgres", "PostgresTestSupport", "HypergraphTLS", "TLSTestSupport",
            ]
        ),
        .executableTarget(
            name: "websocket-echo",
            dependencies: ["HypergraphCommandLine", "HypergraphWebSocket", "HypergraphTLS"]
        ),

        .executableTarget(name: "hypergraph-fuzz", dependencies: ["HypergraphJSON", "HypergraphProtocol"]),
        // The client example of README.md, word for word; HypergraphServerTests runs it against a reference server
        // (not a product).
        .executableTarget(name: "ClientExample", dependencies: ["HypergraphClient"], path: "Examples/ClientExample"),

        // MARK: Plugins

        // `swift package --allow-writing-to-package-directory generate-hypergraph-code --target T` (docs/schemas.md).
        .plugin(
            name: "GenerateHypergraphCode",
            capability: .command(
                intent: .custom(
                    verb: "generate-hypergraph-code",
                    description: "Generate Swift codecs from the package's Schemas/ into a target's Generated/ folder."
                ),
                permissions: [
                    .writeToPackageDirectory(
                        reason: "Writes the generated Swift files into Sources/<target>/Generated/.")
                ]
            ),
            dependencies: ["hypergraph-codegen"]
        ),

        // MARK: Tests (one per module)
        // The seeded random number generator of the pseudorandom tests (not a product).
        .target(name: "SeededRandom", path: "Tests/SeededRandom"),
        .testTarget(name: "HypergraphJSONTests", dependencies: ["HypergraphJSON", "SeededRandom"]),
        .testTarget(name: "HypergraphCodecTests", dependencies: ["HypergraphCodec", "HypergraphJSON", "SeededRandom"]),
        .testTarget(
            name: "HypergraphProtocolTests",
            dependencies: ["HypergraphProtocol", "HypergraphJSON", "SeededRandom"],
            resources: [.copy("Fixtures")]
        ),
        .testTarget(
            name: "HypergraphCryptoTests",
            dependencies: ["HypergraphCrypto", "SeededRandom"],
            resources: [.copy("Fixtures")]
        ),
        .testTarget(
            name: "HypergraphSigningTests",
            dependencies: [
                "HypergraphSigning", "HypergraphProtocol", "HypergraphCrypto", "HypergraphJSON", "SeededRandom",
            ]
        ),
        .testTarget(name: "HypergraphEventLoopTests", dependencies: ["HypergraphEventLoop"]),
        .testTarget(name: "HypergraphHTTPTests", dependencies: ["HypergraphHTTP", "HypergraphEventLoop"]),
        .testTarget(
            name: "HypergraphWebSocketTests",
            dependencies: [
                "HypergraphWebSocket", "HypergraphHTTP", "HypergraphEventLoop", "HypergraphTLS", "TLSTestSupport",
            ]
        ),
        .testTarget(name: "HypergraphCommandLineTests", dependencies: ["HypergraphCommandLine"]),
        .testTarget(
            name: "HypergraphStoreTests",
            dependencies: ["HypergraphStore", "HypergraphPostgresStore", "HypergraphPostgres", "PostgresTestSupport"]
        ),
        .testTarget(
            name: "HypergraphServerTests",
            dependencies: [
                "HypergraphServer", "HypergraphClient", "HypergraphStore", "HypergraphProtocol", "HypergraphSigning",
                "HypergraphCrypto", "HypergraphWebSocket", "HypergraphHTTP", "HypergraphJSON", "PostgresTestSupport",
            ]
        ),
        .testTarget(
            name: "HypergraphClientTests",
            dependencies: [
                "HypergraphClient", "HypergraphServer", "HypergraphProtocol", "HypergraphSigning", "HypergraphCrypto",
                "HypergraphWebSocket", "HypergraphHTTP", "HypergraphJSON", "HypergraphTLS", "TLSTestSupport",
            ]
        ),
        .testTarget(
            name: "HypergraphConformanceTests",
            dependencies: [
                "HypergraphConformance", "HypergraphServer", "HypergraphClient", "HypergraphStore",
                "HypergraphProtocol",
                "HypergraphSigning", "HypergraphCrypto", "HypergraphJSON",
            ]
        ),
        .testTarget(
            name: "HypergraphPostgresTests",
            dependencies: ["HypergraphPostgres", "PostgresTestSupport", "HypergraphCrypto"]
        ),
        .testTarget(name: "GeneratorTests", dependencies: ["hypergraph-codegen", "HypergraphCommandLine"]),
    ],
    swiftLanguageModes: [.v6]
)
