// The binary and text formats of the supported types (PostgreSQL's send/recv and out functions).
import Foundation

/// Type OIDs from `pg_type` that the client encodes or decodes natively.
enum PostgresType {
    static let bool: UInt32 = 16
    static let bytea: UInt32 = 17
    static let name: UInt32 = 19
    static let int8: UInt32 = 20
    static let int2: UInt32 = 21
    static let int4: UInt32 = 23
    static let text: UInt32 = 25
    static let bpchar: UInt32 = 1042
    static let varchar: UInt32 = 1043
    static let timestamptz: UInt32 = 1184
    static let uuid: UInt32 = 2950

    /// The types whose results are requested in binary; everything else arrives as text.
    static func hasBinaryDecoding(_ oid: UInt32) -> Bool {
        switch oid {
        case bool, bytea, name, int8, int2, int4, text, bpchar, varchar, timestamptz, uuid: true
        default: false
        }
    }

    /// The OID a parameter is declared with in Parse (0 for NULL: the server infers it).
    static func oid(of value: PostgresValue) -> UInt32 {
        switch value {
        case .null: 0
        case .int16: int2
        case .int32: int4
        case .int64: int8
        case .bool: bool
        case .text: text
        case .bytea: bytea
        case .timestamptz: timestamptz
        case .uuid: uuid
        }
    }
}

/// Microseconds between 1970-01-01 and PostgreSQL's epoch 2000-01-01 (UTC).
private let postgresEpochOffsetMicroseconds: Int64 = 946_684_800_000_000

/// The binary format.
enum PostgresBinary {
    /// Writes `value` as a Bind parameter: its length (-1 for NULL) and bytes.
    static func encode(_ value: PostgresValue, into writer: inout MessageWriter) {
        switch value {
        case .null:
            writer.writeInt32(-1)
        case .int16(let number):
            writer.writeInt32(2)
            writer.writeInt16(number)
        case .int32(let number):
            writer.writeInt32(4)
            writer.writeInt32(number)
        case .int64(let number):
            writer.writeInt32(8)
            writeInt64(number, into: &writer)
        case .bool(let flag):
            writer.writeInt32(1)
            writer.writeByte(flag ? 1 : 0)
        case .text(let text):
            writer.writeInt32(Int32(text.utf8.count))
            writer.writeBytes(text.utf8)
        case .bytea(let bytes):
            writer.writeInt32(Int32(bytes.count))
            writer.writeBytes(bytes)
        case .timestamptz(let date):
            writer.writeInt32(8)
            writeInt64(microseconds(since2000: date), into: &writer)
        case .uuid(let uuid):
            writer.writeInt32(16)
            withUnsafeBytes(of: uuid.uuid) { writer.writeBytes($0) }
        }
    }

    private static func writeInt64(_ value: Int64, into writer: inout MessageWriter) {
        writer.writeInt32(Int32(truncatingIfNeeded: value >> 32))
        writer.writeInt32(Int32(truncatingIfNeeded: value))
    }

    /// Microseconds since 2000-01-01 UTC, rounded to the nearest; the infinities map to PostgreSQL's.
    static func microseconds(since2000 date: Date) -> Int64 {
        if date == .distantFuture { return .max }
        if date == .distantPast { return .min }
        let sinceUnix = (date.timeIntervalSince1970 * 1_000_000).rounded()
        return Int64(sinceUnix) - postgresEpochOffsetMicroseconds
    }

    /// The date `microseconds` after 2000-01-01 UTC.
    static func date(microsecondsSince2000 microseconds: Int64) -> Date {
        if microseconds == .max { return .distantFuture }
        if microseconds == .min { return .distantPast }
        let sinceUnix = microseconds + postgresEpochOffsetMicroseconds
        // Whole seconds and the fraction apart, so the Double keeps every microsecond.
        let seconds = sinceUnix.quotientAndRemainder(dividingBy: 1_000_000)
        return Date(timeIntervalSince1970: Double(seconds.quotient) + Double(seconds.remainder) / 1_000_000)
    }

    /// Decodes a binary column value of type `oid` (one the client asked binary for).
    static func decode(_ bytes: UnsafeRawBufferPointer, oid: UInt32) throws(PostgresError) -> PostgresValue {
        func fixed<T: FixedWidthInteger>(_ type: T.Type) throws(PostgresError) -> T {
            guard bytes.count == MemoryLayout<T>.size else {
                throw .decoding(
                    "a binary value of type \(oid) has \(bytes.count) bytes, expected \(MemoryLayout<T>.size)")
            }
            return T(bigEndian: bytes.loadUnaligned(as: T.self))
        }
        switch oid {
        case PostgresType.int2: return .int16(try fixed(Int16.self))
        case PostgresType.int4: return .int32(try fixed(Int32.self))
        case PostgresType.int8: return .int64(try fixed(Int64.self))
        case PostgresType.bool: return .bool(try fixed(UInt8.self) != 0)
        case PostgresType.bytea: return .bytea(Array(bytes))
        case PostgresType.timestamptz: return .timestamptz(date(microsecondsSince2000: try fixed(Int64.self)))
        case PostgresType.uuid:
            guard bytes.count == 16 else { throw .decoding("a binary uuid has \(bytes.count) bytes, expected 16") }
            var uuid = UUID().uuid
            withUnsafeMutableBytes(of: &uuid) { $0.copyMemory(from: bytes) }
            return .uuid(UUID(uuid: uuid))
        default:
            return .text(String(decoding: bytes, as: UTF8.self))
        }
    }
}

