import HTTPTypes
import ParapetCore

/// A client's `If-None-Match` or `If-Modified-Since`, evaluated by the cache against the response it is
/// about to serve (RFC 9110 §13.2.2: `If-None-Match` takes precedence and compares weakly).
enum ConditionalRequest {
    /// The request's conditional fields, removed when the cache asks the origin on its own behalf.
    static let fields: [HTTPField.Name] = [.ifNoneMatch, .ifModifiedSince, .ifMatch, .ifUnmodifiedSince, .ifRange]

    /// Whether a request with `requestFields` is answered `304` instead of a `200` with `responseFields`.
    static func isNotModified(requestFields: HTTPFields, responseFields: HTTPFields) -> Bool {
        let noneMatch = requestFields[values: .ifNoneMatch]
        if !noneMatch.isEmpty {
            let tags = noneMatch.flatMap(EntityTag.list)
            if tags.contains(where: \.isWildcard) { return true }
            guard let current = responseFields[.eTag].flatMap(EntityTag.init) else { return false }
            return tags.contains { $0.weaklyMatches(current) }
        }
        guard let since = requestFields[.ifModifiedSince].flatMap(WallInstant.init(httpDate:)),
            let modified = (responseFields[.lastModified] ?? responseFields[.date]).flatMap(WallInstant.init(httpDate:))
        else { return false }
        return modified <= since
    }

    /// Whether a `Range` is answered given the request's `If-Range` (RFC 9110 §13.1.5): when there is
    /// none, or it names the response's strong entity tag or its exact, strong `Last-Modified` date.
    static func allowsRange(ifRange: String?, responseFields: HTTPFields) -> Bool {
        guard let ifRange = ifRange.map({ String($0.trimmingWhitespace) }), !ifRange.isEmpty else { return true }
        if ifRange.hasPrefix("\"") || ifRange.hasPrefix("W/") {
            guard let wanted = EntityTag(ifRange), !wanted.isWeak,
                let current = responseFields[.eTag].flatMap(EntityTag.init), !current.isWeak
            else { return false }
            return wanted.opaque == current.opaque
        }
        // A date is a strong validator only when the response was sent at least a second after it
        // (RFC 9110 §8.8.2.2).
        guard let date = WallInstant(httpDate: ifRange),
            let modified = responseFields[.lastModified].flatMap(WallInstant.init(httpDate:)),
            let sent = responseFields[.date].flatMap(WallInstant.init(httpDate:)),
            sent.secondsSinceEpoch - modified.secondsSinceEpoch >= 1
        else { return false }
        return date == modified
    }

    /// Whether a `304` with `fields` is about the stored response with `storedFields` (RFC 9111
    /// §4.3.4): a strong entity tag in the `304` must be the stored one; without one, it is taken as
    /// validating what was asked about.
    static func notModified(_ fields: HTTPFields, validates storedFields: HTTPFields) -> Bool {
        guard let tag = fields[.eTag].flatMap(EntityTag.init), !tag.isWeak else { return true }
        guard let stored = storedFields[.eTag].flatMap(EntityTag.init), !stored.isWeak else { return false }
        return stored.opaque == tag.opaque
    }

    /// The fields a `304` repeats from the `200` it stands for (RFC 9110 §15.4.5).
    static let notModifiedFields: [HTTPField.Name] = [
        .cacheControl, .contentLocation, .date, .eTag, .expires, .lastModified, .vary,
    ]
}

/// An entity tag (RFC 9110 §8.8.3): an opaque quoted string, weak when prefixed `W/`.
struct EntityTag: Equatable {
    var opaque: Substring
    var isWeak: Bool
    var isWildcard = false

    /// The tag `text` holds exactly; `nil` if it is not one.
    init?(_ text: String) {
        guard let (tag, rest) = Self.scan(Substring(text).trimmingWhitespace), rest.isEmpty else { return nil }
        self = tag
    }

    private init(opaque: Substring, isWeak: Bool, isWildcard: Bool = false) {
        self.opaque = opaque
        self.isWeak = isWeak
        self.isWildcard = isWildcard
    }

    /// Weak comparison: the opaque tags are equal, whatever their weakness.
    func weaklyMatches(_ other: EntityTag) -> Bool {
        opaque == other.opaque
    }

    /// The tags of an `If-None-Match` line (`*` is a wildcard); a malformed remainder is dropped.
    static func list(_ line: String) -> [EntityTag] {
        var rest = Substring(line).trimmingWhitespace
        if rest == "*" { return [EntityTag(opaque: "*", isWeak: false, isWildcard: true)] }
        var tags: [EntityTag] = []
        while let (tag, after) = scan(rest) {
            tags.append(tag)
            rest = after.trimmingWhitespace
            guard rest.first == "," else { break }
            rest = rest.dropFirst().trimmingWhitespace
        }
        return tags
    }

    /// The tag at the start of `text` and what follows it.
    private static func scan(_ text: Substring) -> (EntityTag, Substring)? {
        var rest = text
        let weak = rest.hasPrefix("W/")
        if weak { rest = rest.dropFirst(2) }
        guard rest.first == "\"" else { return nil }
        rest = rest.dropFirst()
        guard let close = rest.firstIndex(of: "\"") else { return nil }
        return (EntityTag(opaque: rest[..<close], isWeak: weak), rest[rest.index(after: close)...])
    }
}
