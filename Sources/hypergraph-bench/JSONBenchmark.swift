// JSON benchmarks: the create-update message with a 64 KiB update (≈240 KB of JSON), decoded and written by
// HypergraphJSON and, as the baseline in the same run, by Foundation's JSONSerialization.
import Foundation
import HypergraphCommandLine
import HypergraphJSON
import HypergraphSigning

/// `hypergraph-bench json [--seconds S]`: MB/s of JSON processed for the byte-array hot paths and the whole message.
enum JSONBenchmark {
    static let command = benchmarkCommand(
        name: "json",
        abstract: "JSON reader and writer, against Foundation's JSONSerialization.",
        options: [.value("seconds", valueName: "S", help: "Time per measurement.", default: "1")]
    ) { arguments in try run(seconds: arguments.seconds("seconds")) }

    private static func run(seconds: Double) throws {
        var generator = SystemRandomNumberGenerator()
        let update = (0..<65_536).map { _ in UInt8.random(in: 0...255, using: &generator) }

        var arrayWriter = JSONWriter(capacity: 300_000)
        arrayWriter.byteArray(update)
        let arrayJSON = arrayWriter.bytes
        let message = createUpdateMessage(update)
        print(
            "update: \(update.count) bytes; byte array JSON: \(arrayJSON.count) bytes; message: \(message.count) bytes")

        // Reading the byte array alone.
        let ours = try measure(minimumSeconds: seconds) {
            blackHole(try JSONReader.read(arrayJSON) { try $0.readByteArray() })
        }
        let arrayData = Data(arrayJSON)
        let foundation = try measure(minimumSeconds: seconds) {
            let numbers = try JSONSerialization.jsonObject(with: arrayData) as? [NSNumber] ?? []
            blackHole(numbers.map { $0.uint8Value })
        }
        compare("readByteArray (64 KiB)", ours, foundation, bytes: arrayJSON.count)

        // Decoding and validating the whole message.
        let messageData = Data(message)
        compare(
            "decode create-update (pull reader)",
            try measure(minimumSeconds: seconds) { blackHole(try decodeCreateUpdate(message)) },
            try measure(minimumSeconds: seconds) { blackHole(try decodeCreateUpdateWithFoundation(messageData)) },
            bytes: message.count)
        compare(
            "JSONValue.parse create-update (tree)",
            try measure(minimumSeconds: seconds) { blackHole(try JSONValue.parse(message)) },
            try measure(minimumSeconds: seconds) { blackHole(try JSONSerialization.jsonObject(with: messageData)) },
            bytes: message.count)

        // Writing.
        let updateNumbers = update.map { NSNumber(value: $0) }
        compare(
            "writer.byteArray (64 KiB)",
            measure(minimumSeconds: seconds) {
                var writer = JSONWriter(capacity: 300_000)
                writer.byteArray(update)
                blackHole(writer.bytes)
            },
            try measure(minimumSeconds: seconds) {
                blackHole(try JSONSerialization.data(withJSONObject: updateNumbers))
            },
            bytes: arrayJSON.count)
        compare(
            "write create-update",
            measure(minimumSeconds: seconds) { blackHole(createUpdateMessage(update)) },
            try measure(minimumSeconds: seconds) {
                blackHole(try JSONSerialization.data(withJSONObject: foundationMessage(updateNumbers)))
            },
            bytes: message.count)

        // Canonical JSON of the signed update payload (§7.4.2): 64 Ki index keys sorted as strings. Foundation's
        // baseline sorts the keys of the equivalent dictionary (its sort order happens to agree for ASCII keys).
        let canonicalSize = try canonicalPayloadTree(update).canonicalUTF8().count
        var indexKeyed: [String: Any] = [:]
        for (index, byte) in update.enumerated() { indexKeyed[String(index)] = NSNumber(value: byte) }
        let foundationPayload: [String: Any] = [
            "accountAddress": accountAddress, "spaceId": spaceId, "updateId": updateId, "update": indexKeyed,
        ]
        let foundationCanonical = try measure(minimumSeconds: seconds) {
            blackHole(try JSONSerialization.data(withJSONObject: foundationPayload, options: [.sortedKeys]))
        }
        compare(
            "canonical payload via JSONValue tree",
            try measure(minimumSeconds: seconds) { blackHole(try canonicalPayloadTree(update).canonicalUTF8()) },
            foundationCanonical, bytes: canonicalSize)
        compare(
            "canonical payload via SigningPayload.update (writer.indexKeyedBytes)",
            measure(minimumSeconds: seconds) {
                blackHole(
                    SigningPayload.update(
                        accountAddress: accountAddress, spaceId: spaceId, update: update, updateId: updateId
                    ).bytes)
            },
            foundationCanonical, bytes: canonicalSize)
    }

