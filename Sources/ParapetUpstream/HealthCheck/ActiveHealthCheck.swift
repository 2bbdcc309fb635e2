public import Logging
public import ParapetCore
import Synchronization

/// Probes every target of a pool out of band and drives the pool's health gates, in front of any balancer
/// over the same pool.
///
/// One probe loop per target, started through the runtime's spawner, probes at once and then every
/// ``Options/Policy/interval``: a bodyless ``Options/Policy/method`` request for ``Options/Policy/path`` whose `Host` is the
/// target's address, through the target's own transport (or ``Options/probeTransport``), bounded by
/// ``Options/Policy/timeout``, its body drained up to 4 KiB. ``Options/Policy/unhealthyThreshold`` failed probes in a row
/// close the target's gate, ``Options/Policy/healthyThreshold`` healthy ones open it again (see
/// ``ActiveHealthCheck/StateMachine``).
///
/// The gate only removes candidates: the wrapped balancer keeps its own strategy over the survivors, and
/// when every gate is down it applies its own all-down policy — this type never adds one. Round-robin,
/// weighted, least-connections and ejecting balancers fail open; a circuit breaker sheds.
///
/// Probing starts with ``start(runtime:logger:)`` or, lazily, on the first round trip, and ends with
/// ``stop()`` or when the runtime's spawner cancels its work (server shutdown). Cancellations while
/// stopping never mark a target down.
///
/// ```swift
/// let pool = TargetPool([Target("10.0.0.1:8080", transport: http), Target("10.0.0.2:8080", transport: http)])
/// let checked = ActiveHealthCheck(wrapping: RoundRobinBalancer(pool), pool: pool, options: .init(path: "/healthz"))
/// checked.start(runtime: runtime)
/// defer { checked.stop() }
/// ```
public final class ActiveHealthCheck: Transport {
    private enum Phase {
        case idle
        /// ``start(runtime:logger:)`` is spawning the probe loops, outside the lock.
        case starting
        case running([any SpawnedTask])
        case stopped
    }

    private struct State {
        var phase = Phase.idle
        var streaks: [StateMachine]
        var changes = StateChangeCounter()

        /// Whether probe verdicts count: from ``start(runtime:logger:)`` until ``stop()``.
        var isProbing: Bool {
            switch phase {
            case .starting, .running: true
            case .idle, .stopped: false
            }
        }
    }

    /// The largest number of body bytes a probe reads before dropping the body.
    static let drainLimit = 4 << 10

    /// The targets probed; the wrapped balancer must be over this same pool.
    public let pool: TargetPool
    /// The options in force, with the path normalised.
    public let options: Options
    /// The options after normalising, or why they make no sense: then the check never probes, and every
    /// round trip throws the error.
    private let checkedOptions: Result<Options, ConfigurationError>
    /// The balancer requests are handed to.
    public let next: any Transport
    private let state: Mutex<State>
    /// Set once ``start(runtime:logger:)`` or ``stop()`` ran, so that round trips skip the lock.
    private let hasLeftIdle = Atomic<Bool>(false)

    /// Creates a health check over `pool` in front of `next`, a balancer over the same pool. Nothing is
    /// probed before ``start(runtime:logger:)`` or the first round trip.
    ///
    /// The chain holding the check reports, when it is built, a
    /// ``ParapetCore/ConfigurationError/invalidValue(field:reason:)`` when the interval or timeout is not
    /// positive or a threshold is below 1.
    public init(wrapping next: any Transport, pool: TargetPool, options: Options = Options()) {
        self.checkedOptions = Result { () throws(ConfigurationError) in try options.validated() }
        self.options = (try? checkedOptions.get()) ?? options
        self.pool = pool
        self.next = next
        let streak = StateMachine(
            isUp: !options.startUnhealthy,
            healthyThreshold: options.healthyThreshold,
            unhealthyThreshold: options.unhealthyThreshold
        )
        self.state = Mutex(State(streaks: Array(repeating: streak, count: pool.count)))
    }

