// Encoded bytes on their way to sockets (frames, HTTP messages), queued by reference.

/// An immutable block of encoded bytes that connections queue by reference, so one encoded broadcast frame is
/// written to every subscriber without a copy per connection.
package final class OutboundBytes: @unchecked Sendable {
    // @unchecked: the memory is written only inside `init`, before the object can be shared, and only read after.
    private let base: UnsafeMutableRawPointer
    /// The number of bytes.
    package let count: Int

    /// Allocates `count` bytes and lets `fill` write all of them.
    package init(count: Int, fill: (UnsafeMutableRawBufferPointer) -> Void) {
        base = .allocate(byteCount: max(count, 1), alignment: 8)
        self.count = count
        fill(UnsafeMutableRawBufferPointer(start: base, count: count))
    }

    deinit {
        base.deallocate()
    }

    /// The bytes. Valid only while this object is alive: users hold a reference for as long as they use it
    /// (the outbound queue holds its chunks until the kernel has taken them).
    package var buffer: UnsafeRawBufferPointer { UnsafeRawBufferPointer(start: base, count: count) }

    /// A copy of the bytes.
    package var bytes: [UInt8] { Array(buffer) }

    /// Copies `bytes`.
    package convenience init(copying bytes: some Collection<UInt8>) {
        self.init(count: bytes.count) { destination in
            destination.copyBytes(from: bytes)
        }
    }
}
