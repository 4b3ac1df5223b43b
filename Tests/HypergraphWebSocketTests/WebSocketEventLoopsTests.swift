// WebSocketEventLoops: the loop count is checked, and fixed once the loops run.
import HypergraphEventLoop
import XCTest

@testable import HypergraphWebSocket

final class WebSocketEventLoopsTests: XCTestCase {
    func testRejectsCountsOutsideTheAllowedRange() {
        for count in [0, -1, 65] {
            XCTAssertThrowsError(try WebSocketEventLoops.configure(count: count)) { error in
                XCTAssertEqual(error as? WebSocketEventLoopsError, .countOutOfRange(count))
            }
        }
    }

    func testCountIsFixedOnceTheLoopsRun() throws {
        let running = try EventLoopGroup.shared().loops.count
        XCTAssertEqual(WebSocketEventLoops.count, running)
        XCTAssertNoThrow(try WebSocketEventLoops.configure(count: running), "the running count is accepted")
        let other = running == 1 ? 2 : 1
        XCTAssertThrowsError(try WebSocketEventLoops.configure(count: other)) { error in
            XCTAssertEqual(error as? WebSocketEventLoopsError, .alreadyRunning(count: running))
        }
        XCTAssertEqual(WebSocketEventLoops.count, running)
    }

    func testDefaultIsOnePerCoreAtMostFour() {
        XCTAssertEqual(WebSocketEventLoops.defaultCount, max(1, min(ProcessInfo.processInfo.activeProcessorCount, 4)))
    }
}
