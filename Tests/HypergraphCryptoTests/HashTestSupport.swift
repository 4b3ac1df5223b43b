import HypergraphCrypto
import XCTest

/// Decodes hex written in a test, failing the test (instead of crashing) if the literal is malformed.
func hexBytes(_ text: String, file: StaticString = #filePath, line: UInt = #line) -> [UInt8] {
    do {
        return try Hex.decode(text)
    } catch {
        XCTFail("bad hex literal in test: \(error)", file: file, line: line)
        return []
    }
}

extension String {
    /// The UTF-8 bytes of the string, for messages written as text.
    var bytes: [UInt8] { Array(utf8) }
}
