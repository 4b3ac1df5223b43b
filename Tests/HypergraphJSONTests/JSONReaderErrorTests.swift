import HypergraphJSON
import XCTest

/// One test per error kind, pinning kind, path, message and (where meaningful) byte offset.
final class JSONReaderErrorTests: XCTestCase {
    func testSyntaxErrors() {
        assertParseError("[1 2]", .syntax, "$[0]: expected ',' or ']' after the array element, got '2'", offset: 3)
        assertParseError(#"{"a" 1}"#, .syntax, "$: expected ':' after the object key, got '1'", offset: 5)
        assertParseError(#"{"a":1 "b":2}"#, .syntax, #"$.a: expected ',' or '}' after the object member, got '"'"#)
        assertParseError("{1:2}", .syntax, "$: expected a string key, got '1'", offset: 1)
        assertParseError("[1,]", .syntax, "$: trailing comma before ']'", offset: 3)
        assertParseError(#"{"a":1,}"#, .syntax, "$: trailing comma before '}'", offset: 7)
        assertParseError("[,1]", .syntax, "$[0]: expected a value, got ','")
        assertParseError("01", .syntax, "$: leading zeros are not allowed in numbers", offset: 0)
        assertParseError("[-01]", .syntax, "$[0]: leading zeros are not allowed in numbers", offset: 1)
        assertParseError("-a", .syntax, "$: expected a digit after '-', got 'a'", offset: 1)
        assertParseError("1.e5", .syntax, "$: expected a digit after the decimal point, got 'e'")
        assertParseError("1e+x", .syntax, "$: expected a digit in the exponent, got 'x'")
        assertParseError("+1", .syntax, "$: expected a value, got '+'")
        assertParseError(".5", .syntax, "$: expected a value, got '.'")
        assertParseError("NaN", .syntax, "$: expected a value, got 'N'")
        assertParseError("Infinity", .syntax, "$: expected a value, got 'I'")
        assertParseError("tru", .truncated, "$: unexpected end of input, expected 'true'")
        assertParseError("trUe", .syntax, "$: expected 'true', got 'U'", offset: 2)
        assertParseError("nul1", .syntax, "$: expected 'null', got '1'")
        assertParseError("'a'", .syntax, "$: expected a value, got '''")
        assertParseError(#"{"a":1}}"#, .trailingData, "$: unexpected '}' after the top-level value", offset: 7)
        assertParseError([0xEF, 0xBB, 0xBF] + Array("1".utf8), .syntax, "$: expected a value, got byte order mark")
        assertParseError([0x00], .syntax, "$: expected a value, got byte 0x00")
        assertParseError("[1,\u{0B}2]", .syntax, "$[1]: expected a value, got byte 0x0B")
    }

    func testStringErrors() {
        assertParseError("\"a\u{1}\"", .syntax, "$: unescaped control character U+0001 in string", offset: 2)
        assertParseError("[\"\t\"]", .syntax, "$[0]: unescaped control character U+0009 in string")
        assertParseError(#""\x""#, .syntax, "$: invalid escape: backslash followed by 'x'", offset: 1)
        assertParseError(#""\u12G4""#, .syntax, "$: expected 4 hex digits after '\\u', got 'G'", offset: 5)
        assertParseError(#""\u12""#, .syntax, "$: expected 4 hex digits after '\\u', got '\"'")
        assertParseError(
            #"{"k":"\ud800"}"#, .syntax,
            #"$.k: lone surrogate escape '\ud800' is not allowed (strings must be valid Unicode)"#)
        assertParseError(
            #""\udc00\ud800""#, .syntax,
            #"$: lone surrogate escape '\udc00' is not allowed (strings must be valid Unicode)"#)
        assertParseError(
            #""\ud800\u0041""#, .syntax,
            #"$: lone surrogate escape '\ud800' is not allowed (strings must be valid Unicode)"#)
        assertParseError(
            #""\ud800\n""#, .syntax,
            #"$: lone surrogate escape '\ud800' is not allowed (strings must be valid Unicode)"#)
    }

    func testInvalidUTF8() {
        let cases: [[UInt8]] = [
            [0xFF], [0x80], [0xC0, 0x80], [0xC1, 0xBF], [0xE0, 0x80, 0x80], [0xED, 0xA0, 0x80],
            [0xF0, 0x80, 0x80, 0x80],
            [0xF4, 0x90, 0x80, 0x80], [0xF5, 0x80, 0x80, 0x80], [0xC3, 0x28], [0xE2, 0x82, 0x28],
        ]
        for sequence in cases {
            let document = Array(#"{"name":"ok"#.utf8) + sequence + Array(#""}"#.utf8)
            do {
                _ = try JSONValue.parse(document)
                XCTFail("accepted \(sequence)")
            } catch let error as JSONError {
                XCTAssertEqual(error.kind, .invalidUTF8, "\(sequence): \(error)")
                XCTAssertEqual(error.path.description, "$.name")
                XCTAssertEqual(error.byteOffset, 11)
                XCTAssertTrue(
                    error.message.contains("0x\(String(sequence[0], radix: 16, uppercase: true))"), error.message)
            } catch {
                XCTFail("\(error)")
            }
        }
        assertParseError(
            Array("\"\u{E9}".utf8) + [0xFF] + [0x22], .invalidUTF8, "$: invalid UTF-8 lead byte 0xFF in string",
            offset: 3)
        // Non-ASCII outside strings is not JSON grammar.
        assertParseError([0x5B, 0xC3, 0xA9, 0x5D], .syntax, "$[0]: expected a value, got byte 0xC3")
    }

    func testTruncated() {
        assertParseError("", .truncated, "$: unexpected end of input, expected a value", offset: 0)
        assertParseError("   ", .truncated, "$: unexpected end of input, expected a value", offset: 3)
        assertParseError("{", .truncated, "$: unexpected end of input, expected a string key or '}'")
        assertParseError("[", .truncated, "$: unexpected end of input, expected a value or ']'")
        assertParseError(#"{"a""#, .truncated, "$: unexpected end of input, expected ':' after the object key")
        assertParseError(#"{"a":"#, .truncated, "$.a: unexpected end of input, expected a value")
        assertParseError(#"{"a":[1,{"b":2}"#, .truncated, "$.a[1]: unexpected end of input, expected ',' or ']'")
        assertParseError(#"{"a":"xy"#, .truncated, "$.a: unterminated string", offset: 5)
        assertParseError(#"["x\"#, .truncated, "$[0]: unexpected end of input, expected an escape character")
        assertParseError(#""\u00"#, .truncated, "$: unexpected end of input, expected 4 hex digits after '\\u'")
        assertParseError([0x22, 0xE2, 0x82], .truncated, "$: unterminated string (input ends inside a UTF-8 sequence)")
        assertParseError("-", .truncated, "$: unexpected end of input, expected a digit after '-'")
        assertParseError("[1.", .truncated, "$[0]: unexpected end of input, expected a digit after the decimal point")
        assertParseError("2e", .truncated, "$: unexpected end of input, expected a digit in the exponent")
        assertParseError("[0,1", .truncated, "$[1]: unexpected end of input, expected ',' or ']'")
    }

    func testDuplicateKeys() {
        assertParseError(#"{"a":1,"b":2,"a":3}"#, .duplicateKey, #"$: duplicate key "a""#, offset: 13)
        assertParseError(#"{"x":{"a":1,"\u0061":2}}"#, .duplicateKey, #"$.x: duplicate key "a""#)
        assertParseError(#"[{"a":1},{"q\n":1,"q\n":2}]"#, .duplicateKey, #"$[1]: duplicate key "q\n""#)
        // Large objects switch to a hashed index; duplicates are still found.
        let members = (0..<100).map { "\"k\($0)\":\($0)" }.joined(separator: ",")
        assertParseError("{\(members),\"k57\":0}", .duplicateKey, #"$: duplicate key "k57""#)
        // Canonically equivalent but different code units are different keys (as in JavaScript).
        XCTAssertEqual(try JSONValue.parse("{\"\u{E9}\":1,\"e\u{301}\":2}").objectValue?.count, 2)
        // Same names in different objects are fine.
        XCTAssertNoThrow(try JSONValue.parse(#"{"a":{"a":1},"b":{"a":2}}"#))
    }

    func testDepthLimit() {
        let ok = String(repeating: "[", count: 64) + String(repeating: "]", count: 64)
        XCTAssertNoThrow(try JSONValue.parse(ok))
        let tooDeep = String(repeating: "[", count: 65) + String(repeating: "]", count: 65)
        let path = "$" + String(repeating: "[0]", count: 64)
        assertParseError(tooDeep, .depthLimit, "\(path): nesting exceeds the limit of 64 levels", offset: 64)
        assertParseError(
            #"{"a":{"b":{}}}"#, .depthLimit, "$.a.b: nesting exceeds the limit of 2 levels",
            limits: JSONLimits(maxDepth: 2))
        assertParseError(
            #"{"a":[[1]]}"#, .depthLimit, "$.a[0]: nesting exceeds the limit of 2 levels",
            limits: JSONLimits(maxDepth: 2))
        // Hostile nesting far beyond the limit fails cleanly instead of exhausting the stack.
        let hostile = String(repeating: "[", count: 1_000_000)
        assertParseError(hostile, .depthLimit, path + ": nesting exceeds the limit of 64 levels")
        XCTAssertNoThrow(
            try JSONValue.parse(
                String(repeating: "[", count: 10_000) + String(repeating: "]", count: 10_000),
                limits: JSONLimits(maxDepth: 10_000)))
    }

    func testNumbersOutOfRange() {
        assertParseError(
            "[1e400]", .numberOutOfRange, "$[0]: number 1e400 is out of range for a 64-bit floating-point value")
        assertParseError(
            "-1.8e308", .numberOutOfRange, "$: number -1.8e308 is out of range for a 64-bit floating-point value")
        let long = "1" + String(repeating: "0", count: 400)
        assertParseError(
            long, .numberOutOfRange,
            "$: number \(long.prefix(40))… is out of range for a 64-bit floating-point value")
        assertReadError(
            #"{"n":9223372036854775808}"#, .numberOutOfRange,
            "$.n: number 9223372036854775808 is out of range for a 64-bit integer"
        ) { reader -> Int in
            try reader.beginObject()
            _ = try reader.nextKey()
            return try reader.readInt()
        }
        assertReadError("1e19", .numberOutOfRange, "$: number 1e19 is out of range for a 64-bit integer") {
            try $0.readInt()
        }
        assertReadError(
            "-9223372036854775809", .numberOutOfRange,
            "$: number -9223372036854775809 is out of range for a 64-bit integer"
        ) { try $0.readInt() }
        assertReadError(
            "1e1000000000000", .numberOutOfRange,
            "$: number 1e1000000000000 is out of range for a 64-bit integer"
        ) { try $0.readInt() }
    }

    func testTypeMismatch() {
        let document = #"{"signature":{"hex":"ab","recovery":"1"}}"#
        assertReadError(document, .typeMismatch, #"$.signature.recovery: expected integer, got string "1""#) { reader in
            try reader.beginObject()
            XCTAssertEqual(try reader.nextKey(), "signature")
            try reader.beginObject()
            XCTAssertEqual(try reader.nextKey(), "hex")
            XCTAssertEqual(try reader.readString(), "ab")
            XCTAssertEqual(try reader.nextKey(), "recovery")
            return try reader.readInt()
        }
        assertReadError("1.5", .typeMismatch, "$: expected integer, got number 1.5") { try $0.readInt() }
        assertReadError("[1]", .typeMismatch, "$: expected object, got array") { try $0.beginObject() }
        assertReadError("{}", .typeMismatch, "$: expected array, got object") { try $0.beginArray() }
        assertReadError("null", .typeMismatch, "$: expected string, got null") { try $0.readString() }
        assertReadError("true", .typeMismatch, "$: expected number, got true") { try $0.readDouble() }
        assertReadError("0", .typeMismatch, "$: expected boolean, got number 0") { try $0.readBool() }
        assertReadError("false", .typeMismatch, "$: expected null, got false") { try $0.readNull() }
        let longString = "\"" + String(repeating: "x", count: 50) + "\""
        assertReadError(
            longString, .typeMismatch, "$: expected integer, got string \"\(String(repeating: "x", count: 40))…\""
        ) {
            try $0.readInt()
        }
        assertReadError("[]", .typeMismatch, "$: nextKey() called while not inside an object") { reader -> String? in
            try reader.beginArray()
            return try reader.nextKey()
        }
    }

    func testByteArrayErrors() {
        assertReadError("[0,1,256]", .numberOutOfRange, "$[2]: byte value 256 is out of range 0...255") {
            try $0.readByteArray()
        }
        assertReadError("[0,-1]", .numberOutOfRange, "$[1]: byte value -1 is out of range 0...255") {
            try $0.readByteArray()
        }
        assertReadError("[1000]", .numberOutOfRange, "$[0]: byte value 1000 is out of range 0...255") {
            try $0.readByteArray()
        }
        assertReadError(
            "[9999999999999999999999]", .numberOutOfRange,
            "$[0]: byte value 9999999999999999999999 is out of range 0...255"
        ) { try $0.readByteArray() }
        assertReadError("[0, 1.5]", .typeMismatch, "$[1]: expected integer 0...255, got number 1.5") {
            try $0.readByteArray()
        }
        assertReadError(#"[0,"1"]"#, .typeMismatch, #"$[1]: expected integer 0...255, got string "1""#) {
            try $0.readByteArray()
        }
        assertReadError("[0,null]", .typeMismatch, "$[1]: expected integer 0...255, got null") {
            try $0.readByteArray()
        }
        assertReadError("[0,[]]", .typeMismatch, "$[1]: expected integer 0...255, got array") { try $0.readByteArray() }
        assertReadError("[0,01]", .syntax, "$[1]: leading zeros are not allowed in numbers") { try $0.readByteArray() }
        assertReadError("[0 1]", .syntax, "$[0]: expected ',' or ']' after the array element, got '1'") {
            try $0.readByteArray()
        }
        assertReadError("[0,1,]", .syntax, "$: trailing comma before ']'") { try $0.readByteArray() }
        assertReadError(
            "[0,1", .truncated, "$[1]: unexpected end of input, expected ',' or ']' after the array element"
        ) {
            try $0.readByteArray()
        }
        assertReadError("[0,", .truncated, "$[1]: unexpected end of input, expected a value") { try $0.readByteArray() }
        assertReadError(#"{"__type":"Uint8Array"}"#, .typeMismatch, "$: expected array of bytes, got object") {
            try $0.readByteArray()
        }
        let deep = String(repeating: "[", count: 64) + "[1]" + String(repeating: "]", count: 64)
        assertReadError(
            deep, .depthLimit, "$" + String(repeating: "[0]", count: 64) + ": nesting exceeds the limit of 64 levels"
        ) {
            reader -> [UInt8] in
            for _ in 0..<64 {
                try reader.beginArray()
                _ = try reader.nextElement()
            }
            return try reader.readByteArray()
        }
    }

    func testMissingMemberAndInvalidValueFromCallers() {
        assertReadError(#"{"a":{"b":1}}"#, .missingMember, #"$.a: missing member "c""#) { reader -> Void in
            try reader.beginObject()
            _ = try reader.nextKey()
            try reader.beginObject()
            while try reader.nextKey() != nil { try reader.skipValue() }
            throw reader.error(.missingMember, #"missing member "c""#)
        }
        assertParseError(
            #"["abcdef"]"#, .invalidValue, "$[0]: string of 6 bytes exceeds the limit of 5 bytes",
            limits: JSONLimits(maxStringBytes: 5))
        assertParseError(
            #"["ab\ncdef"]"#, .invalidValue, "$[0]: string of 7 bytes exceeds the limit of 5 bytes",
            limits: JSONLimits(maxStringBytes: 5))
    }

    func testSkipValueValidates() {
        assertReadError(#"{"a":{"x":[1,{"y":1,"y":2}]}}"#, .duplicateKey, #"$.a.x[1]: duplicate key "y""#) {
            reader -> Void in
            try reader.beginObject()
            while try reader.nextKey() != nil { try reader.skipValue() }
        }
        assertReadError(#"[1, [2, "\q"]]"#, .syntax, "$[1][1]: invalid escape: backslash followed by 'q'") {
            try $0.skipValue()
        }
        assertReadError("[01]", .syntax, "$[0]: leading zeros are not allowed in numbers") { try $0.skipValue() }
        assertReadError(
            #"{"x":[1e400]}"#, .numberOutOfRange,
            "$.x[0]: number 1e400 is out of range for a 64-bit floating-point value"
        ) { try $0.skipValue() }
    }
}
