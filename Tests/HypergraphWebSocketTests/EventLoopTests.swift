import Dispatch
import Synchronization
import XCTest

@testable import HypergraphWebSocket

final class EventLoopTests: XCTestCase {
    /// A task another thread handed over before a task given on the loop itself runs first: broadcasts published
    /// from different threads reach a connection in the order they were published.
    func testTasksRunInTheOrderTheyWereGivenWhicheverThreadGaveThem() throws {
        let loop = try EventLoopGroup.shared().next()
        let order = Mutex<[Int]>([])
        let done = expectation(description: "both tasks ran")
        done.expectedFulfillmentCount = 2
        loop.execute {
            let handedOver = DispatchSemaphore(value: 0)
            Thread {
                loop.execute {
                    order.withLock { $0.append(1) }
                    done.fulfill()
                }
                handedOver.signal()
            }.start()
            handedOver.wait()  // task 1 now waits among the other threads' tasks
            loop.execute {
                order.withLock { $0.append(2) }
                done.fulfill()
            }
        }
        wait(for: [done], timeout: 10)
        XCTAssertEqual(order.withLock { $0 }, [1, 2])
    }
}
