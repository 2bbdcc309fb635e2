import Foundation
import ParapetCore
import Testing

@testable import ParapetCache

/// The instant `seconds` into the test's civil time.
private func at(_ seconds: Int64) -> WallInstant {
    WallInstant(secondsSinceEpoch: 1_800_000_000 + seconds)
}

extension PurgeTable.StateMachine {
    /// The latest epoch covering a response stored under `key` with `tags`.
    fileprivate func epoch(_ key: String, tags: [String] = []) -> WallInstant? {
        let (host, pathAndQuery) = CacheKey.purgeTarget(of: key)
        return latestEpoch(host: host, pathAndQuery: pathAndQuery, tags: tags)
    }
}

@Suite("PurgeTable.StateMachine: scopes, epochs, folds, snapshots")
struct PurgeTableStateMachineTests {
    @Test func nothingIsCoveredBeforeAPurge() {
        let table = PurgeTable.StateMachine(maxRecords: 8)
        #expect(!table.hasPurges)
        #expect(table.epoch("http://example.com/a", tags: ["t"]) == nil)
    }

    @Test func aURLPurgeCoversEverySchemeAndPortButNotAnotherQueryOrPath() {
        var table = PurgeTable.StateMachine(maxRecords: 8)
        let epoch = table.purge(.url(host: "Example.COM:8080", pathAndQuery: "/a?x=1"), now: at(10))
        #expect(epoch == at(10))
        #expect(table.epoch("http://example.com/a?x=1") == at(10))
        #expect(table.epoch("https://example.com:443/a?x=1") == at(10))
        #expect(table.epoch("http://example.com/a?x=2") == nil)
        #expect(table.epoch("http://example.com/a") == nil)
        #expect(table.epoch("http://example.com/a/b?x=1") == nil)
        #expect(table.epoch("http://other.example/a?x=1") == nil)
    }

    @Test(arguments: [
        ("EXAMPLE.com", "http://example.com/x", true),
        ("example.com:8443", "https://example.com/x", true),
        ("example.com", "http://example.com:8080/x", true),
        ("example.com.", "http://example.com/x", false),
        ("example.com.", "http://example.com.:80/x", true),
        ("[::1]:8080", "http://[::1]/x", true),
        ("[::1]", "http://[::2]/x", false),
        ("example.com", "http://www.example.com/x", false),
    ])
    func aHostPurgeComparesHostsAsKeysHoldThem(host: String, key: String, covered: Bool) {
        var table = PurgeTable.StateMachine(maxRecords: 8)
        table.purge(.host(host), now: at(1))
        #expect((table.epoch(key) != nil) == covered, "\(host) / \(key)")
    }

    @Test(arguments: [
        ("/blog", "/blog", true), ("/blog", "/blog/", true), ("/blog", "/blog/x", true),
        ("/blog", "/blog/x/y?page=2", true), ("/blog", "/blog?q=1", true), ("/blog", "/blogger", false),
        ("/blog", "/blo", false), ("/blog/", "/blog/x", true), ("/blog///", "/blog", true),
        ("/", "/anything?at=all", true), ("/blog/x", "/blog", false), ("/a?b", "/a?b", false),
    ])
    func aPrefixPurgeMatchesWholeSegmentsOfThePathOnly(prefix: String, path: String, covered: Bool) {
        var table = PurgeTable.StateMachine(maxRecords: 8)
        table.purge(.prefix(host: "example.com", path: prefix), now: at(1))
        #expect((table.epoch("http://example.com" + path) != nil) == covered, "\(prefix) / \(path)")
        #expect(table.epoch("http://other.example" + path) == nil)
    }

    @Test func aTagPurgeCoversEveryHostCarryingTheTag() {
        var table = PurgeTable.StateMachine(maxRecords: 8)
        table.purge(.tag("product-42"), now: at(5))
        #expect(table.epoch("http://a.example/x", tags: ["other", "product-42"]) == at(5))
        #expect(table.epoch("https://b.example/y", tags: ["product-42"]) == at(5))
        #expect(table.epoch("http://a.example/x", tags: ["product-4"]) == nil)
        #expect(table.epoch("http://a.example/x") == nil)
    }

    @Test func theLatestCoveringEpochWins() {
        var table = PurgeTable.StateMachine(maxRecords: 8)
        table.purge(.all, now: at(1))
        table.purge(.tag("t"), now: at(2))
        table.purge(.prefix(host: "example.com", path: "/a"), now: at(3))
        table.purge(.url(host: "example.com", pathAndQuery: "/a/b"), now: at(4))
        table.purge(.host("other.example"), now: at(5))
        #expect(table.epoch("http://example.com/a/b") == at(4))
        #expect(table.epoch("http://example.com/a/c") == at(3))
        #expect(table.epoch("http://example.com/z", tags: ["t"]) == at(2))
        #expect(table.epoch("http://example.com/z") == at(1))
        #expect(table.epoch("http://other.example/z") == at(5))
    }

    @Test func aPurgeOfEverythingDropsTheRecordsItSupersedes() {
        var table = PurgeTable.StateMachine(maxRecords: 8)
        table.purge(.host("a.example"), now: at(1))
        table.purge(.url(host: "a.example", pathAndQuery: "/x"), now: at(1))
        table.purge(.prefix(host: "a.example", path: "/p"), now: at(1))
        table.purge(.tag("t"), now: at(1))
        table.purge(.all, now: at(2))
        #expect(table.hosts.isEmpty && table.urlCount == 0 && table.prefixCount == 0 && table.tags.isEmpty)
        #expect(table.global == at(2))
        #expect(table.epoch("http://a.example/x", tags: ["t"]) == at(2))
    }

