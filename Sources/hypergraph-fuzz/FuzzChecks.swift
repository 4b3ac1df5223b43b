// What one fuzz input is checked for, in the JSON layer and in the generated protocol decoders. Rejection is fine;
// crashing, hanging, or breaking one of these invariants is a bug (the harness traps on purpose so libFuzzer
// records the input).
import HypergraphJSON
import HypergraphProtocol

enum FuzzChecks {
    static func run(_ bytes: UnsafeRawBufferPointer) {
        let tree = try? JSONValue.parse(bytes)
        checkSkipAgrees(bytes, accepted: tree != nil)
        if let tree { checkRoundTrip(tree) }
        _ = try? JSONReader.read(bytes) { try $0.readByteArray() }
        _ = try? JSONReader.read(bytes) { try $0.readInt() }
        checkMessageRoundTrip(ClientMessage.self, bytes)
        checkMessageRoundTrip(ServerMessage.self, bytes)
        checkMessageRoundTrip(SpaceEvent.self, bytes)
    }

    /// A decoded protocol value re-encodes to a document that decodes to the same value.
    private static func checkMessageRoundTrip<Message: WireCodable>(
        _ type: Message.Type, _ bytes: UnsafeRawBufferPointer
    ) {
        guard let message = try? Message(jsonUTF8: bytes) else { return }
        let encoded = message.jsonUTF8()
        guard let decodedAgain = try? Message(jsonUTF8: encoded) else {
            preconditionFailure("\(Message.self): the re-encoded message does not decode")
        }
        precondition(decodedAgain == message, "\(Message.self): the re-encoded message decodes differently")
    }

    /// `skipValue()` must accept exactly the documents `readValue()` accepts.
    private static func checkSkipAgrees(_ bytes: UnsafeRawBufferPointer, accepted: Bool) {
        let skipped = (try? JSONReader.read(bytes) { try $0.skipValue() }) != nil
        precondition(skipped == accepted, "skipValue and readValue disagree")
    }

    /// Serializing and re-parsing gives the same document; canonical JSON is a fixed point.
    private static func checkRoundTrip(_ tree: JSONValue) {
        let serialized = tree.serialized()
        guard let reparsed = try? JSONValue.parse(serialized, limits: JSONLimits(maxDepth: .max)) else {
            preconditionFailure("serialized output does not parse")
        }
        precondition(reparsed.serialized() == serialized, "serialization is not stable")
        guard let canonical = try? tree.canonicalUTF8(),
            let canonicalTree = try? JSONValue.parse(canonical, limits: JSONLimits(maxDepth: .max)),
            (try? canonicalTree.canonicalUTF8()) == canonical
        else {
            preconditionFailure("canonical JSON is not a fixed point")
        }
    }
}
