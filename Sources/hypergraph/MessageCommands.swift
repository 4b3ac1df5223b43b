// `hypergraph message validate` and `hypergraph message format`: decode messages with the generated codec and
// report every problem with its JSON path, or print the canonical wire form.
import HypergraphCommandLine
import HypergraphJSON
import HypergraphProtocol

/// The direction a message travels, which selects the union it is decoded as.
enum MessageDirection: String, CaseIterable {
    case client, server, any
}

/// A message decoded as one of the two unions.
enum DecodedMessage {
    case client(ClientMessage)
    case server(ServerMessage)

    /// The message's `type` member.
    var type: String {
        switch self {
        case .client(let message): message.type
        case .server(let message): message.type
        }
    }

    /// The canonical wire form.
    func jsonString() -> String {
        switch self {
        case .client(let message): message.jsonString()
        case .server(let message): message.jsonString()
        }
    }
}

/// Decodes protocol messages strictly: unknown `type`s are problems here, not skippable values.
enum MessageDecoder {
    static let strict = DecodingOptions(acceptsUnknownTypes: false)

    /// Decodes `bytes` as a message travelling in `direction`. With `.any`, a message whose `type` belongs to
    /// only one direction is decoded as that direction; `list-spaces` and `list-invitations`, which both
    /// directions use, are accepted when either union accepts them.
    static func decode(_ bytes: some Collection<UInt8>, direction: MessageDirection) throws(MessageDecodingError)
        -> DecodedMessage
    {
        switch direction {
        case .client: return .client(try ClientMessage(jsonUTF8: bytes, options: strict))
        case .server: return .server(try ServerMessage(jsonUTF8: bytes, options: strict))
        case .any:
            let clientResult = Result { () throws(MessageDecodingError) in
                try ClientMessage(jsonUTF8: bytes, options: strict)
            }
            if case .success(let message) = clientResult { return .client(message) }
            let serverResult = Result { () throws(MessageDecodingError) in
                try ServerMessage(jsonUTF8: bytes, options: strict)
            }
            if case .success(let message) = serverResult { return .server(message) }
            guard case .failure(let clientError) = clientResult, case .failure(let serverError) = serverResult else {
                preconditionFailure("both decodes failed above")
            }
            return try reportBest(clientError, serverError, bytes: bytes)
        }
    }

    /// Chooses which direction's problems to report when neither union accepts a message.
    private static func reportBest(
        _ clientError: MessageDecodingError, _ serverError: MessageDecodingError, bytes: some Collection<UInt8>
    ) throws(MessageDecodingError) -> DecodedMessage {
        if clientError.isMalformedJSON { throw clientError }
        let type = (try? JSONValue.parse(Array(bytes)))?["type"]?.stringValue
        if let type, ServerMessage.knownTypes.contains(type), !ClientMessage.knownTypes.contains(type) {
            throw serverError
        }
        if let type, !ClientMessage.knownTypes.contains(type) {
            let known = (ClientMessage.knownTypes + ServerMessage.knownTypes).map { "\"\($0)\"" }
            throw MessageDecodingError(issues: [
                JSONError(
                    kind: .invalidValue, path: JSONPath.root.appending(key: "type"),
                    message:
                        "unknown message type \"\(type)\"; expected one of \(Set(known).sorted().joined(separator: ", "))"
                )
            ])
        }
        throw clientError
    }
}

/// The `message validate` and `message format` commands.
enum MessageCommands {
    private static let directionOption = Option.value(
        "from", valueName: "direction", help: "Which side sends the message: client, server or any.", default: "any",
        allowed: MessageDirection.allCases.map(\.rawValue))
    private static let linesOption = Option.flag(
        "lines", help: "Read one JSON message per line instead of one document.")

    /// `hypergraph message validate [FILE|-] [--from client|server|any] [--lines]`.
    static let validate = Command(
        name: "validate",
        abstract: "Check that JSON messages are valid protocol messages.",
        discussion: """
            Prints `ok <type>` for each valid message, or each problem as `path: problem`. With --lines, every \
            output line starts with `line N: `. Exits 0 when every message is valid, 1 when any is invalid, \
            2 on a usage error.
            """,
        options: [directionOption, linesOption],
        arguments: [inputArgument]
    ) { arguments in
        try forEachMessage(arguments) { prefix, result in
            switch result {
            case .success(let message):
                writeStandardOutput("\(prefix)ok \(message.type)\n")
            case .failure(let error):
                writeStandardOutput(error.issues.map { "\(prefix)\($0)\n" }.joined())
            }
        }
    }

    /// `hypergraph message format [FILE|-] [--from client|server|any] [--lines]`.
    static let format = Command(
        name: "format",
        abstract: "Re-encode JSON messages in canonical wire form.",
        discussion: """
            Decodes each message and prints it as the toolkit sends it: compact JSON, byte arrays in the \
            {"__type":"Uint8Array","data":[…]} envelope, timestamps in toISOString() form, absent optional members \
            omitted, seed spellings replaced by the real client's. Problems go to standard error as \
            `path: problem`; the exit status is 1 when any message is invalid.
            """,
        options: [directionOption, linesOption],
        arguments: [inputArgument]
    ) { arguments in
        try forEachMessage(arguments) { prefix, result in
            switch result {
            case .success(let message):
                writeStandardOutput(message.jsonString() + "\n")
            case .failure(let error):
                writeStandardError(error.issues.map { "\(prefix)\($0)\n" }.joined())
            }
        }
    }

    /// Decodes every message of the input and hands each result to `report`; returns the exit status.
    private static func forEachMessage(
        _ arguments: ParsedArguments,
        _ report: (_ prefix: String, Result<DecodedMessage, MessageDecodingError>) -> Void
    ) throws -> Int32 {
        let direction = MessageDirection(rawValue: arguments.value("from") ?? "any") ?? .any
        let input = try InputSource.read(arguments.argument("file"))
        let documents: [(prefix: String, bytes: ArraySlice<UInt8>)] =
            arguments.flag("lines")
            ? InputSource.lines(of: input).map { ("line \($0.number): ", $0.bytes) }
            : [("", input[...])]
        var allValid = true
        for document in documents {
            let result = Result { () throws(MessageDecodingError) in
                try MessageDecoder.decode(document.bytes, direction: direction)
            }
            if case .failure = result { allValid = false }
            report(document.prefix, result)
        }
        return allValid ? ExitStatus.success : ExitStatus.failure
    }
}