/// The text format (what the server's output functions print, with DateStyle ISO and TimeZone UTC).
enum PostgresText {
    /// Decodes a text column value of type `oid`; types without a dedicated case stay text.
    static func decode(_ bytes: UnsafeRawBufferPointer, oid: UInt32) throws(PostgresError) -> PostgresValue {
        let text = String(decoding: bytes, as: UTF8.self)
        func integer<T: FixedWidthInteger>(_ type: T.Type) throws(PostgresError) -> T {
            guard let value = T(text) else { throw .decoding("\(String(reflecting: text)) is not a valid \(T.self)") }
            return value
        }
        switch oid {
        case PostgresType.int2: return .int16(try integer(Int16.self))
        case PostgresType.int4: return .int32(try integer(Int32.self))
        case PostgresType.int8: return .int64(try integer(Int64.self))
        case PostgresType.bool:
            switch text {
            case "t": return .bool(true)
            case "f": return .bool(false)
            default: throw .decoding("\(String(reflecting: text)) is not a boolean (expected t or f)")
            }
        case PostgresType.bytea: return .bytea(try hexBytea(bytes))
        case PostgresType.timestamptz: return .timestamptz(try timestamp(text))
        case PostgresType.uuid:
            guard let uuid = UUID(uuidString: text) else {
                throw .decoding("\(String(reflecting: text)) is not a uuid")
            }
            return .uuid(uuid)
        default:
            return .text(text)
        }
    }

    /// `\x` followed by two hex digits per byte (bytea_output = hex, the default since PostgreSQL 9.0).
    private static func hexBytea(_ bytes: UnsafeRawBufferPointer) throws(PostgresError) -> [UInt8] {
        guard bytes.count >= 2, bytes[0] == UInt8(ascii: "\\"), bytes[1] == UInt8(ascii: "x"), bytes.count % 2 == 0
        else {
            throw .decoding("a text bytea value does not have the form \\x followed by hex digit pairs")
        }
        func nibble(_ digit: UInt8) throws(PostgresError) -> UInt8 {
            switch digit {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): return digit - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): return digit - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): return digit - UInt8(ascii: "A") + 10
            default: throw .decoding("a text bytea value contains the non-hex byte \(digit)")
            }
        }
        var result: [UInt8] = []
        result.reserveCapacity(bytes.count / 2 - 1)
        var index = 2
        while index < bytes.count {
            result.append(try nibble(bytes[index]) << 4 | nibble(bytes[index + 1]))
            index += 2
        }
        return result
    }

    /// Parses `YYYY-MM-DD HH:MM:SS[.ffffff]±HH[:MM[:SS]][ BC]` (years may have more than four digits), or
    /// `infinity` / `-infinity`.
    static func timestamp(_ text: String) throws(PostgresError) -> Date {
        if text == "infinity" { return .distantFuture }
        if text == "-infinity" { return .distantPast }
        let failure = PostgresError.decoding(
            "\(String(reflecting: text)) is not a timestamptz of the form YYYY-MM-DD HH:MM:SS[.ffffff]+HH[:MM][ BC]")
        let beforeChrist = text.hasSuffix(" BC")
        let bytes = Array(text.utf8.dropLast(beforeChrist ? 3 : 0))
        var index = 0
        func number(digits: Int) throws(PostgresError) -> Int64 {
            guard index + digits <= bytes.count else { throw failure }
            var value: Int64 = 0
            for byte in bytes[index..<index + digits] {
                guard (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) else { throw failure }
                value = value * 10 + Int64(byte - UInt8(ascii: "0"))
            }
            index += digits
            return value
        }
        func expect(_ character: Unicode.Scalar) throws(PostgresError) {
            guard index < bytes.count, bytes[index] == UInt8(ascii: character) else { throw failure }
            index += 1
        }
        let yearDigits = bytes.firstIndex(of: UInt8(ascii: "-")) ?? 0
        guard yearDigits >= 4 else { throw failure }
        let writtenYear = try number(digits: yearDigits)
        let year = beforeChrist ? 1 - writtenYear : writtenYear // 1 BC is year 0 of the proleptic calendar
        try expect("-")
        let month = try number(digits: 2)
        try expect("-")
        let day = try number(digits: 2)
        try expect(" ")
        let hour = try number(digits: 2)
        try expect(":")
        let minute = try number(digits: 2)
        try expect(":")
        let second = try number(digits: 2)
        var microseconds: Int64 = 0
        if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
            index += 1
            var scale: Int64 = 100_000
            while index < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[index]) {
                microseconds += Int64(bytes[index] - UInt8(ascii: "0")) * scale
                scale /= 10
                index += 1
            }
        }
        guard index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") else {
            throw failure
        }
        let sign: Int64 = bytes[index] == UInt8(ascii: "-") ? -1 : 1
        index += 1
        var offsetSeconds = try number(digits: 2) * 3600
        for unit: Int64 in [60, 1] where index < bytes.count {
            try expect(":")
            offsetSeconds += try number(digits: 2) * unit
        }
        guard index == bytes.count, (1...12).contains(month), (1...31).contains(day) else { throw failure }
        let days = daysSinceUnixEpoch(year: year, month: month, day: day)
        let seconds = ((days * 24 + hour) * 60 + minute) * 60 + second - sign * offsetSeconds
        let sinceUnix = seconds * 1_000_000 + microseconds
        return PostgresBinary.date(microsecondsSince2000: sinceUnix - postgresEpochOffsetMicroseconds)
    }

    /// Days from 1970-01-01 to the proleptic Gregorian date (Howard Hinnant's days_from_civil).
    private static func daysSinceUnixEpoch(year: Int64, month: Int64, day: Int64) -> Int64 {
        let shiftedYear = month <= 2 ? year - 1 : year
        let era = (shiftedYear >= 0 ? shiftedYear : shiftedYear - 399) / 400
        let yearOfEra = shiftedYear - era * 400
        let dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }
}
