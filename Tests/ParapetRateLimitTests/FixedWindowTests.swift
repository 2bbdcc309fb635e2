import HTTPTypes
import ParapetCore
import Testing

@testable import ParapetRateLimit

@Suite("Fixed window")
struct FixedWindowTests {
    @Test("windows are aligned to the epoch, not to a key's first request")
    func epochAlignment() throws {
        let rule = try FixedWindow(limit: 3, window: .seconds(60))
        var state = FixedWindow.State()
        // The first request comes 50 s into a minute: its window ends 10 s later, not 60.
        let start = WallInstant.minute(plus: .seconds(50))
        #expect(rule.admit(&state, at: start) == .go(remaining: 2, reset: .seconds(10)))
        #expect(rule.admit(&state, at: start) == .go(remaining: 1, reset: .seconds(10)))
        #expect(rule.admit(&state, at: start) == .go(remaining: 0, reset: .seconds(10)))
        #expect(rule.admit(&state, at: start) == .refused(for: .seconds(10)))
        let justBefore = WallInstant.minute(plus: .milliseconds(59_999))
        #expect(rule.admit(&state, at: justBefore) == .refused(for: .milliseconds(1)))
        // The next whole minute opens a full window.
        let next = WallInstant.minute(plus: .seconds(60))
        #expect(rule.admit(&state, at: next) == .go(remaining: 2, reset: .seconds(60)))
    }

    @Test("up to twice the limit passes across a window boundary")
    func burstAcrossABoundary() throws {
        let rule = try FixedWindow(limit: 5, window: .seconds(1))
        var state = FixedWindow.State()
        var admitted = 0
        // Ten requests within two milliseconds: five at the end of one second, five at the start of the next.
        for instant in [WallInstant.minute(plus: .milliseconds(999)), .minute(plus: .seconds(1))] {
            for _ in 0..<6 {
                if case .admitted = rule.admit(&state, at: instant) { admitted += 1 }
            }
        }
        #expect(admitted == 10)
    }

    @Test("a backward step of civil time keeps the count instead of opening a fresh window")
    func backwardStep() throws {
        let rule = try FixedWindow(limit: 2, window: .seconds(60))
        var state = FixedWindow.State()
        _ = rule.admit(&state, at: .minute(plus: .seconds(65)))
        _ = rule.admit(&state, at: .minute(plus: .seconds(65)))
        // NTP pulls the clock back into the previous minute: still no budget, and the wait is to that
        // minute's end, not the later one's.
        #expect(rule.admit(&state, at: .minute(plus: .seconds(55))) == .refused(for: .seconds(5)))
        // The count starts over at the next boundary of the stepped clock.
        #expect(rule.admit(&state, at: .minute(plus: .seconds(60))) == .go(remaining: 1, reset: .seconds(60)))
    }

    @Test("instants before the epoch fall in the window that contains them")
    func beforeTheEpoch() throws {
        let rule = try FixedWindow(limit: 1, window: .seconds(10))
        var state = FixedWindow.State()
        let early = WallInstant(sinceEpoch: .seconds(-3))
        #expect(rule.admit(&state, at: early) == .go(remaining: 0, reset: .seconds(3)))
        #expect(rule.admit(&state, at: early) == .refused(for: .seconds(3)))
    }

    @Test("a key is idle once its window is over")
    func idleness() throws {
        let rule = try FixedWindow(limit: 2, window: .seconds(60))
        var state = FixedWindow.State()
        #expect(rule.isIdle(state, at: .minute(plus: .seconds(1))))
        _ = rule.admit(&state, at: .minute(plus: .seconds(1)))
        #expect(!rule.isIdle(state, at: .minute(plus: .seconds(59))))
        #expect(rule.isIdle(state, at: .minute(plus: .seconds(60))))
        #expect(rule.quota == RateLimitQuota(limit: 2, window: .seconds(60)))
    }

    @Test("the middleware counts per epoch-aligned window in virtual time")
    func middlewareInVirtualTime() async throws {
        // Civil time starts 58 s into a minute: the window closes after 2 s of virtual time.
        let statuses = try await simulate(wallClockStart: .minute(plus: .seconds(58))) { runtime in
            let limited = try handler(RateLimit.fixedWindow(perMinute: 2), runtime: runtime)
            let context = RequestContext.test(runtime)
            var seen: [String] = []
            for pause in [Duration.zero, .seconds(1), .milliseconds(500), .milliseconds(500), .zero, .zero, .zero] {
                try await runtime.clock.sleep(for: pause)
                let response = try await limited.handle(.test(), context: context)
                seen.append("\(response.status.code)\(response.retryAfter.map { " retry \($0)" } ?? "")")
            }
            return seen
        }
        // 58 s: ok; 59 s: ok; 59.5 s: limited, 0.5 s left → 1; 60 s: new minute, ok, ok; then limited for 60 s.
        #expect(statuses == ["200", "200", "429 retry 1", "200", "200", "429 retry 60", "429 retry 60"])
    }

    @Test(arguments: [
        (0, Duration.seconds(1), "FixedWindow.limit"), (-5, .seconds(1), "FixedWindow.limit"),
        (1, .zero, "FixedWindow.window"), (1, .seconds(-1), "FixedWindow.window"),
        (1, .seconds(400 * 86_400), "FixedWindow.window"),
    ])
    func invalidValuesNameTheField(limit: Int, window: Duration, field: String) {
        do {
            _ = try FixedWindow(limit: limit, window: window)
            Issue.record("accepted limit \(limit), window \(window)")
        } catch {
            if case .invalidValue(let named, _) = error { #expect(named == field) }
        }
    }
}
