import ParapetCore
/// Codes a `Duration` as a number of milliseconds (to the microsecond) in reports, so that JSON readers get
/// plain numbers: every duration and instant in a report's JSON is in milliseconds.
///
/// ```swift
/// struct Point: Codable { @Milliseconds var at: Duration }
/// // {"at": 1500.25}
/// ```
@propertyWrapper
public struct Milliseconds: Sendable, Hashable, Codable {
    /// The duration.
    public var wrappedValue: Duration

    /// Wraps a duration.
    public init(wrappedValue: Duration) {
        self.wrappedValue = wrappedValue
    }

    /// Decodes a number of milliseconds.
    ///
    /// - Throws: `DecodingError.dataCorrupted` for a number beyond what a `Duration` of nanoseconds holds
    ///   (about ±292 years), rather than trapping.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let milliseconds = try container.decode(Double.self)
        guard milliseconds.isFinite, abs(milliseconds) < 9.2e12 else {
            throw DecodingError.dataCorrupted(
                .init(codingPath: decoder.codingPath, debugDescription: "\(milliseconds) milliseconds is out of range"))
        }
        wrappedValue = .nanoseconds(Int64((milliseconds * 1_000).rounded()) * 1_000)
    }

    /// Encodes a number of milliseconds, rounded to the microsecond.
    ///
    /// ```swift
    /// let json = try JSONEncoder().encode(Milliseconds(wrappedValue: .microseconds(1_500)))  // 1.5
    /// ```
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(Double(wrappedValue.wholeNanoseconds / 1_000) / 1_000)
    }
}
