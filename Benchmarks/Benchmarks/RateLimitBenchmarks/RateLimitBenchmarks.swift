// Per-decision cost of ParapetRateLimit.
//
// Three layers, each measured on its own:
//
//   RateLimit/<rule> (pure)                    one decision of the pure rule on one key's state: the
//                                              arithmetic alone, no clock, no lock, no map
//   RateLimit/<strategy> limiter, ...          `RateLimiter.acquire` on the production runtime: a clock
//                                              read, the lock, the per-key map lookup, the rule
//   RateLimit/middleware ...                   the whole `RateLimit` handler in front of an endpoint that
//                                              returns a prebuilt response: key from the context's client
//                                              address, the decision, and the response (a `429` on the
//                                              refusing path)
//
// The limiters and middlewares run on real clocks (`BenchmarkRuntime.swift`), because reading the clock
// is part of what a decision costs in production; background work (the janitor) is not run, so keys
// stay in the map for the whole run — up to the default cap of 100,000 keys, past which each new key
// evicts the least recently used one ("at the cap"). Pure rules get an instant that advances 1 µs per
// decision.
//
// Each sample runs `scalingFactor` (1000) decisions; the text output divides by it, so the numbers
// printed are per decision (`--scale` prints them per 1000 decisions instead). CPU time is the custom
// metric `cpuTime` (getrusage), as in the other benchmark targets.

import Benchmark
import HTTPTypes
import Logging
import ParapetCore
import ParapetRateLimit

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// CPU time (user + system) of the whole process, in nanoseconds per decision once scaled.
let cpuTime = BenchmarkMetric.custom("CPU time (total, ns)")

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, cpuTime, .mallocCountTotal, .throughput],
        timeUnits: .nanoseconds,
        warmupIterations: 100,
        scalingFactor: .kilo,
        maxDuration: .seconds(3),
        maxIterations: 20_000
    )
    registerPureRuleBenchmarks()
    registerLimiterBenchmarks()
    registerMiddlewareBenchmarks()
}

/// One microsecond per decision for the pure rules.
private let tick = Duration.microseconds(1)

private func registerPureRuleBenchmarks() {
    Benchmark("RateLimit/fixed window (pure)") { benchmark in
        let rule = try FixedWindow(limit: .max, window: .seconds(1))
        var state = FixedWindow.State()
        var now = WallInstant(secondsSinceEpoch: 1_800_000_000)
        try measure(benchmark) {
            now = now.advanced(by: tick)
            blackHole(rule.admit(&state, at: now))
        }
    }
    Benchmark("RateLimit/sliding window (pure)") { benchmark in
        let rule = try SlidingWindow(limit: 1_000_000_000, window: .seconds(1))
        var state = SlidingWindow.State()
        var now = MonotonicInstant.zero
        try measure(benchmark) {
            now = now.advanced(by: tick)
            blackHole(rule.admit(&state, at: now))
        }
    }
    Benchmark("RateLimit/leaky bucket (pure)") { benchmark in
        let rule = try LeakyBucket(interval: tick, queue: 10)
        var state = LeakyBucket.State()
        var now = MonotonicInstant.zero
        try measure(benchmark) {
            now = now.advanced(by: tick)
            blackHole(rule.admit(&state, at: now))
        }
    }
    Benchmark("RateLimit/concurrency acquire + release (pure)") { benchmark in
        let rule = try ConcurrencyLimit(capacity: 8, queue: 8)
        var state = ConcurrencyLimit.State()
        var waiter: UInt64 = 0
        try measure(benchmark) {
            waiter += 1
            blackHole(rule.acquire(&state, waiter: waiter))
            blackHole(rule.release(&state))
        }
    }
}

private func registerLimiterBenchmarks() {
    let oneKey = [RateLimitKey(IPAddress("203.0.113.7")!)]
    let manyKeys = (0..<10_000).map { RateLimitKey(IPAddress.v4(0xC633_6400 + UInt32($0))) }
    registerLimiterBenchmark(
        "RateLimit/fixed window limiter, 1 key", .fixedWindow(limit: .max, per: .seconds(1)), keys: oneKey)
    registerLimiterBenchmark(
        "RateLimit/fixed window limiter, 10,000 keys", .fixedWindow(limit: .max, per: .seconds(1)), keys: manyKeys)
    // 110,000 keys cycled through a table of 100,000: every decision meets a forgotten key and evicts one.
    let pastTheCap = (0..<110_000).map { RateLimitKey(IPAddress.v4(0x0A00_0000 + UInt32($0))) }
    registerLimiterBenchmark(
        "RateLimit/fixed window limiter at the 100,000-key cap, a new key each time",
        .fixedWindow(limit: .max, per: .seconds(1)), keys: pastTheCap)
    registerLimiterBenchmark(
        "RateLimit/sliding window limiter, 10,000 keys", .slidingWindow(limit: 1_000_000_000, per: .seconds(1)),
        keys: manyKeys)
    registerLimiterBenchmark(
        "RateLimit/sliding window limiter, refusing", .slidingWindow(limit: 1, per: .seconds(3_600)), keys: oneKey,
        expectsRefusal: true)
    registerLimiterBenchmark(
        "RateLimit/leaky bucket limiter, 10,000 keys", .leakyBucket(interval: .nanoseconds(1), queue: 0), keys: manyKeys
    )
    registerLimiterBenchmark(
        "RateLimit/concurrency limiter acquire + release, 1 key", .concurrent(capacity: 8), keys: oneKey)
}

