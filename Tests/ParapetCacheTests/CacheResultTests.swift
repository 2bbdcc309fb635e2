import HTTPTypes
import Logging
import NIOCore
import ParapetCore
import ParapetMiddleware
import ParapetTesting
import Testing

@testable import ParapetCache

@Suite("Cache: results")
struct CacheResultTests {
    struct Unreachable: Error {}

    /// `options`, reporting every result to `results`.
    func reporting(to results: Recorder<CacheResult>, _ options: Cache.Options = .init()) -> Cache.Options {
        var options = options
        options.onResult = { _, result in results.append(result) }
        return options
    }

    /// An origin that thinks for 100 ms before answering the `n`th request (from 1) with `answer(n)`.
    func slowOrigin(_ test: ChainTest, _ answer: @escaping @Sendable (Int) throws -> Response) -> Origin {
        let clock = test.runtime.clock
        return Origin { _, count in
            try await clock.sleep(for: .milliseconds(100))
            return try answer(count)
        }
    }

    @Test func eachRequestIsReportedOnceWithWhatTheCacheDid() async throws {
        let test = ChainTest()
        let results = Recorder<CacheResult>()
        let origin = slowOrigin(test) { count in
            guard count == 1 else { return Response(status: .notModified, headerFields: [.eTag: "\"v1\""]) }
            return Response(
                status: .ok, headerFields: [.cacheControl: "max-age=10", .eTag: "\"v1\""], body: HTTPBody(string: "v1"))
        }
        let options = reporting(to: results, Cache.Options(cacheable: { $0.path != "/private" }))
        try await test.run(cached(origin, options: options)) { client in
            _ = try await client.execute(.get, "/a")
            _ = try await client.execute(.get, "/a")
            _ = try await client.execute(.post, "/b")
            try await client.sleep(for: .seconds(20))
            let revalidated = try await client.execute(.get, "/a")
            // The 304 took 100 ms, which counts towards the refreshed response's age.
            #expect(revalidated.headerFields[.cacheStatus] == "parapet; fwd=stale; fwd-status=304; ttl=9")
            let notCached = try await client.execute(.get, "/c", headers: [.cacheControl: "only-if-cached"])
            #expect(notCached.status == .gatewayTimeout)
            _ = try await client.execute(.get, "/private")
        }
        #expect(
            results.elements == [
                CacheResult(outcome: .miss, fillDuration: .milliseconds(100)),
                CacheResult(outcome: .hit),
                CacheResult(outcome: .bypass),
                CacheResult(outcome: .hit, fillDuration: .milliseconds(100)),
                CacheResult(outcome: .miss),
                CacheResult(outcome: .bypass),
            ])
    }

    @Test func aBackgroundRevalidationIsNeverReported() async throws {
        let test = ChainTest()
        let results = Recorder<CacheResult>()
        let origin = slowOrigin(test) { count in
            guard count == 1 else {
                return Response(status: .notModified, headerFields: [.eTag: "\"v1\"", .cacheControl: "max-age=10"])
            }
            return Response(
                status: .ok, headerFields: [.cacheControl: "max-age=10, stale-while-revalidate=30", .eTag: "\"v1\""],
                body: HTTPBody(string: "v1"))
        }
        try await test.run(cached(origin, options: reporting(to: results))) { client in
            _ = try await client.execute(.get, "/a")
            try await client.sleep(for: .seconds(15))
            let stale = try await client.execute(.get, "/a")
            #expect(stale.headerFields[.cacheStatus] == "parapet; hit; ttl=-6; detail=stale-while-revalidate")
            try await client.sleep(for: .seconds(1))
            let refreshed = try await client.execute(.get, "/a")
            #expect(refreshed.headerFields[.cacheStatus]?.hasPrefix("parapet; hit; ttl=") == true)
        }
        #expect(origin.requests.count == 2)
        #expect(
            results.elements == [
                CacheResult(outcome: .miss, fillDuration: .milliseconds(100)),
                CacheResult(outcome: .stale),
                CacheResult(outcome: .hit),
            ])
    }

    @Test func aResponseServedStaleAsTheRequestAllowsIsStale() async throws {
        let results = Recorder<CacheResult>()
        let origin = Origin([.cacheControl: "max-age=10"])
        try await cached(origin, options: reporting(to: results)).test { client in
            _ = try await client.execute(.get, "/a")
            try await client.sleep(for: .seconds(15))
            let stale = try await client.execute(.get, "/a", headers: [.cacheControl: "max-stale=60"])
            #expect(stale.headerFields[.cacheStatus] == "parapet; hit; ttl=-5")
        }
        #expect(results.elements.map(\.outcome) == [.miss, .stale])
    }

    @Test(arguments: [true, false])
    func aStaleResponseServedForAFailureIsAStaleErrorTimedByTheAttempt(originAnswers: Bool) async throws {
        let test = ChainTest()
        let results = Recorder<CacheResult>()
        let origin = slowOrigin(test) { count in
            guard count == 1 else {
                guard originAnswers else { throw Unreachable() }
                return Response.error(.serviceUnavailable)
            }
            return Response(
                status: .ok, headerFields: [.cacheControl: "max-age=10, stale-if-error=60"],
                body: HTTPBody(string: "v1"))
        }
        try await test.run(cached(origin, options: reporting(to: results))) { client in
            _ = try await client.execute(.get, "/a")
            try await client.sleep(for: .seconds(15))
            let stale = try await client.execute(.get, "/a")
            #expect(stale.text == "v1")
        }
        #expect(
            results.elements == [
                CacheResult(outcome: .miss, fillDuration: .milliseconds(100)),
                CacheResult(outcome: .staleError, fillDuration: .milliseconds(100)),
            ])
    }

    @Test func requestsThatWaitForAnotherOnesMissAreHits() async throws {
        let test = ChainTest()
        let results = Recorder<CacheResult>()
        let origin = slowOrigin(test) { _ in
            Response(status: .ok, headerFields: [.cacheControl: "max-age=60"], body: HTTPBody(string: "shared"))
        }
        try await test.run(cached(origin, options: reporting(to: results))) { client in
            try await withThrowingTaskGroup(of: String.self) { group in
                for _ in 0..<3 {
                    group.addTask { try await client.execute(.get, "/a").text }
                }
                for try await text in group { #expect(text == "shared") }
            }
        }
        #expect(origin.requests.count == 1)
        let outcomes = results.elements
        #expect(outcomes.count == 3)
        #expect(outcomes.filter { $0 == CacheResult(outcome: .miss, fillDuration: .milliseconds(100)) }.count == 1)
        #expect(outcomes.filter { $0 == CacheResult(outcome: .hit) }.count == 2)
    }

    @Test func theAccessLogSaysWhatTheCacheDid() async throws {
        let lines = Recorder<String>()
        let logger = Logger(label: "test.access") { _ in JSONLinesLogHandler(write: lines.append) }
        let origin = Origin([.cacheControl: "max-age=60"])
        let chain = Middlewares([
            AccessLog(logger: logger), Cache(store: MemoryCacheStore(byteBudget: 1 << 20)), origin.endpoint,
        ])
        try await chain.test { client in
            _ = try await client.execute(.get, "/a")
            _ = try await client.execute(.get, "/a")
            _ = try await client.execute(.post, "/b")
        }
        let logged = lines.elements
        #expect(logged.count == 3)
        let expected = [
            (#""cacheStatus":"MISS""#, #""cacheDetail":"parapet; fwd=uri-miss; fwd-status=200; stored; ttl=60""#),
            (#""cacheStatus":"HIT""#, #""cacheDetail":"parapet; hit; ttl=60""#),
            (#""cacheStatus":"BYPASS""#, #""cacheDetail":"parapet; fwd=method; fwd-status=200""#),
        ]
        for (line, (status, detail)) in zip(logged, expected) {
            #expect(line.contains(status), "\(line)")
            #expect(line.contains(detail), "\(line)")
        }
    }
}
