import HTTPTypes
import Logging
import ParapetCore
import ParapetRateLimit
import ParapetRedis
import ParapetSimulation
import ParapetTestSupport
import Synchronization
import Testing

@Suite("RateLimit on Redis: one global limit across instances", .timingSensitive, .timeLimit(.minutes(10)))
struct RedisRateLimiterTests {
    /// A `RateLimit` middleware on its own Redis client, keyed by a header, built on a simulated runtime
    /// (whose wall clock stands still, so the window cannot turn during the test).
    func limitedEndpoint(_ server: RedisServerProcess, limit: Int, failureMode: SharedFixedWindowCounter.FailureMode = .open)
        throws -> any Handler
    {
        let simulation = Simulation(seed: 1)
        let logger = Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() })
        let client = RedisClient(configuration: server.configuration())
        var options = RateLimit.Options()
        options.key = .header(HTTPField.Name("X-Tenant")!)
        let limiter = RateLimit(.redisFixedWindow(limit: limit, per: .seconds(60), client: client, failureMode: failureMode), options: options)
        return try limiter.wrap(
            Endpoint { _, _ in .text("ok") }, in: ChainEnvironment(runtime: simulation.runtime, logger: logger))
    }

    func send(_ handler: any Handler, tenant: String) async throws -> HTTPResponse.Status {
        let simulation = Simulation(seed: 2)
        let request = Request(head: HTTPRequest(method: .get, scheme: "http", authority: "a", path: "/", headerFields: [HTTPField.Name("X-Tenant")!: tenant]))
        let context = RequestContext(
            connection: ConnectionInfo(peer: nil), logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }),
            runtime: simulation.runtime)
        return try await handler.handle(request, context: context).status
    }

    @Test func twoMiddlewareInstancesShareOneLimitExactly() async throws {
        try await withRedisServer { server in
            let instances = [try limitedEndpoint(server, limit: 30), try limitedEndpoint(server, limit: 30)]
            let statuses = try await withThrowingTaskGroup(of: HTTPResponse.Status.self) { group in
                for index in 0..<120 {
                    let instance = instances[index % 2]
                    group.addTask { try await send(instance, tenant: "acme") }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(statuses.filter { $0 == .ok }.count == 30)
            #expect(statuses.filter { $0 == .tooManyRequests }.count == 90)
            // Another key has its own budget.
            #expect(try await send(instances[0], tenant: "globex") == .ok)
        }
    }

    @Test func redisDownFailsOpenOrClosed() async throws {
        try await withRedisServer { server in
            let open = try limitedEndpoint(server, limit: 1)
            let closed = try limitedEndpoint(server, limit: 1, failureMode: .closed)
            await server.stop()
            #expect(try await send(open, tenant: "t") == .ok)
            #expect(try await send(closed, tenant: "t") == .tooManyRequests)
        }
    }

    @Test func theSimulatedRedisTimesOutWhenTheRealClientDoes() {
        // ParapetSimulation cannot import ParapetRedis: this is where the two defaults are held together.
        #expect(SimulatedRedis.defaultTimeout == RedisConfiguration().timeout)
    }

    @Test func nonsenseLimitsAreRejectedWhenTheChainIsBuilt() async throws {
        let client = RedisClient()
        let simulation = Simulation(seed: 1)
        let environment = ChainEnvironment(runtime: simulation.runtime, logger: Logger(label: "test"))
        #expect(throws: ConfigurationError.self) {
            _ = try RateLimit(.redisFixedWindow(limit: 0, per: .seconds(1), client: client)).wrap(Endpoint.notFound, in: environment)
        }
        #expect(throws: ConfigurationError.self) {
            _ = try RateLimit(.redisFixedWindow(limit: 5, per: .milliseconds(10), client: client)).wrap(Endpoint.notFound, in: environment)
        }
    }
}