    private static let accountAddress = "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed"
    private static let spaceId = "5b1b8f0e-6a34-4c55-9f0e-2f8b0d0c7a11"
    private static let updateId = "c3d4e5f6-0718-4293-a4b5-c6d7e8f90a1b"

    private static func canonicalPayloadTree(_ update: [UInt8]) -> JSONValue {
        [
            "accountAddress": .string(accountAddress), "spaceId": .string(spaceId), "updateId": .string(updateId),
            "update": JSONValue.indexKeyedBytes(update),
        ]
    }

    private static func compare(_ label: String, _ ours: Timing, _ baseline: Timing, bytes: Int) {
        printComparison(
            label, ours: ours.megabytesPerSecond(bytesPerIteration: bytes),
            baseline: baseline.megabytesPerSecond(bytesPerIteration: bytes), unit: "MB/s",
            baselineName: "JSONSerialization")
    }

    private static func createUpdateMessage(_ update: [UInt8]) -> [UInt8] {
        var writer = JSONWriter(capacity: 300_000)
        writer.beginObject()
        writer.key("type")
        writer.string("create-update")
        writer.key("accountAddress")
        writer.string(accountAddress)
        writer.key("spaceId")
        writer.string(spaceId)
        writer.key("updateId")
        writer.string(updateId)
        writer.key("update")
        writer.beginObject()
        writer.key("__type")
        writer.string("Uint8Array")
        writer.key("data")
        writer.byteArray(update)
        writer.endObject()
        writer.key("signature")
        writer.beginObject()
        writer.key("hex")
        writer.string(String(repeating: "9e4b604ddf1acfef", count: 8))
        writer.key("recovery")
        writer.int(0)
        writer.endObject()
        writer.endObject()
        return writer.bytes
    }

    private static func foundationMessage(_ update: [NSNumber]) -> [String: Any] {
        [
            "type": "create-update", "accountAddress": accountAddress, "spaceId": spaceId, "updateId": updateId,
            "update": ["__type": "Uint8Array", "data": update],
            "signature": ["hex": String(repeating: "9e4b604ddf1acfef", count: 8), "recovery": 0],
        ]
    }

    /// The fields of a create-update message, as a generated decoder would produce them.
    private struct CreateUpdate {
        var accountAddress = "", spaceId = "", updateId = "", signatureHex = ""
        var update: [UInt8] = []
        var recovery = 0
    }

    /// What a generated pull decoder does: every member checked for type, bytes validated as 0…255.
    private static func decodeCreateUpdate(_ bytes: [UInt8]) throws -> CreateUpdate {
        try JSONReader.read(bytes) { reader in
            var result = CreateUpdate()
            try reader.beginObject()
            while let key = try reader.nextKey() {
                switch key {
                case "type": _ = try reader.readString()
                case "accountAddress": result.accountAddress = try reader.readString()
                case "spaceId": result.spaceId = try reader.readString()
                case "updateId": result.updateId = try reader.readString()
                case "update":
                    try reader.beginObject()
                    while let member = try reader.nextKey() {
                        if member == "data" {
                            result.update = try reader.readByteArray()
                        } else {
                            try reader.skipValue()
                        }
                    }
                case "signature":
                    try reader.beginObject()
                    while let member = try reader.nextKey() {
                        switch member {
                        case "hex": result.signatureHex = try reader.readString()
                        case "recovery": result.recovery = try reader.readInt()
                        default: try reader.skipValue()
                        }
                    }
                default: try reader.skipValue()
                }
            }
            return result
        }
    }

    /// The same extraction and validation on top of JSONSerialization.
    private static func decodeCreateUpdateWithFoundation(_ data: Data) throws -> CreateUpdate {
        guard let object = try JSONSerialization.jsonObject(with: data) as? [String: Any],
            let update = object["update"] as? [String: Any], let numbers = update["data"] as? [NSNumber],
            let signature = object["signature"] as? [String: Any]
        else { throw JSONError(kind: .typeMismatch, path: .root, message: "unexpected shape") }
        var result = CreateUpdate()
        result.accountAddress = object["accountAddress"] as? String ?? ""
        result.spaceId = object["spaceId"] as? String ?? ""
        result.updateId = object["updateId"] as? String ?? ""
        result.signatureHex = signature["hex"] as? String ?? ""
        result.recovery = (signature["recovery"] as? NSNumber)?.intValue ?? 0
        result.update = try numbers.map { number in
            let value = number.doubleValue
            guard value >= 0, value <= 255, value == value.rounded() else {
                throw JSONError(kind: .numberOutOfRange, path: .root, message: "bad byte")
            }
            return UInt8(value)
        }
        return result
    }
}