/// Benchmarks `acquire` (and the permit's release) on the limiter `strategy` makes, cycling through `keys`.
private func registerLimiterBenchmark(
    _ name: String, _ strategy: RateLimit.Strategy, keys: [RateLimitKey], expectsRefusal: Bool = false
) {
    Benchmark(name) { benchmark in
        let limiter = try strategy.limiter(on: benchmarkRuntime)
        for key in keys {
            _ = try await limiter.acquire(key)  // warm the map
        }
        var next = 0
        benchmark.startMeasurement()
        let cpuAtStart = processCPUTimeNanoseconds()
        for _ in benchmark.scaledIterations {
            switch try await limiter.acquire(keys[next]) {
            case .allowed(let status, let permit):
                guard !expectsRefusal else { throw RateLimitBenchmarkError.unexpected("\(name): allowed") }
                permit?.release()
                blackHole(status)
            case .limited(let status, _):
                guard expectsRefusal else { throw RateLimitBenchmarkError.unexpected("\(name): limited") }
                blackHole(status)
            }
            next = next + 1 == keys.count ? 0 : next + 1
        }
        benchmark.measurement(cpuTime, processCPUTimeNanoseconds() - cpuAtStart)
        benchmark.stopMeasurement()
    }
}

private func registerMiddlewareBenchmarks() {
    registerMiddlewareBenchmark(
        "RateLimit/middleware fixed window per client IP (200)", RateLimit.fixedWindow(limit: .max, per: .seconds(1)),
        status: .ok)
    registerMiddlewareBenchmark(
        "RateLimit/middleware fixed window per client IP (429)", RateLimit.fixedWindow(perHour: 1),
        status: .tooManyRequests)
    registerMiddlewareBenchmark(
        "RateLimit/middleware fixed window with RateLimit fields (200)",
        RateLimit.fixedWindow(limit: .max, per: .seconds(1), options: .init(sendsRateLimitFields: true)), status: .ok)
    registerMiddlewareBenchmark(
        "RateLimit/middleware concurrency per client IP (200)", RateLimit.concurrent(capacity: 8), status: .ok)
}

/// Benchmarks one request through `limit` in front of an endpoint answering a prebuilt `200`, from one
/// client as the server's trust rules leave it (`X-Real-IP` equal to the peer, the context's client).
private func registerMiddlewareBenchmark(_ name: String, _ limit: RateLimit, status: HTTPResponse.Status) {
    Benchmark(name) { benchmark in
        let logger = Logger(label: "parapet.benchmarks") { _ in SwiftLogNoOpLogHandler() }
        let runtime = benchmarkRuntime
        let response = Response.text("ok\n")
        let handler = try limit.wrap(
            Endpoint { _, _ in response }, in: ChainEnvironment(runtime: runtime, logger: logger))
        let request = Request(
            head: HTTPRequest(
                method: .get, scheme: "http", authority: "example.com", path: "/",
                headerFields: [.xRealIP: "203.0.113.7"]))
        let context = RequestContext(
            connection: ConnectionInfo(peer: .ip(IPAddress("203.0.113.7")!, port: 54_321)), logger: logger,
            runtime: runtime)
        _ = try await handler.handle(request, context: context)  // the first request of the window
        benchmark.startMeasurement()
        let cpuAtStart = processCPUTimeNanoseconds()
        for _ in benchmark.scaledIterations {
            let answer = try await handler.handle(request, context: context)
            guard answer.status == status else {
                throw RateLimitBenchmarkError.unexpected("\(name) answered \(answer.status)")
            }
            blackHole(answer)
        }
        benchmark.measurement(cpuTime, processCPUTimeNanoseconds() - cpuAtStart)
        benchmark.stopMeasurement()
    }
}

/// Runs `decide` once per scaled iteration, recording the process's CPU time alongside.
private func measure(_ benchmark: Benchmark, _ decide: () throws -> Void) throws {
    let cpuAtStart = processCPUTimeNanoseconds()
    for _ in benchmark.scaledIterations {
        try decide()
    }
    benchmark.measurement(cpuTime, processCPUTimeNanoseconds() - cpuAtStart)
}

/// User plus system CPU time consumed by this process so far.
private func processCPUTimeNanoseconds() -> Int {
    var usage = rusage()
    #if canImport(Glibc)
        getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
    #else
        getrusage(RUSAGE_SELF, &usage)
    #endif
    func nanoseconds(_ time: timeval) -> Int { Int(time.tv_sec) * 1_000_000_000 + Int(time.tv_usec) * 1_000 }
    return nanoseconds(usage.ru_utime) + nanoseconds(usage.ru_stime)
}

enum RateLimitBenchmarkError: Error {
    case unexpected(String)
}
