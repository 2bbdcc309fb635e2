import HTTPTypes
import ParapetCore
import ParapetSimulation
import ParapetTesting
import Testing

@testable import ParapetRateLimit

@Suite("Responses, fields, hooks and options")
struct RateLimitResponseTests {
    @Test(
        "Retry-After is whole seconds rounded up, never 0",
        arguments: [
            (Duration.nanoseconds(1), Int64(1)), (.milliseconds(1), 1), (.milliseconds(999), 1), (.seconds(1), 1),
            (.seconds(1) + .nanoseconds(1), 2), (.milliseconds(59_500), 60), (.zero, 1), (.seconds(-3), 1),
        ])
    func retryAfterRounding(wait: Duration, seconds: Int64) {
        let rejection = RateLimitRejection(
            name: "n", key: RateLimitKey("k"), retryAfter: wait, status: RateLimitStatus(remaining: 0, reset: wait))
        #expect(rejection.retryAfterSeconds == seconds)
        #expect(rejection.retryAfterField == "\(seconds)")
    }

    @Test("a refusal a fraction of a second before the boundary still says Retry-After: 1")
    func retryAfterNeverZero() async throws {
        let response = try await simulate(wallClockStart: .minute(plus: .microseconds(999_900))) { runtime in
            let limited = try handler(RateLimit.fixedWindow(perSecond: 1), runtime: runtime)
            let context = RequestContext.test(runtime)
            _ = try await limited.handle(.test(), context: context)
            return try await limited.handle(.test(), context: context)
        }
        #expect(response.status == .tooManyRequests)
        #expect(response.retryAfter == "1")
        #expect(try await response.text() == "Too Many Requests\n")
    }

