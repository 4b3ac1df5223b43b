import HypergraphJSON
import XCTest

/// Asserts that parsing `text` as a whole document fails with exactly this error.
func assertParseError(
    _ text: String, _ kind: JSONError.Kind, _ description: String, offset: Int? = nil,
    limits: JSONLimits = .init(), file: StaticString = #filePath, line: UInt = #line
) {
    assertParseError(Array(text.utf8), kind, description, offset: offset, limits: limits, file: file, line: line)
}

/// Asserts that parsing `bytes` as a whole document fails with exactly this error.
func assertParseError(
    _ bytes: [UInt8], _ kind: JSONError.Kind, _ description: String, offset: Int? = nil,
    limits: JSONLimits = .init(), file: StaticString = #filePath, line: UInt = #line
) {
    do {
        let value = try JSONValue.parse(bytes, limits: limits)
        XCTFail("accepted \(String(decoding: bytes, as: UTF8.self)) as \(value)", file: file, line: line)
    } catch let error as JSONError {
        XCTAssertEqual(error.kind, kind, "\(error)", file: file, line: line)
        XCTAssertEqual(error.description, description, file: file, line: line)
        if let offset {
            XCTAssertEqual(error.byteOffset, offset, "\(error)", file: file, line: line)
        }
    } catch {
        XCTFail("unexpected error type: \(error)", file: file, line: line)
    }
}

/// Asserts that `body` run as a reader over `text` fails with exactly this error.
func assertReadError<R>(
    _ text: String, _ kind: JSONError.Kind, _ description: String,
    file: StaticString = #filePath, line: UInt = #line, _ body: (inout JSONReader) throws -> R
) {
    do {
        let result = try JSONReader.read(Array(text.utf8), body)
        XCTFail("accepted \(text) as \(result)", file: file, line: line)
    } catch let error as JSONError {
        XCTAssertEqual(error.kind, kind, "\(error)", file: file, line: line)
        XCTAssertEqual(error.description, description, file: file, line: line)
    } catch {
        XCTFail("unexpected error type: \(error)", file: file, line: line)
    }
}

/// The compact serialization of `value` as text.
func serializedText(_ value: JSONValue) -> String {
    String(decoding: value.serialized(), as: UTF8.self)
}
