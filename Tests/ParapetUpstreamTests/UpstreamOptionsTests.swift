import HTTPTypes
import Logging
import NIOCore
import ParapetCore
import ParapetSimulation
import ParapetUpstream
import Testing

@Suite("Upstream options")
struct UpstreamOptionsTests {
    @Test("the defaults are those of the Go original")
    func defaults() {
        let options = Upstream.Options()
        #expect(options.path == "/")
        #expect(options.host == nil)
        #expect(options.retries == 3)
        #expect(options.backoff == .milliseconds(50))
        #expect(options.scheme == "http")
        #expect(options.onRoundTrip == nil)
    }

    @Test(
        "the default retry policy allows safe methods with a replayable or known-empty body",
        arguments: [
            (HTTPRequest.Method.get, HTTPBody.empty, true),
            (.head, .empty, true),
            (.options, .empty, true),
            (.trace, .empty, true),
            (.get, HTTPBody(string: "buffered"), true),
            (.get, HTTPBody(stream: AsyncStream<ByteBuffer> { $0.finish() }, length: 0), true),
            (.get, HTTPBody(stream: AsyncStream<ByteBuffer> { $0.finish() }), false),
            (.post, .empty, false),
            (.put, .empty, false),
            (.delete, .empty, false),
            (.patch, HTTPBody(string: "x"), false),
        ])
    func defaultRetryPolicy(_ method: HTTPRequest.Method, _ body: HTTPBody, _ allowed: Bool) {
        #expect(Upstream.defaultRetryPolicy(Request.test(method, body: body)) == allowed)
    }

    @Test(
        "an option that cannot work fails the chain build, naming the field",
        arguments: [
            (Upstream.Options(path: "api"), "path"),
            (Upstream.Options(path: "/a b"), "path"),
            (Upstream.Options(path: ""), "path"),
            (Upstream.Options(host: ""), "host"),
            (Upstream.Options(host: "a b"), "host"),
            (Upstream.Options(host: "evil.example/path"), "host"),
            (Upstream.Options(host: "user@evil.example"), "host"),
            (Upstream.Options(retries: -1), "retries"),
            (Upstream.Options(backoff: .milliseconds(-1)), "backoff"),
            (Upstream.Options(backoff: .seconds(3_601)), "backoff"),
            (Upstream.Options(scheme: ""), "scheme"),
            (Upstream.Options(scheme: "1http"), "scheme"),
            (Upstream.Options(scheme: "ht tp"), "scheme"),
        ])
    func invalid(_ options: Upstream.Options, _ field: String) {
        let environment = ChainEnvironment(runtime: Simulation(seed: 1).runtime, logger: .init(label: "test"))
        #expect {
            _ = try Upstream(ScriptedBackends([]), options).wrap(Endpoint.notFound, in: environment)
        } throws: { error in
            guard case ConfigurationError.invalidValue(let named, _) = error else { return false }
            return named == field
        }
    }

    @Test("the build reports the problems of every balancer and transport under the upstream, each with its path")
    func problemsOfWrappedTransports() throws {
        let environment = ChainEnvironment(runtime: Simulation(seed: 1).runtime, logger: .init(label: "test"))
        let hedged = HedgingBalancer(wrapping: ScriptedBackends([]), options: .init(hedgeDelay: .milliseconds(-1)))
        let pool = TargetPool([
            Target("a", transport: TargetFromHost(transport: hedged)), Target("b", transport: hedged),
            Target("c", transport: hedged),  // the same value transport again: listed once
        ])
        let breaker = CircuitBreakerBalancer(pool, options: .init(failureThreshold: 0))
        let checked = ActiveHealthCheck(wrapping: breaker, pool: pool, options: .init(interval: .zero))
        let error = #expect(throws: ChainBuildError.self) {
            try Upstream(checked, .init(retries: -1)).wrap(Endpoint.notFound, in: environment)
        }
        let problems = try #require(error?.problems)
        #expect(problems.map { ($0.error as? ConfigurationError)?.field } == [
            "retries", "interval", "failureThreshold", "hedgeDelay", "hedgeDelay",
        ])
        #expect(problems.map(\.path) == [
            [], ["ActiveHealthCheck"], ["ActiveHealthCheck", "CircuitBreakerBalancer"],
            ["ActiveHealthCheck", "CircuitBreakerBalancer", "TargetFromHost", "HedgingBalancer"],
            ["ActiveHealthCheck", "CircuitBreakerBalancer", "HedgingBalancer"],
        ])
    }

    @Test(
        "sensible options build",
        arguments: [
            Upstream.Options(),
            Upstream.Options(
                path: "/api/v1?key=a%20b", host: "backend.internal:8080", retries: 0, backoff: .zero, scheme: "https"),
            Upstream.Options(host: "[::1]:8080", backoff: .seconds(3_600), scheme: "h2c"),
        ])
    func valid(_ options: Upstream.Options) throws {
        let environment = ChainEnvironment(runtime: Simulation(seed: 1).runtime, logger: .init(label: "test"))
        _ = try Upstream(ScriptedBackends([]), options).wrap(Endpoint.notFound, in: environment)
    }

    @Test("SingleHost sets the target and keeps the client's Host")
    func singleHost() async throws {
        let leaf = ScriptedBackends([.respond(.ok)], target: nil)
        let status = try await simulate { runtime in
            try await proxy(SingleHost("10.0.0.7:8080", transport: leaf), runtime: runtime)
                .handle(Request.test(authority: "shop.example"), context: RequestContext.test(runtime)).status
        }
        #expect(status == .ok)
        #expect(leaf.calls.map(\.request.target) == ["10.0.0.7:8080"])
        #expect(leaf.calls.map(\.request.head.authority) == ["shop.example"])
    }
}
