// Delivery of a connection's events to the application, in order, with inbound backpressure.
//
// Concurrency: `EventBuffer.state` is guarded by its Mutex. The event loop pushes (producer); one application
// task pulls through `WebSocketEvents` (consumer). Continuations are resumed outside the lock.
import HypergraphEventLoop
import Synchronization

/// Something that happened on a WebSocket connection.
public enum WebSocketEvent: Sendable, Hashable {
    /// A complete text message.
    case text(String)
    /// A complete binary message.
    case binary([UInt8])
    /// A pong arrived (the answer to `WebSocket.ping`), with its payload.
    case pong([UInt8])
    /// The connection ended; always the last event. The code and reason are those of the first close frame of
    /// the closing handshake, whichever side sent it (e.g. 1002 with the reason when this side failed the
    /// connection for a protocol error), `.noStatusReceived` for a close frame without a code, and
    /// `.abnormalClosure` when the TCP connection ended without a close frame.
    case closed(WebSocketCloseCode, reason: String)

    /// Payload bytes, for inbound flow control.
    var byteCount: Int {
        switch self {
        case .text(let text): text.utf8.count
        case .binary(let bytes), .pong(let bytes): bytes.count
        case .closed: 0
        }
    }
}

/// The events of one connection as an async sequence. Iterate it from one task; it ends after `.closed`.
/// If that task is cancelled, the iteration ends (the connection stays open until closed).
public struct WebSocketEvents: AsyncSequence, Sendable {
    /// One event.
    public typealias Element = WebSocketEvent
    /// Iteration never throws.
    public typealias Failure = Never

    let buffer: EventBuffer

    /// Returns the iterator; create only one.
    public func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(buffer: buffer)
    }

    /// Waits for each next event.
    public struct AsyncIterator: AsyncIteratorProtocol {
        let buffer: EventBuffer

        /// The next event, or nil after `.closed` (or when the iterating task was cancelled).
        public mutating func next() async -> WebSocketEvent? {
            await buffer.next()
        }
    }
}

/// The queue between the event loop and the consuming task.
final class EventBuffer: Sendable {
    private struct State {
        var events = FIFO<WebSocketEvent>()
        var bufferedBytes = 0
        var bufferedCount = 0
        var waiter: CheckedContinuation<WebSocketEvent?, Never>?
        var ended = false
        var consumerGone = false
        var producerPaused = false
        var whenCaughtUp: (@Sendable () -> Void)?
    }

    private enum Take {
        /// The next event; `resumeProducer` when the consumer just drained the buffer below half the limit.
        case event(WebSocketEvent, resumeProducer: Bool)
        /// The stream ended.
        case end
        /// Nothing buffered: the consumer will wait.
        case wait
    }

    private let state = Mutex(State())
    private let limit: Int
    private let messageLimit: Int
    private let resumeProducer: @Sendable () -> Void

    /// A buffer that reports it is full above `limit` bytes or `messageLimit` events and calls `resumeProducer`
    /// (from the consuming task) once the consumer has taken both down to half.
    init(limit: Int, messageLimit: Int, resumeProducer: @escaping @Sendable () -> Void) {
        self.limit = limit
        self.messageLimit = messageLimit
        self.resumeProducer = resumeProducer
    }

    /// Adds an event; returns false when the producer should pause reading until `resumeProducer` is called.
    func push(_ event: WebSocketEvent) -> Bool {
        let (waiter, keepGoing) = state.withLock { state -> (CheckedContinuation<WebSocketEvent?, Never>?, Bool) in
            if case .closed = event { state.ended = true }
            if state.consumerGone { return (nil, true) }
            if let waiter = state.waiter {
                state.waiter = nil
                return (waiter, true)
            }
            state.events.append(event)
            state.bufferedBytes += event.byteCount
            state.bufferedCount += 1
            if state.bufferedBytes > limit || state.bufferedCount > messageLimit { state.producerPaused = true }
            return (nil, !state.producerPaused)
        }
        waiter?.resume(returning: event)
        return keepGoing
    }

    /// Calls `callback` once the consumer has taken every event pushed so far and asks for the next one — for a
    /// sequential consumer, once it has finished handling them — or right away if it already waits. Used to let
    /// the application answer the messages that arrived before a protocol error, before the connection closes.
    func whenCaughtUp(_ callback: @escaping @Sendable () -> Void) {
        let already = state.withLock { state -> Bool in
            guard state.events.isEmpty, state.waiter != nil || state.consumerGone else {
                state.whenCaughtUp = callback
                return false
            }
            return true
        }
        if already { callback() }
    }

    /// The next event, waiting for one if needed.
    func next() async -> WebSocketEvent? {
        var caughtUp: (@Sendable () -> Void)?
        let first = state.withLock { take(&$0, caughtUp: &caughtUp) }
        caughtUp?()
        switch first {
        case .event(let event, let resume):
            if resume { resumeProducer() }
            return event
        case .end:
            return nil
        case .wait:
            break
        }
        return await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                var caughtUp: (@Sendable () -> Void)?
                let taken = state.withLock { state -> Take in
                    let taken = take(&state, caughtUp: &caughtUp)
                    guard case .wait = taken else { return taken }
                    if Task.isCancelled {
                        state.consumerGone = true
                        return .end
                    }
                    state.waiter = continuation
                    return .wait
                }
                caughtUp?()
                switch taken {
                case .event(let event, let resume):
                    if resume { resumeProducer() }
                    continuation.resume(returning: event)
                case .end:
                    continuation.resume(returning: nil)
                case .wait:
                    break
                }
            }
        } onCancel: {
            let (waiter, caughtUp) = state.withLock { state in
                state.consumerGone = true
                defer {
                    state.waiter = nil
                    state.whenCaughtUp = nil
                }
                return (state.waiter, state.whenCaughtUp)
            }
            waiter?.resume(returning: nil)
            caughtUp?()
        }
    }

    /// Takes the next event; when there is none, hands out the caught-up callback to call outside the lock.
    private func take(_ state: inout State, caughtUp: inout (@Sendable () -> Void)?) -> Take {
        if let event = state.events.popFirst() {
            state.bufferedBytes -= event.byteCount
            state.bufferedCount -= 1
            let resume =
                state.producerPaused && state.bufferedBytes <= limit / 2 && state.bufferedCount <= messageLimit / 2
            if resume { state.producerPaused = false }
            return .event(event, resumeProducer: resume)
        }
        caughtUp = state.whenCaughtUp
        state.whenCaughtUp = nil
        return state.ended || state.consumerGone ? .end : .wait
    }
}
