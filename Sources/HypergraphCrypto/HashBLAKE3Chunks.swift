// BLAKE3 chunks (1024 bytes, specification §2.4): the streaming state of the current chunk, the deferred last
// compression of a node, and the batched hashing of several whole chunks at once.

/// The size of a BLAKE3 chunk in bytes.
let blake3ChunkByteCount = 1024
/// The size of a BLAKE3 message block in bytes.
let blake3BlockByteCount = 64

/// The inputs of a node's last compression, kept until we know whether the node is the root (which adds the
/// ROOT flag) or an inner node (which only contributes its chaining value). With SIMD words it holds one node per
/// lane, all with the same counter, length and flags.
struct BLAKE3Output<Word: BLAKE3Word> {
    let inputChainingValue: BLAKE3ChainingValue<Word>
    let block: BLAKE3MessageBlock<Word>
    let counter: UInt64
    let blockLength: UInt32
    let flags: UInt32

    /// The parent node of two subtrees (§2.5): counter 0, a full block, the PARENT flag.
    @inline(__always)
    static func parent(left: BLAKE3ChainingValue<Word>, right: BLAKE3ChainingValue<Word>) -> Self {
        Self(
            inputChainingValue: .initial,
            block: BLAKE3MessageBlock(left: left, right: right),
            counter: 0,
            blockLength: UInt32(blake3BlockByteCount),
            flags: BLAKE3Flag.parent
        )
    }

    /// The chaining value this node hands to its parent.
    @inline(__always)
    var chainingValue: BLAKE3ChainingValue<Word> {
        compress(extraFlags: 0)
    }

    @inline(__always)
    fileprivate func compress(extraFlags: UInt32) -> BLAKE3ChainingValue<Word> {
        BLAKE3CompressionState(
            chainingValue: inputChainingValue,
            block: block,
            counterLow: Word(repeating: UInt32(truncatingIfNeeded: counter)),
            counterHigh: Word(repeating: UInt32(truncatingIfNeeded: counter >> 32)),
            blockLength: Word(repeating: blockLength),
            flags: Word(repeating: flags | extraFlags)
        ).chainingValue
    }
}

