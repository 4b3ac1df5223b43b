// Building HTTP responses: JSON bodies, the error shape `{"error": …}`, and CORS headers.
import HypergraphHTTP
import HypergraphJSON
import HypergraphWebSocket

extension HTTPResponse {
    /// A JSON response with `value` as its body.
    static func json(_ value: JSONValue, status: Int = 200) -> HTTPResponse {
        .json(value.serialized(), status: status)
    }

    /// `{"error": message}` with `status`, the error shape of the TS server's inbox routes (§10.1).
    static func jsonError(_ message: String, status: Int) -> HTTPResponse {
        .json(["error": .string(message)], status: status)
    }

    /// Adds the headers that let browser apps on any origin call the server, as the TS server's `cors()` does.
    mutating func allowAnyOrigin() {
        headers.replace(name: "Access-Control-Allow-Origin", value: "*")
    }

    /// The answer to a CORS preflight request.
    static var preflight: HTTPResponse {
        HTTPResponse(
            status: 204,
            headers: [
                "Access-Control-Allow-Methods": "GET, POST, OPTIONS",
                "Access-Control-Allow-Headers": "Content-Type, Authorization",
                "Access-Control-Max-Age": "86400",
            ])
    }
}
