import ParapetCore

extension Healthz {
    /// Which question a request asks.
    enum Probe: Equatable {
        /// Is the process healthy?
        case liveness
        /// Should it get traffic?
        case readiness
    }

    /// The probe `request` asks for, or `nil` when it is not a probe request (another path, or a host name
    /// while only IP addresses are answered).
    func probe(for request: Request) -> Probe? {
        guard answersNamedHosts || Self.isIPLiteral(authority: request.authority ?? "") else { return nil }
        let target = request.path ?? ""
        let query = target.firstIndex(of: "?")
        guard target[..<(query ?? target.endIndex)] == path else { return nil }
        guard let query else { return .liveness }
        return Self.firstValue(of: "ready", in: target[target.index(after: query)...]).isEmpty ? .liveness : .readiness
    }

    /// Whether `authority` (`host[:port]`) names a literal IPv4 or IPv6 address, bracketed or not.
    static func isIPLiteral(authority: String) -> Bool {
        if authority.hasPrefix("[") {
            guard let close = authority.firstIndex(of: "]") else { return false }
            return IPAddress(authority[authority.index(after: authority.startIndex)..<close]) != nil
        }
        if IPAddress(authority) != nil { return true }
        guard let colon = authority.lastIndex(of: ":") else { return false }
        return IPAddress(authority[..<colon]) != nil
    }

    /// The value of the first `name` parameter in `query` (`a=1&ready=1`), empty when there is none.
    static func firstValue(of name: String, in query: Substring) -> Substring {
        for parameter in query.split(separator: "&") {
            let equals = parameter.firstIndex(of: "=") ?? parameter.endIndex
            if parameter[..<equals] == name {
                return equals == parameter.endIndex ? "" : parameter[parameter.index(after: equals)...]
            }
        }
        return ""
    }
}