    @Test func epochsNeverGoDownWhenTheWallClockStepsBack() {
        var table = PurgeTable.StateMachine(maxRecords: 8)
        table.purge(.url(host: "example.com", pathAndQuery: "/a"), now: at(100))
        // NTP pulls the clock back a minute: the next purge is stamped no earlier than the first.
        let stepped = table.purge(.url(host: "example.com", pathAndQuery: "/b"), now: at(40))
        #expect(stepped == at(100))
        #expect(table.epoch("http://example.com/b") == at(100))
        // A response that arrived at 90 (before the step) is purged by /b's purge, as it was issued after it.
        #expect(table.epoch("http://example.com/b")! >= at(90))
        // A repeated purge never lowers a record either.
        table.purge(.url(host: "example.com", pathAndQuery: "/a"), now: at(50))
        #expect(table.epoch("http://example.com/a") == at(100))
        #expect(table.highWater == at(100))
        #expect(table.purge(.tag("t"), now: at(130)) == at(130))
    }

    @Test func aScopeOverItsCapIsFoldedIntoAPurgeOfEverything() {
        var table = PurgeTable.StateMachine(maxRecords: 3)
        table.purge(.host("kept.example"), now: at(0))
        for index in 1...3 {
            table.purge(.url(host: "example.com", pathAndQuery: "/\(index)"), now: at(Int64(index)))
        }
        #expect(table.urlCount == 3)
        #expect(table.folds == 0)
        #expect(table.global == nil)
        table.purge(.url(host: "example.com", pathAndQuery: "/4"), now: at(4))
        #expect(table.folds == 1)
        #expect(table.urlCount == 0)
        #expect(table.global == at(4))
        // Over-invalidates — every URL that arrived by the fold — never under; other scopes stay.
        #expect(table.epoch("http://example.com/1") == at(4))
        #expect(table.epoch("http://unrelated.example/") == at(4))
        #expect(table.hosts.count == 1)
        // Repeating a URL already recorded does not count twice.
        table.purge(.url(host: "example.com", pathAndQuery: "/5"), now: at(5))
        table.purge(.url(host: "example.com", pathAndQuery: "/5"), now: at(6))
        #expect(table.urlCount == 1)
    }

    @Test(arguments: [
        PurgeScope.host("h"), .prefix(host: "h", path: "/p"), .tag("t"),
    ])
    func everyScopeFolds(scope: PurgeScope) {
        var table = PurgeTable.StateMachine(maxRecords: 1)
        table.purge(scope, now: at(1))
        let second: PurgeScope =
            switch scope {
            case .host: .host("h2")
            case .prefix: .prefix(host: "h", path: "/q")
            default: .tag("t2")
            }
        table.purge(second, now: at(2))
        #expect(table.folds == 1)
        #expect(table.global == at(2))
    }

    @Test func aSnapshotRoundTripsThroughJSON() throws {
        var table = PurgeTable.StateMachine(maxRecords: 8)
        table.purge(.all, now: at(1))
        table.purge(.host("a.example"), now: at(2))
        table.purge(.url(host: "a.example", pathAndQuery: "/x?y=1"), now: at(3))
        table.purge(.prefix(host: "a.example", path: "/blog/"), now: at(4))
        table.purge(.tag("t"), now: at(5))
        let json = try JSONEncoder().encode(table.snapshot)
        let decoded = try JSONDecoder().decode(PurgeTable.Snapshot.self, from: json)
        #expect(decoded == table.snapshot)
        var restored = PurgeTable.StateMachine(maxRecords: 8)
        restored.restore(decoded)
        for key in ["http://a.example/x?y=1", "http://a.example/blog/z", "http://b.example/", "http://a.example/q"] {
            #expect(restored.epoch(key, tags: ["t"]) == table.epoch(key, tags: ["t"]), "\(key)")
        }
        #expect(restored.highWater == at(5))
        // The restored high-water mark keeps later purges monotonic.
        #expect(restored.purge(.tag("u"), now: at(0)) == at(5))
    }

    @Test func aRestoreNeverLowersAnEpochAndAcceptsMissingMembers() throws {
        var table = PurgeTable.StateMachine(maxRecords: 8)
        table.purge(.host("a.example"), now: at(10))
        let old = try JSONDecoder().decode(
            PurgeTable.Snapshot.self,
            from: Data(#"{"hosts":{"A.example:80":\#(at(3).nanosecondsSinceEpoch)}}"#.utf8))
        table.restore(old)
        #expect(table.epoch("http://a.example/") == at(10))
        #expect(table.hosts.count == 1)
    }

    @Test func epochsKeptToTheNanosecondRoundUp() {
        let instant = WallInstant(sinceEpoch: Duration(secondsComponent: 5, attosecondsComponent: 1_000_000_001))
        #expect(instant.nanosecondsSinceEpoch == 5_000_000_002)
        #expect(WallInstant(nanosecondsSinceEpoch: instant.nanosecondsSinceEpoch) >= instant)
        #expect(WallInstant(sinceEpoch: .seconds(-1)).nanosecondsSinceEpoch == -1_000_000_000)
    }
}
