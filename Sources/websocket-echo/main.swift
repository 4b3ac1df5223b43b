// websocket-echo: an RFC 6455 echo server on HypergraphWebSocket (the endpoint Autobahn|Testsuite and the
// interoperability script test), plus two client modes that exercise HypergraphWebSocket's client.
import HypergraphCommandLine

let root = Command(
    name: "websocket-echo",
    abstract: "Echo every WebSocket text and binary message back unchanged.",
    discussion: """
        Serves on --host/--port until SIGINT or SIGTERM, then shuts down gracefully (close code 1001).
        Prints 'listening on HOST:PORT' once ready. Client modes:
          --autobahn-client URL   drive Autobahn's fuzzing server at URL through all its cases, then update reports
          --interop-client URL    check text, binary, fragmentation, ping and close codes against an echo server at URL
        """,
    options: [
        .value("port", short: "p", help: "TCP port to listen on; 0 picks a free one.", default: "9001"),
        .value("host", help: "Address to listen on.", default: "127.0.0.1"),
        .value("autobahn-client", valueName: "URL", help: "Run as Autobahn client driver against URL instead of serving."),
        .value("agent", help: "Agent name reported to Autobahn.", default: "hypergraph-swift"),
        .value("interop-client", valueName: "URL", help: "Run the interoperability checks against URL instead of serving."),
    ]
) { arguments in
    if let url = arguments.value("autobahn-client") {
        return try await AutobahnClientDriver(baseURL: url, agent: arguments.required("agent")).run()
    }
    if let url = arguments.value("interop-client") {
        return await InteropChecks(url: url).run()
    }
    guard let port = try arguments.integer("port", in: 0...65535) else { throw arguments.usageError("Missing --port.") }
    return try await EchoServer.run(host: arguments.required("host"), port: UInt16(port))
}

await runCommandLine(root)
