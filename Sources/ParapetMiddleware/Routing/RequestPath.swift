import ParapetCore

/// The path of a request target as the routing middlewares compare it: the normal form of
/// ``ParapetCore/RequestPathRules`` — only unreserved characters decoded, repeated slashes merged, `.`
/// and `..` segments resolved (RFC 3986 §5.2.4) — so `/a/%2E%2E/admin`, `//admin` and `/admin` route
/// alike, while `%2F` stays data inside its segment (or is refused), as it does when forwarded.
///
/// A server has already put every request's path in this form; applying the same rules again here
/// keeps a chain that runs without a server (or under other rules) matching what it forwards.
enum RequestPath {
    /// The path part of `target` (everything before `?`) and its query (after `?`, `nil` without one).
    static func split(_ target: String) -> (path: Substring, query: Substring?) {
        guard let mark = target.utf8.firstIndex(of: UInt8(ascii: "?")) else { return (target[...], nil) }
        return (target[..<mark], target[target.utf8.index(after: mark)...])
    }

    /// The normal path of `target` under `rules`, or `nil` when it is not an origin-form path (`*`, or a
    /// `CONNECT` request's missing path).
    ///
    /// - Throws: the ``ParapetCore/RequestPathRejection`` when `rules` refuse the path.
    static func normalized(_ target: String?, rules: RequestPathRules) throws(RequestPathRejection) -> Substring? {
        guard let target, target.utf8.first == UInt8(ascii: "/") else { return nil }
        return try rules.normalizedPath(split(target).path)
    }

    /// The form `path`, written in a configuration (a location, a route pattern, a prefix), takes in
    /// comparisons: bytes that cannot stand in a path escaped (`/café` → `/caf%C3%A9`), other escapes
    /// as written. `nil` when it is not a path whose normal form equals it, and so could never match.
    static func configured(_ path: String) -> Substring? {
        guard path.utf8.first == UInt8(ascii: "/"),
            !path.utf8.contains(where: { $0 == UInt8(ascii: "?") || $0 == UInt8(ascii: "#") })
        else { return nil }
        let escaped = Substring(escapingRawBytes(path))
        let lenient = RequestPathRules(encodedSlashes: .keepAsData, semicolons: .keepAsData)
        guard let normal = try? lenient.normalizedPath(escaped), normal == escaped else { return nil }
        return normal
    }

    /// `text` with every byte that cannot stand in a path but `%` escaped.
    private static func escapingRawBytes(_ text: String) -> String {
        var output: [UInt8] = []
        output.reserveCapacity(text.utf8.count)
        for byte in text.utf8 {
            if byte == UInt8(ascii: "%") || RequestPathRules.isRawPathByte(byte) {
                output.append(byte)
            } else {
                output.append(UInt8(ascii: "%"))
                output.append(hexDigits[Int(byte >> 4)])
                output.append(hexDigits[Int(byte & 0xF)])
            }
        }
        return String(decoding: output, as: UTF8.self)
    }

    private static let hexDigits = Array("0123456789ABCDEF".utf8)
}
