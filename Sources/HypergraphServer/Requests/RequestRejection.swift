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

    /// The ids a message that was not decoded seems to carry (best effort): its string `type` and the string members
    /// that type's schema lets an `error` name (`ClientMessage.errorIdentifierPointers`); for a type unknown here,
    /// whichever of `unknownTypePointers` are there. It only scans the bytes, so it is cheap enough for requests
    /// refused by a limit; malformed JSON yields what came before the flaw.
    init(scanning bytes: [UInt8]) {
        var strings: [String: String] = [:]
        _ = try? JSONReader.read(bytes) { reader in
            try Self.scanStrings(&reader, at: "", into: &strings)
        }
        self.init()
        requestType = strings["/type"]
        let pointers = requestType.flatMap { ClientMessage.errorIdentifierPointers[$0] } ?? Self.unknownTypePointers
        for (kind, pointer) in pointers where identifiers[kind] == nil {
            identifiers[kind] = strings[pointer]
        }
    }

    /// Where a message of a type this server does not know may carry ids: the members the known requests use.
    static let unknownTypePointers: [(kind: RequestIdentifierKind, pointer: String)] = [
        (.spaceId, "/spaceId"), (.inboxId, "/inboxId"), (.updateId, "/updateId"), (.eventId, "/event/transaction/id"),
        (.inboxId, "/event/transaction/inboxId"),
    ]

    /// Every pointer the scan reads, and the objects it descends into to reach them.
    private static let scannedPointers: (strings: Set<String>, objects: Set<String>) = {
        let strings = Set(
            ["/type"] + (ClientMessage.errorIdentifierPointers.values.joined() + unknownTypePointers).map(\.pointer))
        var objects = Set<String>()
        for pointer in strings {
            var parent = pointer
            while let slash = parent.lastIndex(of: "/"), slash != parent.startIndex {
                parent = String(parent[..<slash])
                objects.insert(parent)
            }
        }
        return (strings, objects)
    }()

    /// Reads the string members at `scannedPointers` of the object at `pointer` into `strings`, skipping the rest.
    private static func scanStrings(
        _ reader: inout JSONReader, at pointer: String, into strings: inout [String: String]
    ) throws {
        guard try reader.peek() == .object else { return try reader.skipValue() }
        try reader.beginObject()
        while let key = try reader.nextKey() {
            let member = pointer + "/" + key
            let kind = try reader.peek()
            if kind == .string, scannedPointers.strings.contains(member) {
                strings[member] = try reader.readString()
            } else if kind == .object, scannedPointers.objects.contains(member) {
                try scanStrings(&reader, at: member, into: &strings)
            } else {
                strings[member] = nil
                try reader.skipValue()
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
