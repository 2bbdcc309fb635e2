// Per-request cost of Parapet's middleware chain.
//
// Every benchmark sends the same prebuilt request through a chain built once, before measuring, and
// answers with the same prebuilt response, so what is measured is the chain itself: the calls through
// `any Handler`, the copies of `Request`/`RequestContext`, and whatever each layer allocates.
//
//   Chain/0 layers (endpoint only)      the endpoint alone: the baseline
//   Chain/10 layers (Around closures)   10 pass-through `Around { request, context, next in ... }`
//   Chain/10 layers (struct handlers)   10 pass-through middlewares whose handler is a plain struct
//
// Per-layer cost = (10 layers - 0 layers) / 10.
//
//   Cache/hit 13 B, Cache/hit 16 KiB    a `Cache` over a `MemoryCacheStore` answering a fresh stored
//                                       response (the endpoint is never reached): the cache's hit path
//   Cache/store 1M entries              peak resident memory after a `MemoryCacheStore` holds a million
//                                       13-byte responses with five header fields, each under its own
//                                       key: (peak - the process before) / 1M = bytes per entry
//
// Each sample runs `scalingFactor` (1000) requests; the text output divides by it, so the numbers
// printed are per request (`--scale` prints them per 1000 requests instead, with more precision).
//
// CPU time is the custom metric `cpuTime` (getrusage, microsecond resolution) rather than the
// built-in `.cpuTotal`: on Linux the built-in one reads /proc/self/stat, whose 10 ms ticks are far
// coarser than a 1000-request sample (well under 1 ms), so it reports 0 for almost every sample.

import Benchmark
import HTTPTypes
import Logging
import NIOCore
import ParapetCache
import ParapetCore
import ParapetSimulation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// CPU time (user + system) of the whole process, in nanoseconds per request once scaled.
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

    let fixture = ChainFixture()

    registerChainBenchmark("Chain/0 layers (endpoint only)", fixture: fixture, layers: [])
    registerChainBenchmark(
        "Chain/10 layers (Around closures)",
        fixture: fixture,
        layers: (0..<10).map { _ in passThroughAround() }
    )
    registerChainBenchmark(
        "Chain/10 layers (struct handlers)",
        fixture: fixture,
        layers: (0..<10).map { _ in PassThrough() }
    )
    registerCacheHitBenchmark("Cache/hit 13 B", fixture: fixture, bodyBytes: 13)
    registerCacheHitBenchmark("Cache/hit 16 KiB", fixture: fixture, bodyBytes: 16 << 10)
    registerCacheStoreMemoryBenchmark()
}

/// Registers the memory benchmark of a million stored entries (see the header).
func registerCacheStoreMemoryBenchmark() {
    let fields: HTTPFields = [
        .cacheControl: "public, max-age=3600", .contentType: "text/plain", .date: "Mon, 07 Dec 2026 12:00:00 GMT",
        .eTag: "\"5f3a-17c\"", .contentLength: "13",
    ]
    let body = ByteBuffer(string: "hello, world\n")
    let age = ResponseAge(
        fields: fields, requestSent: .zero, responseReceived: .zero, receivedAtWallTime: WallInstant(secondsSinceEpoch: 0))
    Benchmark(
        "Cache/store 1M entries",
        configuration: .init(
            metrics: [.peakMemoryResident, .peakMemoryResidentDelta], timeUnits: .milliseconds, warmupIterations: 0,
            scalingFactor: .one, maxDuration: .seconds(120), maxIterations: 1)
    ) { _ in
        let store = MemoryCacheStore(byteBudget: 1 << 40)
        for index in 0..<1_000_000 {
            // Every entry has its own fields and body, as responses from the origin would.
            var ownFields = fields
            ownFields[.eTag] = "\"\(index)\""
            var ownBody = ByteBuffer()
            ownBody.writeImmutableBuffer(body)
            store.store(
                CachedResponse(
                    status: .ok, headerFields: ownFields, control: CacheControl(ownFields), body: ownBody, age: age,
                    freshnessLifetime: .seconds(3_600), variant: Variant(vary: ownFields, request: [:])),
                for: "http://example.com/objects/\(index)")
        }
        blackHole(store.count)
    }
}

