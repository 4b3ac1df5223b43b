// swift-tools-version:6.1
// A package with schemas of its own, generated with hypergraph-swift's command plugin (docs/schemas.md):
//   swift package --allow-writing-to-package-directory generate-hypergraph-code --target SampleMessages
import PackageDescription

let package = Package(
    name: "SampleMessages",
    platforms: [.macOS(.v15)],
    dependencies: [.package(name: "hypergraph-swift", path: "../..")],
    targets: [
        // The types generated from Schemas/ (in Generated/) on top of the HypergraphCodec runtime.
        .target(name: "SampleMessages", dependencies: [.product(name: "HypergraphCodec", package: "hypergraph-swift")]),
        // Decodes, validates and encodes sample messages; exits 1 when anything is not as expected.
        .executableTarget(name: "sample-messages", dependencies: ["SampleMessages"]),
    ],
    swiftLanguageModes: [.v6]
)
