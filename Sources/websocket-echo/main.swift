// websocket-echo: an RFC 6455 echo server on HypergraphWebSocket (the endpoint Autobahn|Testsuite and the
// interoperability script test), plus two client modes that exercise HypergraphWebSocket's client.
import HypergraphCommandLine
import HypergraphTLS

let root = Command(
    name: "websocket-echo",
    abstract: "Echo every WebSocket text and binary message back unchanged.",
    discussion: """
        Serves on --host/--port until SIGINT or SIGTERM, then shuts down gracefully (close code 1001).
        Prints 'listening on HOST:PORT' once ready. With --tls-cert and --tls-key it serves wss:// (SIGHUP reloads
        the files). Client modes (wss:// URLs are verified against the system's CAs plus --ca-file):
          --autobahn-client URL   drive Autobahn's fuzzing server at URL through all its cases, then update reports
          --interop-client URL    check text, binary, fragmentation, ping and close codes against an echo server at URL
        """,
    options: [
        .value("port", short: "p", help: "TCP port to listen on; 0 picks a free one.", default: "9001"),
        .value("host", help: "Address to listen on.", default: "127.0.0.1"),
        .value(
            "autobahn-client", valueName: "URL", help: "Run as Autobahn client driver against URL instead of serving."),
        .value("agent", help: "Agent name reported to Autobahn.", default: "hypergraph-swift"),
        .value(
            "interop-client", valueName: "URL", help: "Run the interoperability checks against URL instead of serving."),
        .value("tls-cert", valueName: "PEM", help: "Serve wss://: certificate chain file (leaf first)."),
        .value("tls-key", valueName: "PEM", help: "The private key of --tls-cert."),
        .value("ca-file", valueName: "PEM", help: "Client modes: also trust these CA certificates."),
    ]
) { arguments in
    let tls = TLSClientConfiguration(additionalTrustRootsFile: arguments.value("ca-file"))
    if let url = arguments.value("autobahn-client") {
        return try await AutobahnClientDriver(baseURL: url, agent: arguments.required("agent"), tls: tls).run()
    }
    if let url = arguments.value("interop-client") {
        return await InteropChecks(url: url, tls: tls).run()
    }
    guard let port = try arguments.integer("port", in: 0...65535) else { throw arguments.usageError("Missing --port.") }
    let certificate = try arguments.value("tls-cert").map {
        try TLSServerContext(certificateChainFile: $0, privateKeyFile: try arguments.required("tls-key"))
    }
    return try await EchoServer.run(host: arguments.required("host"), port: UInt16(port), tls: certificate)
}

await runCommandLine(root)
