import ParapetCore
import Testing

@testable import ParapetRateLimit

@Suite("Concurrency limit")
struct ConcurrencyLimitTests {
    @Test("a queue of 0 means no waiting: slots are granted, a full cap refuses at once")
    func noQueue() throws {
        let rule = try ConcurrencyLimit(capacity: 2, queue: 0)
        var state = ConcurrencyLimit.State()
        #expect(rule.acquire(&state, waiter: 1) == .granted(remaining: 1))
        #expect(rule.acquire(&state, waiter: 2) == .granted(remaining: 0))
        #expect(rule.acquire(&state, waiter: 3) == .rejected)
        #expect(rule.release(&state) == nil)
        #expect(rule.acquire(&state, waiter: 4) == .granted(remaining: 0))
        #expect(state.inFlight == 2 && state.waiting == 0)
    }

    @Test("waiters get released slots in arrival order; one that gives up leaves the queue")
    func queueOrder() throws {
        let rule = try ConcurrencyLimit(capacity: 1, queue: 3)
        var state = ConcurrencyLimit.State()
        #expect(rule.acquire(&state, waiter: 1) == .granted(remaining: 0))
        for waiter in UInt64(2)...4 {
            #expect(rule.acquire(&state, waiter: waiter) == .queued)
        }
        #expect(rule.acquire(&state, waiter: 5) == .rejected)
        #expect(rule.release(&state) == 2)
        #expect(rule.abandon(&state, waiter: 3))
        #expect(!rule.abandon(&state, waiter: 2), "waiter 2 already holds the slot")
        #expect(rule.acquire(&state, waiter: 6) == .queued)
        #expect(rule.release(&state) == 4)
        #expect(rule.release(&state) == 6)
        #expect(!rule.isIdle(state))
        #expect(rule.release(&state) == nil)
        #expect(rule.isIdle(state))
        #expect(rule.status(of: state) == RateLimitStatus(remaining: 1, reset: nil))
    }

    @Test(arguments: [
        (0, 0, "ConcurrencyLimit.capacity"), (-1, 0, "ConcurrencyLimit.capacity"),
        (1, -1, "ConcurrencyLimit.queue"), (1, 1_000_001, "ConcurrencyLimit.queue"),
    ])
    func invalidValuesNameTheField(capacity: Int, queue: Int, field: String) {
        do {
            _ = try ConcurrencyLimit(capacity: capacity, queue: queue)
            Issue.record("accepted capacity \(capacity), queue \(queue)")
        } catch {
            if case .invalidValue(let named, _) = error { #expect(named == field) }
        }
    }
}
