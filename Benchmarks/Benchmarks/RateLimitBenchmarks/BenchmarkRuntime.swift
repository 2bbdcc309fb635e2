// A runtime with the real clocks and nothing else: what a rate limiter's decisions touch in production,
// without building the NIO backend for the benchmark. Background work is dropped, names never resolve,
// and the random source is a constant (no limiter draws from it).

import ParapetCore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The runtime every limiter and middleware benchmark runs on.
let benchmarkRuntime = Runtime(
    clock: RealMonotonicClock(), wallClock: RealWallClock(), random: ConstantRandomSource(), spawner: DroppingSpawner(),
    resolver: NoNetwork())

/// The system's continuous clock as a ``MonotonicClock``.
struct RealMonotonicClock: MonotonicClock {
    private let base = ContinuousClock()
    private let origin = ContinuousClock().now

    var now: MonotonicInstant { MonotonicInstant(offset: origin.duration(to: base.now)) }
    var minimumResolution: Duration { base.minimumResolution }

    func sleep(until deadline: MonotonicInstant, tolerance: Duration?) async throws {
        try await base.sleep(until: origin.advanced(by: deadline.offset), tolerance: tolerance)
    }
}

/// `CLOCK_REALTIME` as a ``WallClock``.
struct RealWallClock: WallClock {
    var now: WallInstant {
        var time = timespec()
        clock_gettime(CLOCK_REALTIME, &time)
        return WallInstant(sinceEpoch: .seconds(time.tv_sec) + .nanoseconds(time.tv_nsec))
    }
}

/// Always the same number.
struct ConstantRandomSource: RandomSource {
    func next() -> UInt64 { 0x9E37_79B9_7F4A_7C15 }
    func stream(named component: String) -> any RandomSource { self }
}

/// Starts nothing.
struct DroppingSpawner: Spawner {
    struct Dropped: SpawnedTask {
        func cancel() {}
    }

    @discardableResult
    func spawn(_ name: String, _ operation: @escaping @Sendable () async -> Void) -> any SpawnedTask { Dropped() }
    func cancelAll() {}
}

/// Resolves nothing.
struct NoNetwork: Resolver {
    struct Unavailable: Error {}

    func resolve(host: String, port: UInt16) async throws -> [NetworkAddress] { throw Unavailable() }
}
