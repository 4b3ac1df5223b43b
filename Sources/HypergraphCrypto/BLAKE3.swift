/// BLAKE3 in its default (unkeyed) hash mode with a 32-byte output: the protocol's event hash (§7.5).
///
/// The input is split into 1024-byte chunks that form the leaves of a binary tree (specification §2.5). The
/// hasher keeps the chaining values of completed subtrees on a stack and merges them as soon as a later chunk
/// proves they are not on the right edge of the tree, so memory stays logarithmic in the input length.
///
/// Use ``hash(_:)`` for a whole message, or create a hasher, feed it with ``update(_:)`` any number of times and
/// call ``finalize()`` once.
public struct BLAKE3: Sendable {
    /// The size of a digest in bytes.
    public static let byteCount = 32

    private var chunk = BLAKE3ChunkState(counter: 0)
    /// Chaining values of completed subtrees, largest (leftmost) first. Its length is the number of one bits
    /// in the count of completed chunks, so at most 54 for any input below 2^64 bytes.
    private var subtrees: [BLAKE3ChainingValue<UInt32>] = []

    /// A hasher that has absorbed nothing yet.
    public init() {}

    /// Absorbs `bytes` as the next part of the message.
    public mutating func update(_ bytes: some Collection<UInt8>) {
        let absorbed: Void? = bytes.withContiguousStorageIfAvailable { update(UnsafeRawBufferPointer($0)) }
        if absorbed == nil {
            Array(bytes).withUnsafeBytes { update($0) }
        }
    }

    /// Absorbs the bytes of `buffer` as the next part of the message.
    public mutating func update(_ buffer: UnsafeRawBufferPointer) {
        guard var next = buffer.baseAddress else { return }
        var remaining = buffer.count
        while remaining > 0 {
            if chunk.byteCount == blake3ChunkByteCount {
                // More input follows, so the full chunk is not the last one and can be closed.
                let completed = chunk.counter + 1
                add(chunk.output.chainingValue, completedSubtrees: completed)
                chunk = BLAKE3ChunkState(counter: completed)
            }

            if chunk.byteCount == 0 && remaining > BLAKE3ChunkBatch.byteCount {
                // Strictly more than a batch remains, so none of the batch's chunks is the last one. Each lane
                // takes the largest complete subtree that fits, up to the batch's maximum.
                var completed = chunk.counter
                repeat {
                    var chunksPerLane = BLAKE3ChunkBatch.maximumChunksPerLane
                    while chunksPerLane > 1
                        && (completed % UInt64(chunksPerLane) != 0
                            || chunksPerLane * BLAKE3ChunkBatch.byteCount >= remaining)
                    {
                        chunksPerLane /= 2
                    }
                    let subtrees = BLAKE3ChunkBatch.hashSubtrees(next, counter: completed, chunksPerLane: chunksPerLane)
                    for lane in 0..<BLAKE3ChunkBatch.Lanes.scalarCount {
                        completed += UInt64(chunksPerLane)
                        add(subtrees[lane: lane], completedSubtrees: completed / UInt64(chunksPerLane))
                    }
                    next += chunksPerLane * BLAKE3ChunkBatch.byteCount
                    remaining -= chunksPerLane * BLAKE3ChunkBatch.byteCount
                } while remaining > BLAKE3ChunkBatch.byteCount
                chunk = BLAKE3ChunkState(counter: completed)
            }

            let taken = min(blake3ChunkByteCount - chunk.byteCount, remaining)
            chunk.update(next, count: taken)
            next += taken
            remaining -= taken
        }
    }

    /// The 32-byte BLAKE3 hash of everything absorbed.
    public consuming func finalize() -> [UInt8] {
        // The current chunk is the rightmost leaf; fold the stacked subtrees onto it from right to left.
        var output = chunk.output
        for left in subtrees.reversed() {
            output = .parent(left: left, right: output.chainingValue)
        }
        return output.rootHash
    }

    /// The 32-byte BLAKE3 hash of `bytes`.
    public static func hash(_ bytes: some Collection<UInt8>) -> [UInt8] {
        var hasher = BLAKE3()
        hasher.update(bytes)
        return hasher.finalize()
    }

    /// Pushes the chaining value of a completed subtree (a chunk, or a run of 2^k chunks that starts at a multiple
    /// of 2^k), first merging every subtree it completes: with `completedSubtrees` counting the subtrees of its size
    /// completed so far, this one included, each trailing zero bit is one finished pair of equal-sized subtrees.
    private mutating func add(_ subtree: BLAKE3ChainingValue<UInt32>, completedSubtrees: UInt64) {
        var merged = subtree
        var count = completedSubtrees
        while count & 1 == 0, let left = subtrees.popLast() {
            merged = BLAKE3Output.parent(left: left, right: merged).chainingValue
            count >>= 1
        }
        subtrees.append(merged)
    }
}
