// The frame layer against hand-built bytes: the RFC 6455 §5.7 examples, every length boundary, and every way a
// peer can break the protocol.
import HypergraphHTTP
import XCTest

@testable import HypergraphWebSocket

final class FrameReceiverTests: XCTestCase {
    // MARK: RFC 6455 §5.7 examples

    func testSingleFrameUnmaskedText() {
        XCTAssertEqual(decode([0x81, 0x05, 0x48, 0x65, 0x6C, 0x6C, 0x6F]).events, [.text("Hello")])
    }

    func testSingleFrameMaskedText() {
        let bytes: [UInt8] = [0x81, 0x85, 0x37, 0xFA, 0x21, 0x3D, 0x7F, 0x9F, 0x4D, 0x51, 0x58]
        XCTAssertEqual(decode(bytes, fromClient: true).events, [.text("Hello")])
        let frame = WebSocketFrame(
            opcode: .text, maskingKey: WebSocketMaskingKey(0x37, 0xFA, 0x21, 0x3D), payload: Array("Hello".utf8))
        XCTAssertEqual(frame.encoded(), bytes)
    }

    func testFragmentedUnmaskedText() {
        let bytes: [UInt8] = [0x01, 0x03, 0x48, 0x65, 0x6C, 0x80, 0x02, 0x6C, 0x6F]
        XCTAssertEqual(decode(bytes).events, [.text("Hello")])
    }

    func testUnmaskedPingAndMaskedPong() {
        XCTAssertEqual(decode([0x89, 0x05, 0x48, 0x65, 0x6C, 0x6C, 0x6F]).events, [.ping(Array("Hello".utf8))])
        let pong: [UInt8] = [0x8A, 0x85, 0x37, 0xFA, 0x21, 0x3D, 0x7F, 0x9F, 0x4D, 0x51, 0x58]
        XCTAssertEqual(decode(pong, fromClient: true).events, [.pong(Array("Hello".utf8))])
    }

    func testBinary256BytesAnd64KiBHeaders() {
        let small = [UInt8](repeating: 0xAB, count: 256)
        let smallBytes: [UInt8] = [0x82, 0x7E, 0x01, 0x00] + small
        XCTAssertEqual(serverFrame(.binary, small), smallBytes)
        XCTAssertEqual(decode(smallBytes).events, [.binary(small)])

        let large = [UInt8](repeating: 0xCD, count: 65536)
        let largeBytes: [UInt8] = [0x82, 0x7F, 0, 0, 0, 0, 0, 0x01, 0x00, 0x00] + large
        XCTAssertEqual(serverFrame(.binary, large), largeBytes)
        XCTAssertEqual(decode(largeBytes).events, [.binary(large)])
    }

    // MARK: Length boundaries

    func testEveryLengthBoundaryEncodesMinimallyAndRoundTrips() {
        let expectedHeaderSizes = [0: 2, 125: 2, 126: 4, 127: 4, 65535: 4, 65536: 10, 65537: 10]
        for (length, headerSize) in expectedHeaderSizes {
            let payload = (0..<length).map { UInt8(truncatingIfNeeded: $0 &* 31) }
            let encoded = serverFrame(.binary, payload)
            XCTAssertEqual(encoded.count, headerSize + length, "length \(length)")
            XCTAssertEqual(decode(encoded).events, [.binary(payload)], "length \(length)")
            let masked = clientFrame(.binary, payload)
            XCTAssertEqual(masked.count, headerSize + 4 + length, "masked length \(length)")
            XCTAssertEqual(
                decode(masked, fromClient: true, chunkSize: 1000).events, [.binary(payload)], "masked length \(length)")
        }
    }

    func testLengthBoundaryHeaderBytes() {
        XCTAssertEqual(Array(serverFrame(.binary, [UInt8](repeating: 0, count: 125)).prefix(2)), [0x82, 125])
        XCTAssertEqual(
            Array(serverFrame(.binary, [UInt8](repeating: 0, count: 126)).prefix(4)), [0x82, 126, 0x00, 0x7E])
        XCTAssertEqual(
            Array(serverFrame(.binary, [UInt8](repeating: 0, count: 65535)).prefix(4)), [0x82, 126, 0xFF, 0xFF])
        XCTAssertEqual(
            Array(serverFrame(.binary, [UInt8](repeating: 0, count: 65536)).prefix(10)),
            [0x82, 127, 0, 0, 0, 0, 0, 1, 0, 0])
    }

    func testByteByByteDeliveryMatchesWholeDelivery() {
        let stream =
            clientFrame(.text, Array("frag".utf8), fin: false) + clientFrame(.ping, [1, 2])
            + clientFrame(.continuation, Array("mented ✓".utf8))
            + clientFrame(.binary, [UInt8](repeating: 9, count: 300))
            + clientFrame(.close, closePayload(1000, "done"))
        let expected: [InboundFrameEvent] = [
            .ping([1, 2]), .text("fragmented ✓"), .binary([UInt8](repeating: 9, count: 300)),
            .close(.normalClosure, reason: "done"),
        ]
        XCTAssertEqual(decode(stream, fromClient: true).events, expected)
        XCTAssertEqual(decode(stream, fromClient: true, chunkSize: 1).events, expected)
        XCTAssertEqual(decode(stream, fromClient: true, chunkSize: 7).events, expected)
    }

