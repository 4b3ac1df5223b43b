// WebSocket frames encoded into outbound bytes, and frames encoded once and shared by many connections.
import HypergraphEventLoop

extension OutboundBytes {
    /// Encodes one frame; the payload is masked in the copy when `maskingKey` is given.
    static func frame(
        fin: Bool = true, reservedBits: UInt8 = 0, opcode: WebSocketOpcode, payload: UnsafeRawBufferPointer,
        maskingKey: WebSocketMaskingKey?
    ) -> OutboundBytes {
        let headerSize = FrameHeader.size(payloadCount: payload.count, masked: maskingKey != nil)
        return OutboundBytes(count: headerSize + payload.count) { destination in
            guard let start = destination.baseAddress else { return }
            _ = FrameHeader.write(
                to: start, fin: fin, reservedBits: reservedBits, opcode: opcode, payloadCount: payload.count,
                maskingKey: maskingKey)
            let body = UnsafeMutableRawBufferPointer(rebasing: destination[headerSize...])
            body.copyMemory(from: payload)
            maskingKey?.apply(to: body, phase: 0)
        }
    }

    /// Encodes a single-frame text message.
    static func text(_ text: String, maskingKey: WebSocketMaskingKey?) -> OutboundBytes {
        var text = text
        return text.withUTF8 { frame(opcode: .text, payload: UnsafeRawBufferPointer($0), maskingKey: maskingKey) }
    }

    /// Encodes a single-frame message or control frame from bytes.
    static func frame(opcode: WebSocketOpcode, bytes: some Collection<UInt8>, maskingKey: WebSocketMaskingKey?)
        -> OutboundBytes
    {
        if let encoded = bytes.withContiguousStorageIfAvailable({
            frame(opcode: opcode, payload: UnsafeRawBufferPointer($0), maskingKey: maskingKey)
        }) {
            return encoded
        }
        return Array(bytes).withUnsafeBytes { frame(opcode: opcode, payload: $0, maskingKey: maskingKey) }
    }
}

/// A message encoded once as an unmasked server frame, to send to many connections (broadcast) without
/// encoding or copying it per connection. Sending it on a client connection masks a private copy, since a
/// client must use a fresh masking key per frame.
public struct SharedWebSocketFrame: Sendable {
    let encoded: OutboundBytes
    let opcode: WebSocketOpcode
    let payloadOffset: Int

    /// A text message.
    public init(text: String) {
        self.init(OutboundBytes.text(text, maskingKey: nil), opcode: .text, payloadCount: text.utf8.count)
    }

    /// A binary message.
    public init(binary: some Collection<UInt8>) {
        self.init(
            OutboundBytes.frame(opcode: .binary, bytes: binary, maskingKey: nil), opcode: .binary,
            payloadCount: binary.count)
    }

    private init(_ encoded: OutboundBytes, opcode: WebSocketOpcode, payloadCount: Int) {
        self.encoded = encoded
        self.opcode = opcode
        payloadOffset = encoded.count - payloadCount
    }

    /// The size of the encoded frame in bytes.
    public var encodedCount: Int { encoded.count }

    /// Calls `body` with the payload (the frame without its header).
    func withPayload<Result>(_ body: (UnsafeRawBufferPointer) -> Result) -> Result {
        withExtendedLifetime(encoded) { body(UnsafeRawBufferPointer(rebasing: encoded.buffer[payloadOffset...])) }
    }
}
