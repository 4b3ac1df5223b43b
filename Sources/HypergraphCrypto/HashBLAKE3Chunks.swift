// BLAKE3 chunks (1024 bytes, specification §2.4): the streaming state of the current chunk, the deferred last
// compression of a node, and the batched hashing of several whole chunks at once.

/// The size of a BLAKE3 chunk in bytes.
let blake3ChunkByteCount = 1024
/// The size of a BLAKE3 message block in bytes.
let blake3BlockByteCount = 64

/// The inputs of a node's last compression, kept until we know whether the node is the root (which adds the
/// ROOT flag) or an inner node (which only contributes its chaining value).
struct BLAKE3Output {
    let inputChainingValue: BLAKE3ChainingValue<UInt32>
    let block: BLAKE3MessageBlock<UInt32>
    let counter: UInt64
    let blockLength: UInt32
    let flags: UInt32

    /// The parent node of two subtrees (§2.5): counter 0, a full block, the PARENT flag.
    static func parent(left: BLAKE3ChainingValue<UInt32>, right: BLAKE3ChainingValue<UInt32>) -> BLAKE3Output {
        BLAKE3Output(
            inputChainingValue: .initial,
            block: BLAKE3MessageBlock(left: left, right: right),
            counter: 0,
            blockLength: UInt32(blake3BlockByteCount),
            flags: BLAKE3Flag.parent
        )
    }

    /// The chaining value this node hands to its parent.
    var chainingValue: BLAKE3ChainingValue<UInt32> {
        compress(extraFlags: 0)
    }

    /// The 32-byte hash when this node is the root: its chaining value computed with the ROOT flag, serialised
    /// little-endian.
    var rootHash: [UInt8] {
        let words = compress(extraFlags: BLAKE3Flag.root)
        return [UInt8](unsafeUninitializedCapacity: 32) { bytes, initializedCount in
            let raw = UnsafeMutableRawBufferPointer(bytes)
            for (index, word) in [words.h0, words.h1, words.h2, words.h3, words.h4, words.h5, words.h6, words.h7]
                .enumerated()
            {
                raw.storeBytes(of: word.littleEndian, toByteOffset: index * 4, as: UInt32.self)
            }
            initializedCount = 32
        }
    }

    private func compress(extraFlags: UInt32) -> BLAKE3ChainingValue<UInt32> {
        BLAKE3CompressionState(
            chainingValue: inputChainingValue,
            block: block,
            counterLow: UInt32(truncatingIfNeeded: counter),
            counterHigh: UInt32(truncatingIfNeeded: counter >> 32),
            blockLength: blockLength,
            flags: flags | extraFlags
        ).chainingValue
    }
}

extension BLAKE3MessageBlock<UInt32> {
    /// The block in the 64 bytes at `bytes` (no alignment required), read as little-endian words.
    @inline(__always)
    init(littleEndianBytes bytes: UnsafeRawPointer) {
        self.init { UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: $0 * 4, as: UInt32.self)) }
    }
}

/// The chunk currently being filled. Its last block stays buffered (even when full) until more input arrives,
/// because only then is it known not to be the final block of the whole input.
struct BLAKE3ChunkState: Sendable {
    /// The chunk's index in the input, which is the counter of all its compressions.
    let counter: UInt64
    private var chainingValue = BLAKE3ChainingValue<UInt32>.initial
    private var pending: HashBlock = (0, 0, 0, 0, 0, 0, 0, 0)
    private var pendingCount = 0
    private var blocksCompressed = 0

    init(counter: UInt64) {
        self.counter = counter
    }

    /// How many bytes of the chunk have been absorbed (up to 1024).
    var byteCount: Int { blocksCompressed * blake3BlockByteCount + pendingCount }

    private var startFlag: UInt32 { blocksCompressed == 0 ? BLAKE3Flag.chunkStart : 0 }

    /// Absorbs `count` bytes at `input`; `count` must not exceed the space left in the chunk.
    mutating func update(_ input: UnsafeRawPointer, count: Int) {
        var next = input
        var remaining = count

        if pendingCount > 0 {
            let offset = pendingCount
            let taken = min(blake3BlockByteCount - offset, remaining)
            let source = next
            withUnsafeMutableBytes(of: &pending) { block in
                (block.baseAddress! + offset).copyMemory(from: source, byteCount: taken)
            }
            pendingCount += taken
            next += taken
            remaining -= taken
            guard remaining > 0 else { return }
            // The pending block is full and more input follows, so it is not the chunk's last block.
            let block = pending
            withUnsafeBytes(of: block) { compress(BLAKE3MessageBlock(littleEndianBytes: $0.baseAddress!)) }
            pendingCount = 0
        }

        // Whole blocks straight from the input, always leaving the last one (possibly full) buffered.
        while remaining > blake3BlockByteCount {
            compress(BLAKE3MessageBlock(littleEndianBytes: next))
            next += blake3BlockByteCount
            remaining -= blake3BlockByteCount
        }

        if remaining > 0 {
            let source = next
            let tailCount = remaining
            withUnsafeMutableBytes(of: &pending) { block in
                block.baseAddress!.copyMemory(from: source, byteCount: tailCount)
            }
            pendingCount = remaining
        }
    }

