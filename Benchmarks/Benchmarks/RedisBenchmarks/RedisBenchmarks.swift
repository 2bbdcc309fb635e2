// Rate-limit decisions per second against a local redis-server, through ParapetRedis.
//
// Each benchmark starts its own redis-server on a free loopback port (no persistence) in `setup` and
// stops it in `teardown`. Every decision is one `SharedFixedWindowCounter.take` on a `RedisFixedWindowStore`:
// an EVALSHA of the increment-and-expire script over the client's pooled, pipelined connections. Keys
// rotate over 1000 clients with a limit no client reaches, so every decision goes to Redis and comes back
// `.allowed`; a benchmark reports an error if any does not.
//
//   Redis/take, one at a time                      latency: one decision in flight
//   Redis/take, 1000 in flight (pool of 4)         1000 concurrent decisions pipelined over 4 connections
//   Redis/take, 1000 in flight (pool of 1)         the same over a single connection
//   Redis/script ×1000 in one write (pool of 1)    the raw pipeline: 1000 EVALSHAs in one batch
//
// Each sample runs `scalingFactor` (1000) decisions; the text output divides by it, so the numbers
// printed are per decision, and the throughput row is decisions per second. Redis itself runs on the
// same two cores, so its CPU time is part of every number.

import Benchmark
import Foundation
import NIOCore
import NIOPosix
import ParapetCore
import ParapetRateLimit
import ParapetRedis
import Synchronization

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .throughput],
        timeUnits: .microseconds,
        warmupIterations: 2,
        scalingFactor: .kilo,
        maxDuration: .seconds(3),
        maxIterations: 1_000
    )

    registerRedisBenchmark("Redis/take, one at a time", poolSize: 4) { counter, benchmark in
        var refused = 0
        for index in benchmark.scaledIterations {
            refused += await counter.take(key: clientKey(index), limit: .max, window: .seconds(1)).isAllowed ? 0 : 1
        }
        return refused
    }

    for poolSize in [4, 1] {
        registerRedisBenchmark("Redis/take, 1000 in flight (pool of \(poolSize))", poolSize: poolSize) {
            counter, benchmark in
            await withTaskGroup(of: Int.self) { group in
                for index in benchmark.scaledIterations {
                    group.addTask {
                        await counter.take(key: clientKey(index), limit: .max, window: .seconds(1)).isAllowed ? 0 : 1
                    }
                }
                return await group.reduce(0, +)
            }
        }
    }

    registerRedisBenchmark("Redis/script ×1000 in one write (pool of 1)", poolSize: 1) { _, benchmark in
        let commands = benchmark.scaledIterations.map { index in
            RedisCommand([
                "EVALSHA", RedisFixedWindowStore.script.sha1, "1", "parapet:rl:\(clientKey(index)):raw", "1000",
            ])
        }
        guard let replies = try? await LocalRedis.shared.client?.send(commands, timeout: .seconds(10)) else {
            return commands.count
        }
        return replies.count { if case .array = $0 { false } else { true } }
    }
}

/// One of 1000 client keys.
func clientKey(_ index: Int) -> String {
    "bench-client-\(index % 1_000)"
}

/// Registers a benchmark that runs `decide` against a fresh redis-server and a counter whose client has
/// `poolSize` connections; `decide` returns how many of its decisions were not allowed.
func registerRedisBenchmark(
    _ name: String, poolSize: Int, _ decide: @escaping @Sendable (SharedFixedWindowCounter, Benchmark) async -> Int
) {
    Benchmark(name) { benchmark in
        guard let counter = LocalRedis.shared.counter else {
            benchmark.error("redis-server did not start")
            return
        }
        let refused = await decide(counter, benchmark)
        if refused > 0 {
            benchmark.error("\(refused) decisions were not allowed: Redis failed or timed out")
        }
    } setup: {
        try await LocalRedis.shared.start(poolSize: poolSize)
    } teardown: {
        await LocalRedis.shared.stop()
    }
}

/// The redis-server of the running benchmark, a client connected to it and a counter on that client.
final class LocalRedis: Sendable {
    static let shared = LocalRedis()

    private struct Running {
        let process: Process
        let client: RedisClient
        let counter: SharedFixedWindowCounter
    }

    // Process is not Sendable; it is only touched under this lock.
    private let running = Mutex<Running?>(nil)

    var client: RedisClient? { running.withLock { $0?.client } }
    var counter: SharedFixedWindowCounter? { running.withLock { $0?.counter } }

    func start(poolSize: Int) async throws {
        let port = try await freeLoopbackPort()
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/redis-server")
        process.arguments = [
            "--port", "\(port)", "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--loglevel", "warning",
            "--dir", FileManager.default.temporaryDirectory.path,
        ]
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        var configuration = RedisConfiguration(host: "127.0.0.1", port: port)
        configuration.poolSize = poolSize
        configuration.timeout = .seconds(1)
        configuration.reconnectBackoff = RedisBackoff(initial: .milliseconds(10), maximum: .milliseconds(50))
        let client = RedisClient(configuration: configuration)
        var attempts = 0
        while (try? await client.send(["PING"])) != .simpleString("PONG") {
            attempts += 1
            guard attempts < 200 else { throw CocoaError(.executableLoad) }
            try await Task.sleep(for: .milliseconds(20))
        }
        // Cache the script, as the first decision would, so that the raw EVALSHA batch finds it too.
        _ = try await client.send(["SCRIPT", "LOAD", RedisFixedWindowStore.script.source])
        let store = RedisFixedWindowStore(client: client)
        let counter = SharedFixedWindowCounter(store: store, wallClock: SystemClockNow())
        running.withLock { $0 = Running(process: process, client: client, counter: counter) }
    }

    func stop() async {
        guard
            let stopped = running.withLock({ state in
                defer { state = nil }; return state
            })
        else { return }
        await stopped.client.close()
        // SIGKILL: a child inherits the benchmark thread's blocked signals, SIGTERM among them.
        kill(stopped.process.processIdentifier, SIGKILL)
    }
}

/// The system's real-time clock.
struct SystemClockNow: WallClock {
    var now: WallInstant {
        var spec = timespec()
        clock_gettime(CLOCK_REALTIME, &spec)
        return WallInstant(sinceEpoch: .seconds(Int64(spec.tv_sec)) + .nanoseconds(Int64(spec.tv_nsec)))
    }
}

/// A loopback port that was free a moment ago (bound and released).
func freeLoopbackPort() async throws -> Int {
    let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton).bind(
        host: "127.0.0.1", port: 0
    ).get()
    let port = channel.localAddress?.port ?? 0
    try await channel.close()
    return port
}
