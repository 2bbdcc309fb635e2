import HTTPTypes
import ParapetCore

/// The primary cache key (RFC 9111 §2): scheme, lowercased authority and the request target, query
/// included as sent — so different queries are different keys, and `GET` and `HEAD` share one.
enum CacheKey {
    /// The key of `request`'s target; `nil` for a request without a path (`CONNECT`, `OPTIONS *`) or
    /// without a plain `host[:port]` authority — `Host: a.example/b` with `/c` must not share the key of
    /// `a.example` with `/b/c`, so such a request is not cached at all.
    static func of(_ request: Request) -> String? {
        guard let path = request.path, path.hasPrefix("/"), let authority = request.authority,
            !authority.isEmpty, authority.utf8.allSatisfy(isAuthorityByte)
        else { return nil }
        return origin(of: request) + path
    }

    /// Bytes of a `host[:port]`: RFC 3986 reg-name and IP-literal characters, without `/ ? # @` or space.
    private static func isAuthorityByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"):
            return true
        default:
            return "-._~!$&'()*+,;=%:[]".utf8.contains(byte)
        }
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

extension CacheKey {
    /// The host (as ``PurgeScope`` normalizes it) and the path and query of a key, for matching purges;
    /// an empty host and target for a string that is not a key.
    static func purgeTarget(of key: String) -> (host: String, pathAndQuery: Substring) {
        guard let schemeEnd = key.firstRange(of: "://") else { return ("", "") }
        let rest = key[schemeEnd.upperBound...]
        let pathStart = rest.firstIndex(of: "/") ?? rest.endIndex
        return (PurgeScope.normalizedHost(rest[..<pathStart]), rest[pathStart...])
    }
}
