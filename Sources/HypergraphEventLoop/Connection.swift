import HypergraphTLS

// One TCP connection on an event loop: non-blocking reads into the loop's shared buffer, the outbound queue
// with gathered writes, readiness interest, deadlines, and the ways a connection ends. What the bytes mean is
// up to its handler (an HTTP server session, a client handshake, or a WebSocket session), which can change
// once (on upgrade). With TLS, reads and writes go through a TLSStream instead (see the MARK: TLS section).
//
// Concurrency: a Connection, its handler and everything they own belong to their event loop's thread (see
// EventLoop.swift). Other threads reach them only through `loop.execute`.
#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The protocol logic driving a connection. Called on the connection's event loop only.
package protocol ConnectionHandler: AnyObject {
    /// An outbound connect completed.
    func connectionEstablished(_ connection: Connection)
    /// Bytes arrived; they may be modified in place and are only valid during the call.
    func connection(_ connection: Connection, received bytes: UnsafeMutableRawBufferPointer)
    /// The peer closed its sending side.
    func connectionReachedEndOfInput(_ connection: Connection)
    /// The socket is closed; `error` is set when a system call failed.
    func connectionClosed(_ connection: Connection, error: SocketError?)
    /// The earliest time this handler wants `connection(_:deadlinePassed:)`, or nil.
    var nextDeadline: UInt64? { get }
    /// A deadline passed; `now` is the loop's clock.
    func connection(_ connection: Connection, deadlinePassed now: UInt64)
}

/// Something that takes part in a server's graceful shutdown.
package protocol GracefulShutdownParticipant: AnyObject {
    /// Start ending the connection politely (on its loop).
    func beginShutdown()
}

/// Why reading is paused; reading resumes when no reason is left.
package struct ReadPause: OptionSet {
    package let rawValue: UInt8
    /// The application has not consumed enough of the delivered events (inbound backpressure).
    package static let backpressure = ReadPause(rawValue: 1)
    /// The application is deciding about a request, or answering the messages that came before a protocol
    /// error; later bytes wait in the kernel.
    package static let awaitingApplication = ReadPause(rawValue: 2)

    /// The pause with these bits.
    package init(rawValue: UInt8) {
        self.rawValue = rawValue
    }
}