extension BLAKE3Output<UInt32> {
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
    var output: BLAKE3Output<UInt32> {
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
/// vector instructions without any platform-specific code; parents of those chunks are compressed the same way,
/// four at a time.
enum BLAKE3ChunkBatch {
    /// The vector type used: four lanes fill one 128-bit register per word on every 64-bit target (SSE2, NEON).
    /// Eight lanes measured slower on x86-64 without AVX: thirty-two vector words do not fit in sixteen registers.
    typealias Lanes = SIMD4<UInt32>

    /// How many input bytes one batch of `Lanes.scalarCount` chunks consumes.
    static let byteCount = Lanes.scalarCount * blake3ChunkByteCount

    /// The largest subtree, in chunks, that ``hashSubtrees(_:counter:chunksPerLane:)`` hands out per lane. Above
    /// it the hasher merges subtrees one at a time; at 16 that is one scalar parent per 16 KiB of input.
    static let maximumChunksPerLane = 16

    /// Hashes the `Lanes.scalarCount * chunksPerLane` whole chunks at `input`, the first of which has index
    /// `counter`, none of which may be the last chunk of the input. Lane `j` of the result is the chaining value
    /// of the subtree over the `j`-th run of `chunksPerLane` chunks (a power of two, which `counter` must be a
    /// multiple of, so that each run is a complete subtree of the BLAKE3 tree).
    static func hashSubtrees(
        _ input: UnsafeRawPointer, counter: UInt64, chunksPerLane: Int
    ) -> BLAKE3ChainingValue<Lanes> {
        guard chunksPerLane > 1 else { return hashChunks(input, counter: counter) }
        let half = chunksPerLane / 2
        let left = hashSubtrees(input, counter: counter, chunksPerLane: half)
        let right = hashSubtrees(
            input + half * byteCount, counter: counter + UInt64(half * Lanes.scalarCount), chunksPerLane: half)
        // Lanes 0 and 1 of `left` are the two halves of the first result subtree, lanes 2 and 3 of the second,
        // and likewise `right` for the third and fourth.
        return BLAKE3Output<Lanes>.parent(
            left: left.combined(with: right) { Lanes($0[0], $0[2], $1[0], $1[2]) },
            right: left.combined(with: right) { Lanes($0[1], $0[3], $1[1], $1[3]) }
        ).chainingValue
    }

    /// The chaining values of the `Lanes.scalarCount` whole chunks at `input`, the first of which has index
    /// `counter`, one per lane.
    @inline(__always)
    private static func hashChunks(_ input: UnsafeRawPointer, counter: UInt64) -> BLAKE3ChainingValue<Lanes> {
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
            var flags: UInt32 = 0
            if blockIndex == 0 { flags |= BLAKE3Flag.chunkStart }
            if blockIndex == blocksPerChunk - 1 { flags |= BLAKE3Flag.chunkEnd }
            chainingValue =
                BLAKE3CompressionState(
                    chainingValue: chainingValue,
                    block: transposedBlock(input + blockIndex * blake3BlockByteCount),
                    counterLow: counterLow,
                    counterHigh: counterHigh,
                    blockLength: Lanes(repeating: UInt32(blake3BlockByteCount)),
                    flags: Lanes(repeating: flags)
                ).chainingValue
        }
        return chainingValue
    }

    /// The block at `start` in each of the four chunks, word `i` of lane `j` being word `i` of chunk `j`: four
    /// 16-byte loads per chunk and a 4×4 transpose of each group of four words (unpack shuffles), rather than
    /// sixty-four 4-byte loads.
    @inline(__always)
    private static func transposedBlock(_ start: UnsafeRawPointer) -> BLAKE3MessageBlock<Lanes> {
        /// Words `4 * group ..< 4 * group + 4` of the block in chunk `chunk`, read as little-endian words.
        @inline(__always)
        func load(chunk: Int, group: Int) -> Lanes {
            let words = start.loadUnaligned(fromByteOffset: chunk * blake3ChunkByteCount + group * 16, as: Lanes.self)
            #if _endian(big)
                return Lanes(words[0].byteSwapped, words[1].byteSwapped, words[2].byteSwapped, words[3].byteSwapped)
            #else
                return words
            #endif
        }
        @inline(__always)
        func group(_ index: Int) -> (Lanes, Lanes, Lanes, Lanes) {
            let a = load(chunk: 0, group: index)
            let b = load(chunk: 1, group: index)
            let c = load(chunk: 2, group: index)
            let d = load(chunk: 3, group: index)
            return (
                Lanes(a[0], b[0], c[0], d[0]), Lanes(a[1], b[1], c[1], d[1]),
                Lanes(a[2], b[2], c[2], d[2]), Lanes(a[3], b[3], c[3], d[3])
            )
        }
        var block = BLAKE3MessageBlock<Lanes> { _ in Lanes() }
        (block.m0, block.m1, block.m2, block.m3) = group(0)
        (block.m4, block.m5, block.m6, block.m7) = group(1)
        (block.m8, block.m9, block.m10, block.m11) = group(2)
        (block.m12, block.m13, block.m14, block.m15) = group(3)
        return block
    }
}

extension BLAKE3ChainingValue<BLAKE3ChunkBatch.Lanes> {
    /// The chaining value in lane `lane`.
    @inline(__always)
    subscript(lane lane: Int) -> BLAKE3ChainingValue<UInt32> {
        BLAKE3ChainingValue<UInt32>(
            h0: h0[lane], h1: h1[lane], h2: h2[lane], h3: h3[lane],
            h4: h4[lane], h5: h5[lane], h6: h6[lane], h7: h7[lane])
    }
}
