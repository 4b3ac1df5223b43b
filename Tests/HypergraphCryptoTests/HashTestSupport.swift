import Foundation
import XCTest

extension String {
    /// The UTF-8 bytes of the string, for test messages written as text.
    var utf8Bytes: [UInt8] { Array(utf8) }
}

/// The official BLAKE3 test-vector input: byte `i` is `i % 251`.
func blake3OfficialInput(length: Int) -> [UInt8] {
    (0..<length).map { UInt8($0 % 251) }
}

/// Decodes `Fixtures/<name>.json` from the test bundle (the vector files written by the scripts in `scripts/`).
func loadFixture<Fixture: Decodable>(_ name: String) throws -> Fixture {
    let url = try XCTUnwrap(
        Bundle.module.url(forResource: name, withExtension: "json", subdirectory: "Fixtures"),
        "Fixtures/\(name).json is missing from the test bundle"
    )
    return try JSONDecoder().decode(Fixture.self, from: Data(contentsOf: url))
}
