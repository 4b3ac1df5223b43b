/// A compression function of the SHA-1/SHA-2 family over 64-byte blocks: the part of each hash that differs.
protocol HashBlockCompression: Sendable {
    /// The algorithm's initial chaining value.
    init()
    /// Absorbs `count` consecutive 64-byte blocks starting at `blocks` (no alignment required).
    mutating func compress(blocks: UnsafeRawPointer, count: Int)
    /// The chaining value serialised as the digest.
    var digest: [UInt8] { get }
    /// Whether the padding's 64-bit message length is big-endian (SHA family) rather than little-endian (MD5).
    static var lengthIsBigEndian: Bool { get }
}

extension HashBlockCompression {
    static var lengthIsBigEndian: Bool { true }
}

/// The Merkle–Damgård framing shared by MD5, SHA-1 and SHA-256: buffering of partial 64-byte blocks and the
/// final padding (`0x80`, zeros, then the message length in bits as a 64-bit integer, big-endian except in MD5).
///
/// The partial block lives inline in a tuple rather than in an array, so hashing short messages (HMAC, RFC 6979
/// nonces) needs no buffer allocation.
struct HashBlockBuffer<Compression: HashBlockCompression>: Sendable {
    private static var blockSize: Int { 64 }

    private var compression = Compression()
    private var pending: HashBlock = (0, 0, 0, 0, 0, 0, 0, 0)
    private var pendingCount = 0
    /// Total message length in bytes. Wrapping arithmetic mirrors the standards, which define the length field
    /// modulo 2^64 bits; no real input comes near that.
    private var messageLength: UInt64 = 0

    init() {}

    mutating func update(_ bytes: some Collection<UInt8>) {
        let absorbed: Void? = bytes.withContiguousStorageIfAvailable { update(UnsafeRawBufferPointer($0)) }
        if absorbed == nil {
            Array(bytes).withUnsafeBytes { update($0) }
        }
    }

    mutating func update(_ input: UnsafeRawBufferPointer) {
        guard var next = input.baseAddress, !input.isEmpty else { return }
        var remaining = input.count
        messageLength &+= UInt64(remaining)

        if pendingCount > 0 {
            let offset = pendingCount
            let taken = min(Self.blockSize - offset, remaining)
            withUnsafeMutableBytes(of: &pending) { block in
                (block.baseAddress! + offset).copyMemory(from: next, byteCount: taken)
            }
            pendingCount += taken
            next += taken
            remaining -= taken
            guard pendingCount == Self.blockSize else { return }
            let block = pending
            withUnsafeBytes(of: block) { compression.compress(blocks: $0.baseAddress!, count: 1) }
            pendingCount = 0
        }

        let wholeBlocks = remaining / Self.blockSize
        if wholeBlocks > 0 {
            compression.compress(blocks: next, count: wholeBlocks)
            next += wholeBlocks * Self.blockSize
            remaining -= wholeBlocks * Self.blockSize
        }

        if remaining > 0 {
            let tail = next
            let tailCount = remaining
            withUnsafeMutableBytes(of: &pending) { block in
                block.baseAddress!.copyMemory(from: tail, byteCount: tailCount)
            }
            pendingCount = remaining
        }
    }

    /// Pads the message, absorbs the final one or two blocks and returns the digest.
    consuming func finalize() -> [UInt8] {
        // One block if the 0x80 marker and the 8-byte length still fit after the pending bytes, else two.
        let blockCount = pendingCount + 1 + 8 <= Self.blockSize ? 1 : 2
        var tail: (HashBlock, HashBlock) = (pending, (0, 0, 0, 0, 0, 0, 0, 0))
        let markerOffset = pendingCount
        let bitLength = messageLength &<< 3
        withUnsafeMutableBytes(of: &tail) { bytes in
            for index in markerOffset..<blockCount * Self.blockSize { bytes[index] = 0 }
            bytes[markerOffset] = 0x80
            let length = Compression.lengthIsBigEndian ? bitLength.bigEndian : bitLength.littleEndian
            bytes.storeBytes(of: length, toByteOffset: blockCount * Self.blockSize - 8, as: UInt64.self)
        }
        withUnsafeBytes(of: tail) { compression.compress(blocks: $0.baseAddress!, count: blockCount) }
        return compression.digest
    }
}

/// Inline storage for one 64-byte block.
typealias HashBlock = (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64)
