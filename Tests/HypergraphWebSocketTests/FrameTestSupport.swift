// Helpers for feeding hand-built bytes through the frame layer.
@testable import HypergraphWebSocket

/// What decoding a byte sequence produced.
struct Decoded {
    var events: [InboundFrameEvent]
    var error: WebSocketProtocolError?
}

/// Feeds `bytes` to a receiver in pieces of `chunkSize` bytes (all at once when nil). `fromClient` decodes frames
/// as a server does (they must be masked).
func decode(
    _ bytes: [UInt8], fromClient: Bool = false, chunkSize: Int? = nil, maximumFrameSize: Int = 1 << 24,
    maximumMessageSize: Int = 1 << 24
) -> Decoded {
    var receiver = FrameReceiver(
        expectsMaskedFrames: fromClient, maximumFrameSize: maximumFrameSize, maximumMessageSize: maximumMessageSize)
    var events: [InboundFrameEvent] = []
    let input = UnsafeMutableRawBufferPointer.allocate(byteCount: max(bytes.count, 1), alignment: 8)
    defer { input.deallocate() }
    input.copyBytes(from: bytes)
    let step = max(chunkSize ?? bytes.count, 1)
    var start = 0
    do {
        repeat {
            let end = min(start + step, bytes.count)
            try receiver.receive(UnsafeMutableRawBufferPointer(rebasing: input[start..<end])) { events.append($0) }
            start = end
        } while start < bytes.count
    } catch {
        return Decoded(events: events, error: error)
    }
    return Decoded(events: events, error: nil)
}

/// A client frame: masked with a fixed key.
func clientFrame(_ opcode: WebSocketOpcode, _ payload: [UInt8], fin: Bool = true, reservedBits: UInt8 = 0) -> [UInt8] {
    WebSocketFrame(
        fin: fin, reservedBits: reservedBits, opcode: opcode, maskingKey: WebSocketMaskingKey(0x12, 0x34, 0x56, 0x78),
        payload: payload
    ).encoded()
}

/// A server frame: unmasked.
func serverFrame(_ opcode: WebSocketOpcode, _ payload: [UInt8], fin: Bool = true) -> [UInt8] {
    WebSocketFrame(fin: fin, opcode: opcode, payload: payload).encoded()
}

/// A close frame payload: code and reason.
func closePayload(_ code: UInt16, _ reason: String = "") -> [UInt8] {
    [UInt8(code >> 8), UInt8(code & 0xFF)] + Array(reason.utf8)
}
