import NIOCore
import ParapetCore
import ParapetRedis
import Synchronization
import Testing

/// Redis going away, hanging and coming back. Serialized: these tests measure how long calls take.
@Suite("Redis outages: fail open or closed within the timeout, then recover", .serialized, .timeLimit(.minutes(1)))
struct RedisOutageTests {
    let timeout = Duration.milliseconds(100)
    /// Room for scheduling on a busy two-core machine, on top of the timeout.
    let slack = Duration.milliseconds(100)
    let clock = StoppedWallClock(now: WallInstant(secondsSinceEpoch: 1_800_000_000))

    /// Runs `count` decisions one after another, returning them with the longest time one took.
    func decide(
        _ count: Int, with counter: RedisFixedWindowCounter, key: String = "client"
    ) async -> (decisions: [RedisFixedWindowCounter.Decision], longest: Duration) {
        var decisions: [RedisFixedWindowCounter.Decision] = []
        var longest = Duration.zero
        for _ in 0..<count {
            let started = ContinuousClock.now
            decisions.append(await counter.take(key: key, limit: 1_000_000, window: .seconds(60)))
            longest = max(longest, ContinuousClock.now - started)
        }
        return (decisions, longest)
    }

    /// Decides until one is allowed by Redis again, returning how long that took.
    func timeUntilCounting(with counter: RedisFixedWindowCounter) async throws -> Duration {
        let started = ContinuousClock.now
        while true {
            if case .allowed = await counter.take(key: "client", limit: 1_000_000, window: .seconds(60)) {
                return ContinuousClock.now - started
            }
            guard ContinuousClock.now - started < .seconds(5) else { throw TimeLimitExceeded(limit: .seconds(5)) }
            try await Task.sleep(for: .milliseconds(10))
        }
    }

    /// A counter whose client has the production timeout and has connected (with time to spare).
    func counter(
        for server: RedisServerProcess, failureMode: RedisFixedWindowCounter.FailureMode, errors: ErrorLog
    ) async throws -> RedisFixedWindowCounter {
        var configuration = server.configuration()
        configuration.timeout = timeout
        let client = RedisClient(configuration: configuration)
        _ = try await client.send(["PING"], timeout: .seconds(5))
        return RedisFixedWindowCounter(client: client, wallClock: clock, failureMode: failureMode) {
            errors.record($0)
        }
    }

    @Test(arguments: [RedisFixedWindowCounter.FailureMode.open, .closed])
    func aStoppedServerFailsEveryDecisionWithinTheTimeoutAndARestartRecovers(
        failureMode: RedisFixedWindowCounter.FailureMode
    ) async throws {
        try await withRedisServer { server in
            let errors = ErrorLog()
            let counter = try await counter(for: server, failureMode: failureMode, errors: errors)
            let before = await decide(20, with: counter)
            #expect(before.decisions.allSatisfy { if case .allowed = $0 { true } else { false } })

            await server.stop()
            let during = await decide(200, with: counter)
            let expected: RedisFixedWindowCounter.Decision =
                failureMode == .open ? .failedOpen : .failedClosed(retryAfter: .seconds(60))
            #expect(during.decisions.allSatisfy { $0 == expected })
            #expect(during.longest <= timeout + slack, "a decision took \(during.longest)")
            #expect(errors.count == 200, "every failed decision reached the error hook")
            print(
                "Redis stopped: 200 decisions \(failureMode == .open ? "failed open" : "failed closed"), the longest in \(during.longest)"
            )

            try await server.restart()
            let recovery = try await timeUntilCounting(with: counter)
            // The client retries at most every 200 ms (the test's maximum backoff).
            #expect(recovery <= .seconds(1), "counting resumed after \(recovery)")
            print("Redis restarted: counting resumed after \(recovery)")
            await counter.client.close()
        }
    }

    @Test func aHungServerTimesOutEveryDecisionWithinTheTimeout() async throws {
        try await withRedisServer { server in
            let errors = ErrorLog()
            let counter = try await counter(for: server, failureMode: .open, errors: errors)
            #expect(await counter.take(key: "client", limit: 10, window: .seconds(60)).isAllowed)

            server.setFrozen(true)
            let during = await decide(10, with: counter)
            server.setFrozen(false)
            #expect(during.decisions.allSatisfy { $0 == .failedOpen })
            #expect(during.longest <= timeout + slack, "a decision took \(during.longest)")
            #expect(errors.contains(RedisClientError.timedOut))
            print("Redis frozen: 10 decisions failed open, the longest in \(during.longest)")

            let recovery = try await timeUntilCounting(with: counter)
            #expect(recovery <= .seconds(1), "counting resumed after \(recovery)")
            await counter.client.close()
        }
    }

    @Test func concurrentDecisionsDuringAnOutageAreAllBounded() async throws {
        try await withRedisServer { server in
            let errors = ErrorLog()
            let counter = try await counter(for: server, failureMode: .open, errors: errors)
            _ = await counter.take(key: "client", limit: 10, window: .seconds(60))
            server.setFrozen(true)
            let durations = await withTaskGroup(of: Duration.self) { group in
                for _ in 0..<200 {
                    group.addTask {
                        let started = ContinuousClock.now
                        _ = await counter.take(key: "client", limit: 10, window: .seconds(60))
                        return ContinuousClock.now - started
                    }
                }
                return await group.reduce(into: []) { $0.append($1) }
            }
            server.setFrozen(false)
            let longest = durations.max() ?? .zero
            #expect(longest <= timeout + slack, "a decision took \(longest)")
            #expect(errors.count == 200)
            print("Redis frozen: 200 concurrent decisions failed open, the longest in \(longest)")
            await counter.client.close()
        }
    }
}

/// The errors a counter reported to its hook.
final class ErrorLog: Sendable {
    private let errors = Mutex<[RedisClientError]>([])

    func record(_ error: any Error) {
        errors.withLock { $0.append(error as? RedisClientError ?? .protocolError("\(error)")) }
    }

    var count: Int { errors.withLock { $0.count } }

    func contains(_ error: RedisClientError) -> Bool {
        errors.withLock { $0.contains(error) }
    }
}
