// What one proxied request costs the proxy: mallocs and thread hops, through the HTTP/1.1 and the h2c
// server pipelines, over the pooled HTTP/1.1 upstream client.
//
// A Parapet server on 127.0.0.1 (backend profile, `MultiThreadedEventLoopGroup.singleton` for server
// and client, as in ProxyBench) proxies to an origin; the benchmark's own thread is both the client and
// the origin, with blocking sockets and buffers allocated up front, so every malloc counted during a
// sample is the proxy's. One request is in flight at a time:
//
//   client writes the request → proxy → origin reads it, writes the answer → proxy → client reads it
//
//   Proxy/h1 13 B, Proxy/h1 16 KiB     HTTP/1.1 keep-alive client
//   Proxy/h2c 13 B, Proxy/h2c 16 KiB   h2c client (prior knowledge), one stream after another
//
// Metrics per request (each sample is `scalingFactor` requests; pass `--scale` for values per 1000):
//   Malloc (total)                 mallocs in the whole process, all threads: the proxy's
//   Proxy thread switches          context switches of every thread but the benchmark's: a
//                                  proxy that keeps a request on its event loop blocks at most twice
//                                  (waiting for the request, then for the origin's answer); each hop to
//                                  another thread — the other event loop or a Swift concurrency
//                                  thread — adds one for the thread it wakes. Thread hops ≈ this − 2.
//   CPU time (total, ns)           getrusage of the process, including the benchmark thread's socket work

import Benchmark
import Logging
import NIOCore
import NIOPosix
import Parapet
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

let cpuTime = BenchmarkMetric.custom("CPU time (total, ns)")
let threadSwitches = BenchmarkMetric.custom("Proxy thread switches")

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, cpuTime, .mallocCountTotal, threadSwitches, .throughput],
        timeUnits: .microseconds,
        warmupIterations: 2,
        scalingFactor: .kilo,
        maxDuration: .seconds(5),
        maxIterations: 30
    )
    for (label, size) in [("13 B", 13), ("16 KiB", 16 << 10)] {
        registerProxyBenchmark("Proxy/h1 \(label)", bodySize: size, client: HTTP1PingPongClient.self)
        registerProxyBenchmark("Proxy/h2c \(label)", bodySize: size, client: H2CPingPongClient.self)
    }
}

/// A client that sends one request at a time to the proxy.
protocol PingPongClient: AnyObject, SendableMetatype {
    /// Connects to the proxy on `127.0.0.1:port`, to ask for `path`.
    init(port: Int, path: String)
    /// Sends the request.
    func send()
    /// Reads the response; returns the body's size.
    func receive() -> Int
}

extension HTTP1PingPongClient: PingPongClient {}
extension H2CPingPongClient: PingPongClient {}

/// Registers a benchmark that sends requests one at a time through a fresh proxy, with a new `client` per
/// sample; the origin answers each with a body of `bodySize` bytes.
func registerProxyBenchmark(_ name: String, bodySize: Int, client: (some PingPongClient).Type) {
    Benchmark(name) { benchmark in
        guard let proxy = RunningProxy.current.withLock({ $0 }) else {
            benchmark.error("the proxy did not start")
            return
        }
        let origin = proxy.origin
        let client = client.init(port: proxy.port, path: "/")
        let response = originResponse(bodySize: bodySize)
        response.withUnsafeBytes { response in
            // The first request opens the upstream connection: outside the measurement.
            precondition(exchange(client, origin, response) == bodySize, "the proxy changed the body's size")
            let switchesBefore = contextSwitchesOfOtherThreads()
            let cpuBefore = processCPUTime()
            benchmark.startMeasurement()
            var wrongSizes = 0
            for _ in benchmark.scaledIterations where exchange(client, origin, response) != bodySize {
                wrongSizes += 1
            }
            benchmark.stopMeasurement()
            benchmark.measurement(cpuTime, processCPUTime() - cpuBefore)
            benchmark.measurement(threadSwitches, contextSwitchesOfOtherThreads() - switchesBefore)
            if wrongSizes > 0 { benchmark.error("\(wrongSizes) responses had the wrong body size") }
        }
    } setup: {
        try await RunningProxy.start()
    } teardown: {
        await RunningProxy.stop()
    }
}

/// One request: the client sends it, the origin answers with `response`, the client reads the answer;
/// returns the body size the client received.
func exchange(_ client: some PingPongClient, _ origin: PingPongOrigin, _ response: UnsafeRawBufferPointer) -> Int {
    client.send()
    origin.answer(with: response)
    return client.receive()
}

/// User + system CPU time of the process, in nanoseconds.
func processCPUTime() -> Int {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    let micros =
        (usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) * 1_000_000 + usage.ru_utime.tv_usec
        + usage.ru_stime.tv_usec
    return Int(micros) * 1_000
}

/// The proxy of the running benchmark: a Parapet server whose chain is one `Upstream` to the origin.
final class RunningProxy: Sendable {
    static let current = Mutex<RunningProxy?>(nil)

    let port: Int
    private let serving: Task<Void, any Error>
    private let transport: HTTPClientTransport
    /// The origin, which only the benchmark's thread uses.
    nonisolated(unsafe) let origin: PingPongOrigin

    private init(port: Int, serving: Task<Void, any Error>, transport: HTTPClientTransport, origin: PingPongOrigin) {
        self.port = port
        self.serving = serving
        self.transport = transport
        self.origin = origin
    }

    static func start() async throws {
        let origin = PingPongOrigin()
        var configuration = ServerConfiguration.backend
        try configuration.bind(to: "127.0.0.1:0")
        let group = MultiThreadedEventLoopGroup.singleton
        var logger = Logger(label: "proxy-benchmark")
        logger.logLevel = .warning
        let server = Server(configuration: configuration, logger: logger, eventLoopGroup: group)
        let transport = HTTPClientTransport(options: .init(maxIdleConnectionsPerTarget: 256), eventLoopGroup: group)
        server.use(Upstream(SingleHost("127.0.0.1:\(origin.port)", transport: transport)))
        let listener = try await server.listen()
        guard case .ip(_, let port) = listener.localAddress else { preconditionFailure("the proxy is not on TCP") }
        let serving = Task { try await listener.serve() }
        current.withLock { $0 = RunningProxy(port: Int(port), serving: serving, transport: transport, origin: origin) }
    }

    static func stop() async {
        guard let proxy = current.withLock({ $0.take() }) else { return }
        proxy.serving.cancel()
        _ = await proxy.serving.result
        await proxy.transport.shutdown()
    }
}
