public import ParapetCore
public import ParapetRateLimit
import Synchronization

/// A Redis server for the simulator: the ``ParapetRateLimit/FixedWindowStore`` of a shared rate limit, kept
/// in memory and played in virtual time, with the latency, outages and timeout of the real client.
///
/// Each call counts as the real store's Lua script does (increment; a new key expires after the given
/// milliseconds; answer the count and the time to live) and takes a latency drawn from its
/// ``LatencyDistribution`` on the seeded stream `redis/<name>`. What the client sees depends on the server's ``State``, changed with
/// ``set(_:)`` at the current virtual instant:
///
/// | state | a call | like the real client (`ParapetRedis`) |
/// |---|---|---|
/// | ``State/up`` | answered after its latency; one slower than ``timeout`` fails at the timeout, though the server counted it | a reply, or `RedisClientError.timedOut` |
/// | ``State/down`` | fails at once; going down loses every key | `RedisClientError.unavailable` (a refused connection) |
/// | ``State/partitioned`` | fails at exactly ``timeout``; the keys are kept | `RedisClientError.timedOut` |
///
/// A reply in flight is lost if the server goes down (failing with ``SimulatedRedisError/connectionClosed``
/// when it was due) or is cut off (failing at the timeout) before it arrives.
///
/// Everything runs on the monotonic virtual clock, keys expiring in whole milliseconds: the server keeps
/// time of its own, which a step of the proxies' wall clock (NTP) does not move. Cancelling the caller ends
/// its wait at once with `CancellationError` — the real client lets the timeout alone bound a call, but a
/// virtual sleep cannot outlive its cancelled task.
///
/// ```swift
/// let test = ChainTest(seed: 7)
/// let redis = SimulatedRedis(runtime: test.runtime, latency: .uniform(min: .microseconds(300), max: .milliseconds(2)))
/// try await test.run(RateLimit(.sharedFixedWindow(limit: 100, per: .seconds(60), store: redis))) { client in
///     redis.set(.partitioned)   // every decision now waits 100 ms, then fails open
///     _ = try await client.execute(.get, "/")
/// }
/// print(redis.tally.timedOut)   // 1
/// ```
///
/// It opens no socket and starts no task: a call is at most two sleeps on the virtual clock. The same seed
/// gives the same latencies, so the same run.
public final class SimulatedRedis: FixedWindowStore {
    /// Whether the server answers.
    public enum State: Sendable, Hashable {
        /// Running and reachable.
        case up
        /// Not running: connections are refused. Its keys are gone when it comes back.
        case down
        /// Running but unreachable: nothing the client sends is answered.
        case partitioned
    }

    /// What became of the calls so far, counted when each caller got its outcome (a caller cancelled
    /// while it waited is counted in ``calls`` only).
    public struct Tally: Sendable, Hashable {
        /// Calls made.
        public var calls = 0
        /// Calls answered with a count.
        public var answered = 0
        /// Calls that failed at once: the server was down, or went down under the reply.
        public var refused = 0
        /// Calls that failed at the timeout: the server was cut off, or slower than the timeout.
        public var timedOut = 0
    }

    /// The real client's default timeout, `RedisConfiguration().timeout` in `ParapetRedis`: 100 ms. The two
    /// must agree for a simulation to show what production does; a test of `ParapetRedis` checks that they
    /// do (this module cannot import it).
    public static let defaultTimeout = Duration.milliseconds(100)

    /// The default latency: a round trip on a local network.
    public static let defaultLatency = LatencyDistribution.fixed(.milliseconds(1))

    /// The server's name, which names its random stream.
    public let name: String
    /// How long the client waits for a reply: the `RedisConfiguration.timeout` of the client simulated.
    public let timeout: Duration

    private struct Guarded: Sendable {
        var machine: StateMachine
        var random: RandomGenerator
        var tally = Tally()
    }

    private let clock: any MonotonicClock
    private let guarded: Mutex<Guarded>

    /// Creates a server that is up, on `runtime`'s monotonic clock and its random stream `redis/<name>`.
    ///
    /// - Parameters:
    ///   - latency: the round trip of one call, client to server and back.
    ///   - timeout: the simulated client's budget per call; keep it equal to the production client's.
    public init(
        runtime: Runtime,
        name: String = "redis",
        latency: LatencyDistribution = SimulatedRedis.defaultLatency,
        timeout: Duration = SimulatedRedis.defaultTimeout
    ) {
        self.name = name
        self.timeout = timeout
        clock = runtime.clock
        guarded = Mutex(
            Guarded(
                machine: StateMachine(latency: latency, timeout: timeout),
                random: runtime.random.generator(for: "redis/\(name)")))
    }

    /// The server's state now.
    public var state: State { guarded.withLock { $0.machine.state } }

    /// The outcomes of the calls so far.
    public var tally: Tally { guarded.withLock { $0.tally } }

    /// Moves the server to `state` now: calls made from this instant on meet it, and a reply in flight is
    /// lost if the server goes down or is cut off. Going down loses every key.
    ///
    /// ```swift
    /// redis.set(.down)   // crash
    /// redis.set(.up)     // restart, empty
    /// ```
    public func set(_ state: State) {
        guarded.withLock { $0.machine.set(state) }
    }

    /// Draws the latency of calls made from now on from `latency`: above ``timeout``, a slow server whose
    /// calls time out although it still counts them.
    ///
    /// ```swift
    /// redis.set(latency: .fixed(.milliseconds(250)))   // every call now times out at 100 ms, counted
    /// ```
    public func set(latency: LatencyDistribution) {
        guarded.withLock { $0.machine.set(latency: latency) }
    }

    /// Increments `key` as the real store's script does, after the simulated round trip.
    ///
    /// - Throws: ``SimulatedRedisError`` when the client gets no reply; `CancellationError` when the caller is
    ///   cancelled while it waits.
    public func increment(_ key: String, expiringNewKeyAfter milliseconds: Int64) async throws
        -> (count: Int, timeToLive: Int64)
    {
        let start = clock.now.nanoseconds
        let plan = guarded.withLock { guarded in
            guarded.tally.calls += 1
            return guarded.machine.call(key, expiringNewKeyAfter: milliseconds, at: start, using: &guarded.random)
        }
        switch plan {
        case .fail(let failure, let at):
            try await fail(with: failure, at: at)
        case .inFlight(let reply):
            try await sleep(until: reply.arrival)
            let delivery = guarded.withLock { guarded in
                let delivery = guarded.machine.deliver(reply)
                if case .answer = delivery { guarded.tally.answered += 1 }
                return delivery
            }
            switch delivery {
            case .answer(let count, let timeToLive):
                return (count, timeToLive)
            case .fail(let failure, let at):
                try await fail(with: failure, at: at)
            }
        }
    }

    private func fail(with failure: SimulatedRedisError, at instant: Int64) async throws -> Never {
        try await sleep(until: instant)
        guarded.withLock { guarded in
            switch failure {
            case .unavailable, .connectionClosed: guarded.tally.refused += 1
            case .timedOut: guarded.tally.timedOut += 1
            }
        }
        throw failure
    }

    private func sleep(until instant: Int64) async throws {
        guard instant > clock.now.nanoseconds else { return }
        try await clock.sleep(until: MonotonicInstant(nanoseconds: instant))
    }
}
