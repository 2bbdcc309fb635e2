import NIOCore
import ParapetCore
import ParapetRateLimit
import ParapetRedis
import ParapetTestSupport
import Synchronization
import Testing

@Suite("Global fixed window on a real redis-server", .timingSensitive, .timeLimit(.minutes(10)))
struct RedisFixedWindowStoreTests {
    /// An instant at the start of a one-second (and one-minute) window.
    let windowStart = WallInstant(secondsSinceEpoch: 1_800_000_000)

    @Test func twoIndependentCountersShareOneLimitExactly() async throws {
        try await withRedisServer { server in
            let clock = StoppedWallClock(now: windowStart.advanced(by: .seconds(10)))
            let clients = [
                RedisClient(configuration: server.configuration()), RedisClient(configuration: server.configuration()),
            ]
            let counters = clients.map {
                SharedFixedWindowCounter(store: RedisFixedWindowStore(client: $0), wallClock: clock)
            }
            let decisions = await withTaskGroup(of: SharedFixedWindowCounter.Decision.self) { group in
                for index in 0..<400 {
                    let counter = counters[index % 2]
                    group.addTask { await counter.take(key: "shared", limit: 50, window: .seconds(60)) }
                }
                return await group.reduce(into: []) { $0.append($1) }
            }
            let allowed = decisions.filter { if case .allowed = $0 { true } else { false } }
            let limited = decisions.filter { if case .limited = $0 { true } else { false } }
            #expect(allowed.count == 50)
            #expect(limited.count == 350)
            #expect(
                Set(allowed.compactMap { if case .allowed(let count, _) = $0 { count } else { nil } }) == Set(1...50))
            #expect(limited.allSatisfy { $0.retryAfter.map { $0 > .zero && $0 <= .seconds(50) } ?? false })
            // Over-limit requests are counted too, under the documented key.
            let index = 1_800_000_010 / 60
            let stored = try await clients[0].send(["GET", "parapet:rl:shared:\(index)"])
            #expect(stored.stringValue == "400")
            for client in clients { await client.close() }
        }
    }

    @Test func keysExpireWithTheirWindow() async throws {
        // Redis expires the key on its own real clock; a 3 s window leaves a loaded machine room between
        // the calls below while still telling "expires with the window" from "lingers".
        let window = Duration.seconds(3)
        try await withRedisServer { server in
            let client = RedisClient(configuration: server.configuration())
            let counter = SharedFixedWindowCounter(
                store: RedisFixedWindowStore(client: client), wallClock: StoppedWallClock(now: windowStart))
            #expect(
                await counter.take(key: "brief", limit: 1, window: window) == .allowed(count: 1, resetIn: window))
            guard case .limited(2, let retryAfter) = await counter.take(key: "brief", limit: 1, window: window) else {
                Issue.record("the second request in the window was not limited")
                return
            }
            #expect(retryAfter > .seconds(1) && retryAfter <= window)
            let key = "parapet:rl:brief:600000000"
            guard case .integer(let timeToLive) = try await client.send(["PTTL", key]) else {
                Issue.record("the key has no time to live")
                return
            }
            #expect(timeToLive > 0 && timeToLive <= 3_000)
            // Redis forgets the key when the window ends: counting starts over in the same window index.
            let started = ContinuousClock.now
            while try await client.send(["EXISTS", key]) == .integer(1) {
                #expect(ContinuousClock.now - started < window + .seconds(1), "the key outlived its window")
                try await Task.sleep(for: .milliseconds(50))
            }
            #expect(ContinuousClock.now - started <= window + .milliseconds(300))
            #expect(await counter.take(key: "brief", limit: 1, window: window) == .allowed(count: 1, resetIn: window))
            await client.close()
        }
    }

    @Test func aKeyInAnotherWindowCountsFromOne() async throws {
        try await withRedisServer { server in
            let client = RedisClient(configuration: server.configuration())
            let clock = ManualWallClock(now: windowStart)
            let counter = SharedFixedWindowCounter(store: RedisFixedWindowStore(client: client), wallClock: clock)
            for expected in 1...3 {
                #expect(await counter.take(key: "k", limit: 2, window: .seconds(60)).isAllowed == (expected <= 2))
            }
            clock.advance(by: .seconds(60))
            #expect(
                await counter.take(key: "k", limit: 2, window: .seconds(60))
                    == .allowed(count: 1, resetIn: .seconds(60)))
            await client.close()
        }
    }

    @Test func aRedisErrorFailsOpenAndReachesTheErrorHook() async throws {
        try await withRedisServer { server in
            let client = RedisClient(configuration: server.configuration())
            let errors = Mutex<[String]>([])
            let clock = StoppedWallClock(now: windowStart)
            _ = try await client.send(["SET", "parapet:rl:text:\(1_800_000_000 / 60)", "not a number"])
            let store = RedisFixedWindowStore(client: client)
            let open = SharedFixedWindowCounter(store: store, wallClock: clock) { error in
                errors.withLock { $0.append("\(error)") }
            }
            #expect(await open.take(key: "text", limit: 5, window: .seconds(60)) == .failedOpen)
            let closed = SharedFixedWindowCounter(store: store, wallClock: clock, failureMode: .closed)
            #expect(
                await closed.take(key: "text", limit: 5, window: .seconds(60))
                    == .failedClosed(retryAfter: .seconds(60)))
            #expect(errors.withLock { $0.count } == 1)
            #expect(errors.withLock { $0.first?.contains("not an integer") ?? false })
            await client.close()
        }
    }
}

/// A wall clock the test moves by hand.
final class ManualWallClock: WallClock {
    private let current: Mutex<WallInstant>

    init(now: WallInstant) {
        current = Mutex(now)
    }

    var now: WallInstant { current.withLock { $0 } }

    func advance(by duration: Duration) {
        current.withLock { $0 = $0.advanced(by: duration) }
    }
}
