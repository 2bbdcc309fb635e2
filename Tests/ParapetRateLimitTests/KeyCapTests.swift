import HTTPTypes
import ParapetCore
import ParapetSimulation
import ParapetTesting
import Testing

@testable import ParapetRateLimit

@Suite("Bounded key tables and IPv6 grouping")
struct KeyCapTests {
    /// The client `203.0.113.<host>` as a peer.
    static func peer(_ host: Int) -> String { "203.0.113.\(host):1000" }

    @Test("a window limiter at its cap forgets the least recently used key and never refuses for want of room")
    func windowLimiterAtTheCap() async throws {
        let (statuses, keys) = try await simulate { runtime in
            let limited = try handler(RateLimit.fixedWindow(perMinute: 1, options: .init(maxKeys: 3)), runtime: runtime)
            let limiter = try #require((limited as? LimitingHandler)?.limiter as? KeyedRateLimiter<FixedWindow>)
            var statuses: [Int] = []
            // Clients 1, 2, 3 fill the table; 1 comes back (now the most recent); 4 takes 2's place; 2 comes
            // back afresh and takes 3's; 1 is still counted; 3 comes back afresh.
            for host in [1, 2, 3, 1, 4, 2, 1, 3] {
                let response = try await limited.handle(.test(), context: .test(runtime, peer: Self.peer(host)))
                statuses.append(response.status.code)
            }
            return (statuses, limiter.keyCount)
        }
        #expect(statuses == [200, 200, 200, 429, 200, 200, 429, 200])
        #expect(keys == 3)
    }

    @Test("a leaky bucket at its cap stays within it under a flood of distinct clients")
    func floodOfClients() async throws {
        let keys = try await simulate { runtime in
            let limiter = try RateLimit.Strategy.leakyBucket(interval: .seconds(1), queue: 0)
                .makeLimiter(runtime, LimiterSettings(name: "flood", maxKeys: 100))
            let keyed = try #require(limiter as? KeyedRateLimiter<LeakyBucket>)
            var peak = 0
            for host in 0..<10_000 {
                _ = try await limiter.acquire(RateLimitKey(IPAddress.v4(0x0A00_0000 + UInt32(host))))
                peak = max(peak, keyed.keyCount)
            }
            return peak
        }
        #expect(keys == 100)
    }

    @Test("a concurrency limiter at its cap refuses new keys until one frees, and keeps counting the held ones")
    func concurrencyLimiterAtTheCap() async throws {
        let limiter = ConcurrencyLimiter(rule: try ConcurrencyLimit(capacity: 2), maxKeys: 2)
        let a = RateLimitKey("a")
        let b = RateLimitKey("b")
        let c = RateLimitKey("c")
        func permit(_ key: RateLimitKey) async throws -> RateLimitPermit? {
            guard case .allowed(_, let permit) = try await limiter.acquire(key) else { return nil }
            return permit
        }
        let first = try #require(try await permit(a))
        let second = try #require(try await permit(b))
        #expect(try await permit(c) == nil)  // the table is full: c is refused
        let third = try #require(try await permit(a))  // a, held, has a free slot
        #expect(try await permit(a) == nil)  // and now none
        #expect(limiter.keyCount == 2)
        second.release()  // b has nothing in flight: forgotten, a place frees
        let fourth = try #require(try await permit(c))
        for held in [first, third, fourth] {
            held.release()
        }
        #expect(limiter.keyCount == 0)
    }

    @Test("the janitor forgets a large table's idle keys in batches, in virtual time")
    func incrementalSweep() async throws {
        let simulation = Simulation(seed: 1)
        let batch = KeyedRateLimiter<SlidingWindow>.sweepBatch
        let counts = try await simulation.run { runtime in
            // Swept every 60 s; a key is idle two windows (60 s) after its last request.
            let limiter = try RateLimit.Strategy.slidingWindow(limit: 5, per: .seconds(30))
                .makeLimiter(runtime, LimiterSettings(name: "sweep"))
            let keyed = try #require(limiter as? KeyedRateLimiter<SlidingWindow>)
            for host in 0..<(batch * 5 + 7) {
                _ = try await limiter.acquire(RateLimitKey(IPAddress.v4(0x0A00_0000 + UInt32(host))))
            }
            var counts = [keyed.keyCount]
            try await runtime.clock.sleep(for: .seconds(59))
            _ = try await limiter.acquire(RateLimitKey("busy"))
            counts.append(keyed.keyCount)
            try await runtime.clock.sleep(for: .seconds(2))
            counts.append(keyed.keyCount)
            counts.append(simulation.spawner.liveCount)
            return counts
        }
        // The sweep at 60 s forgets every key of the first burst, over several batches; the key used at
        // 59 s is still counting, and keeps the janitor alive.
        #expect(counts == [batch * 5 + 7, batch * 5 + 8, 1, 1])
    }

