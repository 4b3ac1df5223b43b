import HypergraphEventLoop
// ReadinessWatcher: reports a descriptor once it has something to read, under the id it was watched with.
import XCTest

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

final class ReadinessWatcherTests: XCTestCase {
    func testReportsReadableDescriptorsByID() throws {
        var quiet: [Int32] = [0, 0]
        var busy: [Int32] = [0, 0]
        XCTAssertEqual(pipe(&quiet), 0)
        XCTAssertEqual(pipe(&busy), 0)
        defer { (quiet + busy).forEach { close($0) } }
        let watcher = try ReadinessWatcher()
        try watcher.watch(quiet[0], id: 7)
        try watcher.watch(busy[0], id: 9)

        var reported: [UInt64] = []
        try watcher.wait(timeoutMilliseconds: 0) { reported.append($0) }
        XCTAssertEqual(reported, [], "nothing written yet")

        var byte: UInt8 = 1
        XCTAssertEqual(write(busy[1], &byte, 1), 1)
        try watcher.wait(timeoutMilliseconds: 1000) { reported.append($0) }
        XCTAssertEqual(reported, [9])

        watcher.unwatch(busy[0])
        reported = []
        try watcher.wait(timeoutMilliseconds: 0) { reported.append($0) }
        XCTAssertEqual(reported, [], "an unwatched descriptor is not reported, though still readable")
    }

    func testRefusesADescriptorThatIsNotOpen() throws {
        let watcher = try ReadinessWatcher()
        XCTAssertThrowsError(try watcher.watch(-1, id: 1))
    }
}
