import HTTPTypes

extension Redirect {
    /// What a redirect does with one request.
    enum Outcome: Equatable {
        /// No redirect needed: call the next handler.
        case passThrough
        /// Answer with this `Location`.
        case redirect(String)
        /// An insecure request that cannot be redirected to HTTPS.
        case badRequest
    }

    /// The outcome for a request with `head`, which the client sent over HTTPS when `isHTTPS`.
    func outcome(for head: HTTPRequest, isHTTPS: Bool) -> Outcome {
        if case .fixed(let target) = destination { return .redirect(target) }
        if destination == .https, isHTTPS { return .passThrough }
        guard let path = head.path, path.utf8.first == UInt8(ascii: "/"),
            let authority = head.authority.flatMap(Authority.init)
        else { return destination == .https ? .badRequest : .passThrough }

        let scheme = isHTTPS ? "https" : "http"
        let hasWWW = authority.host.utf8.count > 4 && authority.host.prefix(4).lowercased() == "www."
        switch destination {
        case .https:
            return .redirect(
                "https://" + authority.hostForURL + Self.port(authority, droppingAny: ["80", "443"]) + path)
        case .www where !hasWWW && authority.address == nil:
            let port = Self.port(authority, droppingAny: [isHTTPS ? "443" : "80"])
            return .redirect(scheme + "://www." + authority.hostForURL + port + path)
        case .nonWWW where hasWWW:
            let port = Self.port(authority, droppingAny: [isHTTPS ? "443" : "80"])
            return .redirect(scheme + "://" + authority.host.dropFirst(4) + port + path)
        default:
            return .passThrough
        }
    }

    /// `:port` for the authority's port, or nothing when it has none or it is one of `defaults`.
    private static func port(_ authority: Authority, droppingAny defaults: [Substring]) -> String {
        guard let port = authority.port, !defaults.contains(port) else { return "" }
        return ":" + port
    }
}
