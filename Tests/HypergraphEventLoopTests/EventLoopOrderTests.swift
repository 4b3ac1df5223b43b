// EventLoop.execute: tasks run in the order they were handed over, whether another thread or the loop itself
// handed them over (a server publishing broadcasts from several loops relies on it for clock order).
import Dispatch
import Foundation
import Synchronization
import XCTest

@testable import HypergraphEventLoop

final class EventLoopOrderTests: XCTestCase {
    func testATaskTheLoopGivesItselfRunsAfterOnesOtherThreadsHandedOverBefore() throws {
        let loop = try EventLoopGroup.shared().loops[0]
        let order = Mutex<[Int]>([])
        let done = DispatchSemaphore(value: 0)
        loop.execute {
            // On the loop: another thread hands over task 1 and is done with it; then the loop gives itself task 2.
            let handedOver = DispatchSemaphore(value: 0)
            Thread {
                loop.execute { order.withLock { $0.append(1) } }
                handedOver.signal()
            }.start()
            handedOver.wait()
            loop.execute {
                order.withLock { $0.append(2) }
                done.signal()
            }
        }
        XCTAssertEqual(done.wait(timeout: .now() + 5), .success)
        XCTAssertEqual(order.withLock { $0 }, [1, 2])
    }
}