    func testEmptyMessagesAndEmptyFragments() {
        let stream =
            serverFrame(.text, []) + serverFrame(.binary, []) + serverFrame(.text, [], fin: false)
            + serverFrame(.continuation, Array("x".utf8), fin: false) + serverFrame(.continuation, [])
        XCTAssertEqual(decode(stream).events, [.text(""), .binary([]), .text("x")])
    }

    func testCloseWithoutPayloadAndBytesAfterCloseAreIgnored() {
        let stream = serverFrame(.close, []) + [0xFF, 0xFF, 0xFF]
        let decoded = decode(stream)
        XCTAssertEqual(decoded.events, [.close(.noStatusReceived, reason: "")])
        XCTAssertNil(decoded.error)
    }

    func testValidCloseCodes() {
        for code: UInt16 in [
            1000, 1001, 1002, 1003, 1007, 1008, 1009, 1010, 1011, 1012, 1013, 1014, 3000, 3999, 4000, 4999,
        ] {
            XCTAssertEqual(
                decode(serverFrame(.close, closePayload(code, "ok"))).events,
                [.close(WebSocketCloseCode(rawValue: code), reason: "ok")], "code \(code)")
        }
    }

    // MARK: Protocol violations (1002)

    func testReservedBitsAreRejected() {
        for bits: UInt8 in 1...7 {
            XCTAssertEqual(
                decode(clientFrame(.text, Array("a".utf8), reservedBits: bits), fromClient: true).error?.code,
                .protocolError, "RSV \(bits)")
        }
    }

    func testReservedOpcodesAreRejected() {
        for opcode: UInt8 in [3, 4, 5, 6, 7, 0xB, 0xC, 0xD, 0xE, 0xF] {
            let decoded = decode(clientFrame(WebSocketOpcode(rawValue: opcode), []), fromClient: true)
            XCTAssertEqual(decoded.error?.code, .protocolError, "opcode \(opcode)")
            XCTAssertEqual(decoded.error?.reason, "frame uses reserved opcode \(opcode)")
        }
    }

    func testMaskingDirectionIsEnforced() {
        XCTAssertEqual(decode(serverFrame(.text, [0x61]), fromClient: true).error?.reason, "client frame is not masked")
        XCTAssertEqual(decode(clientFrame(.text, [0x61]), fromClient: false).error?.reason, "server frame is masked")
    }

    func testFragmentedControlFramesAreRejected() {
        for opcode in [WebSocketOpcode.ping, .pong, .close] {
            XCTAssertEqual(decode(clientFrame(opcode, [], fin: false), fromClient: true).error?.code, .protocolError)
        }
    }

    func testControlFramesLongerThan125BytesAreRejected() {
        XCTAssertEqual(decode(serverFrame(.ping, [UInt8](repeating: 0, count: 125))).events.count, 1)
        for opcode in [WebSocketOpcode.ping, .pong, .close] {
            let decoded = decode(serverFrame(opcode, [UInt8](repeating: 0, count: 126)))
            XCTAssertEqual(decoded.error?.code, .protocolError, "\(opcode)")
        }
    }

    func testControlFrameIsRejectedFromItsFirstTwoBytes() {
        // Fail fast: the extended length and payload never need to arrive.
        XCTAssertEqual(decode([0x89, 0x7E]).error?.code, .protocolError)
        XCTAssertEqual(decode([0x91, 0x00]).error?.code, .protocolError)
    }

    func testSixtyFourBitLengthWithTopBitSetIsRejected() {
        let bytes: [UInt8] = [0x82, 0x7F, 0x80, 0, 0, 0, 0, 0, 0, 1]
        XCTAssertEqual(decode(bytes).error?.reason, "64-bit payload length has its top bit set")
    }

    func testContinuationWithoutMessageIsRejected() {
        XCTAssertEqual(decode(serverFrame(.continuation, [0x61])).error?.code, .protocolError)
    }

    func testNewMessageInsideFragmentedMessageIsRejected() {
        let stream = serverFrame(.text, [0x61], fin: false) + serverFrame(.binary, [0x62])
        XCTAssertEqual(decode(stream).error?.code, .protocolError)
        let text = serverFrame(.binary, [0x61], fin: false) + serverFrame(.text, [0x62])
        XCTAssertEqual(decode(text).error?.code, .protocolError)
    }

