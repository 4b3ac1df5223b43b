// `hypergraph message verify`, `hypergraph message sign` and `hypergraph event hash`: the signatures and event
// hashes of PROTOCOL.md §7.4–§7.5 from the command line.
import HypergraphCommandLine
import HypergraphCrypto
import HypergraphJSON
import HypergraphProtocol
import HypergraphSigning

/// The commands that check, make and hash signed protocol content.
enum SigningCommands {
    /// `hypergraph message verify [FILE|-] [--strict]`.
    static let verify = Command(
        name: "verify",
        abstract: "Recover the signer of every signature a message carries.",
        discussion: """
            Reads one protocol message (or a bare space event) and prints one JSON line per signature: \
            {"path":"$.event.author.signature","signer":"0x02…","payload":"<canonical string>"}, where signer is \
            the recovered compressed public key and payload the exact string that was signed (PROTOCOL.md §7.4). \
            Inbox messages are checked with the space, inbox and account ids of the enclosing message. Only \
            recovery is done: whether the key belongs to the account is for the identity registry to say. \
            A malformed or unrecoverable signature is reported on standard error as `path: problem`, and a \
            message carrying no signature at all is reported as such; the exit status is then 1.
            """,
        options: [.flag("strict", help: "Also reject high-S signatures (PROTOCOL.md §12 G20).")],
        arguments: [inputArgument]
    ) { arguments in
        let policy: Secp256k1.SignaturePolicy = arguments.flag("strict") ? .rejectHighS : .acceptHighS
        let document = try SignedDocument.decode(try InputSource.read(arguments.argument("file")))
        let sites = try document.signatureSites()
        guard sites.contains(where: { $0.signature != nil }) else {
            let places =
                sites.isEmpty ? "" : " (its \(sites.map(\.path.description).joined(separator: ", ")) is absent)"
            throw InputError(message: "the \(document.kind) message carries no signature\(places): nothing to verify")
        }
        var allValid = true
        for site in sites {
            guard let signature = site.signature else { continue }
            do {
                let signer = try site.payload.signer(of: signature, policy: policy)
                var line = JSONWriter()
                line.beginObject()
                line.key("path")
                line.string(site.path.description)
                line.key("signer")
                line.string(signer)
                line.key("payload")
                line.string(site.payload.string)
                line.endObject()
                writeStandardOutput(String(decoding: line.bytes, as: UTF8.self) + "\n")
            } catch {
                allValid = false
                writeStandardError("\(site.path): \(error)\n")
            }
        }
        return allValid ? ExitStatus.success : ExitStatus.failure
    }

    /// `hypergraph message sign --key 0x<64 hex> [FILE|-]`.
    static let sign = Command(
        name: "sign",
        abstract: "Sign every signature place of a message with one key.",
        discussion: """
            Reads one protocol message (or a bare space event), replaces each signature it carries with the \
            key's signature of that place's payload (deterministic RFC 6979, low-S, identical to the TypeScript \
            client), and prints the message in wire form. Missing required signatures are filled in, and inbox \
            messages that name an author get one. Account addresses are left as they are: the key must belong to \
            an identity of each author account for the result to be accepted.
            """,
        options: [
            .value("key", valueName: "0x<64 hex>", help: "The secp256k1 private key to sign with.", required: true)
        ],
        arguments: [inputArgument]
    ) { arguments in
        let keyText = try arguments.required("key")
        let key: Secp256k1.PrivateKey
        do {
            key = try Secp256k1.PrivateKey(hex: keyText)
        } catch {
            throw arguments.usageError("Invalid value for '--key': \(error).")
        }
        let document = try SignedDocument.decodeFillingSignatures(try InputSource.read(arguments.argument("file")))
        writeStandardOutput(try document.signingEverySignature(with: key).jsonString() + "\n")
        return ExitStatus.success
    }

    /// `hypergraph event hash [FILE|-]`.
    static let eventHash = Command(
        name: "hash",
        abstract: "Print the BLAKE3 event hash of a space event.",
        discussion: """
            Reads a bare space event, or a message carrying events (the four event requests, space-event, \
            space), and prints each event's hash (PROTOCOL.md §7.5: 0x + 64 hex digits of BLAKE3 over the \
            canonical event), one per line in document order. It is the value the next event's \
            previousEventHash must carry.
            """,
        arguments: [inputArgument]
    ) { arguments in
        let document = try SignedDocument.decode(try InputSource.read(arguments.argument("file")))
        let events = document.events
        guard !events.isEmpty else {
            throw InputError(message: "the \(document.kind) message carries no space event")
        }
        for event in events {
            writeStandardOutput(try event.eventHash() + "\n")
        }
        return ExitStatus.success
    }
}

