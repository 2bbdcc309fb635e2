import NIOCore
import NIOPosix
import ParapetCore
@testable import ParapetNIO
import ParapetRateLimit
import ParapetRedis
import ParapetTestSupport
import ParapetTesting
import Synchronization
import Testing

/// Redis going away, hanging and coming back. Serialized: these tests measure how long calls take.
@Suite("Redis outages: fail open or closed within the timeout, then recover", .serialized, .timingSensitive, .timeLimit(.minutes(10)))
struct RedisOutageTests {
    let timeout = Duration.milliseconds(100)
    /// Room for scheduling on a busy two-core machine, on top of the timeout.
    let slack = Duration.milliseconds(100)
    let clock = StoppedWallClock(now: WallInstant(secondsSinceEpoch: 1_800_000_000))

    /// Runs `count` decisions one after another, returning them with the longest time one took.
    func decide(
        _ count: Int, with counter: SharedFixedWindowCounter, key: String = "client"
    ) async -> (decisions: [SharedFixedWindowCounter.Decision], longest: Duration) {
        var decisions: [SharedFixedWindowCounter.Decision] = []
        var longest = Duration.zero
        for _ in 0..<count {
            let started = ContinuousClock.now
            decisions.append(await counter.take(key: key, limit: 1_000_000, window: .seconds(60)))
            longest = max(longest, ContinuousClock.now - started)
        }
        return (decisions, longest)
    }

    /// Decides until one is allowed by Redis again, returning how long that took.
    func timeUntilCounting(with counter: SharedFixedWindowCounter) async throws -> Duration {
        let started = ContinuousClock.now
        while true {
            if case .allowed = await counter.take(key: "client", limit: 1_000_000, window: .seconds(60)) {
                return ContinuousClock.now - started
            }
            guard ContinuousClock.now - started < .seconds(5) else { throw TimeLimitExceeded(limit: .seconds(5)) }
            try await Task.sleep(for: .milliseconds(10))
        }
    }

    /// Runs `body` against a fresh redis-server, with the client's connections and timers (on the group it
    /// is given) and the test's own measuring tasks all on one event-loop thread of their own. The durations
    /// measured are then the client's, not a wait for a turn on Swift's two-thread cooperative pool, which a
    /// parallel `swift test` keeps busy with hundreds of other tests.
    func withOwnThread(_ body: (RedisServerProcess, any EventLoopGroup) async throws -> Void) async throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        do {
            try await withTaskExecutorPreference(EventLoopExecutor(group.next())) {
                try await withRedisServer { server in try await body(server, group) }
            }
        } catch {
            try? await group.shutdownGracefully()
            throw error
        }
        try await group.shutdownGracefully()
    }

    /// A counter whose client has the production timeout and has connected (with time to spare), and that
    /// client, for the test to close.
    func counter(
        for server: RedisServerProcess, on group: any EventLoopGroup, failureMode: SharedFixedWindowCounter.FailureMode,
        errors: ErrorLog
    ) async throws -> (SharedFixedWindowCounter, RedisClient) {
        var configuration = server.configuration()
        configuration.timeout = timeout
        let client = RedisClient(configuration: configuration, eventLoopGroup: group)
        _ = try await client.send(["PING"], timeout: .seconds(5))
        let store = RedisFixedWindowStore(client: client)
        let counter = SharedFixedWindowCounter(store: store, wallClock: clock, failureMode: failureMode) {
            errors.record($0)
        }
        return (counter, client)
    }

    @Test(arguments: [SharedFixedWindowCounter.FailureMode.open, .closed])
    func aStoppedServerFailsEveryDecisionWithinTheTimeoutAndARestartRecovers(
        failureMode: SharedFixedWindowCounter.FailureMode
    ) async throws {
        try await withOwnThread { server, group in
            let errors = ErrorLog()
            let (counter, client) = try await counter(for: server, on: group, failureMode: failureMode, errors: errors)
            // Healthy: Redis counts (on a loaded machine an early call may still meet the 100 ms timeout
            // while the pool opens its connections; that is not what this test is about).
            let before = await decide(20, with: counter)
            #expect(before.decisions.contains { if case .allowed = $0 { true } else { false } })
            let errorsBefore = errors.count

            await server.stop()
            let during = await decide(200, with: counter)
            let expected: SharedFixedWindowCounter.Decision =
                failureMode == .open ? .failedOpen : .failedClosed(retryAfter: .seconds(60))
            #expect(during.decisions.allSatisfy { $0 == expected })
            #expect(during.longest <= timeout + slack, "a decision took \(during.longest)")
            #expect(errors.count - errorsBefore == 200, "every failed decision reached the error hook")
            print(
                "Redis stopped: 200 decisions \(failureMode == .open ? "failed open" : "failed closed"), the longest in \(during.longest)"
            )

            try await server.restart()
            let recovery = try await timeUntilCounting(with: counter)
            // The client retries at most every 200 ms (the test's maximum backoff).
            #expect(recovery <= .seconds(1), "counting resumed after \(recovery)")
            print("Redis restarted: counting resumed after \(recovery)")
            await client.close()
        }
    }

    @Test func aHungServerTimesOutEveryDecisionWithinTheTimeout() async throws {
        try await withOwnThread { server, group in
            let errors = ErrorLog()
            let (counter, client) = try await counter(for: server, on: group, failureMode: .open, errors: errors)
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
            await client.close()
        }
    }

    @Test func concurrentDecisionsDuringAnOutageAreAllBounded() async throws {
        try await withOwnThread { server, group in
            let errors = ErrorLog()
            let (counter, client) = try await counter(for: server, on: group, failureMode: .open, errors: errors)
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
            await client.close()
        }
    }
}

