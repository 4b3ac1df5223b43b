import Foundation

extension Timestamp {
    /// The instant of `date`, rounded to the nearest millisecond (so a `Date` made from milliseconds converts back
    /// exactly despite floating-point error) and clamped to the range of a JavaScript `Date`.
    public init(_ date: Date) {
        let milliseconds = (date.timeIntervalSince1970 * 1000).rounded()
        let limit = Double(TimestampParser.maximumMagnitude)
        self.init(millisecondsSince1970: milliseconds.isNaN ? 0 : Int64(min(max(milliseconds, -limit), limit)))
    }

    /// The current time.
    public static var now: Timestamp {
        Timestamp(Date())
    }

    /// This instant as a Foundation `Date`.
    public var date: Date {
        Date(timeIntervalSince1970: Double(millisecondsSince1970) / 1000)
    }
}
