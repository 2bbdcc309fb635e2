/// The values of the `RateLimit-Policy` and `RateLimit` fields of draft-ietf-httpapi-ratelimit-headers
/// (revision 11): one Structured Fields list item per limiter, the policy name as a string item with
/// integer parameters.
///
///     RateLimit-Policy: "fixed-60-per-1s";q=60;w=1
///     RateLimit: "fixed-60-per-1s";r=59;t=1
///     RateLimit-Policy: "concurrent-8";q=8;qu="concurrent-requests"
///     RateLimit: "concurrent-8";r=7
///
/// Each limiter appends its own field line; a list split over several lines is the same list.
enum RateLimitFields {
    /// The policy item: `q` the limit, `qu` the unit unless it is requests, `w` the window when it is a
    /// whole number of seconds.
    static func policy(name: String, quota: RateLimitQuota) -> String {
        var value = quoted(name) + ";q=\(max(quota.limit, 0))"
        if quota.unit != .requests {
            value += ";qu=" + quoted(quota.unit.rawValue)
        }
        if let seconds = quota.window?.exactSeconds, seconds >= 1 {
            value += ";w=\(seconds)"
        }
        return value
    }

    /// The start of every service-limit item of the policy `name`, made once per limiter: `"name";r=`.
    static func limitPrefix(name: String) -> String {
        quoted(name) + ";r="
    }

    /// The service-limit item after `prefix` (``limitPrefix(name:)``): `r` what remains, `t` the seconds
    /// (rounded up) until it is replenished.
    static func limit(prefix: String, status: RateLimitStatus) -> String {
        var value = prefix + String(max(status.remaining, 0))
        if let reset = status.reset {
            value += ";t=" + String(reset.secondsRoundedUp)
        }
        return value
    }

    /// `text` as a Structured Fields string: in double quotes, with `"` and `\` escaped. The text is
    /// printable ASCII (names are validated when the chain is built).
    static func quoted(_ text: String) -> String {
        var result = "\""
        for character in text {
            if character == "\"" || character == "\\" { result.append("\\") }
            result.append(character)
        }
        result.append("\"")
        return result
    }

    /// Whether `name` can be sent as a policy name: 1 to 128 printable ASCII characters.
    static func isValidName(_ name: String) -> Bool {
        (1...128).contains(name.utf8.count) && name.utf8.allSatisfy { (0x20...0x7E).contains($0) }
    }
}
