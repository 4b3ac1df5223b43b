import Foundation
import HypergraphJSON
import HypergraphProtocol
import XCTest

/// The message direction a fixture belongs to.
enum Direction: String, CaseIterable {
    case client, server
}

/// A fixture message: its raw bytes and, when they differ from the input, the bytes of its canonical re-encoding.
struct MessageFixture {
    /// File name without extension, e.g. `create-update-bare-bytes`.
    var name: String
    /// The direction folder it came from.
    var direction: Direction
    /// The message as stored.
    var bytes: [UInt8]
    /// The `<name>.canonical.json` companion: what re-encoding must produce. Nil when the input is canonical.
    var canonical: [UInt8]?

    /// The expected re-encoding as compact JSON with member order kept.
    func expectedWireBytes() throws -> [UInt8] {
        try JSONValue.parse(canonical ?? bytes).serialized()
    }
}

/// A negative fixture case: a message and the exact issues decoding must report.
struct NegativeCase {
    var file: String
    var name: String
    var bytes: [UInt8]
    var issues: [String]
}

/// Loads the fixtures bundled with the test target (`Fixtures/` is copied as a resource folder).
enum Fixtures {
    static var root: URL {
        get throws {
            guard let url = Bundle.module.url(forResource: "Fixtures", withExtension: nil) else {
                throw XCTSkip("Fixtures resource folder missing")
            }
            return url
        }
    }

    /// The message fixtures of `folder` (`valid` or `seed`) for `direction`, sorted by name.
    static func messages(_ folder: String, _ direction: Direction) throws -> [MessageFixture] {
        let directory = try root.appendingPathComponent(folder).appendingPathComponent(direction.rawValue)
        let names = try FileManager.default.contentsOfDirectory(atPath: directory.path)
            .filter { $0.hasSuffix(".json") && !$0.hasSuffix(".canonical.json") }.sorted()
        return try names.map { file in
            let name = String(file.dropLast(".json".count))
            let canonicalURL = directory.appendingPathComponent(name + ".canonical.json")
            let canonical =
                FileManager.default.fileExists(atPath: canonicalURL.path)
                ? [UInt8](try Data(contentsOf: canonicalURL)) : nil
            return MessageFixture(
                name: name, direction: direction,
                bytes: [UInt8](try Data(contentsOf: directory.appendingPathComponent(file))), canonical: canonical)
        }
    }

    /// Every valid fixture of both directions.
    static func allValid() throws -> [MessageFixture] {
        try Direction.allCases.flatMap { try messages("valid", $0) }
    }

    /// The negative cases for `direction`, keyed by message type (the file name).
    static func negativeCases(_ direction: Direction) throws -> [String: [NegativeCase]] {
        let directory = try root.appendingPathComponent("invalid").appendingPathComponent(direction.rawValue)
        var result: [String: [NegativeCase]] = [:]
        for file in try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted()
        where file.hasSuffix(".json") {
            let type = String(file.dropLast(".json".count))
            let document = try JSONValue.parse([UInt8](try Data(contentsOf: directory.appendingPathComponent(file))))
            result[type] = try (document.arrayValue ?? []).map { entry in
                guard let name = entry["name"]?.stringValue, let message = entry["message"],
                    let issues = entry["issues"]?.arrayValue?.compactMap(\.stringValue)
                else { throw FixtureError("malformed case in \(file)") }
                return NegativeCase(
                    file: "\(direction.rawValue)/\(file)", name: name, bytes: message.serialized(), issues: issues)
            }
        }
        return result
    }
}

struct FixtureError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// Strict decoding, as a validator would do it: unknown message types are problems.
let strict = DecodingOptions(acceptsUnknownTypes: false)

/// Decodes a fixture message with the union of its direction and re-encodes it.
func decodeAndEncode(_ bytes: [UInt8], _ direction: Direction, options: DecodingOptions = strict) throws -> (
    value: AnyHashable, wire: [UInt8]
) {
    switch direction {
    case .client:
        let message = try ClientMessage(jsonUTF8: bytes, options: options)
        return (message, message.jsonUTF8())
    case .server:
        let message = try ServerMessage(jsonUTF8: bytes, options: options)
        return (message, message.jsonUTF8())
    }
}

/// The issue descriptions of decoding `bytes` with the union of `direction` (empty when it decodes).
func decodingIssues(_ bytes: [UInt8], _ direction: Direction, options: DecodingOptions = strict) -> [String] {
    do {
        _ = try decodeAndEncode(bytes, direction, options: options)
        return []
    } catch let error as MessageDecodingError {
        return error.issues.map(\.description)
    } catch {
        return ["unexpected error \(error)"]
    }
}

/// `text` as UTF-8 bytes.
func utf8(_ text: String) -> [UInt8] { Array(text.utf8) }
