// The RFC 6455 §5.2 base framing: opcodes, masking keys, frames, and their wire encoding.
import HypergraphEventLoop

/// A frame opcode (RFC 6455 §5.2).
public enum WebSocketOpcode: Sendable, Hashable {
    /// 0x0: continues a fragmented message.
    case continuation
    /// 0x1: the first frame of a text message.
    case text
    /// 0x2: the first frame of a binary message.
    case binary
    /// 0x8: starts or answers the closing handshake.
    case close
    /// 0x9: asks for a pong.
    case ping
    /// 0xA: answers a ping (or is an unsolicited heartbeat).
    case pong
    /// A reserved value (0x3–0x7, 0xB–0xF); receiving one is a protocol error.
    case unknown(UInt8)

    /// The opcode of a 4-bit wire value.
    public init(rawValue: UInt8) {
        switch rawValue & 0x0F {
        case 0x0: self = .continuation
        case 0x1: self = .text
        case 0x2: self = .binary
        case 0x8: self = .close
        case 0x9: self = .ping
        case 0xA: self = .pong
        default: self = .unknown(rawValue & 0x0F)
        }
    }

    /// The 4-bit wire value.
    public var rawValue: UInt8 {
        switch self {
        case .continuation: 0x0
        case .text: 0x1
        case .binary: 0x2
        case .close: 0x8
        case .ping: 0x9
        case .pong: 0xA
        case .unknown(let value): value & 0x0F
        }
    }

    /// Control frames (close, ping, pong and the reserved 0xB–0xF) have the high opcode bit set.
    public var isControl: Bool { rawValue & 0x08 != 0 }
}

/// The 4-byte key a client XORs over every payload it sends (RFC 6455 §5.3).
public struct WebSocketMaskingKey: Sendable, Hashable {
    /// The key bytes in wire order.
    public var bytes: (UInt8, UInt8, UInt8, UInt8)

    /// A key from four bytes in wire order.
    public init(_ b0: UInt8, _ b1: UInt8, _ b2: UInt8, _ b3: UInt8) {
        bytes = (b0, b1, b2, b3)
    }

    /// A key from the system's secure random source, as RFC 6455 requires for clients.
    public static func random() -> WebSocketMaskingKey {
        var generator = SystemRandomNumberGenerator()
        let value = generator.next() as UInt32
        return WebSocketMaskingKey(
            UInt8(truncatingIfNeeded: value), UInt8(truncatingIfNeeded: value >> 8),
            UInt8(truncatingIfNeeded: value >> 16), UInt8(truncatingIfNeeded: value >> 24))
    }

    /// Compares the four bytes.
    public static func == (lhs: WebSocketMaskingKey, rhs: WebSocketMaskingKey) -> Bool {
        lhs.bytes == rhs.bytes
    }

    /// Hashes the four bytes.
    public func hash(into hasher: inout Hasher) {
        hasher.combine(bytes.0)
        hasher.combine(bytes.1)
        hasher.combine(bytes.2)
        hasher.combine(bytes.3)
    }

    /// XORs the key over `buffer`, which starts `phase` bytes into the payload.
    func apply(to buffer: UnsafeMutableRawBufferPointer, phase: Int) {
        guard let base = buffer.baseAddress else { return }
        // The key repeated over eight bytes, starting at the right phase, so most of the work is 64-bit XORs.
        var pattern: UInt64 = 0
        withUnsafeMutableBytes(of: &pattern) { patternBytes in
            withUnsafeBytes(of: bytes) { key in
                for index in 0..<8 { patternBytes[index] = key[(phase + index) & 3] }
            }
        }
        var index = 0
        while index + 8 <= buffer.count {
            let word = base.loadUnaligned(fromByteOffset: index, as: UInt64.self) ^ pattern
            base.storeBytes(of: word, toByteOffset: index, as: UInt64.self)
            index += 8
        }
        withUnsafeBytes(of: pattern) { patternBytes in
            var tail = 0
            while index < buffer.count {
                buffer[index] ^= patternBytes[tail]
                index += 1
                tail += 1
            }
        }
    }
}

/// One frame exactly as it travels, for tests and conformance tools that need to send anything — including
/// frames a correct endpoint never sends (reserved bits, reserved opcodes, oversized control frames).
public struct WebSocketFrame: Sendable, Hashable {
    /// Whether this is the final fragment of its message.
    public var fin: Bool
    /// RSV1, RSV2, RSV3 as the low three bits (RSV1 = 0b100). Zero unless an extension is negotiated.
    public var reservedBits: UInt8
    /// What the frame carries.
    public var opcode: WebSocketOpcode
    /// The masking key; clients must mask, servers must not.
    public var maskingKey: WebSocketMaskingKey?
    /// The unmasked payload.
    public var payload: [UInt8]

    /// Creates a frame.
    public init(
        fin: Bool = true, reservedBits: UInt8 = 0, opcode: WebSocketOpcode,
        maskingKey: WebSocketMaskingKey? = nil, payload: [UInt8] = []
    ) {
        self.fin = fin
        self.reservedBits = reservedBits
        self.opcode = opcode
        self.maskingKey = maskingKey
        self.payload = payload
    }

    /// The wire bytes: header, then the payload masked with `maskingKey` if there is one.
    public func encoded() -> [UInt8] {
        payload.withUnsafeBytes { payload in
            OutboundBytes.frame(
                fin: fin, reservedBits: reservedBits, opcode: opcode, payload: payload, maskingKey: maskingKey)
        }.bytes
    }
}

/// Frame header encoding (RFC 6455 §5.2).
enum FrameHeader {
    /// The most bytes a header can take: 2 + 8 (64-bit length) + 4 (masking key).
    static let maximumSize = 14

    /// The header size for a payload of `count` bytes.
    static func size(payloadCount count: Int, masked: Bool) -> Int {
        let length = count < 126 ? 0 : count <= 0xFFFF ? 2 : 8
        return 2 + length + (masked ? 4 : 0)
    }

    /// Writes a header at `destination` and returns its size.
    static func write(
        to destination: UnsafeMutableRawPointer, fin: Bool, reservedBits: UInt8, opcode: WebSocketOpcode,
        payloadCount count: Int, maskingKey: WebSocketMaskingKey?
    ) -> Int {
        destination.storeBytes(
            of: (fin ? 0x80 : 0) | (reservedBits & 0x07) << 4 | opcode.rawValue, toByteOffset: 0, as: UInt8.self)
        let maskBit: UInt8 = maskingKey == nil ? 0 : 0x80
        var size: Int
        if count < 126 {
            destination.storeBytes(of: maskBit | UInt8(count), toByteOffset: 1, as: UInt8.self)
            size = 2
        } else if count <= 0xFFFF {
            destination.storeBytes(of: maskBit | 126, toByteOffset: 1, as: UInt8.self)
            destination.storeBytes(of: UInt16(count).bigEndian, toByteOffset: 2, as: UInt16.self)
            size = 4
        } else {
            destination.storeBytes(of: maskBit | 127, toByteOffset: 1, as: UInt8.self)
            destination.storeBytes(of: UInt64(count).bigEndian, toByteOffset: 2, as: UInt64.self)
            size = 10
        }
        if let maskingKey {
            withUnsafeBytes(of: maskingKey.bytes) { key in
                UnsafeMutableRawBufferPointer(start: destination + size, count: 4).copyMemory(from: key)
            }
            size += 4
        }
        return size
    }
}
