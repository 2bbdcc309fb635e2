import ParapetCore

/// Which of several virtual hosts a request's authority belongs to, most specific name first, the way
/// nginx picks a `server` block: an exact name, then the longest matching wildcard (wildcards match
/// names, never IP addresses), then the smallest network holding an IP-literal host, then `*`. Among
/// equally specific names the site mounted first wins; the order sites were mounted in never makes a
/// less specific name win.
///
/// A pure value: built once when the chain is built, then only read.
struct VirtualHostTable: Sendable {
    private var exact: [Substring: Int] = [:]
    private var wildcards: [Substring: Int] = [:]
    /// Networks, longest prefix first (stable, so an earlier site wins a tie).
    private var networks: [(network: IPNetwork, site: Int)] = []
    private var catchAll: Int?

    /// A table for `sites`, each given as its patterns, in mount order; a site's index is its position.
    init(sites: [[HostPattern]]) {
        for (site, patterns) in sites.enumerated() {
            for pattern in patterns {
                switch pattern {
                case .exact(let name): if exact[name[...]] == nil { exact[name[...]] = site }
                case .wildcard(let suffix): if wildcards[suffix[...]] == nil { wildcards[suffix[...]] = site }
                case .network(let network): networks.append((network, site))
                case .any: if catchAll == nil { catchAll = site }
                }
            }
        }
        networks = networks.enumerated()
            .sorted { ($0.element.network.prefixLength, -$0.offset) > ($1.element.network.prefixLength, -$1.offset) }
            .map(\.element)
    }

    /// The index of the site serving `authority` (a `Host` value), or `nil` when none does.
    ///
    /// A malformed or missing authority matches only `*`.
    func site(for authority: String?) -> Int? {
        guard let authority, let parsed = Authority(authority) else { return catchAll }
        let name = parsed.normalizedHost
        if let site = exact[name] { return site }
        if parsed.address == nil, !wildcards.isEmpty, let site = longestWildcard(matching: name) { return site }
        if let address = parsed.address, let match = networks.first(where: { $0.network.contains(address) }) {
            return match.site
        }
        return catchAll
    }

    /// The site of the longest `*.suffix` that `name` ends with, trying `.b.c` before `.c` for `a.b.c`.
    private func longestWildcard(matching name: Substring) -> Int? {
        var index = name.utf8.startIndex
        while let dot = name.utf8[index...].firstIndex(of: UInt8(ascii: ".")) {
            if dot != name.utf8.startIndex, let site = wildcards[name[dot...]] { return site }
            index = name.utf8.index(after: dot)
        }
        return nil
    }
}
