import HTTPTypes
import ParapetCore
import ParapetTesting
import Testing

@testable import ParapetRateLimit

@Suite("Leaky bucket")
struct LeakyBucketTests {
    @Test("early requests wait their turn while the queue has room, and are refused beyond it")
    func delayAndRejection() throws {
        let rule = try LeakyBucket(interval: .milliseconds(100), queue: 3)
        var state = LeakyBucket.State()
        let verdicts = (0..<5).map { _ in rule.admit(&state, at: .zero) }
        #expect(
            verdicts == [
                .go(remaining: 3, reset: .milliseconds(100)),
                .go(after: .milliseconds(100), remaining: 2, reset: .milliseconds(200)),
                .go(after: .milliseconds(200), remaining: 1, reset: .milliseconds(300)),
                .go(after: .milliseconds(300), remaining: 0, reset: .milliseconds(400)),
                // A place frees when the first waiter's turn (100 ms) comes.
                .refused(for: .milliseconds(100)),
            ])
        #expect(rule.admit(&state, at: .at(.milliseconds(99))) == .refused(for: .milliseconds(1)))
        #expect(
            rule.admit(&state, at: .at(.milliseconds(100)))
                == .go(after: .milliseconds(300), remaining: 0, reset: .milliseconds(400)))
        // Once the bucket has drained, a request goes at once.
        #expect(rule.admit(&state, at: .at(.milliseconds(500))) == .go(remaining: 3, reset: .milliseconds(100)))
    }

    @Test("a queue of 0 never delays: an early request is refused until the interval has passed")
    func noQueue() throws {
        let rule = try LeakyBucket(interval: .seconds(2), queue: 0)
        var state = LeakyBucket.State()
        #expect(rule.admit(&state, at: .zero) == .go(remaining: 0, reset: .seconds(2)))
        #expect(rule.admit(&state, at: .at(.milliseconds(500))) == .refused(for: .milliseconds(1_500)))
        #expect(rule.admit(&state, at: .at(.seconds(2))) == .go(remaining: 0, reset: .seconds(2)))
        #expect(rule.quota == RateLimitQuota(limit: 1, window: .seconds(2)))
    }

    @Test("a key is idle when its next request would go at once; never while requests wait")
    func idleness() throws {
        let rule = try LeakyBucket(interval: .milliseconds(100), queue: 2)
        var state = LeakyBucket.State()
        #expect(rule.isIdle(state, at: .zero))
        _ = rule.admit(&state, at: .zero)
        _ = rule.admit(&state, at: .zero)
        #expect(!rule.isIdle(state, at: .at(.milliseconds(150))))
        #expect(rule.isIdle(state, at: .at(.milliseconds(200))))
    }

    @Test("the middleware sleeps on the injected clock until each request's turn, then refuses beyond the queue")
    func middlewareInVirtualTime() async throws {
        let outcomes = try await simulate { runtime in
            let started = Recorder<Duration>()
            let limited = try handler(
                RateLimit.leakyBucket(interval: .milliseconds(100), queue: 3), runtime: runtime,
                next: Endpoint { _, context in
                    started.append(context.runtime.clock.now - .zero)
                    return .text("ok")
                })
            let context = RequestContext.test(runtime)
            let answers = await withTaskGroup(of: (Int, String).self) { group in
                for index in 0..<6 {
                    group.addTask {
                        try? await runtime.clock.sleep(for: .microseconds(index))
                        let response = try? await limited.handle(.test(), context: context)
                        return (index, "\(response?.status.code ?? 0) \(response?.retryAfter ?? "-")")
                    }
                }
                var answers = Array(repeating: "", count: 6)
                for await (index, answer) in group { answers[index] = answer }
                return answers
            }
            return (answers, started.elements)
        }
        #expect(outcomes.0 == ["200 -", "200 -", "200 -", "200 -", "429 1", "429 1"])
        #expect(outcomes.1 == [.zero, .milliseconds(100), .milliseconds(200), .milliseconds(300)])
    }

    @Test(arguments: [
        (Duration.zero, 1, "LeakyBucket.interval"), (.seconds(-1), 1, "LeakyBucket.interval"),
        (.seconds(1), -1, "LeakyBucket.queue"), (.seconds(1), 2_000_000, "LeakyBucket.queue"),
    ])
    func invalidValuesNameTheField(interval: Duration, queue: Int, field: String) {
        do {
            _ = try LeakyBucket(interval: interval, queue: queue)
            Issue.record("accepted interval \(interval), queue \(queue)")
        } catch {
            if case .invalidValue(let named, _) = error { #expect(named == field) }
        }
    }
}
