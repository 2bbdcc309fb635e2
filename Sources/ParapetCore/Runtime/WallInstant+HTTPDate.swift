extension WallInstant {
    /// Parses an HTTP date in the preferred IMF-fixdate form (`Sun, 06 Nov 1994 08:49:37 GMT`) — the only
    /// form senders may generate (RFC 9110 §5.6.7); `nil` for anything else, which a conditional request
    /// then ignores.
    ///
    /// ```swift
    /// WallInstant(httpDate: "Sun, 06 Nov 1994 08:49:37 GMT")?.secondsSinceEpoch   // 784111777
    /// ```
    public init?(httpDate text: String) {
        let parts = text.split(separator: " ", omittingEmptySubsequences: false)
        guard parts.count == 6, parts[0].count == 4, parts[0].hasSuffix(","), parts[5] == "GMT",
            parts[1].count == 2, let day = Self.digits(parts[1]),
            let monthIndex = Self.monthNames.firstIndex(of: String(parts[2])),
            parts[3].count == 4, let year = Self.digits(parts[3])
        else { return nil }
        let clock = parts[4].split(separator: ":", omittingEmptySubsequences: false)
        guard clock.count == 3, clock.allSatisfy({ $0.count == 2 }),
            let hour = Self.digits(clock[0]), let minute = Self.digits(clock[1]), let second = Self.digits(clock[2]),
            (1...31).contains(day), hour < 24, minute < 60, second < 61
        else { return nil }
        let days = Self.daysFromCivil(year: Int64(year), month: Int64(monthIndex + 1), day: Int64(day))
        self.init(secondsSinceEpoch: days * 86_400 + Int64(hour * 3_600 + minute * 60 + second))
    }

    /// A run of ASCII digits as a number: `Int(_:)` would also take a sign, and `-024` is no year.
    private static func digits(_ text: Substring) -> Int? {
        guard text.utf8.allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }) else { return nil }
        return Int(text)
    }

    private static let monthNames = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    /// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's days-from-civil).
    private static func daysFromCivil(year: Int64, month: Int64, day: Int64) -> Int64 {
        let shiftedYear = month <= 2 ? year - 1 : year
        let era = (shiftedYear >= 0 ? shiftedYear : shiftedYear - 399) / 400
        let yearOfEra = shiftedYear - era * 400
        let dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }
}
