import XCTest

@testable import HypergraphStore

final class UUIDTests: XCTestCase {
    func testVersion4HasTheRightShapeAndIsRandom() {
        let ids = (0..<1_000).map { _ in UUIDv4.random() }
        XCTAssertTrue(ids.allSatisfy { isUUID($0, version: 4) })
        XCTAssertEqual(Set(ids).count, ids.count)
    }

    func testVersion7CarriesTheTimestamp() {
        var generator = UUIDv7Generator()
        let id = generator.next(at: 0x0123_4567_89AB)
        XCTAssertTrue(isUUID(id, version: 7), id)
        XCTAssertTrue(id.hasPrefix("01234567-89ab-7"), id)
    }

    func testVersion7IsStrictlyIncreasingWithinAMillisecondAndWhenTheClockStepsBack() {
        var generator = UUIDv7Generator()
        var ids: [String] = []
        for time: UnixMilliseconds in [1_000, 1_000, 1_000, 999, 500, 1_001, 1_001] {
            ids.append(generator.next(at: time))
        }
        // 5,000 in one millisecond overflow the 12-bit counter, which then borrows the next millisecond.
        for _ in 0..<5_000 {
            ids.append(generator.next(at: 2_000))
        }
        XCTAssertTrue(ids.allSatisfy { isUUID($0, version: 7) })
        XCTAssertEqual(ids, ids.sorted())
        XCTAssertEqual(Set(ids).count, ids.count)
    }

    func testVersion7ClampsTimesOutsideItsRange() {
        var generator = UUIDv7Generator()
        XCTAssertTrue(generator.next(at: -5).hasPrefix("00000000-0000-7"))
        var other = UUIDv7Generator()
        XCTAssertTrue(other.next(at: .max).hasPrefix("ffffffff-ffff-7"))
    }
}
