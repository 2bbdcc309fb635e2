import Testing

@testable import ParapetSimulation

@Suite("SimulatedRedis.StateMachine")
struct SimulatedRedisStateMachineTests {
    typealias Machine = SimulatedRedis.StateMachine
    let ms: Int64 = 1_000_000
    var random = TestGenerator(state: 1)

    /// A server answering in 1 ms to a client with a 100 ms timeout.
    func makeMachine(latency: Duration = .milliseconds(1)) -> Machine {
        Machine(latency: .fixed(latency), timeout: .milliseconds(100))
    }

    /// The reply a call made at `now` (ms) gets, in flight; `nil` if it failed instead.
    mutating func reply(_ machine: inout Machine, key: String = "k", expiry: Int64 = 1_000, at now: Int64)
        -> Machine.Reply?
    {
        let plan = machine.call(key, expiringNewKeyAfter: expiry, at: now * ms, using: &random)
        guard case .inFlight(let reply) = plan else { return nil }
        return reply
    }

    @Test("up: counts per key, the time to live running down from the first call's expiry")
    mutating func countsAndExpires() throws {
        var machine = makeMachine()
        let first = try #require(reply(&machine, at: 0))
        #expect(first.count == 1 && first.timeToLive == 1_000)
        #expect(first.arrival == 1 * ms)
        #expect(machine.deliver(first) == .answer(count: 1, timeToLive: 1_000))
        let second = try #require(reply(&machine, expiry: 999_999, at: 400))
        #expect(second.count == 2 && second.timeToLive == 600)
        let other = try #require(reply(&machine, key: "other", at: 400))
        #expect(other.count == 1)
    }

    @Test("a key lives until its expiry instant has passed, then counting starts over")
    mutating func keyExpiry() throws {
        var machine = makeMachine()
        _ = reply(&machine, at: 0)
        #expect(try #require(reply(&machine, at: 1_000)).count == 2)
        let renewed = try #require(reply(&machine, at: 1_001))
        #expect(renewed.count == 1 && renewed.timeToLive == 1_000)
    }

    @Test("down: refused at once; partitioned: failed at exactly the timeout")
    mutating func outages() {
        var machine = makeMachine()
        machine.set(.down)
        #expect(
            machine.call("k", expiringNewKeyAfter: 1_000, at: 5 * ms, using: &random)
                == .fail(.unavailable, at: 5 * ms))
        machine.set(.partitioned)
        #expect(
            machine.call("k", expiringNewKeyAfter: 1_000, at: 5 * ms, using: &random)
                == .fail(.timedOut, at: 105 * ms))
    }

    @Test("a partition keeps the keys; going down loses them")
    mutating func restartLosesKeys() throws {
        var machine = makeMachine()
        _ = reply(&machine, at: 0)
        machine.set(.partitioned)
        machine.set(.up)
        #expect(try #require(reply(&machine, at: 10)).count == 2)
        #expect(machine.keyCount == 1)
        machine.set(.down)
        #expect(machine.keyCount == 0)
        machine.set(.up)
        #expect(try #require(reply(&machine, at: 20)).count == 1)
    }

    @Test("slower than the timeout: fails at the timeout, but the server counted")
    mutating func slowCalls() throws {
        var machine = makeMachine(latency: .milliseconds(150))
        #expect(
            machine.call("k", expiringNewKeyAfter: 1_000, at: 0, using: &random)
                == .fail(.timedOut, at: 100 * ms))
        machine.set(latency: .fixed(.milliseconds(100)))
        let onTime = try #require(reply(&machine, at: 200))
        #expect(onTime.count == 2 && onTime.arrival == 300 * ms)
    }

    @Test("a reply in flight is lost when the server goes down (at once) or is cut off (at the timeout)")
    mutating func repliesInFlight() throws {
        var machine = makeMachine(latency: .milliseconds(10))
        let crashed = try #require(reply(&machine, at: 0))
        machine.set(.down)
        machine.set(.up)
        #expect(machine.deliver(crashed) == .fail(.connectionClosed, at: 10 * ms))
        let cutOff = try #require(reply(&machine, at: 50))
        machine.set(.partitioned)
        machine.set(.up)
        #expect(machine.deliver(cutOff) == .fail(.timedOut, at: 150 * ms))
        let unharmed = try #require(reply(&machine, at: 200))
        machine.set(latency: .fixed(.milliseconds(50)))
        #expect(machine.deliver(unharmed) == .answer(count: 2, timeToLive: 850))
    }

    @Test("expired keys are swept once the store has doubled, live ones kept")
    mutating func sweepsExpiredKeys() throws {
        var machine = makeMachine()
        for index in 0..<1_023 {
            _ = reply(&machine, key: "old-\(index)", expiry: 10, at: 0)
        }
        _ = reply(&machine, key: "live", expiry: 10_000, at: 0)
        #expect(machine.keyCount == 1_024)
        _ = reply(&machine, key: "new", at: 100)
        #expect(machine.keyCount == 2)
        #expect(try #require(reply(&machine, key: "live", at: 100)).count == 2)
    }
}
