public import ParapetCore
public import ParapetSimulation

/// A middleware chain run in memory on a deterministic simulation: requests go through the chain as a
/// server would send them — path rules, trusted proxies, a `404` at the end — with the virtual clock,
/// seeded randomness and simulated backends of ``ParapetSimulation/Simulation``, and no sockets.
///
/// Build what the chain needs from the test's runtime first — simulated backends with ``fleet(_:)`` —
/// then ``run(_:timeLimit:_:)`` the chain with a ``TestClient``:
///
/// ```swift
/// let test = ChainTest(seed: 7)
/// let fleet = test.fleet(.init("a"), .init("b", behaviour: .dead(after: .zero)))
/// let breaker = CircuitBreakerBalancer(fleet.pool())
/// try await test.run(Upstream(breaker)) { client in
///     let response = try await client.execute(.get, "/")
///     #expect(response.status == .ok)
/// }
/// ```
///
/// The same seed replays the same run, so a failure reproduces exactly. For a chain that needs nothing
/// from the runtime, ``ParapetCore/Middleware/test(seed:configuration:timeLimit:_:)`` is shorter.
public struct ChainTest: Sendable {
    /// The simulation the chain runs on.
    public let simulation: Simulation
    /// The server settings whose path rules and trusted proxies surround the chain.
    public let configuration: ServerConfiguration

    /// A test on a fresh simulation seeded with `seed`.
    public init(seed: UInt64 = 1, configuration: ServerConfiguration = .general) {
        self.simulation = Simulation(seed: seed)
        self.configuration = configuration
    }

    /// The simulation's runtime: its virtual clock, seeded randomness and spawner, for whatever the chain
    /// is built from.
    public var runtime: Runtime { simulation.runtime }

    /// Simulated backends on this test's runtime, one per target, each named by its target's name and
    /// behaving as the target says: `fleet.pool()` is a `TargetPool` for any balancer.
    public func fleet(_ targets: Scenario.Target...) -> SimulatedFleet {
        SimulatedFleet(targets: targets, runtime: runtime)
    }

    /// Builds `middleware` as a server would, then runs `body` with a client of the built chain, in
    /// virtual time.
    ///
    /// - Parameter timeLimit: virtual time after which an unfinished `body` is an error (a chain that
    ///   never answers fails the test instead of hanging it).
    /// - Throws: the chain's build error (see ``ParapetCore/ChainBuildError``), `body`'s error, or a
    ///   ``ParapetSimulation/SimulationError`` such as a deadlock.
    public func run<T: Sendable>(
        _ middleware: any Middleware,
        timeLimit: Duration = .seconds(3_600),
        _ body: @escaping @Sendable (TestClient) async throws -> T
    ) async throws -> T {
        let environment = ChainEnvironment(runtime: runtime, logger: TestClient.quietLogger)
        let handler = try configuration.makeHandler(serving: middleware, in: environment)
        return try await simulation.run(timeLimit: timeLimit) { runtime in
            try await body(TestClient(handler: handler, runtime: runtime))
        }
    }
}

extension Middleware {
    /// Runs `body` with a client of this middleware, built as a server would build it, on a fresh
    /// simulation seeded with `seed` (see ``ChainTest``).
    ///
    /// ```swift
    /// @Test func plainHTTPIsRedirected() async throws {
    ///     try await Redirect.https.test { client in
    ///         let response = try await client.execute(.get, "/shop?item=1")
    ///         #expect(response.status == .movedPermanently)
    ///         #expect(response.headerFields[.location] == "https://example.com/shop?item=1")
    ///     }
    /// }
    /// ```
    public func test<T: Sendable>(
        seed: UInt64 = 1,
        configuration: ServerConfiguration = .general,
        timeLimit: Duration = .seconds(3_600),
        _ body: @escaping @Sendable (TestClient) async throws -> T
    ) async throws -> T {
        try await ChainTest(seed: seed, configuration: configuration).run(self, timeLimit: timeLimit, body)
    }
}