/// A socket registered with an event loop.
package final class Connection: EventLoopChannel, @unchecked Sendable {
    // @unchecked: confined to `loop`'s thread, see the header comment.
    private enum Phase {
        /// Outbound connect in progress.
        case connecting
        /// Reading and writing normally.
        case open
        /// Finishing: the queue is flushed, optionally FIN is sent, then input is discarded until end-of-input
        /// or `deadline`.
        case finishing(shutdownWrite: Bool, deadline: UInt64)
        /// Closed; the descriptor is released.
        case closed
    }

    private struct Chunk {
        var bytes: OutboundBytes
        var offset: Int
    }

    /// The loop that owns this connection.
    package let loop: EventLoop
    /// The socket.
    package let fd: Int32
    /// "host:port" of the peer.
    package let peer: String
    /// The protocol logic; replaced once when an HTTP connection is upgraded.
    package var handler: (any ConnectionHandler)?
    /// Told once, after the socket is closed (the server uses it to track its connections).
    package var onClose: ((Connection) -> Void)?
    /// The TLS session the bytes go through, or nil for a plain connection.
    package let tls: TLSStream?
    /// Why TLS failed, when it did (the connection is then closed).
    package private(set) var tlsFailure: TLSError?
    /// A TLS write is waiting for the handshake to read the peer's answer.
    private var tlsWriteWaitsForInput = false

    private var id: UInt64 = 0
    private var phase: Phase
    private var outbound = FIFO<Chunk>()
    /// Bytes queued and not yet accepted by the kernel.
    package private(set) var queuedBytes = 0
    private var pauses: ReadPause = []
    private var inputEnded = false
    private var waitingForWritable = false
    private var flushScheduled = false
    private var armedDeadline: UInt64?
    private var registeredInterest: SelectorInterest = []
    /// Callbacks waiting for the outbound queue to shrink to their limit (see `whenQueuedBytes(atMost:_:)`).
    private var drainWaiters: [(limit: Int, resume: (Bool) -> Void)] = []

    /// Wraps `fd` and registers it with `loop`. Must run on `loop`'s thread. `connecting` means a non-blocking
    /// connect is in progress. Set `handler` (and call `updateDeadline`) before returning to the loop.
    package init(loop: EventLoop, fd: Int32, peer: String, connecting: Bool, tls: TLSStream? = nil) throws {
        self.loop = loop
        self.fd = fd
        self.peer = peer
        self.tls = tls
        phase = connecting ? .connecting : .open
        registeredInterest = connecting ? .write : .read
        id = try loop.register(self, fd: fd, interest: registeredInterest)
    }

    /// For a client connection whose TLS handshake has not finished: why, as the error to report, after the server
    /// closed the connection (`serverClosed`) or did not answer in time. Nil for plain connections and established
    /// sessions.
    package func unfinishedTLSHandshake(serverClosed: Bool) -> TLSError? {
        guard let tls, !tls.isEstablished else { return nil }
        let detail =
            serverClosed ? "the server closed the connection" : "no TLS handshake answer in time (is it a TLS port?)"
        return .handshakeFailed(peer: tls.peer, detail: detail)
    }

    /// Whether the socket is still open and not finishing.
    package var isOpen: Bool {
        if case .open = phase { return true }
        return false
    }

    // MARK: Output

    /// Queues bytes for writing at the end of this loop iteration.
    package func enqueue(_ bytes: OutboundBytes) {
        guard isOpen, bytes.count > 0 else { return }
        outbound.append(Chunk(bytes: bytes, offset: 0))
        queuedBytes += bytes.count
        scheduleFlush()
    }

    /// Flushes at the end of this loop iteration, unless that is arranged already or the socket is full.
    private func scheduleFlush() {
        guard !flushScheduled && !waitingForWritable else { return }
        flushScheduled = true
        loop.scheduleFlush(self)
    }

    /// Calls `resume(true)` once at most `limit` bytes are queued (now, if that is already so), or `resume(false)`
    /// once the connection is finishing or closed.
    package func whenQueuedBytes(atMost limit: Int, _ resume: @escaping (Bool) -> Void) {
        guard isOpen else { return resume(false) }
        guard queuedBytes > limit else { return resume(true) }
        drainWaiters.append((limit, resume))
    }

    /// Resumes the drain waiters that are satisfied (or all of them, with false, once the connection is ending).
    private func resumeDrainWaiters() {
        guard !drainWaiters.isEmpty else { return }
        let open = isOpen
        let due = drainWaiters.filter { !open || queuedBytes <= $0.limit }
        guard !due.isEmpty else { return }
        drainWaiters.removeAll { !open || queuedBytes <= $0.limit }
        for waiter in due { waiter.resume(open) }
    }

    /// Drops queued frames that have not started to go out, keeping a partly written one so the stream stays
    /// well-framed. Used before a close frame when the peer reads too slowly.
    package func discardUnsentOutput() {
        guard let first = outbound.first, first.offset > 0 else {
            outbound.removeAll()
            queuedBytes = 0
            return
        }
        outbound.removeAll()
        outbound.append(first)
        queuedBytes = first.bytes.count - first.offset
    }

    /// Called by the loop at the end of an iteration.
    func flushScheduledOutput() {
        flushScheduled = false
        flush()
    }

    private func flush() {
        guard tls.map(flushThroughTLS) ?? flushToSocket() else { return }
        setWaitingForWritable(false)
        if case .finishing(let shutdownWrite, _) = phase {
            if inputEnded { return disconnect() }
            if shutdownWrite { self.shutdownWrite() }
        }
    }

    /// Writes the queue with gathered writes; true when all of it went out.
    private func flushToSocket() -> Bool {
        while !outbound.isEmpty {
            var count = 0
            outbound.forEach { chunk in
                let remaining = chunk.bytes.buffer[chunk.offset...]
                loop.writeVectors[count] = iovec(
                    iov_base: UnsafeMutableRawPointer(
                        mutating: UnsafeRawBufferPointer(rebasing: remaining).baseAddress),
                    iov_len: remaining.count)
                count += 1
                return count < EventLoop.writeVectorCapacity
            }
            switch Socket.write(fd, vectors: loop.writeVectors, count: count) {
            case .transferred(let written):
                consume(written)
            case .wouldBlock, .endOfFile:
                setWaitingForWritable(true)
                return false
            case .failed(let code):
                disconnect(error: SocketError("send to \(peer)", code: code))
                return false
            }
        }
        return true
    }

    private func consume(_ written: Int) {
        queuedBytes -= written
        defer { resumeDrainWaiters() }
        var left = written
        while left > 0, var chunk = outbound.first {
            let remaining = chunk.bytes.count - chunk.offset
            if left >= remaining {
                left -= remaining
                _ = outbound.popFirst()
            } else {
                chunk.offset += left
                outbound.replaceFirst(with: chunk)
                left = 0
            }
        }
    }

    private func setWaitingForWritable(_ waiting: Bool) {
        guard waitingForWritable != waiting else { return }
        waitingForWritable = waiting
        updateInterest()
    }

    // MARK: Input

    /// Stops reading for `reason` until `resumeReading(_:)` clears it.
    package func pauseReading(_ reason: ReadPause) {
        pauses.insert(reason)
        updateInterest()
    }

    /// Clears a pause reason; reading resumes when none is left.
    package func resumeReading(_ reason: ReadPause) {
        pauses.remove(reason)
        updateInterest()
        readBufferedTLSInputSoon()
    }

    package func handleReadable() {
        // A few reads per readiness report keep one busy peer from starving the others.
        for _ in 0..<4 {
            guard wantsToRead else { return }
            switch receive(into: loop.readBuffer) {
            case .transferred(let count):
                if case .finishing = phase { continue } // input after the end is discarded
                handler?.connection(self, received: UnsafeMutableRawBufferPointer(rebasing: loop.readBuffer[..<count]))
                // A short read drained the socket: skip the read that would only say EAGAIN (level-triggered
                // readiness reports anything that arrives later).
                if count < loop.readBuffer.count { return readBufferedTLSInputSoon() }
            case .wouldBlock:
                return
            case .endOfFile:
                inputEnded = true
                if case .finishing = phase { return disconnect() }
                updateInterest()
                handler?.connectionReachedEndOfInput(self)
                return
            case .failed(let code):
                return disconnect(error: SocketError("recv from \(peer)", code: code))
            }
        }
        readBufferedTLSInputSoon()
    }

    package func handleWritable() {
        guard case .connecting = phase else { return flush() }
        let code = Socket.pendingError(of: fd)
        guard code == 0 else { return disconnect(error: SocketError("connect to \(peer)", code: code)) }
        phase = .open
        updateInterest()
        handler?.connectionEstablished(self)
    }

    package func handleFailure() {
        // A reset (or both directions closed) while reading was paused: nothing more can be exchanged.
        let code = Socket.pendingError(of: fd)
        disconnect(error: code == 0 ? nil : SocketError("connection to \(peer)", code: code))
    }

    private var wantsToRead: Bool {
        switch phase {
        case .connecting, .closed: return false
        case .open: return pauses.isEmpty && !inputEnded
        case .finishing: return !inputEnded
        }
    }

    private func updateInterest() {
        if case .closed = phase { return }
        var interest: SelectorInterest = []
        if wantsToRead { interest.insert(.read) }
        if waitingForWritable { interest.insert(.write) }
        if case .connecting = phase { interest.insert(.write) }
        guard interest != registeredInterest else { return }
        registeredInterest = interest
        loop.setInterest(interest, fd: fd, id: id)
    }

    // MARK: Ending

    /// Ends the connection politely: writes what is queued, then (with `shutdownWrite`) sends FIN, then discards
    /// input until the peer closes too — so the peer reads everything before it sees the end — or until
    /// `timeout` nanoseconds pass. Servers shut down first (RFC 6455 §7.1.1); clients wait for the server.
    package func finish(shutdownWrite: Bool, timeout: UInt64) {
        guard isOpen else { return }
        phase = .finishing(shutdownWrite: shutdownWrite, deadline: loop.now + timeout)
        resumeDrainWaiters()
        if inputEnded && outbound.isEmpty { return disconnect() }
        updateInterest()
        updateDeadline()
        if outbound.isEmpty, !waitingForWritable, shutdownWrite { self.shutdownWrite() }
    }

    /// Closes the socket now, dropping anything queued.
    package func disconnect(error: SocketError? = nil) {
        if case .closed = phase { return }
        phase = .closed
        loop.deregister(fd: fd, id: id)
        close(fd)
        outbound.removeAll()
        queuedBytes = 0
        resumeDrainWaiters()
        let handler = self.handler
        self.handler = nil
        handler?.connectionClosed(self, error: error)
        onClose?(self)
        onClose = nil
    }

    // MARK: Deadlines

    /// Makes sure the loop wakes this connection by its handler's (or its own) next deadline. Deadlines that
    /// move later need no call: an early wake-up just finds nothing due and re-arms.
    package func updateDeadline() {
        var next = handler?.nextDeadline
        if case .finishing(_, let deadline) = phase { next = min(next ?? deadline, deadline) }
        guard let next else { return }
        if let armedDeadline, armedDeadline <= next { return }
        armedDeadline = next
        loop.schedule(channelID: id, at: next)
    }

    package func handleDeadline(now: UInt64) {
        // An entry for a deadline that was superseded by an earlier one, which already fired and re-armed.
        if let armedDeadline, armedDeadline > now { return }
        armedDeadline = nil
        switch phase {
        case .closed:
            return
        case .finishing(_, let deadline) where deadline <= now:
            return disconnect()
        default:
            handler?.connection(self, deadlinePassed: now)
        }
        updateDeadline()
    }

    // MARK: TLS

    /// Reads from the socket, or decrypted bytes from TLS (whose handshake output and resumed writes are then
    /// scheduled for this iteration's flush).
    private func receive(into buffer: UnsafeMutableRawBufferPointer) -> IOResult {
        guard let tls else { return Socket.read(fd, into: buffer) }
        let result = tls.read(into: buffer)
        if tls.pendingOutputCount > Connection.tlsBacklogLimit {
            // What reading made OpenSSL send (key updates, alerts) piles up because the peer does not read: bounded.
            return failTLS(.connectionFailed(peer: peer, detail: "the peer does not read what TLS has to send"))
        }
        if tls.pendingOutputCount > 0 || tlsWriteWaitsForInput {
            tlsWriteWaitsForInput = false
            scheduleFlush()
        }
        switch result {
        case .transferred(let count): return .transferred(count)
        case .wantRead: return .wouldBlock
        case .endOfInput: return .endOfFile
        case .failed(let error): return failTLS(error)
        }
    }

    /// How much is encrypted ahead of the socket: at most this much plaintext per `SSL_write`, and no more once this
    /// much ciphertext waits, so a large frame is not held twice in memory.
    private static let tlsBatchSize = 64 * 1024
    /// More ciphertext waiting than this (writes stop at about two batches) means the peer makes OpenSSL answer
    /// what it sends without reading the answers; the connection is failed.
    private static let tlsBacklogLimit = 16 * tlsBatchSize

    /// Encrypts queued chunks (see `tlsBatchSize`) and sends the ciphertext; true when all of it went out.
    private func flushThroughTLS(_ tls: TLSStream) -> Bool {
        while true {
            switch tls.sendPendingOutput() {
            case .sent: break
            case .wouldBlock:
                setWaitingForWritable(true)
                return false
            case .failed(let code):
                disconnect(error: SocketError("send to \(peer)", code: code))
                return false
            }
            if outbound.isEmpty || tlsWriteWaitsForInput { return !tlsWriteWaitsForInput }
            while tls.pendingOutputCount < Connection.tlsBatchSize, let chunk = outbound.first {
                let end = min(chunk.offset + Connection.tlsBatchSize, chunk.bytes.count)
                switch tls.write(UnsafeRawBufferPointer(rebasing: chunk.bytes.buffer[chunk.offset..<end])) {
                case .transferred(let written):
                    consume(written)
                case .wantRead, .endOfInput:
                    tlsWriteWaitsForInput = true
                case .failed(let error):
                    _ = failTLS(error)
                    disconnect(error: SocketError("TLS with \(peer)", code: EPROTO))
                    return false
                }
                if tlsWriteWaitsForInput { break }
            }
        }
    }

    /// Records why TLS failed and sends the alert OpenSSL queued for the peer (best effort: the socket closes next).
    private func failTLS(_ error: TLSError) -> IOResult {
        tlsFailure = error
        _ = tls?.sendPendingOutput()
        return .failed(EPROTO)
    }

    /// OpenSSL may hold decrypted bytes that socket readiness does not announce: read them in this iteration.
    private func readBufferedTLSInputSoon() {
        guard let tls, wantsToRead, tls.hasBufferedInput else { return }
        loop.execute { [self] in handleReadable() }
    }

    /// Sends FIN, after close_notify on a TLS connection (best effort: the queue is already flushed).
    private func shutdownWrite() {
        if let tls {
            tls.close()
            _ = tls.sendPendingOutput()
        }
        Socket.shutdownWrite(fd)
    }
}
