// Hand-written ISO-8601 parsing and formatting on UTF-8 bytes: timestamps sit in hot messages (inbox message
// lists), and Foundation's formatters are slow and locale-dependent.

/// Parses the timestamp texts `Timestamp` accepts into milliseconds since 1970.
enum TimestampParser {
    /// The range of a JavaScript `Date`, in milliseconds either side of 1970 (ECMA-262 §21.4.1.1).
    static let maximumMagnitude: Int64 = 8_640_000_000_000_000

    /// Whether `milliseconds` is within the range of a JavaScript `Date`.
    static func isRepresentable(_ milliseconds: Int64) -> Bool {
        milliseconds >= -maximumMagnitude && milliseconds <= maximumMagnitude
    }

    /// Milliseconds for `text`, or `nil` when it is not `YYYY-MM-DD`, or that date followed by `T`/`t`/space,
    /// `HH:mm`, optional `:ss`, optional `.fraction` and `Z`/`z`/`±HH:MM`. Years are 4 digits or `±YYYYYY`.
    static func parse(_ text: UnsafeBufferPointer<UInt8>) -> Int64? {
        var scanner = Scanner(text: text)
        guard let year = scanner.year(),
            scanner.skip(UInt8(ascii: "-")), let month = scanner.number(digits: 2), (1...12).contains(month),
            scanner.skip(UInt8(ascii: "-")), let day = scanner.number(digits: 2),
            (1...daysInMonth(month, year: year)).contains(day)
        else { return nil }
        let days = daysSince1970(year: year, month: month, day: day)
        if scanner.isAtEnd { return checked(days * 86_400_000) }

        guard scanner.skip(UInt8(ascii: "T")) || scanner.skip(UInt8(ascii: "t")) || scanner.skip(UInt8(ascii: " ")),
            let hour = scanner.number(digits: 2), hour < 24,
            scanner.skip(UInt8(ascii: ":")), let minute = scanner.number(digits: 2), minute < 60
        else { return nil }
        var second: Int64 = 0
        var millisecond: Int64 = 0
        if scanner.skip(UInt8(ascii: ":")) {
            guard let value = scanner.number(digits: 2), value < 60 else { return nil }
            second = value
            if scanner.skip(UInt8(ascii: ".")) || scanner.skip(UInt8(ascii: ",")) {
                guard let fraction = scanner.milliseconds() else { return nil }
                millisecond = fraction
            }
        }
        guard let offsetMinutes = scanner.zoneOffset(), scanner.isAtEnd else { return nil }
        let minutes = days * 1440 + hour * 60 + minute - offsetMinutes
        return checked((minutes * 60 + second) * 1000 + millisecond)
    }

    /// `milliseconds` when it is within the range of a JavaScript `Date`.
    private static func checked(_ milliseconds: Int64) -> Int64? {
        isRepresentable(milliseconds) ? milliseconds : nil
    }

    /// Whether `year` (proleptic Gregorian) is a leap year.
    static func isLeapYear(_ year: Int64) -> Bool {
        year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
    }

