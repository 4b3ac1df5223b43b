import XCTest

@testable import HypergraphStore

/// The writer's caches follow the SQL's layers: job savepoints, batch transactions, other connections' commits.
final class TentativeCacheTests: XCTestCase {
    func testValuesOutliveTheirJobAndBatchOnlyWhenKeptAndCommitted() {
        var cache = TentativeCache<String, Int>(committedLimit: 10)
        cache.set(1, for: "a")
        cache.keepJob()
        cache.set(2, for: "a")
        XCTAssertEqual(cache["a"], 2, "the job's value is the newest")
        cache.dropJob()
        XCTAssertEqual(cache["a"], 1, "a rolled-back job leaves the batch's value")
        cache.commitBatch()
        cache.set(3, for: "a")
        cache.keepJob()
        cache.dropBatch()
        XCTAssertEqual(cache["a"], 1, "a failed batch leaves the committed value")
        cache.dropCommitted()
        XCTAssertNil(cache["a"], "another connection's commit empties the committed layer")
    }

    func testTheCommittedLayerStaysWithinItsLimit() {
        var cache = TentativeCache<Int, Int>(committedLimit: 3)
        for key in 0..<3 {
            cache.set(key, for: key)
            cache.keepJob()
        }
        cache.commitBatch()
        XCTAssertEqual((0..<3).compactMap { cache[$0] }, [0, 1, 2])
        cache.set(3, for: 3)
        cache.keepJob()
        cache.commitBatch()
        XCTAssertEqual((0..<4).compactMap { cache[$0] }, [3], "past the limit the committed layer starts again")
    }
}
