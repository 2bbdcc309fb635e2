import ParapetCore

extension MonotonicInstant {
    /// The instant `seconds` after the origin.
    static func seconds(_ seconds: Int64) -> MonotonicInstant {
        MonotonicInstant.zero.advanced(by: .seconds(seconds))
    }
}
