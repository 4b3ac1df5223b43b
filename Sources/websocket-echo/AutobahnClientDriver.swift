// Drives Autobahn|Testsuite's fuzzing server (wstest -m fuzzingserver) with HypergraphWebSocket's client:
// asks for the case count, runs every case as an echo client, then asks the server to write its reports.
import HypergraphCommandLine
import HypergraphTLS
import HypergraphWebSocket

struct AutobahnClientDriver {
    /// The fuzzing server, e.g. `ws://127.0.0.1:9001`.
    var baseURL: String
    /// The name the reports file the results under.
    var agent: String
    /// How a wss:// server's certificate is checked.
    var tls: TLSClientConfiguration

    func run() async throws -> Int32 {
        let count = try await caseCount()
        writeStandardOutput("autobahn client: running \(count) cases as '\(agent)'\n")
        for index in stride(from: 1, through: count, by: 1) {
            do {
                let socket = try await WebSocketClient.connect(
                    to: "\(baseURL)/runCase?case=\(index)&agent=\(agent)", configuration: configuration)
                await echoOnEventLoop(socket)
            } catch {
                writeStandardError("case \(index): \(error)\n")
            }
        }
        let reports = try await WebSocketClient.connect(to: "\(baseURL)/updateReports?agent=\(agent)", tls: tls)
        for await _ in reports.events {}
        writeStandardOutput("autobahn client: reports updated\n")
        return ExitStatus.success
    }

    /// Echoes on the connection's event loop when the platform has task executors (no thread hops).
    private func echoOnEventLoop(_ socket: WebSocket) async {
        if #available(macOS 15.0, *) {
            await withTaskExecutorPreference(socket.taskExecutor) { await EchoServer.echo(socket) }
        } else {
            await EchoServer.echo(socket)
        }
    }

    /// Echo cases need the full message size and no idle pings.
    private var configuration: WebSocketConfiguration {
        var configuration = WebSocketConfiguration()
        configuration.pingInterval = nil
        return configuration
    }

    private func caseCount() async throws -> Int {
        let socket = try await WebSocketClient.connect(to: "\(baseURL)/getCaseCount", tls: tls)
        var count: Int?
        for await event in socket.events {
            if case .text(let text) = event { count = Int(text) }
        }
        guard let count else { throw AutobahnDriverError(message: "the fuzzing server sent no case count") }
        return count
    }
}

/// A failure of the driver itself (not of a test case).
struct AutobahnDriverError: Error, CustomStringConvertible {
    var message: String
    var description: String { message }
}
