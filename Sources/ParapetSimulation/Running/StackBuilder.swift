import HTTPTypes
import Logging
import ParapetCache
import ParapetCore
import ParapetRateLimit
import ParapetUpstream

/// A balancer stack assembled from Parapet's real types for one run.
struct BuiltStack: Sendable {
    /// The transport stack.
    let transport: any Transport
    /// The handler in front of it — the rate limit, the cache and the `Upstream` middleware — when the stack
    /// has any of them.
    let handler: (any Handler)?
    /// The health check, to start and stop with the run.
    let healthCheck: ActiveHealthCheck?
    /// The Redis the rate limit counts in, which the timeline's `redis` steps change.
    let redis: SimulatedRedis?
    /// The cache's store, sampled over a purging run.
    let cacheStore: MemoryCacheStore?
    /// The purge table the cache obeys, which the timeline's `purge` steps purge.
    let purges: PurgeTable?
}

/// Builds the real balancer stack a ``Scenario/Stack`` describes over a simulated fleet, wiring every
/// `onStateChange` hook into the run's recorder and the backends' open flags.
enum StackBuilder {
    /// Reporting sources, one slot each in ``TargetTally/openUntil``.
    enum Source: Int {
        case circuitBreaker = 0
        case ejecting = 1
        case latencyEjecting = 2
        case healthCheck = 3

        var name: String {
            switch self {
            case .circuitBreaker: "circuit-breaker"
            case .ejecting: "ejecting"
            case .latencyEjecting: "latency-ejecting"
            case .healthCheck: "health-check"
            }
        }
    }

    static let quietLogger = Logger(label: "parapet.simulation") { _ in SwiftLogNoOpLogHandler() }

    /// Builds `stack`; with `purges`, its cache obeys a purge table and its answers are checked against it.
    static func build(
        _ stack: Scenario.Stack, targets: [Scenario.Target], fleet: SimulatedFleet, redis server: Scenario.Redis?,
        purges: Bool, recorder: RunRecorder, runtime: Runtime
    ) throws -> BuiltStack {
        let clock = runtime.clock
        func hook(_ source: Source, cooldown: EjectionCooldown? = nil) -> @Sendable (StateChange) -> Void {
            { change in
                let now = clock.now.nanoseconds
                recorder.transition(change, source: source.name, at: now)
                fleet.backend(named: change.target)?.noteTransition(source: source.rawValue, to: change.to, at: now, cooldown: cooldown)
            }
        }
        let pool = fleet.pool(targets)
        var transport: any Transport
        switch stack.balancer {
        case .roundRobin:
            transport = RoundRobinBalancer(pool)
        case .weightedRoundRobin:
            transport = WeightedRoundRobinBalancer(pool)
        case .leastConnections:
            transport = LeastConnectionsBalancer(pool)
        case .ejecting(let policy, let failOn5xx):
            let cooldown = EjectionCooldown(base: policy.ejectTimeout, cap: max(policy.maxEjectTimeout, policy.ejectTimeout))
            transport = EjectingBalancer(pool, options: EjectingBalancer.Options(
                policy: policy, isFailure: failureClassifier(failOn5xx: failOn5xx),
                onStateChange: hook(.ejecting, cooldown: cooldown)))
        case .circuitBreaker(let policy, let failOn5xx):
            transport = CircuitBreakerBalancer(pool, options: CircuitBreakerBalancer.Options(
                policy: policy, isFailure: failureClassifier(failOn5xx: failOn5xx), onStateChange: hook(.circuitBreaker)))
        case .latencyEjecting(let policy):
            let cooldown = EjectionCooldown(base: policy.ejectTimeout, cap: max(policy.maxEjectTimeout, policy.ejectTimeout))
            transport = LatencyEjectingBalancer(pool, options: LatencyEjectingBalancer.Options(
                policy: policy, onStateChange: hook(.latencyEjecting, cooldown: cooldown)))
        }
        var healthCheck: ActiveHealthCheck?
        if let policy = stack.healthCheck {
            let check = ActiveHealthCheck(
                wrapping: transport, pool: pool,
                options: ActiveHealthCheck.Options(
                    policy: policy, probeTransport: fleet.probeTransport, onStateChange: hook(.healthCheck)))
            transport = check
            healthCheck = check
        }
        if let policy = stack.hedging {
            transport = HedgingBalancer(wrapping: transport, options: HedgingBalancer.Options(policy: policy))
        }
        var handler: (any Handler)?
        var redis: SimulatedRedis?
        var cacheStore: MemoryCacheStore?
        var purgeTable: PurgeTable?
        let environment = ChainEnvironment(runtime: runtime, logger: quietLogger)
        if let policy = stack.effectiveUpstream {
            let upstream = Upstream(transport, Upstream.Options(
                policy: policy,
                onRoundTrip: { info in
                    // Each attempt the middleware makes: shed by the balancer, or routed.
                    let started = clock.now.nanoseconds - info.duration.wholeNanoseconds
                    if case .unavailable(let reason)? = info.error as? UpstreamError {
                        recorder.attempt(at: started, shedReason: ShedReasonIndex.index(of: reason.rawValue))
                    } else {
                        recorder.attempt(at: started, shedReason: nil)
                    }
                }))
            // Building the upstream checks the balancers' configuration too.
            let proxy = try upstream.wrap(Unrouted(), in: environment)
            var inner: any Handler = proxy
            if let spec = stack.cache {
                // Wrapped in the simulation's environment, the cache reads the virtual clocks and spawns its
                // fills and background revalidations on the simulator; its purges are stamped on the
                // simulated wall clock, and its reaper walks on the simulator too.
                let store = MemoryCacheStore(byteBudget: spec.byteBudget)
                var options = Cache.Options(
                    staleWhileRevalidate: spec.staleWhileRevalidate, staleIfError: spec.staleIfError,
                    staleIfUnreachable: spec.staleIfUnreachable, lockTimeout: spec.lockTimeout)
                if purges {
                    let table = PurgeTable(wallClock: runtime.wallClock)
                    options.purges = table
                    purgeTable = table
                }
                let cache = Cache(store: store, options: options)
                var cached = try cache.wrap(
                    OriginRequestCounter(next: proxy, recorder: recorder, stampsPurges: purges), in: environment)
                if let reaper = spec.reaper {
                    cached = try CacheReaper(for: cache, options: reaper.options).wrap(cached, in: environment)
                }
                inner = CacheAnswerWatcher(next: cached, recorder: recorder, checksPurges: purges)
                cacheStore = store
            }
            handler = inner
            if let spec = stack.rateLimit {
                let server = server ?? Scenario.Redis()
                let store = SimulatedRedis(runtime: runtime, latency: server.latency, timeout: server.timeout)
                let limit = RateLimit(
                    .sharedFixedWindow(
                        limit: spec.limit, per: spec.per, store: store, failureMode: spec.failureMode,
                        onError: { _ in recorder.storeFailure(arrival: RunRecorder.arrival ?? clock.now.nanoseconds) }),
                    options: RateLimit.Options(observe: { event in
                        if event.outcome == .limited { recorder.refusal(arrival: RunRecorder.arrival ?? clock.now.nanoseconds) }
                    }))
                handler = try limit.wrap(inner, in: environment)
                redis = store
            }
        } else {
            try transport.checkConfiguration()
        }
        return BuiltStack(
            transport: transport, handler: handler, healthCheck: healthCheck, redis: redis, cacheStore: cacheStore,
            purges: purgeTable)
    }