    /// The chunk's last compression: the buffered block, zero-padded, with the CHUNK_END flag.
    var output: BLAKE3Output {
        var block = pending
        let used = pendingCount
        withUnsafeMutableBytes(of: &block) { bytes in
            for index in used..<bytes.count { bytes[index] = 0 }
        }
        return withUnsafeBytes(of: block) { bytes in
            BLAKE3Output(
                inputChainingValue: chainingValue,
                block: BLAKE3MessageBlock(littleEndianBytes: bytes.baseAddress!),
                counter: counter,
                blockLength: UInt32(used),
                flags: startFlag | BLAKE3Flag.chunkEnd
            )
        }
    }

    private mutating func compress(_ block: BLAKE3MessageBlock<UInt32>) {
        chainingValue =
            BLAKE3CompressionState(
                chainingValue: chainingValue,
                block: block,
                counterLow: UInt32(truncatingIfNeeded: counter),
                counterHigh: UInt32(truncatingIfNeeded: counter >> 32),
                blockLength: UInt32(blake3BlockByteCount),
                flags: startFlag
            ).chainingValue
        blocksCompressed += 1
    }
}

/// Hashing of several consecutive whole chunks at once, one chunk per SIMD lane, which lets the compiler use
/// vector instructions without any platform-specific code.
enum BLAKE3ChunkBatch {
    /// The vector type used: four lanes fill one 128-bit register per word on every 64-bit target (SSE2, NEON).
    /// Eight lanes measured slower on x86-64 without AVX: thirty-two vector words do not fit in sixteen registers.
    typealias Lanes = SIMD4<UInt32>

    /// How many input bytes one batch consumes.
    static let byteCount = Lanes.scalarCount * blake3ChunkByteCount

    /// Hashes the `Lanes.scalarCount` whole chunks at `input`, the first of which has index `counter`, none of
    /// which may be the last chunk of the input; passes each chunk's chaining value to `body`, in order.
    @inline(__always)
    static func hashChunks(
        _ input: UnsafeRawPointer,
        counter: UInt64,
        _ body: (BLAKE3ChainingValue<UInt32>) -> Void
    ) {
        var counterLow = Lanes()
        var counterHigh = Lanes()
        for lane in 0..<Lanes.scalarCount {
            let laneCounter = counter &+ UInt64(lane)
            counterLow[lane] = UInt32(truncatingIfNeeded: laneCounter)
            counterHigh[lane] = UInt32(truncatingIfNeeded: laneCounter >> 32)
        }

        var chainingValue = BLAKE3ChainingValue<Lanes>.initial
        let blocksPerChunk = blake3ChunkByteCount / blake3BlockByteCount
        for blockIndex in 0..<blocksPerChunk {
            let blockStart = input + blockIndex * blake3BlockByteCount
            let block = BLAKE3MessageBlock<Lanes> { word in
                var words = Lanes()
                for lane in 0..<Lanes.scalarCount {
                    words[lane] = UInt32(
                        littleEndian: blockStart.loadUnaligned(
                            fromByteOffset: lane * blake3ChunkByteCount + word * 4,
                            as: UInt32.self
                        )
                    )
                }
                return words
            }
            var flags: UInt32 = 0
            if blockIndex == 0 { flags |= BLAKE3Flag.chunkStart }
            if blockIndex == blocksPerChunk - 1 { flags |= BLAKE3Flag.chunkEnd }
            chainingValue =
                BLAKE3CompressionState(
                    chainingValue: chainingValue,
                    block: block,
                    counterLow: counterLow,
                    counterHigh: counterHigh,
                    blockLength: Lanes(repeating: UInt32(blake3BlockByteCount)),
                    flags: Lanes(repeating: flags)
                ).chainingValue
        }

        let h = chainingValue
        for lane in 0..<Lanes.scalarCount {
            body(
                BLAKE3ChainingValue(
                    h0: h.h0[lane], h1: h.h1[lane], h2: h.h2[lane], h3: h.h3[lane],
                    h4: h.h4[lane], h5: h.h5[lane], h6: h.h6[lane], h7: h.h7[lane]
                )
            )
        }
    }
}
