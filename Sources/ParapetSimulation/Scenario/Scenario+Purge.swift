import ParapetCache
import ParapetCore

extension Scenario {
    /// What a timeline `purge` invalidates in every cached stack's `PurgeTable`, at that virtual instant.
    /// Paths are the workload's, on the one host the simulated clients ask (``Scenario/host``); a tag is a
    /// member of the targets' ``Target/cacheTags``.
    ///
    /// ```yaml
    /// timeline:
    ///   - {at: 40s, purge: all}
    ///   - {at: 50s, purge: {url: /products/42}}
    ///   - {at: 60s, purge: {prefix: /blog}}
    ///   - {at: 70s, purge: {tag: catalogue}}
    ///   - {at: 80s, purge: {host: simulated}}
    /// ```
    ///
    /// ```swift
    /// let event = Scenario.TimelineEvent(at: .seconds(40), purge: .prefix("/blog"))
    /// ```
    public enum Purge: Sendable, Hashable, Codable {
        /// Everything stored.
        case all
        /// Every URL of a host.
        case host(String)
        /// One path and query, exactly as the workload requests it.
        case url(String)
        /// A path and everything below it on segment boundaries (`/blog` covers `/blog/1`, not `/blogger`).
        case prefix(String)
        /// Every response carrying the tag in its `Cache-Tag`.
        case tag(String)

        static let kinds = ["all", "host", "url", "prefix", "tag"]

        /// The scope's kind, as a scenario (and `PurgeScope`'s JSON) names it.
        var kind: String { scope.kind }

        /// The host, path or tag the scope names; `nil` for `all`.
        var argument: String? {
            switch self {
            case .all: nil
            case .host(let value), .url(let value), .prefix(let value), .tag(let value): value
            }
        }

        /// `all`, `url /a`, `prefix /blog`…
        var summary: String {
            argument.map { "\(kind) \($0)" } ?? kind
        }

        /// The scope the cache's `PurgeTable` is given.
        var scope: PurgeScope {
            switch self {
            case .all: .all
            case .host(let host): .host(host)
            case .url(let path): .url(host: Scenario.host, pathAndQuery: path)
            case .prefix(let path): .prefix(host: Scenario.host, path: path)
            case .tag(let tag): .tag(tag)
            }
        }

        /// Decodes `all` or a single-key mapping `{url: /a}`, `{prefix: /blog}`, `{tag: t}`, `{host: h}`.
        public init(from decoder: any Decoder) throws {
            let tagged = try TaggedValue.read(from: decoder, what: "purge", tags: Self.kinds)
            if tagged.tag == "all" {
                self = .all
                return
            }
            guard tagged.hasPayload else {
                throw ScenarioProblem(
                    path: tagged.path.appending(tagged.tag), kind: .wrongType,
                    message: "purge \(tagged.tag) in \(tagged.path.containerName) needs a value, e.g. {\(tagged.tag): "
                        + (tagged.tag == "tag" ? "catalogue" : tagged.tag == "host" ? Scenario.host : "/a") + "}")
            }
            let value = try tagged.payload(String.self)
            switch tagged.tag {
            case "host": self = .host(value)
            case "url": self = .url(value)
            case "prefix": self = .prefix(value)
            default: self = .tag(value)
            }
        }

        /// Encodes `all`, or `{kind: value}`.
        public func encode(to encoder: any Encoder) throws {
            if let argument {
                try encodeTagged(kind, argument, to: encoder)
            } else {
                try encodeTagged(kind, to: encoder)
            }
        }

        /// What is wrong with the scope's value, if anything.
        var problem: String? {
            switch self {
            case .all:
                return nil
            case .host(let host):
                return host.isEmpty || host.contains(where: { "/?# \t".contains($0) })
                    ? "a host is a name such as \(Scenario.host), got \"\(host)\"" : nil
            case .url(let path), .prefix(let path):
                return path.hasPrefix("/") ? nil : "must start with /, got \"\(path)\""
            case .tag(let tag):
                return Scenario.Target.isTag(tag)
                    ? nil : "a tag is 1 to 256 bytes without whitespace or commas, got \"\(tag)\""
            }
        }
    }

    /// Whether the timeline purges: then every cached stack's cache obeys a purge table.
    var purges: Bool {
        timeline.contains { $0.purge != nil }
    }

    /// Whether `stack` has a cache the timeline purges.
    func purgesCache(of stack: Stack) -> Bool {
        purges && stack.cache != nil
    }

    /// Whether `stack`'s purging is reported (its store sampled over the run): a cached stack of a scenario
    /// that purges, or one with a reaper.
    func tracksPurging(of stack: Stack) -> Bool {
        stack.cache != nil && (purges || stack.cache?.reaper != nil)
    }

    /// The host every simulated client asks: the authority of the workload's requests, and the host
    /// cache keys and purges name.
    public static let host = "simulated"
}