    static func failureClassifier(failOn5xx: Bool) -> FailureClassifier {
        failOn5xx ? FailureClassifiers.transportFailuresAndServerErrors : FailureClassifiers.transportFailuresOnly
    }

    /// The stack's composition, outermost first, with each layer's options that differ from the defaults
    /// (and, when the scenario `purges`, the cache's purge table).
    static func composition(of stack: Scenario.Stack, purges: Bool) -> String {
        var layers: [String] = []
        if let limit = stack.rateLimit {
            layers.append("rate-limit(\(limit.limit) per \(DurationText.format(limit.per)), fail \(limit.failureMode.name))")
        }
        if let cache = stack.cache {
            let defaults = Scenario.Cache()
            var options: [String] = []
            if cache.byteBudget != defaults.byteBudget { options.append("byteBudget: \(cache.byteBudget)") }
            for (name, value, standard) in [
                ("staleIfError", cache.staleIfError, defaults.staleIfError),
                ("staleWhileRevalidate", cache.staleWhileRevalidate, defaults.staleWhileRevalidate),
                ("staleIfUnreachable", cache.staleIfUnreachable, defaults.staleIfUnreachable),
                ("lockTimeout", cache.lockTimeout, defaults.lockTimeout),
            ] where value != standard {
                options.append("\(name): \(DurationText.format(value))")
            }
            if purges { options.append("purges") }
            if let reaper = cache.reaper {
                let defaults = Scenario.Cache.Reaper()
                var reaperOptions = ["interval: \(DurationText.format(reaper.interval))"]
                if reaper.sliceSize != defaults.sliceSize { reaperOptions.append("sliceSize: \(reaper.sliceSize)") }
                if reaper.pauseBetweenSlices != defaults.pauseBetweenSlices {
                    reaperOptions.append("pauseBetweenSlices: \(DurationText.format(reaper.pauseBetweenSlices))")
                }
                layers.append("cache-reaper(" + reaperOptions.joined(separator: ", ") + ")")
            }
            layers.append("cache" + (options.isEmpty ? "" : "(" + options.joined(separator: ", ") + ")"))
        }
        if let upstream = stack.effectiveUpstream {
            let defaults = Upstream.Options.Policy()
            layers.append("upstream(retries: \(upstream.retries)"
                + (upstream.backoff != defaults.backoff ? ", backoff: \(DurationText.format(upstream.backoff))" : "") + ")")
        }
        if let deadline = stack.deadline { layers.append("deadline(\(DurationText.format(deadline)))") }
        if let hedging = stack.hedging {
            layers.append("hedging(delay: \(DurationText.format(hedging.hedgeDelay))"
                + (hedging.maxHedge != HedgingBalancer.Options.Policy().maxHedge ? ", maxHedge: \(hedging.maxHedge)" : "") + ")")
        }
        if let check = stack.healthCheck {
            let defaults = ActiveHealthCheck.Options.Policy()
            var options: [String] = []
            if check.interval != defaults.interval { options.append("interval: \(DurationText.format(check.interval))") }
            if check.timeout != defaults.timeout { options.append("timeout: \(DurationText.format(check.timeout))") }
            if check.unhealthyThreshold != defaults.unhealthyThreshold {
                options.append("unhealthyThreshold: \(check.unhealthyThreshold)")
            }
            layers.append("health-check" + (options.isEmpty ? "" : "(" + options.joined(separator: ", ") + ")"))
        }
        layers.append(stack.balancer.typeName)
        if let timeout = stack.transportTimeout { layers.append("fleet(transportTimeout: \(DurationText.format(timeout)))") }
        return layers.joined(separator: " > ")
    }
}

/// The handler behind the `Upstream` middleware, which never calls it.
private struct Unrouted: Handler {
    func handle(_ request: Request, context: RequestContext) async throws -> Response {
        Response(status: .notFound)
    }
}
