import ParapetCore

/// Where a ``Router`` sends a request target, decided the way Go's `ServeMux` decides it: an exact
/// pattern, else the longest subtree pattern (ending in `/`) that contains the path. A path that is not
/// in normal form (see ``RequestPath``) is redirected to the normal one when that has a route (a server
/// hands the router normal paths, so this happens only in a chain run without one); a path whose
/// subtree is routed but which lacks the trailing slash (`/static` for `/static/`) is redirected to it;
/// a path the rules refuse is refused.
///
/// A pure value: built once when the chain is built, then only read.
struct RouteTable: Sendable {
    /// What to do with one request.
    enum Decision: Equatable {
        /// Run the route at this index.
        case route(Int)
        /// Redirect to this origin-form target (path and query).
        case redirect(String)
        /// No route: pass the request on.
        case unmatched
        /// The path rules refuse the path: answer `400`.
        case refuse(RequestPathRejection)
    }

    private var exact: [Substring: Int] = [:]
    private var subtrees: [Substring: Int] = [:]
    /// Subtree patterns without their trailing slash (`/static` for `/static/`), for the redirect.
    private var subtreeRoots: Set<Substring> = []

    /// A table for `patterns`, a route's index being its position. A pattern ending in `/` is a
    /// subtree; any other is both exact and, unless the subtree is routed explicitly, a subtree too.
    init(patterns: [String]) {
        for (route, pattern) in patterns.enumerated() where pattern.hasSuffix("/") {
            subtrees[pattern[...]] = route
            if pattern != "/" { subtreeRoots.insert(pattern.dropLast()) }
        }
        for (route, pattern) in patterns.enumerated() where !pattern.hasSuffix("/") {
            exact[pattern[...]] = route
            let subtree = Substring(pattern + "/")
            if subtrees[subtree] == nil { subtrees[subtree] = route }
        }
    }

    /// The decision for a request `target` (path and query as sent; `nil` for a `CONNECT`) under the
    /// server's path `rules`.
    func decide(_ target: String?, rules: RequestPathRules = .strict) -> Decision {
        guard let target, target.utf8.first == UInt8(ascii: "/") else { return .unmatched }
        let (rawPath, query) = RequestPath.split(target)
        let path: Substring
        do throws(RequestPathRejection) {
            path = try rules.normalizedPath(rawPath)
        } catch {
            return .refuse(error)
        }
        if exact[path] == nil, subtreeRoots.contains(path) {
            return .redirect(Self.target(path + "/", query: query))
        }
        guard let route = route(for: path) else { return .unmatched }
        return path == rawPath ? .route(route) : .redirect(Self.target(path, query: query))
    }

    /// The route for a normalized `path`: exact, else the longest subtree holding it.
    private func route(for path: Substring) -> Int? {
        if let route = exact[path] { return route }
        var end = path.utf8.endIndex
        while let slash = path.utf8[..<end].lastIndex(of: UInt8(ascii: "/")) {
            if let route = subtrees[path[...slash]] { return route }
            end = slash
        }
        return nil
    }

    private static func target(_ path: some StringProtocol, query: Substring?) -> String {
        guard let query else { return String(path) }
        return path + "?" + query
    }
}
