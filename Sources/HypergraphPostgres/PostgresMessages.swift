// Frontend message encoding and backend message field reading (PostgreSQL protocol 3.0, "Message Formats").
// Stateless value types, used on a connection's event loop thread.

/// Reads the fields of one backend message body, with bounds checks that end in `protocolViolation`.
struct MessageReader {
    private let bytes: UnsafeRawBufferPointer
    private(set) var offset = 0

    init(_ bytes: UnsafeRawBufferPointer) {
        self.bytes = bytes
    }

    /// The bytes not yet read.
    var remaining: Int { bytes.count - offset }

    mutating func readByte() throws(PostgresError) -> UInt8 {
        guard remaining >= 1 else { throw truncated("a byte") }
        defer { offset += 1 }
        return bytes[offset]
    }

    mutating func readInt16() throws(PostgresError) -> Int16 {
        guard remaining >= 2 else { throw truncated("an Int16") }
        defer { offset += 2 }
        return Int16(bigEndian: bytes.loadUnaligned(fromByteOffset: offset, as: Int16.self))
    }

    mutating func readInt32() throws(PostgresError) -> Int32 {
        guard remaining >= 4 else { throw truncated("an Int32") }
        defer { offset += 4 }
        return Int32(bigEndian: bytes.loadUnaligned(fromByteOffset: offset, as: Int32.self))
    }

    mutating func readCString() throws(PostgresError) -> String {
        guard let end = bytes[offset...].firstIndex(of: 0) else { throw truncated("a terminated string") }
        defer { offset = end + 1 }
        return String(decoding: UnsafeRawBufferPointer(rebasing: bytes[offset..<end]), as: UTF8.self)
    }

    /// The next `count` bytes, valid as long as the message body is.
    mutating func readBytes(_ count: Int) throws(PostgresError) -> UnsafeRawBufferPointer {
        guard count >= 0, remaining >= count else { throw truncated("\(count) bytes") }
        defer { offset += count }
        return UnsafeRawBufferPointer(rebasing: bytes[offset..<offset + count])
    }

    /// The rest of the body.
    mutating func readRest() -> UnsafeRawBufferPointer {
        defer { offset = bytes.count }
        return UnsafeRawBufferPointer(rebasing: bytes[offset...])
    }

    private func truncated(_ what: String) -> PostgresError {
        .protocolViolation("a backend message ended at byte \(offset) of \(bytes.count) where \(what) was expected")
    }
}

/// Builds frontend messages into one byte buffer, so a whole request goes out in one write.
struct MessageWriter {
    private(set) var bytes: [UInt8] = []
    private var messageStart = 0

    init() {
        bytes.reserveCapacity(256)
    }

    /// Starts a message with `type` (nil for the untyped startup message) and a length placeholder.
    mutating func begin(_ type: UInt8?) {
        if let type { bytes.append(type) }
        messageStart = bytes.count
        writeInt32(0)
    }

    /// Fills in the length of the message started last.
    mutating func end() {
        let length = Int32(bytes.count - messageStart)
        withUnsafeBytes(of: length.bigEndian) { length in
            for index in 0..<4 { bytes[messageStart + index] = length[index] }
        }
    }

    mutating func writeByte(_ value: UInt8) {
        bytes.append(value)
    }

    mutating func writeInt16(_ value: Int16) {
        withUnsafeBytes(of: value.bigEndian) { bytes.append(contentsOf: $0) }
    }

    mutating func writeInt32(_ value: Int32) {
        withUnsafeBytes(of: value.bigEndian) { bytes.append(contentsOf: $0) }
    }

    /// Writes `text` up to its first NUL, and a terminating NUL. SQL is checked for NUL before encoding; in a
    /// configuration value a NUL cuts the value short, as it would in C clients, and keeps the message well-formed.
    mutating func writeCString(_ text: String) {
        bytes.append(contentsOf: text.utf8.prefix { $0 != 0 })
        bytes.append(0)
    }

    mutating func writeBytes(_ value: some Collection<UInt8>) {
        bytes.append(contentsOf: value)
    }

    // MARK: Messages

    /// StartupMessage for protocol 3.0 with `parameters` as name/value pairs.
    mutating func startup(_ parameters: [(String, String)]) {
        begin(nil)
        writeInt32(196_608) // 3 << 16 | 0
        for (name, value) in parameters {
            writeCString(name)
            writeCString(value)
        }
        writeByte(0)
        end()
    }

    /// PasswordMessage (also the type of the SASL messages, which carry raw bytes instead of a C string).
    mutating func password(_ text: String) {
        begin(UInt8(ascii: "p"))
        writeCString(text)
        end()
    }

    /// SASLInitialResponse: the chosen mechanism and the client-first message.
    mutating func saslInitialResponse(mechanism: String, data: [UInt8]) {
        begin(UInt8(ascii: "p"))
        writeCString(mechanism)
        writeInt32(Int32(data.count))
        writeBytes(data)
        end()
    }

    /// SASLResponse: the client-final message.
    mutating func saslResponse(_ data: [UInt8]) {
        begin(UInt8(ascii: "p"))
        writeBytes(data)
        end()
    }

    /// Query (simple protocol).
    mutating func query(_ sql: String) {
        begin(UInt8(ascii: "Q"))
        writeCString(sql)
        end()
    }

    /// Parse: prepares `sql` as statement `name` with the given parameter type OIDs (0 lets the server infer).
    mutating func parse(name: String, sql: String, parameterTypes: [UInt32]) {
        begin(UInt8(ascii: "P"))
        writeCString(name)
        writeCString(sql)
        writeInt16(Int16(truncatingIfNeeded: parameterTypes.count))
        for type in parameterTypes { writeInt32(Int32(bitPattern: type)) }
        end()
    }

    /// Bind: the unnamed portal for `statement`, every parameter in binary, results in `resultFormats`
    /// (empty: all text).
    mutating func bind(statement: String, parameters: [PostgresValue], resultFormats: [Int16]) {
        begin(UInt8(ascii: "B"))
        writeByte(0) // the unnamed portal
        writeCString(statement)
        writeInt16(1)
        writeInt16(1) // every parameter in binary
        writeInt16(Int16(truncatingIfNeeded: parameters.count))
        for parameter in parameters { PostgresBinary.encode(parameter, into: &self) }
        writeInt16(Int16(resultFormats.count))
        for format in resultFormats { writeInt16(format) }
        end()
    }

    /// Describe of the unnamed portal.
    mutating func describePortal() {
        begin(UInt8(ascii: "D"))
        writeByte(UInt8(ascii: "P"))
        writeByte(0)
        end()
    }

    /// Execute of the unnamed portal, all rows.
    mutating func execute() {
        begin(UInt8(ascii: "E"))
        writeByte(0)
        writeInt32(0)
        end()
    }

    /// Close of a prepared statement.
    mutating func closeStatement(_ name: String) {
        begin(UInt8(ascii: "C"))
        writeByte(UInt8(ascii: "S"))
        writeCString(name)
        end()
    }

    /// Sync: ends an extended-protocol request; the server answers ReadyForQuery.
    mutating func sync() {
        begin(UInt8(ascii: "S"))
        end()
    }

    /// CopyFail: refuses a COPY FROM STDIN the server started.
    mutating func copyFail(_ reason: String) {
        begin(UInt8(ascii: "f"))
        writeCString(reason)
        end()
    }

    /// Terminate.
    mutating func terminate() {
        begin(UInt8(ascii: "X"))
        end()
    }
}
