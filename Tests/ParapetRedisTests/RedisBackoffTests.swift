import Testing

@testable import ParapetRedis

@Suite("Reconnection backoff")
struct RedisBackoffTests {
    @Test func doublesFromTheInitialDelayUpToTheMaximum() {
        let backoff = RedisBackoff(initial: .milliseconds(50), maximum: .seconds(1))
        let delays = (0...8).map { backoff.delay(afterFailures: $0) }
        #expect(
            delays == [
                .zero, .milliseconds(50), .milliseconds(100), .milliseconds(200), .milliseconds(400),
                .milliseconds(800), .seconds(1), .seconds(1), .seconds(1),
            ])
    }

    @Test func neverOverflowsOrExceedsTheMaximum() {
        let backoff = RedisBackoff(initial: .seconds(3), maximum: .seconds(Int64.max / 4))
        #expect(backoff.delay(afterFailures: 10_000) == .seconds(Int64.max / 4))
        #expect(RedisBackoff(initial: .seconds(5), maximum: .seconds(1)).delay(afterFailures: 1) == .seconds(1))
        #expect(RedisBackoff(initial: .zero, maximum: .seconds(1)).delay(afterFailures: .max) == .zero)
        #expect(RedisBackoff(initial: .seconds(-1), maximum: .seconds(1)).delay(afterFailures: 3) == .zero)
    }
}