extension RedisOutageTests {
    @Test func killingTheServerUnderLoadNeverStallsADecision() async throws {
        try await withOwnThread { server, group in
            let errors = ErrorLog()
            let (counter, client) = try await counter(for: server, on: group, failureMode: .open, errors: errors)
            let recorder = PhaseRecorder()
            try await withThrowingTaskGroup(of: Void.self) { group in
                for _ in 0..<8 {
                    group.addTask {
                        let started = ContinuousClock.now
                        while ContinuousClock.now - started < .milliseconds(1_500) {
                            let phase = recorder.phase
                            let decisionStarted = ContinuousClock.now
                            let decision = await counter.take(key: "client", limit: 1_000_000, window: .seconds(60))
                            let took = ContinuousClock.now - decisionStarted
                            // A decision that spans a change of phase only counts towards the time bound.
                            recorder.record(decision, took: took, in: recorder.phase == phase ? phase : .changing)
                            // A request path does more than decide: let the other workers run.
                            await Task.yield()
                        }
                    }
                }
                group.addTask {
                    try await Task.sleep(for: .milliseconds(300))
                    recorder.phase = .changing
                    await server.stop()
                    recorder.phase = .down
                    try await Task.sleep(for: .milliseconds(300))
                    recorder.phase = .changing
                    try await server.restart()
                    recorder.phase = .restarted
                }
                try await group.waitForAll()
            }
            let before = recorder.log(of: .up)
            let during = recorder.log(of: .down)
            let after = recorder.log(of: .restarted)
            #expect(before.allowed > 0 && before.failedOpen == 0)
            #expect(during.failedOpen > 0 && during.allowed == 0)
            #expect(after.allowed > 0, "counting resumed after the restart")
            let longest = max(before.longest, during.longest, after.longest, recorder.log(of: .changing).longest)
            #expect(longest <= timeout + slack, "a decision took \(longest)")
            print(
                "Redis killed under load: \(before.allowed) allowed before, \(during.failedOpen) failed open while down, "
                    + "\(after.allowed) allowed after the restart; the longest decision took \(longest)")
            await client.close()
        }
    }
}

/// The decisions made in each phase of an outage, as concurrent workers report them.
final class PhaseRecorder: Sendable {
    enum Phase: Hashable {
        case up, changing, down, restarted
    }

    struct Log {
        var allowed = 0
        var failedOpen = 0
        var longest = Duration.zero
    }

    private struct State {
        var phase = Phase.up
        var logs: [Phase: Log] = [:]
    }

    private let state = Mutex(State())

    var phase: Phase {
        get { state.withLock { $0.phase } }
        set { state.withLock { $0.phase = newValue } }
    }

    func record(_ decision: SharedFixedWindowCounter.Decision, took duration: Duration, in phase: Phase) {
        state.withLock { state in
            var log = state.logs[phase] ?? Log()
            log.longest = max(log.longest, duration)
            if case .allowed = decision { log.allowed += 1 }
            if decision == .failedOpen { log.failedOpen += 1 }
            state.logs[phase] = log
        }
    }

    func log(of phase: Phase) -> Log {
        state.withLock { $0.logs[phase] ?? Log() }
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
