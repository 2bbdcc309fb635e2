import HTTPTypes
import Logging
import ParapetCore
import ParapetRateLimit
import ParapetUpstream

/// A balancer stack assembled from Parapet's real types for one run.
struct BuiltStack: Sendable {
    /// The transport stack.
    let transport: any Transport
    /// The handler in front of it — the rate limit and the `Upstream` middleware — when the stack has either.
    let handler: (any Handler)?
    /// The health check, to start and stop with the run.
    let healthCheck: ActiveHealthCheck?
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

    static func build(
        _ stack: Scenario.Stack, targets: [Scenario.Target], fleet: SimulatedFleet, redis: SimulatedRedis?,
        recorder: RunRecorder, runtime: Runtime
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
        case .ejecting(let spec):
            let defaults = EjectingBalancer.Options()
            let base = spec.ejectTimeout ?? defaults.ejectTimeout
            let cooldown = EjectionCooldown(base: base, cap: max(spec.maxEjectTimeout ?? defaults.maxEjectTimeout, base))
            transport = EjectingBalancer(pool, options: EjectingBalancer.Options(
                maxFails: spec.maxFails ?? defaults.maxFails,
                ejectTimeout: spec.ejectTimeout ?? defaults.ejectTimeout,
                maxEjectTimeout: spec.maxEjectTimeout ?? defaults.maxEjectTimeout,
                isFailure: spec.failOn5xx ? FailureClassifiers.transportFailuresAndServerErrors : FailureClassifiers.transportFailuresOnly,
                onStateChange: hook(.ejecting, cooldown: cooldown)))
        case .circuitBreaker(let spec):
            let defaults = CircuitBreakerBalancer.Options()
            transport = CircuitBreakerBalancer(pool, options: CircuitBreakerBalancer.Options(
                failureThreshold: spec.failureThreshold ?? defaults.failureThreshold,
                successThreshold: spec.successThreshold ?? defaults.successThreshold,
                openTimeout: spec.openTimeout ?? defaults.openTimeout,
                maxOpenTimeout: spec.maxOpenTimeout ?? defaults.maxOpenTimeout,
                probeTimeout: spec.probeTimeout ?? defaults.probeTimeout,
                halfOpenMaxProbes: spec.halfOpenMaxProbes ?? defaults.halfOpenMaxProbes,
                isFailure: spec.failOn5xx ? FailureClassifiers.transportFailuresAndServerErrors : FailureClassifiers.transportFailuresOnly,
                onStateChange: hook(.circuitBreaker)))
        case .latencyEjecting(let spec):
            let defaults = LatencyEjectingBalancer.Options()
            let base = spec.ejectTimeout ?? defaults.ejectTimeout
            let cooldown = EjectionCooldown(base: base, cap: max(spec.maxEjectTimeout ?? defaults.maxEjectTimeout, base))
            transport = LatencyEjectingBalancer(pool, options: LatencyEjectingBalancer.Options(
                ejectionFactor: spec.ejectionFactor ?? defaults.ejectionFactor,
                minSamples: spec.minSamples ?? defaults.minSamples,
                minHosts: spec.minHosts ?? defaults.minHosts,
                halfLife: spec.halfLife ?? defaults.halfLife,
                minEjectDelta: spec.minEjectDelta ?? defaults.minEjectDelta,
                minEjectLatency: spec.minEjectLatency ?? defaults.minEjectLatency,
                maxEjectionPercent: spec.maxEjectionPercent ?? defaults.maxEjectionPercent,
                panicThreshold: spec.panicThreshold ?? defaults.panicThreshold,
                ejectTimeout: spec.ejectTimeout ?? defaults.ejectTimeout,
                maxEjectTimeout: spec.maxEjectTimeout ?? defaults.maxEjectTimeout,
                onStateChange: hook(.latencyEjecting, cooldown: cooldown)))
        }
        var healthCheck: ActiveHealthCheck?
        if let spec = stack.healthCheck {
            let defaults = ActiveHealthCheck.Options()
            let check = ActiveHealthCheck(
                wrapping: transport,
                pool: pool,
                options: ActiveHealthCheck.Options(
                    path: spec.path ?? defaults.path,
                    interval: spec.interval ?? defaults.interval,
                    timeout: spec.timeout ?? defaults.timeout,
                    healthyThreshold: spec.healthyThreshold ?? defaults.healthyThreshold,
                    unhealthyThreshold: spec.unhealthyThreshold ?? defaults.unhealthyThreshold,
                    startUnhealthy: spec.startUnhealthy,
                    probeTransport: fleet.probeTransport,
                    onStateChange: hook(.healthCheck)))
            transport = check
            healthCheck = check
        }
        if let spec = stack.hedging {
            let defaults = HedgingBalancer.Options()
            transport = HedgingBalancer(wrapping: transport, options: HedgingBalancer.Options(
                hedgeDelay: spec.delay, maxHedge: spec.maxHedge ?? defaults.maxHedge,
                hedgeOnError: spec.hedgeOnError ?? defaults.hedgeOnError))
        }
        var handler: (any Handler)?
        let environment = ChainEnvironment(runtime: runtime, logger: quietLogger)
        if let spec = stack.effectiveUpstream {
            let defaults = Upstream.Options()
            let upstream = Upstream(transport, Upstream.Options(
                retries: spec.retries ?? defaults.retries, backoff: spec.backoff ?? defaults.backoff,
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
            handler = try upstream.wrap(Unrouted(), in: environment)
        } else {
            try transport.checkConfiguration()
        }
        if let spec = stack.rateLimit, let redis, let upstream = handler {
            let limit = RateLimit(.sharedFixedWindow(
                limit: spec.limit, per: spec.per, store: redis, failureMode: spec.failureMode,
                onError: { _ in recorder.storeFailure(at: clock.now.nanoseconds) }))
            handler = try limit.wrap(upstream, in: environment)
        }
        return BuiltStack(transport: transport, handler: handler, healthCheck: healthCheck)
    }

    /// The stack's composition, outermost first.
    static func composition(of stack: Scenario.Stack) -> String {
        var layers: [String] = []
        if let limit = stack.rateLimit {
            layers.append("rate-limit(\(limit.limit) per \(DurationText.format(limit.per)), fail \(limit.failureMode.name))")
        }
        if let upstream = stack.effectiveUpstream {
            layers.append("upstream(retries: \(upstream.retries.map(String.init) ?? "default")"
                + (upstream.backoff.map { ", backoff: \(DurationText.format($0))" } ?? "") + ")")
        }
        if let deadline = stack.deadline { layers.append("deadline(\(DurationText.format(deadline)))") }
        if let hedging = stack.hedging {
            layers.append("hedging(delay: \(DurationText.format(hedging.delay))" + (hedging.maxHedge.map { ", maxHedge: \($0)" } ?? "") + ")")
        }
        if let check = stack.healthCheck {
            var options: [String] = []
            if let interval = check.interval { options.append("interval: \(DurationText.format(interval))") }
            if let timeout = check.timeout { options.append("timeout: \(DurationText.format(timeout))") }
            if let threshold = check.unhealthyThreshold { options.append("unhealthyThreshold: \(threshold)") }
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