/// Registers a benchmark of cache hits: the first request (in setup) stores a response of `bodyBytes`,
/// every measured one is answered from the store.
func registerCacheHitBenchmark(_ name: String, fixture: ChainFixture, bodyBytes: Int) {
    let body = ByteBuffer(repeating: UInt8(ascii: "x"), count: bodyBytes)
    let origin = Endpoint { _, _ in
        Response(status: .ok, headerFields: [.cacheControl: "max-age=3600"], body: HTTPBody(body))
    }
    let cache = Cache(store: MemoryCacheStore(byteBudget: 64 << 20))
    registerHandlerBenchmark(name, fixture: fixture, handler: fixture.chain([cache, origin])) { response in
        response.headerFields[values: HTTPField.Name("Cache-Status")!].last?.contains("hit") == true
    }
}

/// Registers a benchmark that sends `fixture.request` through `layers` followed by the fixture's endpoint.
func registerChainBenchmark(_ name: String, fixture: ChainFixture, layers: [any Middleware]) {
    registerHandlerBenchmark(name, fixture: fixture, handler: fixture.chain(layers)) { $0.status == .ok }
}

/// Registers a benchmark that sends `fixture.request` to `handler`, once the answer to a second request
/// in setup (not measured) passes `check`.
func registerHandlerBenchmark(
    _ name: String, fixture: ChainFixture, handler: any Handler, check: @escaping @Sendable (Response) -> Bool
) {
    let request = fixture.request
    let context = fixture.context

    Benchmark(name) { benchmark in
        let cpuAtStart = processCPUTimeNanoseconds()
        for _ in benchmark.scaledIterations {
            blackHole(try await handler.handle(request, context: context))
        }
        benchmark.measurement(cpuTime, processCPUTimeNanoseconds() - cpuAtStart)
    } setup: {
        _ = try await handler.handle(request, context: context)
        let response = try await handler.handle(request, context: context)
        guard check(response) else {
            throw BenchmarkError.unexpectedResponse("\(name) answered \(response.status) \(response.headerFields)")
        }
    }
}

/// User plus system CPU time consumed by this process so far.
func processCPUTimeNanoseconds() -> Int {
    var usage = rusage()
    #if canImport(Glibc)
    getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
    #else
    getrusage(RUSAGE_SELF, &usage)
    #endif
    func nanoseconds(_ time: timeval) -> Int { Int(time.tv_sec) * 1_000_000_000 + Int(time.tv_usec) * 1_000 }
    return nanoseconds(usage.ru_utime) + nanoseconds(usage.ru_stime)
}

// MARK: - Layers

/// A pass-through layer written as a closure: the common way to write a small middleware.
func passThroughAround() -> Around {
    Around { request, context, next in
        try await next.handle(request, context: context)
    }
}

/// A pass-through layer whose handler is a struct calling the next handler directly, without a closure.
struct PassThrough: Middleware {
    func wrap(_ next: any Handler, in environment: ChainEnvironment) throws -> any Handler {
        Forward(next: next)
    }

    struct Forward: Handler {
        let next: any Handler

        func handle(_ request: Request, context: RequestContext) async throws -> Response {
            try await next.handle(request, context: context)
        }
    }
}

// MARK: - Fixture

/// The request, context, environment and endpoint shared by every benchmark, all made once.
struct ChainFixture: Sendable {
    let environment: ChainEnvironment
    let request: Request
    let context: RequestContext
    let endpoint: Endpoint

    init() {
        let logger = Logger(label: "parapet.benchmarks") { _ in SwiftLogNoOpLogHandler() }
        // Pass-through layers never touch the runtime; the simulator's keeps the benchmark deterministic.
        let runtime = Simulation(seed: 1).runtime
        environment = ChainEnvironment(runtime: runtime, logger: logger)
        request = Request(head: HTTPRequest(method: .get, scheme: "http", authority: "example.com", path: "/"))
        context = RequestContext(
            connection: ConnectionInfo(peer: .ip(IPAddress("127.0.0.1")!, port: 54321)),
            logger: logger,
            runtime: runtime
        )
        let response = Response.text("ok\n")
        endpoint = Endpoint { _, _ in response }
    }

    /// `layers` followed by the endpoint, built into one handler the way a server builds its chain.
    func chain(_ layers: [any Middleware]) -> any Handler {
        // Pass-through layers and an endpoint cannot fail to build.
        try! Middlewares(layers + [endpoint]).wrap(Endpoint.notFound, in: environment)
    }
}

enum BenchmarkError: Error {
    case unexpectedResponse(String)
}
