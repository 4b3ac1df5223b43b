// The toolkit's version: the one place it is written in code. CHANGELOG.md's latest section must name the same
// version (CommandLineToolTests in HypergraphServerTests checks both against `hypergraph --version`).

/// The hypergraph-swift toolkit as a whole.
public enum HypergraphToolkit {
    /// The version of this toolkit (semantic versioning), as `hypergraph --version` prints it.
    public static let version = "0.6.0"
}
