// Turns the inbound byte stream of an open WebSocket into messages and control frames, enforcing RFC 6455:
// masking direction, reserved bits and opcodes, control-frame rules, fragmentation order, close payloads,
// incremental UTF-8 validation and size limits. Pure state machine: no I/O, no threads (owned by whoever
// feeds it — the connection's event loop, or a test).

/// Something the peer sent, decoded and validated.
enum InboundFrameEvent: Equatable {
    /// A complete text message.
    case text(String)
    /// A complete binary message.
    case binary([UInt8])
    /// A ping with its payload (to be answered with a pong).
    case ping([UInt8])
    /// A pong with its payload.
    case pong([UInt8])
    /// A close frame: its code (`.noStatusReceived` when it had none) and reason.
    case close(WebSocketCloseCode, reason: String)
}

/// Why the inbound stream broke the protocol, and the close code to fail the connection with.
struct WebSocketProtocolError: Error, Equatable, CustomStringConvertible {
    /// 1002 (protocol error), 1007 (invalid UTF-8) or 1009 (too big).
    var code: WebSocketCloseCode
    /// What was wrong, sent as the close reason.
    var reason: String

    var description: String { "\(code): \(reason)" }
}

/// The incremental decoder for one direction of one connection.
struct FrameReceiver {
    /// A frame whose payload is being read.
    private struct Frame {
        var fin: Bool
        var opcode: WebSocketOpcode
        var maskingKey: WebSocketMaskingKey?
        var remaining: Int
        var phase = 0
    }

    /// A data message being assembled from one or more frames.
    private struct Message {
        var isText: Bool
        var bytes: [UInt8] = []
        var validator = UTF8Validator()
    }

    private let expectsMaskedFrames: Bool
    private let maximumFrameSize: Int
    private let maximumMessageSize: Int
    private var partialHeader: [UInt8] = []
    private var frame: Frame?
    private var message: Message?
    private var controlPayload: [UInt8] = []
    private var closeReceived = false

    /// A decoder for frames sent by a client (`expectsMaskedFrames`, on a server) or by a server.
    init(expectsMaskedFrames: Bool, maximumFrameSize: Int, maximumMessageSize: Int) {
        self.expectsMaskedFrames = expectsMaskedFrames
        self.maximumFrameSize = maximumFrameSize
        self.maximumMessageSize = maximumMessageSize
    }

    /// Decodes `input` (unmasking it in place) and calls `deliver` for each complete message or control frame.
    /// Everything after a close frame is ignored. After an error the receiver must not be used again.
    mutating func receive(
        _ input: UnsafeMutableRawBufferPointer, deliver: (InboundFrameEvent) -> Void
    ) throws(WebSocketProtocolError) {
        var offset = 0
        while !closeReceived {
            if var current = frame {
                guard offset < input.count else { return }
                let count = min(current.remaining, input.count - offset)
                let chunk = UnsafeMutableRawBufferPointer(rebasing: input[offset..<offset + count])
                current.maskingKey?.apply(to: chunk, phase: current.phase)
                current.phase = (current.phase + count) & 3
                current.remaining -= count
                offset += count
                frame = current
                try consumePayload(UnsafeRawBufferPointer(chunk), isControl: current.opcode.isControl)
                guard current.remaining == 0 else { return }
                frame = nil
                try finish(current, deliver: deliver)
            } else {
                guard offset < input.count else { return }
                guard let started = try readHeader(from: input, at: &offset) else { return }
                if started.opcode == .text || started.opcode == .binary {
                    message = Message(isText: started.opcode == .text)
                    message?.bytes.reserveCapacity(started.remaining)
                }
                if started.remaining == 0 {
                    try finish(started, deliver: deliver)
                } else {
                    frame = started
                }
            }
        }
    }

    // MARK: Headers

    /// Reads a header (completing one split across reads). Returns nil when more bytes are needed.
    private mutating func readHeader(
        from input: UnsafeMutableRawBufferPointer, at offset: inout Int
    ) throws(WebSocketProtocolError) -> Frame? {
        if partialHeader.isEmpty {
            let available = UnsafeRawBufferPointer(rebasing: input[offset...])
            if let (header, size) = try parseHeader(available) {
                offset += size
                return header
            }
            partialHeader = Array(available)
            offset = input.count
            return nil
        }
        let previous = partialHeader.count
        let taken = min(FrameHeader.maximumSize - previous, input.count - offset)
        partialHeader.append(contentsOf: UnsafeRawBufferPointer(rebasing: input[offset..<offset + taken]))
        guard let (header, size) = try parseHeader(partialHeader) else {
            offset += taken
            return nil
        }
        partialHeader = []
        offset += size - previous
        return header
    }

