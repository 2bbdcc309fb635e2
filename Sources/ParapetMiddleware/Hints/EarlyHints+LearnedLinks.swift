import ParapetCore

extension EarlyHints {
    /// The hint-worthy links ``EarlyHints/preload(_:)`` learned from each path's responses: a pure value on
    /// the instants it is given, bounded in paths, links and bytes, every entry expiring after
    /// ``Limits/lifetime``; when full, the path learned longest ago makes room.
    struct LearnedLinks: Sendable {
        struct Limits: Sendable {
            var paths: Int
            var linksPerPath: Int
            var bytesPerPath: Int
            var lifetime: Duration
        }

        private struct Entry: Sendable {
            var links: [String]
            var expires: MonotonicInstant
            var serial: Int
        }

        let limits: Limits
        private var entries: [String: Entry] = [:]
        /// Keys in the order they were first learned, with their entry's serial; a key forgotten (expired, or
        /// learned without links) leaves a stale element behind, skipped when it reaches the front.
        private var order: [(key: String, serial: Int)] = []
        private var orderStart = 0
        private var nextSerial = 0

        init(limits: Limits) {
            self.limits = limits
        }

        /// The number of paths with links.
        var count: Int { entries.count }

        /// The links learned for `key`, unless they expired by `now` (then they are forgotten).
        mutating func links(for key: String, at now: MonotonicInstant) -> [String]? {
            guard let entry = entries[key] else { return nil }
            guard now < entry.expires else {
                entries[key] = nil
                return nil
            }
            return entry.links
        }

        /// Remembers `links` for `key` from now on, within the limits; no links forgets the path.
        mutating func learn(_ links: [Substring], for key: String, at now: MonotonicInstant) {
            var kept: [String] = []
            var bytes = 0
            for link in links.prefix(limits.linksPerPath) {
                bytes += link.utf8.count
                guard bytes <= limits.bytesPerPath else { break }
                kept.append(String(link))
            }
            guard !kept.isEmpty else {
                entries[key] = nil
                return
            }
            let expires = now.advanced(by: limits.lifetime)
            if let serial = entries[key]?.serial {
                entries[key] = Entry(links: kept, expires: expires, serial: serial)
                return
            }
            makeRoom()
            entries[key] = Entry(links: kept, expires: expires, serial: nextSerial)
            order.append((key, nextSerial))
            nextSerial += 1
            compactOrder()
        }

        /// Forgets the path learned longest ago while the table is full.
        private mutating func makeRoom() {
            while entries.count >= limits.paths, orderStart < order.count {
                let (key, serial) = order[orderStart]
                orderStart += 1
                if entries[key]?.serial == serial { entries[key] = nil }
            }
        }

        /// Drops the consumed front and the stale elements of `order` once they outweigh the live part, so it
        /// stays O(paths) at an amortized O(1) per path learned.
        private mutating func compactOrder() {
            guard order.count > 2 * max(entries.count, 32) else { return }
            order = order[orderStart...].filter { entries[$0.key]?.serial == $0.serial }
            orderStart = 0
        }
    }
}
