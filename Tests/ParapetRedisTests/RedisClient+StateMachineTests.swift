import NIOCore
import Testing

@testable import ParapetRedis

@Suite("Redis connection pool state machine")
struct RedisClientStateMachineTests {
    typealias Pool = RedisClient.StateMachine<String, String>

    let start = NIODeadline.uptimeNanoseconds(1_000_000_000)
    let backoff = RedisBackoff(initial: .milliseconds(50), maximum: .milliseconds(400))

    /// Acquires at `now`, naming attempts `attempt-<n>`.
    func acquire(_ pool: inout Pool, at now: NIODeadline) -> (Pool.Acquisition, [Pool.Connect]) {
        var made = 0
        return pool.acquire(now: now) {
            made += 1
            return "attempt-\(made)"
        }
    }

    func description(_ acquisition: Pool.Acquisition) -> String {
        switch acquisition {
        case .use(let connection): "use \(connection)"
        case .wait(let attempt): "wait \(attempt)"
        case .unavailable: "unavailable"
        case .closed: "closed"
        }
    }

    @Test func theFirstCallOpensEverySlotAndWaitsForOne() {
        var pool = Pool(size: 3, backoff: backoff)
        let (acquisition, connects) = acquire(&pool, at: start)
        #expect(description(acquisition) == "wait attempt-1")
        #expect(connects.map(\.slot) == [0, 1, 2])
        #expect(Set(connects.map(\.generation)).count == 3)
        // Nothing more to open while they connect.
        #expect(acquire(&pool, at: start).1.isEmpty)
    }

    @Test func callsRotateOverConnectedSlots() {
        var pool = Pool(size: 3, backoff: backoff)
        let connects = acquire(&pool, at: start).1
        for connect in connects {
            let isWanted = pool.connectSucceeded(
                slot: connect.slot, generation: connect.generation, connection: "c\(connect.slot)")
            #expect(isWanted)
        }
        let used = (0..<6).map { _ in description(acquire(&pool, at: start).0) }
        #expect(used == ["use c0", "use c1", "use c2", "use c0", "use c1", "use c2"])
    }

    @Test func failedConnectsBackOffExponentiallyAndCallsFailFastMeanwhile() {
        var pool = Pool(size: 1, backoff: backoff)
        var now = start
        var delays: [Int64] = []
        for _ in 0..<6 {
            let (acquisition, connects) = acquire(&pool, at: now)
            #expect(description(acquisition).hasPrefix("wait"))
            guard let connect = connects.first else {
                Issue.record("no connect started at \(now)")
                return
            }
            pool.connectFailed(slot: connect.slot, generation: connect.generation, now: now)
            guard case .idle(let retryAt, _) = pool.slots[0] else {
                Issue.record("slot is not idle after a failed connect")
                return
            }
            delays.append((retryAt - now).nanoseconds / 1_000_000)
            #expect(description(acquire(&pool, at: retryAt - .nanoseconds(1)).0) == "unavailable")
            now = retryAt
        }
        #expect(delays == [50, 100, 200, 400, 400, 400])
    }

    @Test func aHealthyConnectionThatClosesIsReplacedAtOnce() {
        var pool = Pool(size: 1, backoff: backoff)
        let connect = acquire(&pool, at: start).1[0]
        _ = pool.connectSucceeded(slot: 0, generation: connect.generation, connection: "c")
        pool.connectionLost(slot: 0, generation: connect.generation, hasAnswered: true, hasFailed: false, now: start)
        let (acquisition, connects) = acquire(&pool, at: start)
        #expect(description(acquisition) == "wait attempt-1")
        #expect(connects.count == 1)
        #expect(connects[0].generation != connect.generation)
    }

    @Test func aConnectionThatFailsBacksOffByItsStreak() {
        var pool = Pool(size: 1, backoff: backoff)
        var now = start
        // Three connections in a row that open but never answer before timing out.
        for expected in [50, 100, 200] as [Int64] {
            let connect = acquire(&pool, at: now).1[0]
            _ = pool.connectSucceeded(slot: 0, generation: connect.generation, connection: "c")
            pool.connectionLost(slot: 0, generation: connect.generation, hasAnswered: false, hasFailed: true, now: now)
            guard case .idle(let retryAt, _) = pool.slots[0] else {
                Issue.record("slot 0 should be idle, is \(pool.slots[0])")
                return
            }
            #expect((retryAt - now).nanoseconds / 1_000_000 == expected)
            now = retryAt
        }
        // One that answered, then timed out, starts a new streak.
        let connect = acquire(&pool, at: now).1[0]
        _ = pool.connectSucceeded(slot: 0, generation: connect.generation, connection: "c")
        pool.connectionLost(slot: 0, generation: connect.generation, hasAnswered: true, hasFailed: true, now: now)
        guard case .idle(let retryAt, let failures) = pool.slots[0] else {
            Issue.record("slot 0 should be idle, is \(pool.slots[0])")
            return
        }
        #expect(retryAt - now == .milliseconds(50))
        #expect(failures == 1)
    }

    @Test func eventsAboutAnEarlierConnectionChangeNothing() {
        var pool = Pool(size: 1, backoff: backoff)
        let old = acquire(&pool, at: start).1[0]
        _ = pool.connectSucceeded(slot: 0, generation: old.generation, connection: "old")
        pool.connectionLost(slot: 0, generation: old.generation, hasAnswered: true, hasFailed: true, now: start)
        let new = acquire(&pool, at: start + .milliseconds(50)).1[0]
        _ = pool.connectSucceeded(slot: 0, generation: new.generation, connection: "new")
        // The retired connection closes later; the slot keeps its new connection.
        pool.connectionLost(
            slot: 0, generation: old.generation, hasAnswered: true, hasFailed: false, now: start + .seconds(1))
        pool.connectFailed(slot: 0, generation: old.generation, now: start + .seconds(1))
        let isStaleWanted = pool.connectSucceeded(slot: 0, generation: old.generation, connection: "stale")
        #expect(!isStaleWanted)
        #expect(description(acquire(&pool, at: start + .seconds(1)).0) == "use new")
        pool.connectionLost(slot: 7, generation: new.generation, hasAnswered: true, hasFailed: false, now: start)
        #expect(description(acquire(&pool, at: start + .seconds(1)).0) == "use new")
    }

    @Test func closingHandsBackConnectionsAndAttemptsAndRefusesCalls() {
        var pool = Pool(size: 2, backoff: backoff)
        let connects = acquire(&pool, at: start).1
        _ = pool.connectSucceeded(slot: 0, generation: connects[0].generation, connection: "c0")
        let (connections, attempts) = pool.close()
        #expect(connections == ["c0"])
        #expect(attempts == ["attempt-2"])
        #expect(description(acquire(&pool, at: start).0) == "closed")
        let isLateWanted = pool.connectSucceeded(slot: 1, generation: connects[1].generation, connection: "late")
        #expect(!isLateWanted)
    }

    @Test func aPoolHasAtLeastOneSlot() {
        #expect(Pool(size: 0, backoff: backoff).slots.count == 1)
    }
}
