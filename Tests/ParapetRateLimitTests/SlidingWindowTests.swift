import ParapetCore
import ParapetSimulation
import Testing

@testable import ParapetRateLimit

@Suite("Sliding window")
struct SlidingWindowTests {
    @Test("the previous window's count fades linearly as the current window elapses")
    func weightedEstimate() throws {
        let rule = try SlidingWindow(limit: 10, window: .seconds(10))
        var state = SlidingWindow.State()
        for _ in 0..<10 {
            guard case .admitted = rule.admit(&state, at: .at(.seconds(5))) else {
                Issue.record("window 0 has room for 10"); return
            }
        }
        // The full window fades from 10 s on; at 11 s it weighs 9, and 9 + 1 fits.
        #expect(rule.admit(&state, at: .at(.seconds(5))) == .refused(for: .seconds(6)))
        // 2.5 s into the next window the previous 10 weigh 7.5: 8.5 and 9.5 fit, 10.5 does not.
        let later = MonotonicInstant.at(.milliseconds(12_500))
        #expect(rule.admit(&state, at: later) == .go(remaining: 1, reset: .milliseconds(7_500)))
        #expect(rule.admit(&state, at: later) == .go(remaining: 0, reset: .milliseconds(7_500)))
        // At 13 s the previous count weighs 7: 7 + 2 + 1 = 10 fits exactly — half a second from now.
        #expect(rule.admit(&state, at: later) == .refused(for: .milliseconds(500)))
        guard case .limited = rule.admit(&state, at: .at(.milliseconds(12_999))) else {
            Issue.record("the estimate is 10.001 at 12.999 s"); return
        }
        guard case .admitted = rule.admit(&state, at: .at(.seconds(13))) else {
            Issue.record("the estimate admits at 13 s"); return
        }
    }

    @Test("no doubling across a boundary: a full window keeps the next one's start closed")
    func noBurstAcrossABoundary() throws {
        let rule = try SlidingWindow(limit: 5, window: .seconds(1))
        var state = SlidingWindow.State()
        var admitted = 0
        for instant in [MonotonicInstant.at(.milliseconds(999)), .at(.seconds(1))] {
            for _ in 0..<6 {
                if case .admitted = rule.admit(&state, at: instant) { admitted += 1 }
            }
        }
        #expect(admitted == 5)
    }

    @Test(
        "a refusal's wait is exact: admitted after it, refused a nanosecond before",
        arguments: [
            (1, Duration.seconds(1)), (3, .seconds(10)), (10, .milliseconds(7)), (100, .seconds(60)),
        ])
    func exactRetryAfter(limit: Int, window: Duration) throws {
        let rule = try SlidingWindow(limit: limit, window: window)
        var state = SlidingWindow.State()
        var random = SeededRandomSource(seed: UInt64(limit)).generator(for: "arrivals")
        var now = MonotonicInstant.zero
        var refusals = 0
        for _ in 0..<2_000 {
            // Arrivals a little faster than the limit allows, with pauses now and then.
            let gap = window.nanoseconds / Int128(limit) * Int128.random(in: 0...15, using: &random) / 10
            now = now.advanced(by: Duration(nanoseconds: gap))
            guard case .limited(let wait, _) = rule.admit(&state, at: now) else { continue }
            refusals += 1
            #expect(wait > .zero)
            var atWait = state
            guard case .admitted = rule.admit(&atWait, at: now.advanced(by: wait)) else {
                Issue.record("not admitted after the \(wait) it was told to wait")
                return
            }
            var justBefore = state
            guard case .limited = rule.admit(&justBefore, at: now.advanced(by: wait - .nanoseconds(1))) else {
                Issue.record("admitted a nanosecond before the \(wait) it was told to wait")
                return
            }
        }
        #expect(refusals > 100)
    }

    @Test("a key is idle once both counters are forgotten, two windows after its last request")
    func idleness() throws {
        let rule = try SlidingWindow(limit: 3, window: .seconds(10))
        var state = SlidingWindow.State()
        #expect(rule.isIdle(state, at: .at(.seconds(1))))
        _ = rule.admit(&state, at: .at(.seconds(1)))
        #expect(!rule.isIdle(state, at: .at(.seconds(9))))
        #expect(!rule.isIdle(state, at: .at(.seconds(19))))
        #expect(rule.isIdle(state, at: .at(.seconds(20))))
    }

    @Test(arguments: [
        (0, Duration.seconds(1), "SlidingWindow.limit"), (1, .zero, "SlidingWindow.window"),
        (1, .nanoseconds(-1), "SlidingWindow.window"),
    ])
    func invalidValuesNameTheField(limit: Int, window: Duration, field: String) {
        do {
            _ = try SlidingWindow(limit: limit, window: window)
            Issue.record("accepted limit \(limit), window \(window)")
        } catch {
            if case .invalidValue(let named, _) = error { #expect(named == field) }
        }
    }
}
