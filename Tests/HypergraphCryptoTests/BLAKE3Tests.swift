import HypergraphCrypto
import XCTest

/// BLAKE3 against the official test vectors and streaming behaviour across block, chunk and tree boundaries.
final class BLAKE3Tests: XCTestCase {
    /// The official vectors (github.com/BLAKE3-team/BLAKE3, test_vectors.json), first 32 bytes of the default-mode
    /// hash, at the published lengths; the expected values come from the reference implementation via the fixture.
    func testOfficialVectors() throws {
        let cases = try HashVectorFile.load().blake3Official.cases
        XCTAssertEqual(
            cases.map(\.length),
            [
                0, 1, 1023, 1024, 1025, 2048, 2049, 3072, 3073, 4096, 4097, 5120, 5121,
                6144, 6145, 7168, 7169, 8192, 8193, 16384, 31744, 102400,
            ]
        )
        for testCase in cases {
            let input = blake3OfficialInput(length: testCase.length)
            XCTAssertEqual(Hex.encode(BLAKE3.hash(input)), testCase.blake3, "length \(testCase.length)")
        }
    }

    /// A few official vectors written out here as well, so a regenerated fixture cannot silently change them.
    func testOfficialVectorsPinnedInSource() {
        let pinned: [(length: Int, hash: String)] = [
            (0, "af1349b9f5f9a1a6a0404dea36dcc9499bcb25c9adc112b7cc9a93cae41f3262"),
            (1, "2d3adedff11b61f14c886e35afa036736dcd87a74d27b5c1510225d0f592e213"),
            (1024, "42214739f095a406f3fc83deb889744ac00df831c10daa55189b5d121c855af7"),
            (1025, "d00278ae47eb27b34faecf67b4fe263f82d5412916c1ffd97c8cb7fb814b8444"),
            (8193, "bab6c09cb8ce8cf459261398d2e7aef35700bf488116ceb94a36d0f5f1b7bc3b"),
            (102_400, "bc3e3d41a1146b069abffad3c0d44860cf664390afce4d9661f7902e7943e085"),
        ]
        for (length, hash) in pinned {
            XCTAssertEqual(Hex.encode(BLAKE3.hash(blake3OfficialInput(length: length))), hash, "length \(length)")
        }
    }

    /// Splitting the input in two at every position gives the one-shot hash: the last block and the last chunk
    /// must stay pending whichever update call they arrive in.
    func testEverySplitPointMatchesOneShot() {
        for length in [0, 1, 63, 64, 65, 1024, 1025, 2049] {
            let input = blake3OfficialInput(length: length)
            let expected = BLAKE3.hash(input)
            for split in 0...length {
                XCTAssertEqual(hashSplit(input, at: split), expected, "length \(length) split at \(split)")
            }
        }
    }

    /// Inputs that cross the multi-chunk batches, fed in pieces of many sizes, and split around batch edges.
    func testUnevenPiecesAcrossBatchesMatchOneShot() {
        for length in [3073, 4096, 4097, 5121, 8192, 8193, 9217, 16385, 33_793] {
            let input = blake3OfficialInput(length: length)
            let expected = BLAKE3.hash(input)
            for pieceSize in [1, 7, 64, 65, 1000, 1024, 1025, 4095, 4096, 4097, 8193] {
                XCTAssertEqual(
                    hashInPieces(input, pieceSize: pieceSize), expected, "length \(length) in \(pieceSize)-byte pieces")
            }
            for split in [1, 1023, 1024, 1025, 4095, 4096, 4097, 8191, 8192, 8193, length - 1] where split < length {
                XCTAssertEqual(hashSplit(input, at: split), expected, "length \(length) split at \(split)")
            }
        }
    }

    /// The official vector at 102 400 bytes (100 chunks: one-shot, a 64-chunk and a 32-chunk run of subtrees),
    /// with the input fed so that the multi-chunk subtrees start at every kind of chunk alignment (odd chunk
    /// counts, multiples of 4 and 16 chunks) and in pieces larger than the largest run: each update must pick only
    /// subtrees that are complete in the BLAKE3 tree.
    func testSubtreeRunsAtEveryAlignmentMatchReference() throws {
        let length = 102_400
        let reference = try XCTUnwrap(HashVectorFile.load().blake3Official.cases.first { $0.length == length })
        let input = blake3OfficialInput(length: length)
        let splits = [1, 1024, 2055, 3072, 4096, 5120, 8193, 12_288, 16_384, 17_408, 33_792, 65_535, 69_632]
        for split in splits {
            XCTAssertEqual(Hex.encode(hashSplit(input, at: split)), reference.blake3, "split at \(split)")
        }
        for pieceSize in [5 * 1024 + 3, 66_000, 70_000] {
            XCTAssertEqual(
                Hex.encode(hashInPieces(input, pieceSize: pieceSize)), reference.blake3, "\(pieceSize)-byte pieces")
        }
    }

    func testNonContiguousInputHashesLikeAnArray() {
        let input = blake3OfficialInput(length: 3000)
        XCTAssertEqual(BLAKE3.hash(input.lazy.map { $0 }), BLAKE3.hash(input))
        var hasher = BLAKE3()
        input.withUnsafeBytes { hasher.update($0) }
        XCTAssertEqual(hasher.finalize(), BLAKE3.hash(input))
    }
}

/// The hash of `input` fed to one hasher in two `update` calls, split at `split`.
private func hashSplit(_ input: [UInt8], at split: Int) -> [UInt8] {
    var hasher = BLAKE3()
    hasher.update(input[..<split])
    hasher.update(input[split...])
    return hasher.finalize()
}

/// The hash of `input` fed to one hasher in consecutive pieces of `pieceSize` bytes (the last one shorter).
private func hashInPieces(_ input: [UInt8], pieceSize: Int) -> [UInt8] {
    var hasher = BLAKE3()
    var start = 0
    while start < input.count {
        let end = min(start + pieceSize, input.count)
        hasher.update(input[start..<end])
        start = end
    }
    return hasher.finalize()
}