    /// Number of days in `month` (1…12) of `year`.
    static func daysInMonth(_ month: Int64, year: Int64) -> Int64 {
        switch month {
        case 2: isLeapYear(year) ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    /// Days from 1970-01-01 to the given civil date (H. Hinnant's `days_from_civil`).
    static func daysSince1970(year: Int64, month: Int64, day: Int64) -> Int64 {
        let shiftedYear = month <= 2 ? year - 1 : year
        let era = (shiftedYear >= 0 ? shiftedYear : shiftedYear - 399) / 400
        let yearOfEra = shiftedYear - era * 400
        let dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    /// A cursor over the text.
    private struct Scanner {
        let text: UnsafeBufferPointer<UInt8>
        var position = 0

        var isAtEnd: Bool { position == text.count }

        /// Consumes `byte` if it is next.
        mutating func skip(_ byte: UInt8) -> Bool {
            guard position < text.count, text[position] == byte else { return false }
            position += 1
            return true
        }

        /// Consumes exactly `digits` decimal digits.
        mutating func number(digits: Int) -> Int64? {
            guard position + digits <= text.count else { return nil }
            var value: Int64 = 0
            for _ in 0..<digits {
                let digit = text[position] &- UInt8(ascii: "0")
                guard digit < 10 else { return nil }
                value = value * 10 + Int64(digit)
                position += 1
            }
            return value
        }

        /// `YYYY`, or the expanded `±YYYYYY` (where `-000000` is not allowed).
        mutating func year() -> Int64? {
            if skip(UInt8(ascii: "+")) { return number(digits: 6) }
            if skip(UInt8(ascii: "-")) {
                guard let magnitude = number(digits: 6), magnitude != 0 else { return nil }
                return -magnitude
            }
            return number(digits: 4)
        }

        /// One or more fraction digits; the first three give milliseconds, the rest are truncated.
        mutating func milliseconds() -> Int64? {
            var value: Int64 = 0
            var count = 0
            while position < text.count, case let digit = text[position] &- UInt8(ascii: "0"), digit < 10 {
                if count < 3 { value = value * 10 + Int64(digit) }
                count += 1
                position += 1
            }
            guard count > 0 else { return nil }
            for _ in count..<max(count, 3) { value *= 10 }
            return value
        }

        /// `Z`/`z` (0) or `±HH:MM`, in minutes east of UTC.
        mutating func zoneOffset() -> Int64? {
            if skip(UInt8(ascii: "Z")) || skip(UInt8(ascii: "z")) { return 0 }
            let sign: Int64
            if skip(UInt8(ascii: "+")) {
                sign = 1
            } else if skip(UInt8(ascii: "-")) {
                sign = -1
            } else {
                return nil
            }
            guard let hours = number(digits: 2), hours < 24, skip(UInt8(ascii: ":")),
                let minutes = number(digits: 2), minutes < 60
            else { return nil }
            return sign * (hours * 60 + minutes)
        }
    }
}

/// Formats milliseconds since 1970 as JavaScript's `Date.prototype.toISOString()` does.
enum TimestampFormatter {
    /// `YYYY-MM-DDTHH:mm:ss.sssZ`, with `±YYYYYY` for years outside 0…9999.
    static func format(_ milliseconds: Int64) -> [UInt8] {
        let millisecondsPerDay: Int64 = 86_400_000
        var days = milliseconds / millisecondsPerDay
        var remainder = milliseconds % millisecondsPerDay
        if remainder < 0 {
            days -= 1
            remainder += millisecondsPerDay
        }
        let (year, month, day) = civilDate(daysSince1970: days)
        var output: [UInt8] = []
        output.reserveCapacity(27)
        if year >= 0 && year <= 9999 {
            append(year, digits: 4, to: &output)
        } else {
            output.append(year < 0 ? UInt8(ascii: "-") : UInt8(ascii: "+"))
            append(year.magnitude, digits: 6, to: &output)
        }
        output.append(UInt8(ascii: "-"))
        append(month, digits: 2, to: &output)
        output.append(UInt8(ascii: "-"))
        append(day, digits: 2, to: &output)
        output.append(UInt8(ascii: "T"))
        append(remainder / 3_600_000, digits: 2, to: &output)
        output.append(UInt8(ascii: ":"))
        append(remainder / 60_000 % 60, digits: 2, to: &output)
        output.append(UInt8(ascii: ":"))
        append(remainder / 1000 % 60, digits: 2, to: &output)
        output.append(UInt8(ascii: "."))
        append(remainder % 1000, digits: 3, to: &output)
        output.append(UInt8(ascii: "Z"))
        return output
    }

    /// The civil date of a day number (H. Hinnant's `civil_from_days`).
    static func civilDate(daysSince1970 days: Int64) -> (year: Int64, month: Int64, day: Int64) {
        let shifted = days + 719_468
        let era = (shifted >= 0 ? shifted : shifted - 146_096) / 146_097
        let dayOfEra = shifted - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthIndex = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * monthIndex + 2) / 5 + 1
        let month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    /// Appends `value` in decimal, zero-padded to at least `digits` digits.
    private static func append(_ value: some BinaryInteger, digits: Int, to output: inout [UInt8]) {
        var text = Array(String(value).utf8)
        if text.count < digits {
            text.insert(contentsOf: repeatElement(UInt8(ascii: "0"), count: digits - text.count), at: 0)
        }
        output.append(contentsOf: text)
    }
}