    /// Parses and validates a header at the start of `bytes`; nil when incomplete. Checks that need only the
    /// first two bytes run before the rest arrives, so a bad frame fails as early as possible.
    private func parseHeader<Bytes: RandomAccessCollection<UInt8>>(
        _ bytes: Bytes
    ) throws(WebSocketProtocolError) -> (Frame, Int)? where Bytes.Index == Int {
        guard bytes.count >= 2 else { return nil }
        let start = bytes.startIndex
        let first = bytes[start]
        let second = bytes[start + 1]
        let fin = first & 0x80 != 0
        let reserved = (first >> 4) & 0x07
        let opcode = WebSocketOpcode(rawValue: first & 0x0F)
        let masked = second & 0x80 != 0
        let shortLength = Int(second & 0x7F)

        guard reserved == 0 else {
            throw failure(.protocolError, "frame has reserved bits \(reserved) set, but no extension was negotiated")
        }
        if case .unknown(let value) = opcode {
            throw failure(.protocolError, "frame uses reserved opcode \(value)")
        }
        if opcode.isControl {
            guard fin else { throw failure(.protocolError, "control frame (\(opcode)) is fragmented") }
            guard shortLength <= 125 else {
                throw failure(.protocolError, "control frame (\(opcode)) payload is longer than 125 bytes")
            }
        }
        guard masked == expectsMaskedFrames else {
            throw failure(.protocolError, expectsMaskedFrames ? "client frame is not masked" : "server frame is masked")
        }
        switch opcode {
        case .continuation where message == nil:
            throw failure(.protocolError, "continuation frame without a fragmented message in progress")
        case .text where message != nil, .binary where message != nil:
            throw failure(.protocolError, "new \(opcode) message started before the fragmented message ended")
        default: break
        }

        let lengthSize = shortLength == 126 ? 2 : shortLength == 127 ? 8 : 0
        let size = 2 + lengthSize + (masked ? 4 : 0)
        guard bytes.count >= size else { return nil }
        var length = shortLength
        if lengthSize > 0 {
            let wide = bytes[(start + 2)..<(start + 2 + lengthSize)].reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
            guard wide >> 63 == 0 else { throw failure(.protocolError, "64-bit payload length has its top bit set") }
            guard wide <= UInt64(maximumFrameSize) else { throw frameTooBig(wide) }
            length = Int(wide)
        }
        guard length <= maximumFrameSize else { throw frameTooBig(UInt64(length)) }
        if !opcode.isControl, (message?.bytes.count ?? 0) + length > maximumMessageSize {
            throw failure(.messageTooBig, "message exceeds the limit of \(maximumMessageSize) bytes")
        }
        let keyStart = start + size - 4
        let key =
            masked
            ? WebSocketMaskingKey(bytes[keyStart], bytes[keyStart + 1], bytes[keyStart + 2], bytes[keyStart + 3]) : nil
        return (Frame(fin: fin, opcode: opcode, maskingKey: key, remaining: length), size)
    }

    // MARK: Payloads

    /// Takes an unmasked piece of the current frame's payload. Message bytes are appended in place (through
    /// optional chaining, which does not copy the array).
    private mutating func consumePayload(_ chunk: UnsafeRawBufferPointer, isControl: Bool)
        throws(WebSocketProtocolError)
    {
        if isControl {
            controlPayload.append(contentsOf: chunk)
            return
        }
        if message?.isText == true, message?.validator.consume(chunk) != true {
            throw failure(.invalidPayloadData, "text message is not valid UTF-8")
        }
        message?.bytes.append(contentsOf: chunk)
    }

    private mutating func finish(_ frame: Frame, deliver: (InboundFrameEvent) -> Void) throws(WebSocketProtocolError) {
        switch frame.opcode {
        case .ping, .pong, .close:
            let payload = controlPayload
            controlPayload = []
            if frame.opcode == .ping { deliver(.ping(payload)) }
            if frame.opcode == .pong { deliver(.pong(payload)) }
            if frame.opcode == .close {
                closeReceived = true
                deliver(try parseClose(payload))
            }
        default:
            guard frame.fin, let complete = message else { return }
            message = nil
            guard complete.isText else { return deliver(.binary(complete.bytes)) }
            guard complete.validator.isAtCharacterBoundary else {
                throw failure(.invalidPayloadData, "text message ends inside a UTF-8 sequence")
            }
            deliver(.text(String(decoding: complete.bytes, as: UTF8.self)))
        }
    }

    private func parseClose(_ payload: [UInt8]) throws(WebSocketProtocolError) -> InboundFrameEvent {
        guard !payload.isEmpty else { return .close(.noStatusReceived, reason: "") }
        guard payload.count >= 2 else { throw failure(.protocolError, "close frame payload is a single byte") }
        let code = WebSocketCloseCode(rawValue: UInt16(payload[0]) << 8 | UInt16(payload[1]))
        guard code.isAllowedInCloseFrame else {
            throw failure(.protocolError, "close code \(code.rawValue) is not allowed in a close frame")
        }
        var validator = UTF8Validator()
        let reasonBytes = payload[2...]
        guard reasonBytes.withUnsafeBytes({ validator.consume($0) }), validator.isAtCharacterBoundary else {
            throw failure(.invalidPayloadData, "close reason is not valid UTF-8")
        }
        return .close(code, reason: String(decoding: reasonBytes, as: UTF8.self))
    }

    private func frameTooBig(_ length: UInt64) -> WebSocketProtocolError {
        failure(.messageTooBig, "frame of \(length) bytes exceeds the limit of \(maximumFrameSize) bytes")
    }

    private func failure(_ code: WebSocketCloseCode, _ reason: String) -> WebSocketProtocolError {
        WebSocketProtocolError(code: code, reason: reason)
    }
}
