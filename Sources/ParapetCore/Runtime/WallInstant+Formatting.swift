extension WallInstant {
    /// The instant as RFC 3339 UTC text with milliseconds, e.g. `2026-11-27T04:58:07.125Z`, as access logs
    /// write it.
    ///
    /// ```swift
    /// WallInstant(secondsSinceEpoch: 0).rfc3339   // "1970-01-01T00:00:00.000Z"
    /// ```
    public var rfc3339: String {
        let civil = CivilTime(self)
        let millis = Int((sinceEpoch - .seconds(secondsSinceEpoch)) / .milliseconds(1))
        return "\(pad(civil.year, 4))-\(pad(civil.month, 2))-\(pad(civil.day, 2))T"
            + "\(pad(civil.hour, 2)):\(pad(civil.minute, 2)):\(pad(civil.second, 2)).\(pad(millis, 3))Z"
    }

    /// The instant as an HTTP date (RFC 9110 §5.6.7, IMF-fixdate), e.g. `Sun, 06 Nov 1994 08:49:37 GMT`,
    /// for `Date`, `Last-Modified` and `Expires`.
    ///
    /// ```swift
    /// WallInstant(secondsSinceEpoch: 784_111_777).httpDate   // "Sun, 06 Nov 1994 08:49:37 GMT"
    /// ```
    public var httpDate: String {
        let civil = CivilTime(self)
        let weekday = Self.weekdays[civil.weekday]
        let month = Self.months[civil.month - 1]
        return "\(weekday), \(pad(civil.day, 2)) \(month) \(pad(civil.year, 4)) "
            + "\(pad(civil.hour, 2)):\(pad(civil.minute, 2)):\(pad(civil.second, 2)) GMT"
    }

    private static let weekdays = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
    private static let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    private func pad(_ value: Int, _ width: Int) -> String {
        let digits = String(value)
        return digits.count >= width ? digits : String(repeating: "0", count: width - digits.count) + digits
    }
}

/// The UTC calendar fields of a ``WallInstant`` (proleptic Gregorian calendar).
struct CivilTime: Equatable {
    var year: Int
    var month: Int
    var day: Int
    var hour: Int
    var minute: Int
    var second: Int
    /// 0 for Sunday through 6 for Saturday.
    var weekday: Int

    init(_ instant: WallInstant) {
        let seconds = instant.secondsSinceEpoch
        let (days, secondOfDay) = Self.floorDivide(seconds, 86_400)
        hour = Int(secondOfDay / 3_600)
        minute = Int(secondOfDay % 3_600 / 60)
        second = Int(secondOfDay % 60)
        weekday = Int((days % 7 + 11) % 7)  // 1970-01-01 was a Thursday
        // Howard Hinnant's civil-from-days algorithm.
        let shifted = days + 719_468
        let era = Self.floorDivide(shifted, 146_097).quotient
        let dayOfEra = shifted - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1_460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthIndex = (5 * dayOfYear + 2) / 153
        day = Int(dayOfYear - (153 * monthIndex + 2) / 5 + 1)
        month = Int(monthIndex < 10 ? monthIndex + 3 : monthIndex - 9)
        year = Int(yearOfEra + era * 400 + (month <= 2 ? 1 : 0))
    }

    private static func floorDivide(_ value: Int64, _ divisor: Int64) -> (quotient: Int64, remainder: Int64) {
        let quotient = value / divisor
        let remainder = value % divisor
        return remainder < 0 ? (quotient - 1, remainder + divisor) : (quotient, remainder)
    }
}
