import HTTPTypes
import ParapetCore

/// Whether a shared cache may store a response, and which of its fields (RFC 9111 §3).
enum StoragePolicy {
    /// Statuses this cache understands, for `must-understand`: those RFC 9110 defines.
    static let understoodStatuses: Set<Int> = [
        200, 201, 202, 203, 204, 205, 300, 301, 302, 303, 304, 305, 307, 308, 400, 401, 402, 403, 404, 405, 406,
        407, 408, 409, 410, 411, 412, 413, 414, 415, 416, 417, 421, 422, 426, 500, 501, 502, 503, 504, 505,
    ]

    /// Fields that describe one connection or one hop, never stored (RFC 9110 §7.6.1, RFC 9111 §3.1).
    static let hopByHop: Set<HTTPField.Name> = [
        .connection, .proxyAuthenticate, .proxyAuthenticationInfo, .proxyAuthorization, .te, .trailer,
        .transferEncoding, .upgrade, HTTPField.Name("Keep-Alive")!, HTTPField.Name("Proxy-Connection")!,
    ]

    /// Whether the response to a `GET` with `requestFields` may be stored.
    static func mayStore(
        status: HTTPResponse.Status, fields: HTTPFields, control: CacheControl, requestFields: HTTPFields,
        requestControl: CacheControl
    ) -> Bool {
        // 206 would need ranges merged, 304 carries no representation: neither is a complete response.
        guard status.kind != .informational, status.code != 206, status.code != 304 else { return false }
        if control.contains("must-understand") {
            guard understoodStatuses.contains(status.code) else { return false }
        } else if control.contains("no-store") {
            return false
        }
        guard !requestControl.contains("no-store"), !control.isUnqualified("private") else { return false }
        guard mayShare(control, answering: requestFields) else { return false }
        return control.contains("public") || FreshnessLifetime.isExplicit(fields: fields, control: control)
            || FreshnessLifetime.heuristicallyCacheable.contains(status.code)
    }

    /// Whether a response with `control` may be shared when it answers a request with `requestFields`:
    /// the answer to an authorized request only when it says `public`, `must-revalidate` or `s-maxage`
    /// (RFC 9111 §3.5).
    static func mayShare(_ control: CacheControl, answering requestFields: HTTPFields) -> Bool {
        requestFields[.authorization] == nil
            || ["public", "must-revalidate", "s-maxage"].contains(where: control.contains)
    }

    /// The fields to keep: without hop-by-hop fields, those `Connection` names, and those a qualified
    /// `private` names; with a `Date` when the origin sent none (RFC 9110 §6.6.1).
    static func storedFields(_ fields: HTTPFields, control: CacheControl, receivedAt: WallInstant) -> HTTPFields {
        var dropped = hopByHop
        for line in fields[values: .connection] {
            for token in line.split(separator: ",") {
                if let name = HTTPField.Name(String(token.trimmingWhitespace)) { dropped.insert(name) }
            }
        }
        for name in control.fieldNames("private") {
            if let name = HTTPField.Name(name) { dropped.insert(name) }
        }
        dropped.insert(.age)
        dropped.insert(.cacheStatus)
        var kept = HTTPFields()
        for field in fields where !dropped.contains(field.name) { kept.append(field) }
        if kept[.date] == nil { kept[.date] = receivedAt.httpDate }
        return kept
    }
}
