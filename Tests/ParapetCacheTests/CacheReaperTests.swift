import HTTPTypes
import NIOCore
import ParapetCore
import ParapetTesting
import Testing

@testable import ParapetCache

@Suite("CacheReaper: bounded walks in virtual time")
struct CacheReaperTests {
    /// A response stored at the test's current instants, fresh for `lifetime`, with `fields`.
    static func response(
        _ runtime: Runtime, lifetime: Duration = .seconds(3_600), fields: HTTPFields = [:]
    ) -> CachedResponse {
        let control = CacheControl(response: fields, targets: [])
        return CachedResponse(
            status: .ok, headerFields: fields, control: control, body: ByteBuffer(repeating: 7, count: 100),
            age: ResponseAge(
                fields: [:], requestSent: runtime.clock.now, responseReceived: runtime.clock.now,
                receivedAtWallTime: runtime.wallClock.now),
            freshnessLifetime: lifetime, variant: Variant(vary: [:], request: [:]))
    }

    /// Lets virtual time run until `instant` past the start.
    static func wait(until instant: Duration, _ client: TestClient, from start: MonotonicInstant) async throws {
        try await client.runtime.clock.sleep(until: start.advanced(by: instant))
    }

    @Test func purgedResponsesGoInSlicesOfAThousandAtTheInterval() async throws {
        let test = ChainTest()
        let purges = PurgeTable(wallClock: test.runtime.wallClock)
        let store = MemoryCacheStore(byteBudget: 64 << 20)
        let cache = Cache(store: store, options: .init(purges: purges))
        let chain = Middlewares([CacheReaper(for: cache), cache, Endpoint { _, _ in .text("origin") }])
        let start = test.runtime.clock.now
        try await test.run(chain) { client in
            for index in 0..<2_400 {
                store.store(Self.response(client.runtime), for: "http://example.com/purged/\(index)")
            }
            for index in 0..<100 {
                store.store(Self.response(client.runtime), for: "http://example.com/live/\(index)")
            }
            let live = 100 * Self.response(client.runtime).cost
            try await client.sleep(for: .seconds(1))
            purges.purge(.prefix(host: "example.com", path: "/purged"))
            try await Self.wait(until: .seconds(60) - .nanoseconds(1), client, from: start)
            #expect(store.count == 2_500)
            // Each slice at its instant: 1,000 keys, a 1 ms pause, 1,000 more, then the last 500 keys.
            for (instant, count) in [(0, 1_500), (1, 500), (2, 100), (3, 100)] {
                try await Self.wait(until: .seconds(60) + .microseconds(instant * 1_000 + 500), client, from: start)
                #expect(store.count == count, "\(instant) ms after the interval")
            }
            #expect(store.storedBytes == live)
        }
    }

    @Test func responsesThatCanNeverBeServedAgainGoAndMemoryReturnsToItsBaseline() async throws {
        let test = ChainTest()
        let store = MemoryCacheStore(byteBudget: 64 << 20)
        let cache = Cache(store: store, options: .init(staleIfUnreachable: .seconds(30)))
        let reaper = CacheReaper(for: cache, options: .init(interval: .seconds(120), sliceSize: 7))
        let chain = Middlewares([reaper, cache, Endpoint { _, _ in .text("origin") }])
        try await test.run(chain) { client in
            for index in 0..<50 {
                store.store(Self.response(client.runtime, lifetime: .seconds(60)), for: "http://example.com/\(index)")
            }
            try await client.sleep(for: .seconds(121))
            // Stale for 61 s, past the 30 s it could be served while the origin is unreachable: gone.
            #expect(store.count == 0)
            #expect(store.storedBytes == 0)
        }
    }

    @Test(
        arguments: [
            ([.cacheControl: "max-age=60"], true),
            ([.cacheControl: "max-age=60", .eTag: "\"v1\""], false),
            ([.cacheControl: "max-age=60", .lastModified: "Thu, 01 Jan 2026 00:00:00 GMT"], false),
            ([.cacheControl: "max-age=60, stale-while-revalidate=3600"], false),
            ([.cacheControl: "max-age=60, stale-if-error=3600"], false),
            ([.cacheControl: "max-age=60, must-revalidate, stale-if-error=3600"], true),
            ([.cacheControl: "max-age=60, stale-while-revalidate=5"], true),
        ] as [(HTTPFields, Bool)])
    func aResponseStaysWhileAWindowOrAValidatorCanStillMakeItOfUse(fields: HTTPFields, isSpent: Bool) async throws {
        let test = ChainTest()
        let store = MemoryCacheStore(byteBudget: 1 << 20)
        let cache = Cache(store: store, options: .init(staleIfUnreachable: .zero))
        let reaper = CacheReaper(for: cache, options: .init(interval: .seconds(10)))
        try await test.run(Middlewares([reaper, cache, Endpoint { _, _ in .text("origin") }])) { client in
            store.store(
                Self.response(client.runtime, lifetime: .seconds(60), fields: fields), for: "http://example.com/")
            // The walk at 60 s finds it just stale; the one at 70 s, 10 s past its freshness.
            try await client.sleep(for: .seconds(61))
            #expect(store.count == 1)
            try await client.sleep(for: .seconds(10))
            #expect(store.count == (isSpent ? 0 : 1), "\(fields)")
        }
    }

    @Test func purgesThroughTheChainAreReapedWithoutALookup() async throws {
        let test = ChainTest()
        let purges = PurgeTable(wallClock: test.runtime.wallClock)
        let store = MemoryCacheStore(byteBudget: 1 << 20)
        let cache = Cache(store: store, options: .init(purges: purges))
        let origin = CachePurgeTests.taggingOrigin()
        let reaper = CacheReaper(for: cache, options: .init(interval: .seconds(10)))
        try await test.run(Middlewares([reaper, cache, origin.endpoint])) { client in
            for path in ["/a/x", "/b/x", "/c/y"] { _ = try await client.execute(.get, path) }
            #expect(store.count == 3)
            purges.purge(.tag("x"))
            try await client.sleep(for: .seconds(10))
            #expect(store.count == 1)
        }
    }

    @Test(arguments: [
        CacheReaper.Options(interval: .zero), .init(sliceSize: 0), .init(pauseBetweenSlices: .seconds(-1)),
    ])
    func nonsenseOptionsRefuseToBuild(options: CacheReaper.Options) async throws {
        let cache = Cache(store: MemoryCacheStore(byteBudget: 1 << 20))
        await #expect(throws: (any Error).self) {
            try await CacheReaper(for: cache, options: options).test { _ in }
        }
    }
}