/// What the signing commands read: a protocol message of either direction, or a bare space event.
private enum SignedDocument {
    case message(DecodedMessage)
    case event(SpaceEvent)

    /// Decodes a message, or a space event when the object has a `transaction` and no `type`. Unknown message
    /// and event types are errors: their signed members are unknown.
    static func decode(_ bytes: [UInt8]) throws -> SignedDocument {
        let value = try? JSONValue.parse(bytes)
        if value?["type"] == nil, value?["transaction"] != nil {
            return .event(try SpaceEvent(jsonUTF8: bytes, options: MessageDecoder.strict))
        }
        return .message(try MessageDecoder.decode(bytes, direction: .any))
    }

    /// ``decode(_:)``, first adding a placeholder wherever a required `signature` member is missing, so that
    /// `sign` can fill it in.
    static func decodeFillingSignatures(_ bytes: [UInt8]) throws -> SignedDocument {
        do {
            return try decode(bytes)
        } catch let error as MessageDecodingError {
            let missing = error.issues.filter {
                $0.kind == .missingMember && $0.path.components.last == .key("signature")
            }
            guard !missing.isEmpty, missing.count == error.issues.count else { throw error }
            var value = try JSONValue.parse(bytes)
            let placeholder: JSONValue = ["hex": .string(String(repeating: "0", count: 128)), "recovery": 0]
            for issue in missing {
                value = value.replacing(at: issue.path.components[...], with: placeholder)
            }
            return try decode(value.serialized())
        }
    }

    /// The message `type`, or `space event`.
    var kind: String {
        switch self {
        case .message(let message): message.type
        case .event: "space event"
        }
    }

    func signatureSites() throws(SigningError) -> [SignatureSite] {
        switch self {
        case .message(.client(let message)): try message.signatureSites()
        case .message(.server(let message)): try message.signatureSites()
        case .event(let event): try event.signatureSites()
        }
    }

    func signingEverySignature(with key: Secp256k1.PrivateKey) throws(SigningError) -> SignedDocument {
        switch self {
        case .message(.client(let message)): .message(.client(try message.signingEverySignature(with: key)))
        case .message(.server(let message)): .message(.server(try message.signingEverySignature(with: key)))
        case .event(let event): .event(try event.signed(with: key))
        }
    }

    func jsonString() -> String {
        switch self {
        case .message(let message): message.jsonString()
        case .event(let event): event.jsonString()
        }
    }

    /// The space events the document carries, in document order.
    var events: [SpaceEvent] {
        switch self {
        case .event(let event): [event]
        case .message(.client(.createSpaceEvent(let request))): [.createSpace(request.event)]
        case .message(.client(.createInvitationEvent(let request))): [.createInvitation(request.event)]
        case .message(.client(.acceptInvitationEvent(let request))): [.acceptInvitation(request.event)]
        case .message(.client(.createSpaceInboxEvent(let request))): [.createSpaceInbox(request.event)]
        case .message(.server(.spaceEvent(let message))): [message.event]
        case .message(.server(.space(let space))): space.events
        case .message: []
        }
    }
}

extension JSONValue {
    /// This value with the value at `path` (relative to it) replaced by `newValue`; a missing last member is
    /// added. Paths that lead nowhere leave the value unchanged.
    fileprivate func replacing(at path: ArraySlice<JSONPath.Component>, with newValue: JSONValue) -> JSONValue {
        guard let first = path.first else { return newValue }
        switch (self, first) {
        case (.object(var object), .key(let key)):
            if let member = object[key] {
                object[key] = member.replacing(at: path.dropFirst(), with: newValue)
            } else if path.count == 1 {
                object[key] = newValue
            }
            return .object(object)
        case (.array(var elements), .index(let index)) where elements.indices.contains(index):
            elements[index] = elements[index].replacing(at: path.dropFirst(), with: newValue)
            return .array(elements)
        default:
            return self
        }
    }
}
