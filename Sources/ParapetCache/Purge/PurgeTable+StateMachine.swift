import ParapetCore

extension PurgeTable {
    /// A table's purges as a value, with no clock and no lock: each purge takes the wall-clock `now`
    /// and returns the epoch it stamped.
    ///
    /// One epoch per scope record — the global flush, each host, each URL, each path prefix of a host,
    /// each tag — and an entry is covered by the latest epoch of any record that names it. Epochs never
    /// go down: each stamp is at least the highest ever issued, so a wall clock stepped back cannot make
    /// a later purge older than an earlier one and let entries in between be served again. A scope with
    /// more than `maxRecords` records is folded: its records are dropped and the global epoch raised to
    /// the highest issued, which invalidates more than was asked, never less.
    struct StateMachine: Sendable {
        /// The flush-all epoch: everything that arrived at or before it is purged.
        private(set) var global: WallInstant?
        /// The highest epoch ever stamped or restored.
        private(set) var highWater: WallInstant?
        /// How many times a scope overflowed and was folded into the global epoch.
        private(set) var folds = 0
        private(set) var hosts: [String: WallInstant] = [:]
        /// Host, then path and query.
        private(set) var urls: [String: [String: WallInstant]] = [:]
        private(set) var urlCount = 0
        /// Host, then path prefix without trailing slashes (`""` is the whole host).
        private(set) var prefixes: [String: [String: WallInstant]] = [:]
        private(set) var prefixCount = 0
        private(set) var tags: [String: WallInstant] = [:]
        /// The most records a scope holds before it is folded.
        let maxRecords: Int

        init(maxRecords: Int) {
            self.maxRecords = max(1, maxRecords)
        }

        /// Whether any purge was ever stamped or restored.
        var hasPurges: Bool { highWater != nil }

        /// Records `scope` as purged at `now` (or later, see the type's notes); returns the epoch.
        @discardableResult
        mutating func purge(_ scope: PurgeScope, now: WallInstant) -> WallInstant {
            let epoch = max(now, highWater ?? now)
            highWater = epoch
            // Every record is at most the high-water mark, so a new epoch replaces rather than raises.
            switch scope {
            case .all:
                clearRecords()
                global = epoch
            case .host(let host):
                hosts[PurgeScope.normalizedHost(host)] = epoch
            case .url(let host, let pathAndQuery):
                Self.record(epoch, PurgeScope.normalizedHost(host), pathAndQuery, in: &urls, count: &urlCount)
            case .prefix(let host, let path):
                let prefix = String(Self.trimmingTrailingSlashes(path))
                Self.record(epoch, PurgeScope.normalizedHost(host), prefix, in: &prefixes, count: &prefixCount)
            case .tag(let tag):
                tags[tag] = epoch
            }
            foldOverflowingScopes()
            return epoch
        }

        /// The latest epoch covering a response stored for `host` (normalized) and `pathAndQuery` with
        /// `tags`; `nil` when nothing covers it.
        func latestEpoch(host: String, pathAndQuery: Substring, tags entryTags: [String]) -> WallInstant? {
            var latest = global
            func consider(_ epoch: WallInstant?) {
                guard let epoch else { return }
                if let current = latest, current >= epoch { return }
                latest = epoch
            }
            consider(hosts[host])
            consider(urls[host]?[String(pathAndQuery)])
            if let byPrefix = prefixes[host] {
                let path = pathAndQuery.prefix { $0 != "?" }
                consider(byPrefix[""])
                // Each ancestor on a segment boundary, then the path itself: `/a/b` is under `/a` and `/a/b`.
                for index in path.indices where path[index] == "/" && index != path.startIndex {
                    consider(byPrefix[String(path[..<index])])
                }
                consider(byPrefix[String(Self.trimmingTrailingSlashes(path))])
            }
            for tag in entryTags { consider(tags[tag]) }
            return latest
        }

        /// Adds `snapshot`'s purges: each record keeps the later of its epoch and the snapshot's, so a
        /// restore never lowers one.
        mutating func restore(_ snapshot: Snapshot) {
            func later(_ lhs: WallInstant?, _ rhs: WallInstant) -> WallInstant { max(lhs ?? rhs, rhs) }
            if let global = snapshot.global.map(WallInstant.init(nanosecondsSinceEpoch:)) {
                self.global = later(self.global, global)
            }
            for (host, epoch) in snapshot.hosts {
                let host = PurgeScope.normalizedHost(host)
                hosts[host] = later(hosts[host], WallInstant(nanosecondsSinceEpoch: epoch))
            }
            for (host, paths) in snapshot.urls {
                for (path, epoch) in paths {
                    let previous = urls[PurgeScope.normalizedHost(host)]?[path]
                    let epoch = later(previous, WallInstant(nanosecondsSinceEpoch: epoch))
                    Self.record(epoch, PurgeScope.normalizedHost(host), path, in: &urls, count: &urlCount)
                }
            }
            for (host, paths) in snapshot.prefixes {
                for (path, epoch) in paths {
                    let prefix = String(Self.trimmingTrailingSlashes(path))
                    let previous = prefixes[PurgeScope.normalizedHost(host)]?[prefix]
                    let epoch = later(previous, WallInstant(nanosecondsSinceEpoch: epoch))
                    Self.record(epoch, PurgeScope.normalizedHost(host), prefix, in: &prefixes, count: &prefixCount)
                }
            }
            for (tag, epoch) in snapshot.tags {
                tags[tag] = later(tags[tag], WallInstant(nanosecondsSinceEpoch: epoch))
            }
            let epochs =
                [global].compactMap(\.self) + hosts.values + tags.values
                + urls.values.flatMap(\.values) + prefixes.values.flatMap(\.values)
            highWater = ([highWater].compactMap(\.self) + epochs).max()
            foldOverflowingScopes()
        }

        /// The records as plain values.
        var snapshot: Snapshot {
            func nanoseconds(_ records: [String: WallInstant]) -> [String: Int64] {
                records.mapValues(\.nanosecondsSinceEpoch)
            }
            return Snapshot(
                global: global?.nanosecondsSinceEpoch, hosts: nanoseconds(hosts), urls: urls.mapValues(nanoseconds),
                prefixes: prefixes.mapValues(nanoseconds), tags: nanoseconds(tags))
        }

        private static func record(
            _ epoch: WallInstant, _ host: String, _ path: some StringProtocol,
            in records: inout [String: [String: WallInstant]], count: inout Int
        ) {
            if records[host, default: [:]].updateValue(epoch, forKey: String(path)) == nil { count += 1 }
        }

        private static func trimmingTrailingSlashes<Text: StringProtocol>(_ path: Text) -> Text.SubSequence {
            var end = path.endIndex
            while end > path.startIndex, path[path.index(before: end)] == "/" { end = path.index(before: end) }
            return path[..<end]
        }

        private mutating func clearRecords() {
            hosts = [:]
            urls = [:]
            urlCount = 0
            prefixes = [:]
            prefixCount = 0
            tags = [:]
        }

        /// Drops every scope over ``maxRecords`` and raises the global epoch over all it held.
        private mutating func foldOverflowingScopes() {
            var folded = false
            if hosts.count > maxRecords {
                hosts = [:]
                folded = true
            }
            if urlCount > maxRecords {
                urls = [:]
                urlCount = 0
                folded = true
            }
            if prefixCount > maxRecords {
                prefixes = [:]
                prefixCount = 0
                folded = true
            }
            if tags.count > maxRecords {
                tags = [:]
                folded = true
            }
            guard folded else { return }
            global = highWater
            folds += 1
        }
    }
}
