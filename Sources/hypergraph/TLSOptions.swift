// The TLS options of the commands: a server's certificate (`serve`), and how a client checks one (`conformance run`).
import HypergraphCommandLine
import HypergraphTLS

enum TLSOptions {
    /// `--tls-cert PEM --tls-key PEM`.
    static let server: [Option] = [
        .value("tls-cert", valueName: "PEM", help: "Serve wss:// and https://: certificate chain file (leaf first)."),
        .value("tls-key", valueName: "PEM", help: "The private key of --tls-cert."),
    ]

    /// `--ca-file PEM` and `--insecure-no-tls-verify`.
    static let client: [Option] = [
        .value("ca-file", valueName: "PEM", help: "Also trust these CA certificates for wss:// and https://."),
        .flag("insecure-no-tls-verify", help: "Do not verify TLS certificates (testing only; prints a warning)."),
    ]

    /// The server certificate the options name, or nil when TLS is off.
    static func serverContext(_ arguments: ParsedArguments) throws -> TLSServerContext? {
        let certificate = arguments.value("tls-cert")
        let key = arguments.value("tls-key")
        guard certificate != nil || key != nil else { return nil }
        guard let certificate, let key else { throw arguments.usageError("--tls-cert and --tls-key go together.") }
        return try TLSServerContext(certificateChainFile: certificate, privateKeyFile: key)
    }

    /// How the options say certificates are checked; warns when verification is off.
    static func clientConfiguration(_ arguments: ParsedArguments) throws -> TLSClientConfiguration {
        var configuration = TLSClientConfiguration(additionalTrustRootsFile: arguments.value("ca-file"))
        if arguments.flag("insecure-no-tls-verify") {
            writeStandardError(
                "WARNING: TLS certificate verification is off (--insecure-no-tls-verify): the server is not authenticated.\n"
            )
            configuration.verification = .insecureNoVerification
        }
        try configuration.validate()
        return configuration
    }
}
