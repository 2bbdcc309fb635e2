import ParapetCore

/// What one purge invalidates: every stored response that arrived at or before the purge and that the
/// scope covers.
///
/// Hosts are compared as the cache keys them, lowercased and without a port (a trailing dot is kept:
/// `example.com.` is another host). A scope never names a scheme, a method or a `Vary` variant: purging
/// a URL purges every response stored for it.
///
/// ```swift
/// table.purge(.url(host: "example.com", pathAndQuery: "/a?page=2"))   // only that query
/// table.purge(.prefix(host: "example.com", path: "/blog"))            // /blog, /blog/x — not /blogger
/// table.purge(.tag("product-42"))                                      // on any host
/// ```
///
/// As JSON (the purge endpoint's body, the fan-out's messages) a scope is an object naming its kind:
/// `{"purge":"all"}`, `{"purge":"host","host":"example.com"}`,
/// `{"purge":"url","host":"example.com","path":"/a?page=2"}`,
/// `{"purge":"prefix","host":"example.com","path":"/blog"}`, `{"purge":"tag","tag":"product-42"}`.
public enum PurgeScope: Sendable, Hashable {
    /// Everything stored.
    case all
    /// Every URL of a host.
    case host(String)
    /// One URL: its path and query as requested, so another query is another URL.
    case url(host: String, pathAndQuery: String)
    /// Every URL of a host whose path is `path` or below it, on segment boundaries, whatever its query;
    /// `/` is the whole host. Trailing slashes do not count: `/blog/` is `/blog`.
    case prefix(host: String, path: String)
    /// Every response carrying a surrogate key (`Cache-Tag`, `Surrogate-Key`), on any host.
    case tag(String)

    /// The scope's kind, as JSON names it.
    public var kind: String {
        switch self {
        case .all: "all"
        case .host: "host"
        case .url: "url"
        case .prefix: "prefix"
        case .tag: "tag"
        }
    }

    /// `host` as cache keys hold it: lowercased, without a port; an IP literal keeps its brackets.
    static func normalizedHost<Text: StringProtocol>(_ host: Text) -> String {
        let lowered = host.lowercased()
        if lowered.hasPrefix("["), let close = lowered.firstIndex(of: "]") {
            return String(lowered[...close])
        }
        guard let colon = lowered.firstIndex(of: ":") else { return lowered }
        return String(lowered[..<colon])
    }
}

extension PurgeScope: Codable {
    private enum CodingKeys: String, CodingKey {
        case purge
        case host
        case path
        case tag
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let kind = try container.decode(String.self, forKey: .purge)
        switch kind {
        case "all":
            self = .all
        case "host":
            self = .host(try Self.host(in: container))
        case "url":
            self = .url(host: try Self.host(in: container), pathAndQuery: try Self.path(in: container))
        case "prefix":
            let path = try Self.path(in: container)
            guard !path.contains("?") else {
                throw DecodingError.dataCorruptedError(
                    forKey: .path, in: container, debugDescription: "a prefix is a path, without a query")
            }
            self = .prefix(host: try Self.host(in: container), path: path)
        case "tag":
            let tag = try container.decode(String.self, forKey: .tag)
            guard !tag.isEmpty, tag.utf8.count <= SurrogateKeys.maxLength, tag.trimmingWhitespace == tag else {
                throw DecodingError.dataCorruptedError(
                    forKey: .tag, in: container,
                    debugDescription: "a tag is 1 to \(SurrogateKeys.maxLength) bytes without surrounding whitespace")
            }
            self = .tag(tag)
        default:
            throw DecodingError.dataCorruptedError(
                forKey: .purge, in: container,
                debugDescription: "unknown purge \"\(kind)\": expected all, host, url, prefix or tag")
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(kind, forKey: .purge)
        switch self {
        case .all:
            break
        case .host(let host):
            try container.encode(host, forKey: .host)
        case .url(let host, let path), .prefix(let host, let path):
            try container.encode(host, forKey: .host)
            try container.encode(path, forKey: .path)
        case .tag(let tag):
            try container.encode(tag, forKey: .tag)
        }
    }

    /// A host that can be in a cache key: not empty, no path, no whitespace.
    private static func host(in container: KeyedDecodingContainer<CodingKeys>) throws -> String {
        let host = try container.decode(String.self, forKey: .host)
        guard !host.isEmpty, !host.contains(where: { "/?# \t".contains($0) }) else {
            throw DecodingError.dataCorruptedError(
                forKey: .host, in: container, debugDescription: "a host is a name such as example.com, got \"\(host)\"")
        }
        return host
    }

    /// A path as requested: starting with `/`.
    private static func path(in container: KeyedDecodingContainer<CodingKeys>) throws -> String {
        let path = try container.decode(String.self, forKey: .path)
        guard path.hasPrefix("/") else {
            throw DecodingError.dataCorruptedError(
                forKey: .path, in: container, debugDescription: "a path starts with /, got \"\(path)\"")
        }
        return path
    }
}