    /// Starts one probe loop per target through `runtime.spawner`, with every gate set to the starting
    /// state (down with ``Options/Policy/startUnhealthy``). Does nothing once started or stopped, also when
    /// called again while it is starting, and — but log an error — when the options make no sense.
    ///
    /// The loops are spawned outside the check's lock, so a spawner may call back into the check; a
    /// ``stop()`` that overtakes the start cancels the loops as soon as they are spawned.
    public func start(runtime: Runtime, logger: Logger = Logger(label: "parapet.upstream.health-check")) {
        if let problem = checkedOptions.failure {
            logger.error("health check not started: \(problem)")
            return
        }
        let pool = self.pool
        let isStarting = state.withLock { state in
            guard case .idle = state.phase else { return false }
            state.phase = .starting
            hasLeftIdle.store(true, ordering: .releasing)
            for index in pool.targets.indices {
                pool.setUp(index, state.streaks[index].isUp)
            }
            return true
        }
        guard isStarting else { return }
        let loops = pool.targets.indices.map { index in
            runtime.spawner.spawn("health-check \(pool.targets[index].address)") { [self] in
                await probeLoop(index, runtime: runtime, logger: logger)
            }
        }
        let isStopped = state.withLock { state in
            guard case .starting = state.phase else { return true }
            state.phase = .running(loops)
            return false
        }
        if isStopped {
            for loop in loops {
                loop.cancel()
            }
        }
    }

    /// Stops probing; idempotent. The gates keep their last verdicts — except when the check never
    /// started, in which case it never will and every gate is forced up. A start still spawning its loops
    /// cancels them once spawned.
    public func stop() {
        let loops: [any SpawnedTask] = state.withLock { state in
            defer { state.phase = .stopped }
            hasLeftIdle.store(true, ordering: .releasing)
            switch state.phase {
            case .idle:
                for index in pool.targets.indices {
                    pool.setUp(index, true)
                }
                return []
            case .running(let loops):
                return loops
            case .starting, .stopped:
                return []
            }
        }
        for loop in loops {
            loop.cancel()
        }
    }

    /// Starts probing if nothing started or stopped it yet, then hands `request` to ``next``.
    ///
    /// - Throws: the ``ParapetCore/ConfigurationError`` of options that make no sense;
    ///   ``UpstreamError/unavailable(_:)`` for an empty pool; otherwise whatever ``next`` throws.
    @inline(__always)  // one async call fewer per request: a frame from the task's allocator, an executor check
    public func roundTrip(_ request: UpstreamRequest, context: RequestContext) async throws -> UpstreamResponse {
        if let problem = checkedOptions.failure { throw problem }
        if !hasLeftIdle.load(ordering: .acquiring) {
            start(runtime: context.runtime, logger: context.logger)
        }
        guard pool.count > 0 else {
            throw UpstreamError.unavailable(.empty)
        }
        return try await next.roundTrip(request, context: context)
    }

    /// Throws what is wrong with the options, and the problems of the wrapped balancer (which checks the
    /// pool's transports) and of the probe transport.
    public func checkConfiguration() throws {
        // A probe transport that is also a target's is checked by the balancer already.
        let probe = options.probeTransport.flatMap { probe in
            let isATargets = type(of: probe) is AnyClass
                && pool.targets.contains { ($0.transport as AnyObject) === (probe as AnyObject) }
            return isATargets ? nil : probe
        }
        try ChainBuildProblems.check(own: checkedOptions.failure, transports: [next] + (probe.map { [$0] } ?? []))
    }

    /// The state of the gate of the target at `address`: ``TargetState/closed`` while it is up (routed
    /// to), ``TargetState/open`` while the check holds it down; ``TargetState/closed`` for an address
    /// outside the pool. It reads the gate as the last verdict left it, with no clock read.
    public func state(of address: String) -> TargetState {
        guard let index = pool.index(of: address) else { return .closed }
        return pool.isUp(index) ? .closed : .open
    }

    /// Applies one probe verdict for target `index`, flipping its gate on a threshold crossing and then
    /// reporting the flip. Verdicts arriving before ``start(runtime:logger:)`` or after ``stop()`` are
    /// dropped.
    func observe(_ index: Int, healthy: Bool, cause: ProbeCause) {
        let pool = self.pool
        let change: StateChange? = state.withLock { state in
            guard state.isProbing, let transition = state.streaks[index].record(healthy: healthy) else {
                return nil
            }
            let address = pool.targets[index].address
            switch transition {
            case .down:
                pool.setUp(index, false)
                return state.changes.change(
                    TargetTransition(target: index, from: .closed, to: .open, reason: .probeDown),
                    address: address,
                    cause: cause
                )
            case .up:
                pool.setUp(index, true)
                return state.changes.change(
                    TargetTransition(target: index, from: .open, to: .closed, reason: .probeRecover),
                    address: address
                )
            }
        }
        if let change {
            options.onStateChange?(change)
        }
    }
}
