import HTTPTypes
import ParapetCore
import ParapetTestSupport
import Testing

@testable import ParapetRateLimit

@Suite("Concurrency limiter")
struct ConcurrencyLimiterTests {
    /// What a load test saw.
    struct LoadReport: Sendable {
        /// Per request, in arrival order: `200` or `429`.
        var statuses: [Int]
        var peakInFlight: Int
        var leftInFlight: Int
        var keysLeft: Int
    }

    static let capacity = 10

    /// 1,000 requests from one client, one every millisecond (about twice what the slots can serve), each taking 1–20 ms to answer and streaming two
    /// chunks 5 ms apart; a quarter of the bodies fail mid-way and a quarter are dropped unread.
    static func loadTest(queue: Int, seed: UInt64) async throws -> LoadReport {
        let inFlight = Gauge()
        return try await simulate(seed: seed) { runtime in
            var random = runtime.random.generator(for: "service-times")
            let serviceTimes = (0..<1_000).map { _ in Duration.milliseconds(Int.random(in: 1...20, using: &random)) }
            let limited = try handler(
                RateLimit.concurrent(capacity: capacity, queue: queue), runtime: runtime,
                next: Endpoint { request, context in
                    let index = Int(request.path?.dropFirst() ?? "") ?? 0
                    let token = GaugeToken(inFlight)
                    try await context.runtime.clock.sleep(for: serviceTimes[index])
                    let ending: BodyEnding = index % 4 == 2 ? .failure : .complete
                    return Response(
                        status: .ok, body: .paced(clock: context.runtime.clock, ending: ending, token: token))
                })
            let context = RequestContext.test(runtime)
            let statuses = await withTaskGroup(of: (Int, Int).self) { group in
                for index in 0..<1_000 {
                    group.addTask {
                        try? await runtime.clock.sleep(for: .milliseconds(index))
                        guard let response = try? await limited.handle(.test("/\(index)"), context: context) else {
                            return (index, 0)
                        }
                        if index % 4 != 3 {
                            _ = try? await response.body.collect(upTo: 1 << 16)
                        }
                        return (index, response.status.code)
                    }
                }
                var statuses = Array(repeating: 0, count: 1_000)
                for await (index, status) in group { statuses[index] = status }
                return statuses
            }
            let limiter = (limited as? LimitingHandler)?.limiter as? ConcurrencyLimiter
            return LoadReport(
                statuses: statuses, peakInFlight: inFlight.peak, leftInFlight: inFlight.value,
                keysLeft: limiter?.keyCount ?? -1)
        }
    }

    @Test("the cap holds under 1,000 concurrent simulated requests, and every slot comes back", arguments: [0, 50])
    func capUnderLoad(queue: Int) async throws {
        let report = try await Self.loadTest(queue: queue, seed: 42)
        let served = report.statuses.filter { $0 == 200 }.count
        let refused = report.statuses.filter { $0 == 429 }.count
        #expect(served + refused == 1_000)
        #expect(served >= 100 && refused >= 100)
        #expect(report.peakInFlight == Self.capacity)
        #expect(report.leftInFlight == 0)
        #expect(report.keysLeft == 0)
    }

    @Test("a wait queue serves more of a burst than no queue, and the same seed replays request for request", .cpuHeavy)
    func queueServesMoreAndReplays() async throws {
        let withoutQueue = try await Self.loadTest(queue: 0, seed: 7)
        let withQueue = try await Self.loadTest(queue: 50, seed: 7)
        let again = try await Self.loadTest(queue: 50, seed: 7)
        #expect(withQueue.statuses.count(where: { $0 == 200 }) > withoutQueue.statuses.count(where: { $0 == 200 }))
        #expect(withQueue.statuses == again.statuses)
    }

    @Test("a slot is held until the response body ends, fails or is dropped — or the handler throws")
    func slotFollowsTheBody() async throws {
        let results = try await simulate { runtime in
            let limited = try handler(
                RateLimit.concurrent(capacity: 1), runtime: runtime,
                next: Endpoint { request, context in
                    switch request.path {
                    case "/fail":
                        return Response(status: .ok, body: .paced(clock: context.runtime.clock, ending: .failure))
                    case "/throw": throw BodyFailure()
                    case "/memory": return .text("in memory")
                    default: return Response(status: .ok, body: .paced(clock: context.runtime.clock))
                    }
                })
            let context = RequestContext.test(runtime)
            var log: [String] = []
            /// Logs whether a probe is let through now; a probe let through ends its own body at once.
            func probe(_ moment: String) async {
                let response = try? await limited.handle(.test("/probe"), context: context)
                _ = try? await response?.body.collect(upTo: 1 << 16)
                log.append("\(moment): \(response?.status.code ?? 0)")
            }
            // Read to the end.
            var held = try await limited.handle(.test("/stream"), context: context)
            await probe("streaming")
            _ = try await held.body.collect(upTo: 1 << 16)
            await probe("ended")
            // Failing mid-way.
            held = try await limited.handle(.test("/fail"), context: context)
            await probe("failing")
            _ = try? await held.body.collect(upTo: 1 << 16)
            await probe("failed")
            // Dropped unread.
            held = try await limited.handle(.test("/stream"), context: context)
            await probe("unread")
            held = Response(status: .ok)
            await probe("dropped")
            // A body in memory is over once it exists; a throwing handler holds nothing.
            _ = try await limited.handle(.test("/memory"), context: context)
            await probe("memory")
            _ = try? await limited.handle(.test("/throw"), context: context)
            await probe("thrown")
            return log
        }
        #expect(
            results == [
                "streaming: 429", "ended: 200", "failing: 429", "failed: 200", "unread: 429", "dropped: 200",
                "memory: 200", "thrown: 200",
            ])
    }

    @Test("a waiter that is cancelled leaves the queue, and its place goes to the next arrival")
    func cancelledWaiter() async throws {
        let outcome = try await simulate { runtime in
            let limiter = try RateLimit.Strategy.concurrent(capacity: 1, queue: 1).limiter(on: runtime)
            let key = RateLimitKey("k")
            guard case .allowed(_, let holder) = try await limiter.acquire(key) else { return "first refused" }
            let cancelled = await withTaskGroup(of: String.self) { group in
                group.addTask {
                    do {
                        _ = try await limiter.acquire(key)
                        return "granted"
                    } catch {
                        return "\(type(of: error))"
                    }
                }
                try? await runtime.clock.sleep(for: .milliseconds(1))
                group.cancelAll()
                return await group.next() ?? "none"
            }
            // The cancelled waiter's place is free again: the next request queues rather than being refused.
            let next = await withTaskGroup(of: String.self) { group in
                group.addTask {
                    guard case .allowed = try? await limiter.acquire(key) else { return "refused" }
                    return "granted"
                }
                try? await runtime.clock.sleep(for: .milliseconds(1))
                holder?.release()
                return await group.next() ?? "none"
            }
            return "\(cancelled), then \(next)"
        }
        #expect(outcome == "CancellationError, then granted")
    }
}
