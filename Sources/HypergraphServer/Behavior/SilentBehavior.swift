// A server without the `error` extension, for the conformance suite's self-test (issue 12 §2). Never used by
// `hypergraph serve`.

/// **Test-only.** The protocol with its recommended fixes, but refused requests are answered with silence instead of
/// the `error` extension message — what the TypeScript server does (PROTOCOL.md §1.5). A conforming client, and every
/// MUST case of the conformance suite, must cope with that.
@_spi(Testing) public struct SilentBehavior: ServerBehavior {
    /// Creates the behaviour.
    public init() {}

    /// False: no `error` messages.
    public var answersRefusalsWithErrors: Bool { false }
}
