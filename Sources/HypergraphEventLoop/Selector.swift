// Readiness notification for many non-blocking descriptors: epoll on Linux, kqueue on Darwin.
// A Selector is owned by the one event-loop thread that waits on it; nothing here is shared between threads.
#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The readiness a descriptor's owner wants to hear about.
package struct SelectorInterest: OptionSet, Sendable {
    package let rawValue: UInt8
    /// Data can be read (or the peer closed its side).
    package static let read = SelectorInterest(rawValue: 1)
    /// Data can be written without blocking.
    package static let write = SelectorInterest(rawValue: 2)

    /// The interest with these bits.
    package init(rawValue: UInt8) {
        self.rawValue = rawValue
    }
}

/// One readiness report, naming the registration by the identifier given to `register`.
struct SelectorEvent {
    /// The identifier the descriptor was registered with.
    var id: UInt64
    /// Readable, or the peer hung up (a read then returns 0 or an error).
    var readable: Bool
    /// Writable, or an error is pending (a write then reports it).
    var writable: Bool
    /// An error or a hang-up in both directions. Reported even when neither reading nor writing is wanted, so
    /// the owner must react to it or the (level-triggered) report repeats forever.
    var failed: Bool
}

#if os(Linux)
    /// epoll, reached through `dlsym` because Glibc's Swift module map does not include `<sys/epoll.h>`.
    /// The three entry points and the event layout are part of the stable Linux ABI.
    final class Selector {
        private typealias CreateFunction = @convention(c) (Int32) -> Int32
        private typealias ControlFunction = @convention(c) (Int32, Int32, Int32, UnsafeMutableRawPointer?) -> Int32
        private typealias WaitFunction = @convention(c) (Int32, UnsafeMutableRawPointer?, Int32, Int32) -> Int32

        private struct Functions {
            let create: CreateFunction
            let control: ControlFunction
            let wait: WaitFunction
        }

        private static let functions: Functions? = {
            guard let create = dlsym(nil, "epoll_create1"), let control = dlsym(nil, "epoll_ctl"),
                let wait = dlsym(nil, "epoll_wait")
            else { return nil }
            return Functions(
                create: unsafeBitCast(create, to: CreateFunction.self),
                control: unsafeBitCast(control, to: ControlFunction.self),
                wait: unsafeBitCast(wait, to: WaitFunction.self))
        }()

        // <sys/epoll.h> constants.
        private static let epollIn: UInt32 = 0x001
        private static let epollOut: UInt32 = 0x004
        private static let epollError: UInt32 = 0x008
        private static let epollHangUp: UInt32 = 0x010
        private static let epollReadHangUp: UInt32 = 0x2000
        private static let controlAdd: Int32 = 1
        private static let controlDelete: Int32 = 2
        private static let controlModify: Int32 = 3
        private static let closeOnExec: Int32 = 0x80000
        // `struct epoll_event { uint32_t events; epoll_data_t data; }` is packed on x86_64 only.
        #if arch(x86_64)
            private static let eventStride = 12
            private static let dataOffset = 4
        #else
            private static let eventStride = 16
            private static let dataOffset = 8
        #endif

        private let functions: Functions
        private let descriptor: Int32
        private let capacity = 1024
        private let events: UnsafeMutableRawPointer

        init() throws {
            guard let functions = Selector.functions else {
                throw SocketError("dlsym(epoll_create1/epoll_ctl/epoll_wait)", code: ENOSYS)
            }
            let descriptor = functions.create(Selector.closeOnExec)
            guard descriptor >= 0 else { throw SocketError("epoll_create1") }
            self.functions = functions
            self.descriptor = descriptor
            events = .allocate(byteCount: capacity * Selector.eventStride, alignment: 8)
        }

        deinit {
            events.deallocate()
            close(descriptor)
        }

        /// Starts watching `fd`, reporting readiness under `id`.
        func register(_ fd: Int32, id: UInt64, interest: SelectorInterest) throws {
            try control(Selector.controlAdd, fd, id: id, interest: interest, name: "epoll_ctl(ADD)")
        }

        /// Changes what `fd` is watched for.
        func reregister(_ fd: Int32, id: UInt64, interest: SelectorInterest) throws {
            try control(Selector.controlModify, fd, id: id, interest: interest, name: "epoll_ctl(MOD)")
        }

        /// Stops watching `fd`. Call before closing it.
        func deregister(_ fd: Int32) {
            _ = functions.control(descriptor, Selector.controlDelete, fd, events)
        }

        /// Waits up to `timeoutMilliseconds` (-1: forever) and calls `body` once per ready registration.
        func wait(timeoutMilliseconds: Int32, _ body: (SelectorEvent) -> Void) throws {
            let count = functions.wait(descriptor, events, Int32(capacity), timeoutMilliseconds)
            if count < 0 {
                if errno == EINTR { return }
                throw SocketError("epoll_wait")
            }
            for index in 0..<Int(count) {
                let base = events + index * Selector.eventStride
                let flags = base.loadUnaligned(as: UInt32.self)
                let id = base.loadUnaligned(fromByteOffset: Selector.dataOffset, as: UInt64.self)
                let trouble = flags & (Selector.epollError | Selector.epollHangUp) != 0
                body(
                    SelectorEvent(
                        id: id,
                        readable: trouble || flags & (Selector.epollIn | Selector.epollReadHangUp) != 0,
                        writable: trouble || flags & Selector.epollOut != 0,
                        failed: trouble))
            }
        }

        private func control(_ operation: Int32, _ fd: Int32, id: UInt64, interest: SelectorInterest, name: String)
            throws
        {
            var flags: UInt32 = 0
            if interest.contains(.read) { flags |= Selector.epollIn | Selector.epollReadHangUp }
            if interest.contains(.write) { flags |= Selector.epollOut }
            var event = (UInt64(0), UInt64(0)) // 16 zeroed bytes, enough for either layout
            let result = withUnsafeMutableBytes(of: &event) { raw -> Int32 in
                raw.storeBytes(of: flags, as: UInt32.self)
                raw.storeBytes(of: id, toByteOffset: Selector.dataOffset, as: UInt64.self)
                return functions.control(descriptor, operation, fd, raw.baseAddress)
            }
            guard result == 0 else { throw SocketError(name) }
        }
    }

