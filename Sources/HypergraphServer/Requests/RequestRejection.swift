// Why a request was refused: becomes the `error` extension message (code, message, request type, ids).
import HypergraphJSON
import HypergraphProtocol
import HypergraphSigning
import HypergraphStore

/// A refused request. Nothing of it was persisted; the requester gets an `error` message and the connection stays
/// open.
struct RequestRejection: Error, Sendable, CustomStringConvertible {
    /// The error code sent.
    var code: ErrorCode
    /// What was wrong and what was expected, in words.
    var message: String
    /// For `invalid-message`: every schema problem with its JSON path.
    var issues: [ErrorIssue]?

    var description: String { "\(code.rawValue): \(message)" }

    static func forbidden(_ message: String) -> Self { Self(code: .forbidden, message: message) }
    static func notFound(_ message: String) -> Self { Self(code: .notFound, message: message) }
    static func invalidEvent(_ message: String) -> Self { Self(code: .invalidEvent, message: message) }
    static func invalidSignature(_ message: String) -> Self { Self(code: .invalidSignature, message: message) }
    static func conflict(_ message: String) -> Self { Self(code: .conflict, message: message) }

    /// A message that is not JSON, or JSON that does not match the schema of its `type`.
    init(decodingError error: MessageDecodingError) {
        if error.isMalformedJSON {
            code = .invalidJson
            message = "the message is not well-formed JSON: " + error.issues.map(\.description).joined(separator: "; ")
            issues = nil
        } else {
            code = .invalidMessage
            message =
                "the message does not match its schema (\(error.issues.count) problem(s)): "
                + error.issues.map(\.description).joined(separator: "; ")
            issues = error.issues.map { ErrorIssue(path: $0.path.description, message: $0.message) }
        }
    }

    /// A failure of the store: conflicts, missing things and non-membership are the requester's; the rest is the
    /// server's (`internal`).
    init(_ error: StoreError) {
        switch error {
        case .conflict(let conflict):
            self.init(code: .conflict, message: conflict.description)
        case .notFound(let entity):
            self.init(code: .notFound, message: "\(entity) does not exist")
        case .notMember:
            self.init(code: .forbidden, message: error.description)
        case .missingKeyBoxes:
            self.init(code: .invalidEvent, message: error.description)
        case .unavailable:
            self.init(code: .unavailable, message: error.description)
        case .schemaTooNew, .notAHypergraphDatabase, .foreignDatabase, .migrationFailed, .invalidConfiguration, .closed,
            .sqlite, .database:
            self.init(code: .internal, message: "the server could not complete the request: \(error)")
        }
    }

    /// A signature that could not be checked.
    init(_ error: SigningError, of what: String) {
        self.init(code: .invalidSignature, message: "\(what): \(error)")
    }

    private init(code: ErrorCode, message: String) {
        self.code = code
        self.message = message
        issues = nil
    }

    init(code: ErrorCode, message: String, issues: [ErrorIssue]?) {
        self.code = code
        self.message = message
        self.issues = issues
    }
}

/// The ids an `error` message repeats so the client can tell which request failed.
struct RequestIdentifiers: Sendable {
    var requestType: String?
    /// The ids by the `error` member that names them.
    var identifiers: [RequestIdentifierKind: String] = [:]

    /// The space the request concerns, for log lines.
    var spaceId: String? { identifiers[.spaceId] }

    /// The ids of a decoded request: those its schema's `x-hypergraph-correlation` lets an `error` name.
    init(_ message: ClientMessage) {
        if case .unknown(_, let raw) = message {
            self.init(raw: raw)
            return
        }
        self.init()
        requestType = message.type
        identifiers = message.expectedReply.namedIdentifiers
    }

    /// The ids of a message of unknown type (best effort: whatever string members are there).
    init(raw: JSONValue) {
        self.init(scanning: raw.serialized())
    }

    /// The ids a message that was not decoded seems to carry (best effort: the string members `type`, `spaceId`,
    /// `inboxId`, `updateId`, `id` of `subscribe-space`, and `event.transaction.id`/`inboxId`). It only scans the
    /// bytes, so it is cheap enough for requests refused by a limit; malformed JSON yields what came before the flaw.
    init(scanning bytes: [UInt8]) {
        var found = RequestIdentifiers()
        var subscribeId: String?
        _ = try? JSONReader.read(bytes) { reader in
            try reader.beginObject()
            while let key = try reader.nextKey() {
                switch key {
                case "type": found.requestType = try Self.readStringIfPresent(&reader)
                case "spaceId": found.identifiers[.spaceId] = try Self.readStringIfPresent(&reader)
                case "id": subscribeId = try Self.readStringIfPresent(&reader)
                case "inboxId": found.identifiers[.inboxId] = try Self.readStringIfPresent(&reader)
                case "updateId": found.identifiers[.updateId] = try Self.readStringIfPresent(&reader)
                case "event": try Self.scanEvent(&reader, into: &found)
                default: try reader.skipValue()
                }
            }
        }
        if found.requestType == "subscribe-space" { found.identifiers[.spaceId] = subscribeId }
        self = found
    }

    private static func readStringIfPresent(_ reader: inout JSONReader) throws -> String? {
        guard try reader.peek() == .string else {
            try reader.skipValue()
            return nil
        }
        return try reader.readString()
    }

    /// Reads `event.transaction.id` (and `inboxId`) into `found`.
    private static func scanEvent(_ reader: inout JSONReader, into found: inout RequestIdentifiers) throws {
        guard try reader.peek() == .object else { return try reader.skipValue() }
        try reader.beginObject()
        while let key = try reader.nextKey() {
            guard key == "transaction", try reader.peek() == .object else {
                try reader.skipValue()
                continue
            }
            try reader.beginObject()
            while let member = try reader.nextKey() {
                switch member {
                case "id": found.identifiers[.eventId] = try readStringIfPresent(&reader)
                case "inboxId":
                    let inboxId = try readStringIfPresent(&reader)
                    found.identifiers[.inboxId] = found.identifiers[.inboxId] ?? inboxId
                default: try reader.skipValue()
                }
            }
        }
    }

    /// No ids (the message could not be read at all).
    init() {}

    /// The `error` message for `rejection` of the request these ids belong to. An id that the message schema
    /// would not accept (a malformed inbox id echoed from a malformed request) is left out.
    func errorMessage(for rejection: RequestRejection) -> ErrorResponse {
        var response = ErrorResponse(
            code: rejection.code, message: rejection.message, requestType: requestType, issues: rejection.issues)
        for (kind, value) in identifiers { response[identifier: kind] = value }
        if !response.validationIssues.isEmpty { response.inboxId = nil }
        return response
    }
}
