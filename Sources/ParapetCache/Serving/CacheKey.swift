import HTTPTypes
import ParapetCore

/// The primary cache key (RFC 9111 §2): scheme, lowercased authority and the request target, query
/// included as sent — so different queries are different keys, and `GET` and `HEAD` share one.
enum CacheKey {
    /// The key of `request`'s target; `nil` for a request without a path (`CONNECT`, `OPTIONS *`).
    static func of(_ request: Request) -> String? {
        guard let path = request.path, path.hasPrefix("/") else { return nil }
        return origin(of: request) + path
    }

    /// The key of a `Location` or `Content-Location` value sent in answer to `request`, when it names a
    /// URL of the same origin (RFC 9111 §4.4 invalidates no other); `nil` otherwise.
    static func of(reference: String, answering request: Request) -> String? {
        if reference.hasPrefix("/"), !reference.hasPrefix("//") {
            return origin(of: request) + reference
        }
        guard let schemeEnd = reference.firstRange(of: "://") else { return nil }
        let rest = reference[schemeEnd.upperBound...]
        let pathStart = rest.firstIndex(of: "/") ?? rest.endIndex
        let origin = reference[..<schemeEnd.lowerBound].lowercased() + "://" + rest[..<pathStart].lowercased()
        guard origin == self.origin(of: request) else { return nil }
        let path = rest[pathStart...]
        return origin + (path.isEmpty ? "/" : path)
    }

    private static func origin(of request: Request) -> String {
        (request.head.scheme ?? "http").lowercased() + "://" + (request.authority ?? "").lowercased()
    }
}
