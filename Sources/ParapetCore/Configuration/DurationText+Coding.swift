/// Durations in configuration and scenario files are text (`250ms`, `1h30m`; see ``DurationText``), not the
/// pair of integers `Duration` encodes itself as.
extension KeyedDecodingContainer {
    /// The duration at `key`, written as text or — as JSON encoders write durations — as a number of seconds.
    ///
    /// - Throws: `DecodingError.dataCorrupted` whose underlying error is the ``DurationText/ParseError``
    ///   naming the text, for a value that is no duration or longer than ``DurationText/maximum``.
    package func decodeDuration(_ key: Key) throws -> Duration {
        let text: String
        do {
            text = try decode(String.self, forKey: key)
        } catch let error as DecodingError {
            guard let seconds = try? decode(Double.self, forKey: key) else { throw error }
            guard let duration = DurationText.duration(seconds: seconds) else {
                throw invalidDuration(key, DurationText.ParseError(description: "\(seconds) seconds is out of range"))
            }
            return duration
        }
        switch DurationText.parse(text) {
        case .success(let duration): return duration
        case .failure(let problem): throw invalidDuration(key, problem)
        }
    }

    /// The duration at `key`, or `nil` when it is absent or null.
    package func decodeDurationIfPresent(_ key: Key) throws -> Duration? {
        guard contains(key), try !decodeNil(forKey: key) else { return nil }
        return try decodeDuration(key)
    }

    private func invalidDuration(_ key: Key, _ problem: DurationText.ParseError) -> DecodingError {
        .dataCorrupted(.init(codingPath: codingPath + [key], debugDescription: "invalid duration: \(problem)", underlyingError: problem))
    }
}

extension KeyedEncodingContainer {
    /// Writes `duration` as its canonical text (``DurationText/format(_:)``).
    package mutating func encodeDuration(_ duration: Duration, forKey key: Key) throws {
        try encode(DurationText.format(duration), forKey: key)
    }

    /// Writes `duration` as text when there is one.
    package mutating func encodeDurationIfPresent(_ duration: Duration?, forKey key: Key) throws {
        if let duration { try encodeDuration(duration, forKey: key) }
    }
}