#elseif canImport(Darwin)
    /// kqueue: one read filter and one write filter per descriptor, enabled or disabled as interest changes.
    final class Selector {
        private let descriptor: Int32
        private let capacity = 1024
        private let events: UnsafeMutablePointer<kevent>

        init() throws {
            let descriptor = kqueue()
            guard descriptor >= 0 else { throw SocketError("kqueue") }
            self.descriptor = descriptor
            events = .allocate(capacity: capacity)
        }

        deinit {
            events.deallocate()
            close(descriptor)
        }

        /// Starts watching `fd`, reporting readiness under `id`.
        func register(_ fd: Int32, id: UInt64, interest: SelectorInterest) throws {
            try apply(fd, id: id, interest: interest)
        }

        /// Changes what `fd` is watched for.
        func reregister(_ fd: Int32, id: UInt64, interest: SelectorInterest) throws {
            try apply(fd, id: id, interest: interest)
        }

        /// Stops watching `fd`. Call before closing it.
        func deregister(_ fd: Int32) {
            var changes = [
                change(fd, filter: Int16(EVFILT_READ), flags: UInt16(EV_DELETE), id: 0),
                change(fd, filter: Int16(EVFILT_WRITE), flags: UInt16(EV_DELETE), id: 0),
            ]
            for index in changes.indices {
                _ = Darwin.kevent(descriptor, &changes[index], 1, nil, 0, nil)
            }
        }

        /// Waits up to `timeoutMilliseconds` (-1: forever) and calls `body` once per ready filter.
        func wait(timeoutMilliseconds: Int32, _ body: (SelectorEvent) -> Void) throws {
            var timeout = timespec(
                tv_sec: Int(timeoutMilliseconds / 1000), tv_nsec: Int(timeoutMilliseconds % 1000) * 1_000_000)
            let count =
                timeoutMilliseconds < 0
                ? Darwin.kevent(descriptor, nil, 0, events, Int32(capacity), nil)
                : Darwin.kevent(descriptor, nil, 0, events, Int32(capacity), &timeout)
            if count < 0 {
                if errno == EINTR { return }
                throw SocketError("kevent")
            }
            for index in 0..<Int(count) {
                let event = events[index]
                let id = UInt64(UInt(bitPattern: event.udata))
                let failed = event.flags & UInt16(EV_ERROR) != 0
                body(
                    SelectorEvent(
                        id: id,
                        readable: failed || event.filter == Int16(EVFILT_READ),
                        writable: failed || event.filter == Int16(EVFILT_WRITE),
                        failed: failed))
            }
        }

        /// EV_ADD on an existing filter modifies it, so registering and re-registering are the same call.
        private func apply(_ fd: Int32, id: UInt64, interest: SelectorInterest) throws {
            var changes = [
                change(
                    fd, filter: Int16(EVFILT_READ),
                    flags: UInt16(EV_ADD) | UInt16(interest.contains(.read) ? EV_ENABLE : EV_DISABLE), id: id),
                change(
                    fd, filter: Int16(EVFILT_WRITE),
                    flags: UInt16(EV_ADD) | UInt16(interest.contains(.write) ? EV_ENABLE : EV_DISABLE), id: id),
            ]
            guard Darwin.kevent(descriptor, &changes, 2, nil, 0, nil) == 0 else {
                throw SocketError("kevent(EV_ADD)")
            }
        }

        private func change(_ fd: Int32, filter: Int16, flags: UInt16, id: UInt64) -> kevent {
            var change = kevent()
            change.ident = UInt(fd)
            change.filter = filter
            change.flags = flags
            change.udata = UnsafeMutableRawPointer(bitPattern: UInt(id))
            return change
        }
    }
#endif
