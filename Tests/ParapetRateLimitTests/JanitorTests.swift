import ParapetCore
import ParapetSimulation
import Testing

@testable import ParapetRateLimit

@Suite("Janitor")
struct JanitorTests {
    /// What the janitor had done at each checkpoint.
    struct Checkpoint: Equatable, Sendable {
        var keys: Int
        var liveTasks: Int
        var spawned: Int
    }

    @Test(
        "idle keys are evicted in virtual time; the janitor stops with nothing to watch and restarts with the next key")
    func evictionAndLifecycle() async throws {
        let simulation = Simulation(seed: 1, wallClockStart: wholeMinute)
        let checkpoints = try await simulation.run { runtime in
            let limiter = try RateLimit.Strategy.fixedWindow(limit: 5, per: .seconds(1)).limiter(on: runtime)
            guard let keyed = limiter as? KeyedRateLimiter<FixedWindow> else { return [Checkpoint]() }
            func checkpoint() -> Checkpoint {
                Checkpoint(
                    keys: keyed.keyCount, liveTasks: simulation.spawner.liveCount,
                    spawned: simulation.spawner.spawnedCount)
            }
            var seen: [Checkpoint] = []
            for client in 0..<100 {
                _ = try await limiter.acquire(RateLimitKey("client-\(client)"))
            }
            seen.append(checkpoint())  // 100 keys, one janitor
            try await runtime.clock.sleep(for: .seconds(59))
            seen.append(checkpoint())  // no sweep yet
            try await runtime.clock.sleep(for: .seconds(2))
            seen.append(checkpoint())  // swept at 60 s: every window is over, the janitor has stopped
            _ = try await limiter.acquire(RateLimitKey("late"))
            seen.append(checkpoint())  // a new key starts a new janitor
            try await runtime.clock.sleep(for: .seconds(61))
            seen.append(checkpoint())
            return seen
        }
        #expect(
            checkpoints == [
                Checkpoint(keys: 100, liveTasks: 1, spawned: 1),
                Checkpoint(keys: 100, liveTasks: 1, spawned: 1),
                Checkpoint(keys: 0, liveTasks: 0, spawned: 1),
                Checkpoint(keys: 1, liveTasks: 1, spawned: 2),
                Checkpoint(keys: 0, liveTasks: 0, spawned: 2),
            ])
    }

    @Test("a key still in use survives the sweeps that evict the idle ones, and keeps the janitor alive")
    func activeKeysSurvive() async throws {
        let simulation = Simulation(seed: 1)
        let counts = try await simulation.run { runtime in
            let limiter = try RateLimit.Strategy.slidingWindow(limit: 10, per: .seconds(30)).limiter(on: runtime)
            guard let keyed = limiter as? KeyedRateLimiter<SlidingWindow> else { return [Int]() }
            for client in 0..<10 {
                _ = try await limiter.acquire(RateLimitKey("idle-\(client)"))
            }
            var counts: [Int] = []
            // The sliding window's janitor sweeps every two windows (60 s); a key is idle two windows after
            // its last request. One client keeps coming every 20 s.
            for _ in 0..<9 {
                _ = try await limiter.acquire(RateLimitKey("busy"))
                try await runtime.clock.sleep(for: .seconds(20))
                counts.append(keyed.keyCount)
            }
            counts.append(simulation.spawner.liveCount)
            return counts
        }
        // Swept at 60 s: the idle keys' last requests were at 0 s, two windows ago; "busy" stays.
        #expect(counts == [11, 11, 1, 1, 1, 1, 1, 1, 1, 1])
    }

    @Test("a janitor cancelled by the spawner (shutdown) is retired, not restarted")
    func retiredOnCancellation() async throws {
        let simulation = Simulation(seed: 1)
        let limiter = try await simulation.run { runtime in
            let limiter = try RateLimit.Strategy.leakyBucket(interval: .seconds(1), queue: 0).limiter(on: runtime)
            _ = try await limiter.acquire(RateLimitKey("k"))
            return limiter
        }
        // The run's end cancelled the janitor.
        let keyed = try #require(limiter as? KeyedRateLimiter<LeakyBucket>)
        #expect(keyed.janitorPhase == .retired)
        #expect(simulation.spawner.liveCount == 0)
    }
}