    func testInvalidCloseCodesAreRejected() {
        for code: UInt16 in [0, 999, 1004, 1005, 1006, 1015, 1016, 1100, 2000, 2999, 5000, 65535] {
            let decoded = decode(serverFrame(.close, closePayload(code)))
            XCTAssertEqual(decoded.error?.code, .protocolError, "code \(code)")
            XCTAssertEqual(decoded.error?.reason, "close code \(code) is not allowed in a close frame")
        }
    }

    func testOneByteClosePayloadIsRejected() {
        XCTAssertEqual(decode(serverFrame(.close, [0x03])).error?.code, .protocolError)
    }

    // MARK: Invalid UTF-8 (1007)

    func testInvalidUTF8TextIsRejected() {
        XCTAssertEqual(decode(serverFrame(.text, [0xCE, 0xBA, 0xFF])).error?.code, .invalidPayloadData)
        XCTAssertEqual(
            decode(serverFrame(.text, [0xED, 0xA0, 0x80])).error?.reason, "text message is not valid UTF-8")
    }

    func testInvalidUTF8FailsFastInTheFirstBadFragment() {
        // The second fragment carries the bad byte; the message never ends, yet decoding fails there.
        let stream =
            serverFrame(.text, Array("κόσμε".utf8), fin: false) + serverFrame(.continuation, [0xF4, 0x90], fin: false)
        let decoded = decode(stream)
        XCTAssertEqual(decoded.error?.code, .invalidPayloadData)
        XCTAssertEqual(decoded.events, [])
    }

    func testInvalidUTF8FailsFastInsideAPartlyReceivedFrame() {
        // Only the start of a 100-byte frame arrives; the invalid byte in it is enough.
        let frame = serverFrame(.text, [0x61, 0xC0] + [UInt8](repeating: 0x61, count: 98))
        XCTAssertEqual(decode(Array(frame.prefix(4))).error?.code, .invalidPayloadData)
    }

    func testCodePointSplitAcrossFragmentsIsValid() {
        let euro = Array("€".utf8) // E2 82 AC
        let stream =
            serverFrame(.text, [euro[0]], fin: false) + serverFrame(.continuation, [euro[1]], fin: false)
            + serverFrame(.continuation, [euro[2]])
        XCTAssertEqual(decode(stream).events, [.text("€")])
    }

    func testTextEndingInsideACodePointIsRejected() {
        let decoded = decode(serverFrame(.text, [0x61, 0xE2, 0x82]))
        XCTAssertEqual(decoded.error?.reason, "text message ends inside a UTF-8 sequence")
    }

    func testInvalidUTF8CloseReasonIsRejected() {
        XCTAssertEqual(decode(serverFrame(.close, closePayload(1000) + [0xFF])).error?.code, .invalidPayloadData)
    }

    // MARK: Size limits (1009)

    func testOversizedFrameIsRejectedFromItsHeader() {
        let header: [UInt8] = [0x82, 0x7E, 0x04, 0x00] // 1024 bytes announced, none sent
        XCTAssertEqual(decode(header, maximumFrameSize: 1000).error?.code, .messageTooBig)
    }

    func testOversizedMessageAcrossFragmentsIsRejected() {
        let stream =
            serverFrame(.binary, [UInt8](repeating: 0, count: 600), fin: false)
            + serverFrame(.continuation, [UInt8](repeating: 0, count: 600))
        let decoded = decode(stream, maximumMessageSize: 1000)
        XCTAssertEqual(decoded.error?.code, .messageTooBig)
        XCTAssertEqual(decoded.error?.reason, "message exceeds the limit of 1000 bytes")
        XCTAssertEqual(decode(stream, maximumMessageSize: 1200).events.count, 1)
    }

    // MARK: Robustness

    func testArbitraryBytesNeverCrashTheDecoders() {
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        func next() -> UInt64 {
            state ^= state << 13
            state ^= state >> 7
            state ^= state << 17
            return state
        }
        for round in 0..<2000 {
            // Mostly valid-looking headers with random lengths and payloads, sometimes pure noise.
            var bytes: [UInt8] = []
            for _ in 0..<Int(next() % 6) {
                let opcode: UInt64 = [0, 1, 2, 8, 9, 10, 3, 11][Int(next() % 8)]
                bytes.append(UInt8(truncatingIfNeeded: next() % 2 == 0 ? 0x80 | opcode : next()))
                bytes.append(UInt8(truncatingIfNeeded: next()))
                bytes += (0..<Int(next() % 40)).map { _ in UInt8(truncatingIfNeeded: next()) }
            }
            let decoded = decode(
                bytes, fromClient: round % 2 == 0, chunkSize: Int(next() % 9) + 1, maximumFrameSize: 300,
                maximumMessageSize: 500)
            if let error = decoded.error {
                XCTAssertTrue([.protocolError, .invalidPayloadData, .messageTooBig].contains(error.code))
            }
            _ = try? HTTPParser.parseRequest(head: bytes[...], remoteAddress: "fuzz")
            _ = try? HTTPParser.parseResponse(head: bytes[...])
        }
    }
}