    @Test("IPv6 grouping follows the prefix length; a grouped key prints as its network")
    func ipv6PrefixLength() async throws {
        let (statuses, keys) = try await simulate { runtime in
            let events = Recorder<RateLimitEvent>()
            var statuses: [Int] = []
            for prefix in [128, 48] {
                let limited = try handler(
                    RateLimit.fixedWindow(
                        perMinute: 1, options: .init(observe: { events.append($0) }, ipv6PrefixLength: prefix)),
                    runtime: runtime)
                for peer in ["[2001:db8:1:2::1]:1", "[2001:db8:1:2::2]:1", "[2001:db8:1:ff::3]:1", "[2001:db8:2::1]:1"]
                {
                    statuses.append(try await limited.handle(.test(), context: .test(runtime, peer: peer)).status.code)
                }
            }
            return (statuses, events.elements.map { "\($0.key)" })
        }
        #expect(statuses == [200, 200, 200, 200, 200, 429, 429, 200])
        #expect(
            keys == [
                "2001:db8:1:2::1", "2001:db8:1:2::2", "2001:db8:1:ff::3", "2001:db8:2::1",
                "2001:db8:1::/48", "2001:db8:1::/48", "2001:db8:1::/48", "2001:db8:2::/48",
            ])
    }

    @Test("grouping leaves IPv4, IPv4-mapped and text keys alone")
    func groupingLeavesOthersAlone() throws {
        let v4 = RateLimitKey(try #require(IPAddress("203.0.113.7")))
        #expect(v4.grouped(ipv6PrefixLength: 1) == v4)
        let mapped = RateLimitKey(try #require(IPAddress("::ffff:203.0.113.7")))
        #expect(mapped.grouped(ipv6PrefixLength: 64) == v4)
        #expect(RateLimitKey("2001:db8::1").grouped(ipv6PrefixLength: 64) == RateLimitKey("2001:db8::1"))
        let v6 = RateLimitKey(try #require(IPAddress("2001:db8:aaaa:bbbb:cccc::1")))
        #expect(v6.grouped(ipv6PrefixLength: 64).grouped(ipv6PrefixLength: 128) == v6.grouped(ipv6PrefixLength: 64))
        #expect(v6.grouped(ipv6PrefixLength: 64).address == IPAddress("2001:db8:aaaa:bbbb::"))
        #expect("\(v6.grouped(ipv6PrefixLength: 128))" == "2001:db8:aaaa:bbbb:cccc::1")
    }

    @Test("a long text key is held as its start and a digest: equal texts meet, different ones do not")
    func longTextKeys() {
        let long = String(repeating: "k", count: 1 << 20)
        let key = RateLimitKey(long)
        #expect(key == RateLimitKey(long))
        #expect(key != RateLimitKey(long + "x"))
        #expect(key != RateLimitKey(String(long.dropLast()) + "j"))
        // 32 one-byte scalars, "…sha256:" and 64 hex digits.
        #expect(key.description.utf8.count == 32 + 10 + 64, "\(key.description.prefix(200))")
        #expect(key.description.hasPrefix(String(repeating: "k", count: 32) + "…sha256:"))
        let exactlyAtTheLimit = String(repeating: "a", count: RateLimitKey.maxTextBytes)
        #expect(RateLimitKey(exactlyAtTheLimit).description == exactlyAtTheLimit)
        // One character of many combining marks does not smuggle a long start past the bound.
        let marks = "e" + String(repeating: "\u{301}", count: 10_000)
        #expect(RateLimitKey(marks).description.utf8.count == 1 + 31 * 2 + 10 + 64)
    }
}
