import ParapetCore

/// The `path` option of ``Upstream``, parsed once when the chain is built: the prefix every proxied path
/// is joined to, and the query placed before the client's.
///
/// Rewriting a client's request target takes three pure steps: the path in the server's normal form
/// (``ParapetCore/RequestPathRules``, so `/foo/../admin` cannot climb out of the prefix and the origin
/// gets the path routing matched), then ``joinWithSingleSlash(_:_:)`` onto ``prefix``, then
/// ``mergeQueries(_:_:)``.
///
/// ```swift
/// let path = try UpstreamPath(validating: "/api?key=1")
/// try path.rewrite("/v1/../users?page=2", rules: .strict)   // "/api/users?key=1&page=2"
/// ```
struct UpstreamPath: Sendable, Equatable {
    /// The path every proxied path is joined under, e.g. `/api`.
    let prefix: String
    /// The query sent ahead of the client's, without the `?`; empty for none.
    let query: String

    /// Parses `text`: an absolute path (`/…`), optionally followed by `?query`.
    ///
    /// - Throws: ``ConfigurationError/invalidValue(field:reason:)`` naming `path` when `text` does not start
    ///   with `/`, holds a fragment, a space, a control or non-ASCII character, or a malformed `%` escape.
    init(validating text: String) throws(ConfigurationError) {
        func invalid(_ reason: String) -> ConfigurationError {
            .invalidValue(field: "path", reason: "\"\(text)\" \(reason)")
        }
        guard text.utf8.first == UInt8(ascii: "/") else {
            throw invalid("is not an absolute path: it must start with /")
        }
        let bytes = Array(text.utf8)
        for (index, byte) in bytes.enumerated() {
            guard byte > 0x20, byte < 0x7F else {
                throw invalid("holds a space, control or non-ASCII character: percent-encode it")
            }
            if byte == UInt8(ascii: "#") {
                throw invalid("holds a fragment (#), which is never sent to a server")
            }
            if byte == UInt8(ascii: "%") {
                let escape = bytes.dropFirst(index + 1).prefix(2)
                guard escape.count == 2, escape.allSatisfy({ RequestPathRules.hexValue($0) != nil }) else {
                    throw invalid("holds a % that does not start a two-digit hex escape")
                }
            }
        }
        let (prefix, query) = Self.split(Substring(text))
        self.prefix = String(prefix)
        self.query = String(query ?? "")
    }

    /// The outgoing request target for a client's request target (`path?query`; `nil` counts as `/`): its
    /// path in the normal form of `rules` — the form the server's routing matched — joined under
    /// ``prefix``, with the queries merged. `*` is sent as a path under the prefix, as the Go original did;
    /// any other target that is not a path is refused, since no route matched it.
    ///
    /// - Throws: the ``ParapetCore/RequestPathRejection`` when `rules` refuse the path.
    func rewrite(_ clientTarget: String?, rules: RequestPathRules) throws(RequestPathRejection) -> String {
        let (clientPath, clientQuery) = Self.split(Substring(clientTarget ?? "/"))
        // `*` only on its own: `*?` is no request target, and the server's normaliser refuses it too.
        guard clientPath.utf8.first == UInt8(ascii: "/") || (clientPath == "*" && clientQuery == nil) else {
            throw .notOriginForm
        }
        let normal = try rules.normalizedPath(
            clientPath.utf8.first == UInt8(ascii: "/") ? clientPath : "/" + clientPath)
        let path = Self.joinWithSingleSlash(prefix, String(normal))
        let query = Self.mergeQueries(query, clientQuery ?? "")
        return query.isEmpty ? path : path + "?" + query
    }

    /// Joins `prefix` and `path` with exactly one slash between them.
    ///
    /// ```swift
    /// UpstreamPath.joinWithSingleSlash("/prefix", "/path")    // "/prefix/path"
    /// UpstreamPath.joinWithSingleSlash("/prefix/", "/path")   // "/prefix/path"
    /// ```
    static func joinWithSingleSlash(_ prefix: String, _ path: String) -> String {
        switch (prefix.hasSuffix("/"), path.hasPrefix("/")) {
        case (true, true): prefix + path.dropFirst()
        case (false, false): prefix + "/" + path
        default: prefix + path
        }
    }

    /// The target's query and the client's, joined with `&` (target first) when both are present.
    ///
    /// ```swift
    /// UpstreamPath.mergeQueries("key=1", "page=2")   // "key=1&page=2"
    /// UpstreamPath.mergeQueries("", "page=2")        // "page=2"
    /// ```
    static func mergeQueries(_ target: String, _ client: Substring) -> String {
        target.isEmpty || client.isEmpty ? target + client : target + "&" + client
    }

    /// Splits a request target at its first `?` into path and query (`nil` when there is no `?`).
    private static func split(_ target: Substring) -> (path: Substring, query: Substring?) {
        guard let mark = target.utf8.firstIndex(of: UInt8(ascii: "?")) else { return (target, nil) }
        return (target[..<mark], target[target.utf8.index(after: mark)...])
    }
}
