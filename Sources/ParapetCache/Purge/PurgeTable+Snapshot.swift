import ParapetCore

extension PurgeTable {
    /// A table's purges as plain values, to keep them across a restart: encode it as JSON, store it how
    /// you like, and ``PurgeTable/restore(_:)`` it before serving, so that entries a store kept on disk
    /// stay purged.
    ///
    /// Epochs are nanoseconds since the Unix epoch. In JSON:
    /// `{"global":…,"hosts":{"example.com":…},"urls":{"example.com":{"/a?b":…}},`
    /// `"prefixes":{"example.com":{"/blog":…}},"tags":{"product-42":…}}`; every member may be left out.
    ///
    /// ```swift
    /// let saved = try JSONEncoder().encode(table.snapshot())
    /// // after the restart:
    /// table.restore(try JSONDecoder().decode(PurgeTable.Snapshot.self, from: saved))
    /// ```
    public struct Snapshot: Sendable, Hashable, Codable {
        /// The flush-all epoch.
        public var global: Int64?
        /// Host purges, by host.
        public var hosts: [String: Int64]
        /// URL purges, by host, then path and query.
        public var urls: [String: [String: Int64]]
        /// Prefix purges, by host, then path prefix.
        public var prefixes: [String: [String: Int64]]
        /// Tag purges, by tag.
        public var tags: [String: Int64]

        /// Creates a snapshot.
        public init(
            global: Int64? = nil, hosts: [String: Int64] = [:], urls: [String: [String: Int64]] = [:],
            prefixes: [String: [String: Int64]] = [:], tags: [String: Int64] = [:]
        ) {
            self.global = global
            self.hosts = hosts
            self.urls = urls
            self.prefixes = prefixes
            self.tags = tags
        }

        private enum CodingKeys: String, CodingKey {
            case global, hosts, urls, prefixes, tags
        }

        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            global = try container.decodeIfPresent(Int64.self, forKey: .global)
            hosts = try container.decodeIfPresent([String: Int64].self, forKey: .hosts) ?? [:]
            urls = try container.decodeIfPresent([String: [String: Int64]].self, forKey: .urls) ?? [:]
            prefixes = try container.decodeIfPresent([String: [String: Int64]].self, forKey: .prefixes) ?? [:]
            tags = try container.decodeIfPresent([String: Int64].self, forKey: .tags) ?? [:]
        }
    }
}

extension WallInstant {
    /// The instant `nanoseconds` after the Unix epoch.
    init(nanosecondsSinceEpoch nanoseconds: Int64) {
        self.init(sinceEpoch: .nanoseconds(nanoseconds))
    }

    /// Nanoseconds since the Unix epoch, rounded up — a purge epoch kept to the nanosecond must still
    /// cover what it covered — and clamped to `Int64` (which reaches the year 2262).
    var nanosecondsSinceEpoch: Int64 {
        let (seconds, attoseconds) = sinceEpoch.components
        let (whole, overflow) = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        guard !overflow else { return seconds < 0 ? .min : .max }
        let fraction = attoseconds / 1_000_000_000 + (attoseconds % 1_000_000_000 > 0 ? 1 : 0)
        let (total, carried) = whole.addingReportingOverflow(fraction)
        return carried ? (seconds < 0 ? .min : .max) : total
    }
}
