// The engine's FIFO queue: order across compaction, emptying and refilling, and replacing the head.
import XCTest

@testable import HypergraphEventLoop

final class FIFOTests: XCTestCase {
    func testKeepsOrderAcrossCompaction() {
        var queue = FIFO<Int>()
        var expected = 0
        for value in 0..<1000 {
            queue.append(value)
            if value % 3 == 0 {
                XCTAssertEqual(queue.popFirst(), expected)
                expected += 1
            }
        }
        while let value = queue.popFirst() {
            XCTAssertEqual(value, expected)
            expected += 1
        }
        XCTAssertEqual(expected, 1000)
        XCTAssertTrue(queue.isEmpty)
        XCTAssertNil(queue.first)
    }

    func testRefillsAfterEmptying() {
        var queue = FIFO<String>()
        for round in 0..<10 {
            queue.append("a\(round)")
            queue.append("b\(round)")
            XCTAssertEqual(queue.popFirst(), "a\(round)")
            XCTAssertEqual(queue.popFirst(), "b\(round)")
            XCTAssertNil(queue.popFirst())
            XCTAssertTrue(queue.isEmpty)
        }
    }

    func testReplaceFirstAndForEach() {
        var queue = FIFO<Int>()
        [1, 2, 3].forEach { queue.append($0) }
        queue.replaceFirst(with: 10)
        var seen: [Int] = []
        queue.forEach {
            seen.append($0)
            return $0 != 2
        }
        XCTAssertEqual(seen, [10, 2])
        queue.removeAll()
        XCTAssertTrue(queue.isEmpty)
    }
}
