// The echo server mode: every text and binary message goes back unchanged; SIGINT/SIGTERM shut down gracefully.
import Dispatch
import HypergraphCommandLine
import HypergraphTLS
import HypergraphWebSocket

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

enum EchoServer {
    /// Serves until a termination signal, then returns the exit status.
    /// Serves wss:// with `tls` (reloaded on SIGHUP) when given.
    static func run(host: String, port: UInt16, tls: TLSServerContext?) async throws -> Int32 {
        // Echoing never blocks, so each connection's handler can run on its event loop: no thread hops.
        var configuration = WebSocketServerConfiguration()
        configuration.runsHandlersOnEventLoops = true
        let reloading = tls?.reloadOnHangUpSignal { failure in
            writeStandardError(failure.map { "SIGHUP: \($0)\n" } ?? "SIGHUP: reloaded the certificate\n")
        }
        defer { reloading?.cancel() }
        let server = WebSocketServer(
            configuration: configuration, tls: tls,
            httpHandler: { _ in .text("websocket-echo: connect with a WebSocket client.\n") },
            upgradeHandler: { _ in .accept(handler: echo) })
        let boundPort = try await server.start(host: host, port: port)
        writeStandardOutput("listening on \(host):\(boundPort)\n")
        await waitForTerminationSignal()
        writeStandardOutput("shutting down\n")
        await server.shutdown(gracePeriod: .seconds(2))
        return ExitStatus.success
    }

    /// Sends every text and binary message back until the connection closes.
    @Sendable
    static func echo(_ socket: WebSocket) async {
        for await event in socket.events {
            switch event {
            case .text(let text): socket.send(text: text)
            case .binary(let bytes): socket.send(binary: bytes)
            case .pong, .closed: break
            }
        }
    }

    /// Suspends until SIGINT or SIGTERM. The handler is explicitly `@Sendable` and non-isolated: on Linux a
    /// Dispatch handler that inherited the main actor would trap when the signal queue runs it.
    private static func waitForTerminationSignal() async {
        let (signals, continuation) = AsyncStream<Int32>.makeStream()
        var sources: [any DispatchSourceSignal] = []
        for signalNumber in [SIGINT, SIGTERM] {
            signal(signalNumber, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: signalNumber, queue: .global())
            source.setEventHandler { @Sendable in continuation.yield(signalNumber) }
            source.resume()
            sources.append(source)
        }
        for await _ in signals { break }
        for source in sources { source.cancel() }
    }
}