    @Test("RateLimit-Policy and RateLimit follow draft-ietf-httpapi-ratelimit-headers, one line per limiter")
    func rateLimitFields() async throws {
        let fields = try await simulate(wallClockStart: .minute(plus: .seconds(20))) { runtime in
            let chain = Middlewares()
            chain.use(RateLimit.fixedWindow(perMinute: 2, options: .init(sendsRateLimitFields: true)))
            chain.use(
                RateLimit.concurrent(capacity: 8, options: .init(name: "say \"hi\"", sendsRateLimitFields: true)))
            chain.use(
                RateLimit.leakyBucket(
                    interval: .milliseconds(500), queue: 3, options: .init(sendsRateLimitFields: true)))
            chain.use(
                RateLimit.slidingWindow(limit: 5, per: .milliseconds(1_500), options: .init(sendsRateLimitFields: true))
            )
            let limited = try chain.wrap(
                Endpoint { _, _ in .text("ok") }, in: ChainEnvironment(runtime: runtime, logger: quietLogger))
            let context = RequestContext.test(runtime)
            var seen: [[String]] = []
            for _ in 0..<3 {
                let response = try await limited.handle(.test(), context: context)
                seen.append(response.headerFields[values: .rateLimitPolicy])
                seen.append(response.headerFields[values: .rateLimit])
            }
            return seen
        }
        // The innermost limiter's lines come first: each appends its own on the way out.
        #expect(
            fields[0] == [
                "\"sliding-5-per-1500ms\";q=5", "\"leaky-500ms-queue-3\";q=4;w=2",
                "\"say \\\"hi\\\"\";q=8;qu=\"concurrent-requests\"", "\"fixed-2-per-60s\";q=2;w=60",
            ])
        #expect(
            fields[1] == [
                "\"sliding-5-per-1500ms\";r=4;t=2", "\"leaky-500ms-queue-3\";r=3;t=1", "\"say \\\"hi\\\"\";r=7",
                "\"fixed-2-per-60s\";r=1;t=40",
            ])
        // The third request is refused by the outermost limiter alone: its fields only.
        #expect(fields[4] == ["\"fixed-2-per-60s\";q=2;w=60"])
        #expect(fields[5] == ["\"fixed-2-per-60s\";r=0;t=40"])
    }

    @Test("the exceeded handler can be replaced, and the observer hears every decision")
    func exceededHandlerAndObserver() async throws {
        let (statuses, events) = try await simulate { runtime in
            let events = Recorder<RateLimitEvent>()
            let options = RateLimit.Options(
                name: "api",
                onExceeded: { _, _, rejection in
                    var response = Response.text(
                        "busy: \(rejection.name) \(rejection.key)\n", status: .serviceUnavailable)
                    response.headerFields[.retryAfter] = rejection.retryAfterField
                    return response
                },
                observe: { events.append($0) })
            let limited = try handler(
                RateLimit.concurrent(capacity: 1, options: options), runtime: runtime,
                next: Endpoint { _, context in Response(status: .ok, body: .paced(clock: context.runtime.clock)) })
            let context = RequestContext.test(runtime)
            let held = try await limited.handle(.test(), context: context)
            let refused = try await limited.handle(.test(), context: context)
            _ = held
            return ([refused.status.code, Int(refused.retryAfter ?? "") ?? 0], events.elements)
        }
        #expect(statuses == [503, 1])
        let client = RateLimitKey(try #require(IPAddress("203.0.113.7")))
        #expect(
            events == [
                RateLimitEvent(name: "api", key: client, outcome: .allowed),
                RateLimitEvent(name: "api", key: client, outcome: .limited),
            ])
    }

    @Test(
        "values that cannot work are refused when the chain is built, naming the field",
        arguments: [
            (RateLimit.fixedWindow(perSecond: 0), "FixedWindow.limit"),
            (RateLimit.fixedWindow(limit: 5, per: .zero), "FixedWindow.window"),
            (RateLimit.slidingWindow(perMinute: -1), "SlidingWindow.limit"),
            (RateLimit.leakyBucket(interval: .zero, queue: 1), "LeakyBucket.interval"),
            (RateLimit.leakyBucket(interval: .seconds(1), queue: -1), "LeakyBucket.queue"),
            (RateLimit.concurrent(capacity: 0), "ConcurrencyLimit.capacity"),
            (RateLimit.concurrent(capacity: 1, queue: -2), "ConcurrencyLimit.queue"),
            (RateLimit.fixedWindow(perSecond: 1, options: .init(name: "")), "RateLimit.Options.name"),
            (RateLimit.fixedWindow(perSecond: 1, options: .init(name: "naïve")), "RateLimit.Options.name"),
            (
                RateLimit.fixedWindow(perSecond: 1, options: .init(ipv6PrefixLength: 0)),
                "RateLimit.Options.ipv6PrefixLength"
            ),
            (
                RateLimit.fixedWindow(perSecond: 1, options: .init(ipv6PrefixLength: 129)),
                "RateLimit.Options.ipv6PrefixLength"
            ),
            (RateLimit.concurrent(capacity: 1, options: .init(maxKeys: 0)), "RateLimit.Options.maxKeys"),
            (RateLimit.slidingWindow(perSecond: 1, options: .init(maxKeys: -5)), "RateLimit.Options.maxKeys"),
        ])
    func invalidOptions(limit: RateLimit, field: String) {
        do {
            _ = try handler(limit, runtime: Simulation(seed: 1).runtime)
            Issue.record("built a chain with a bad \(field)")
        } catch let error as ConfigurationError {
            guard case .invalidValue(let named, _) = error else { Issue.record("\(error)"); return }
            #expect(named == field)
            #expect(error.description.contains(field))
        } catch {
            Issue.record("unexpected \(error)")
        }
    }

    @Test("strategies name themselves after their quota")
    func defaultNames() {
        #expect(RateLimit.fixedWindow(perSecond: 60).strategy.name == "fixed-60-per-1s")
        #expect(RateLimit.fixedWindow(perHour: 2_000).strategy.name == "fixed-2000-per-3600s")
        #expect(RateLimit.slidingWindow(perMinute: 300).strategy.name == "sliding-300-per-60s")
        #expect(RateLimit.leakyBucket(interval: .microseconds(1_500), queue: 2).strategy.name == "leaky-1500us-queue-2")
        #expect(RateLimit.concurrent(capacity: 4).strategy.name == "concurrent-4")
        #expect(RateLimit.concurrent(capacity: 4, queue: 16).strategy.name == "concurrent-4-queue-16")
    }
}
