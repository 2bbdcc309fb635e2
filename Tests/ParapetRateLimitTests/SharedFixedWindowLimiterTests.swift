import HTTPTypes
import ParapetCore
import ParapetRateLimit
import ParapetSimulation
import ParapetTesting
import Testing

@Suite("RateLimit(.sharedFixedWindow) in a chain, counting in a simulated Redis")
struct SharedFixedWindowLimiterTests {
    /// A chain that answers `200 ok` behind a limit of two requests a minute counted in `redis`.
    func chain(_ redis: SimulatedRedis, failureMode: SharedFixedWindowCounter.FailureMode = .open) -> Middlewares {
        Middlewares([
            RateLimit(.sharedFixedWindow(limit: 2, per: .seconds(60), store: redis, failureMode: failureMode)),
            Endpoint { _, _ in .text("ok") },
        ])
    }

    @Test func limitedRequestsGet429WithRetryAfterAndAnOutageFailsOpen() async throws {
        let test = ChainTest(seed: 3)
        let redis = SimulatedRedis(runtime: test.runtime)
        try await test.run(chain(redis)) { client in
            #expect(try await client.execute(.get, "/").status == .ok)
            #expect(try await client.execute(.get, "/").status == .ok)
            let limited = try await client.execute(.get, "/")
            #expect(limited.status == .tooManyRequests)
            #expect(limited.headerFields[.retryAfter] == "60")

            redis.set(.down)
            #expect(try await client.execute(.get, "/").status == .ok)
            redis.set(.partitioned)
            let start = client.runtime.clock.now
            #expect(try await client.execute(.get, "/").status == .ok)
            #expect(client.runtime.clock.now - start == redis.timeout)

            redis.set(.up)
            #expect(try await client.execute(.get, "/").status == .ok, "the restarted Redis counts from one")
        }
        let tally = redis.tally
        #expect([tally.calls, tally.answered, tally.refused, tally.timedOut] == [6, 4, 1, 1])
    }

    @Test func anOutageFailsClosedWhenAskedTo() async throws {
        let test = ChainTest(seed: 3)
        let redis = SimulatedRedis(runtime: test.runtime)
        try await test.run(chain(redis, failureMode: .closed)) { client in
            try await client.sleep(for: .seconds(20))
            redis.set(.down)
            let refused = try await client.execute(.get, "/")
            #expect(refused.status == .tooManyRequests)
            #expect(refused.headerFields[.retryAfter] == "40")
        }
    }

    @Test func nonsenseLimitsAreRejectedWhenTheChainIsBuilt() {
        let simulation = Simulation(seed: 1)
        let redis = SimulatedRedis(runtime: simulation.runtime)
        let environment = ChainEnvironment(runtime: simulation.runtime, logger: quietLogger)
        for strategy in [
            RateLimit.Strategy.sharedFixedWindow(limit: 0, per: .seconds(1), store: redis),
            .sharedFixedWindow(limit: 5, per: .milliseconds(999), store: redis),
        ] {
            #expect(throws: ConfigurationError.self) {
                _ = try RateLimit(strategy).wrap(Endpoint.notFound, in: environment)
            }
        }
    }
}
