// Encoded bytes on their way to sockets: frames, handshake responses, and frames shared by many connections.

/// An immutable block of encoded bytes that connections queue by reference, so one encoded broadcast frame is
/// written to every subscriber without a copy per connection.
package final class OutboundBytes: @unchecked Sendable {
    // @unchecked: the memory is written only inside `init`, before the object can be shared, and only read after.
    private let base: UnsafeMutableRawPointer
    /// The number of bytes.
    let count: Int

    /// Allocates `count` bytes and lets `fill` write all of them.
    package init(count: Int, fill: (UnsafeMutableRawBufferPointer) -> Void) {
        base = .allocate(byteCount: max(count, 1), alignment: 8)
        self.count = count
        fill(UnsafeMutableRawBufferPointer(start: base, count: count))
    }

    deinit {
        base.deallocate()
    }

    /// The bytes. Valid only while this object is alive: users hold a reference for as long as they use it
    /// (the outbound queue holds its chunks until the kernel has taken them).
    var buffer: UnsafeRawBufferPointer { UnsafeRawBufferPointer(start: base, count: count) }

    /// A copy of the bytes.
    var bytes: [UInt8] { Array(buffer) }

    /// Copies `bytes`.
    convenience init(copying bytes: some Collection<UInt8>) {
        self.init(count: bytes.count) { destination in
            destination.copyBytes(from: bytes)
        }
    }

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
