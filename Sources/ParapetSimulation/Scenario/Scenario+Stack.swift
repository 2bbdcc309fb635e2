import ParapetCore
public import ParapetUpstream

extension Scenario {
    /// A proxy stack built from Parapet's real types, outermost first: a global rate limit (optional, see
    /// ``RateLimit``), an HTTP cache (optional, see ``Cache``), the `Upstream` middleware with retries
    /// (optional; a rate-limited or cached stack always has one), a total request deadline (optional),
    /// `HedgingBalancer` (optional), `ActiveHealthCheck` (optional) and the balancer, over the simulated fleet
    /// (with an optional per-attempt transport timeout, the response-header timeout of a real upstream
    /// client). Each layer's options are the real type's `Options.Policy`: a field left out takes the real
    /// default, and the real checks refuse bad values.
    ///
    /// ```yaml
    /// stacks:
    ///   - name: breaker
    ///     cache: {staleIfError: 10m}
    ///     upstream: {retries: 2, backoff: 50ms}
    ///     deadline: 2s
    ///     hedging: {hedgeDelay: 50ms}
    ///     healthCheck: {interval: 2s, timeout: 1s, unhealthyThreshold: 2}
    ///     balancer: {type: circuit-breaker, failureThreshold: 3}
    ///     transportTimeout: 1s
    ///   - name: baseline
    ///     balancer: round-robin
    /// ```
    ///
    /// ```swift
    /// let stack = Scenario.Stack(name: "breaker", balancer: .circuitBreaker(.init()), hedging: .init(hedgeDelay: .milliseconds(50)))
    /// ```
    public struct Stack: Sendable, Hashable, Codable {
        /// The stack's name in reports and expectations; defaults to the balancer's type name.
        public var name: String
        /// The balancer.
        public var balancer: Balancer
        /// The active health check wrapping the balancer, if any; probes go out of band to each target and
        /// are counted apart from traffic.
        public var healthCheck: ActiveHealthCheck.Options.Policy?
        /// Hedging around the (health-checked) balancer, if any.
        public var hedging: HedgingBalancer.Options.Policy?
        /// The `Upstream` middleware (retries with exponential backoff — never for a shed `503`, and only for
        /// idempotent methods); `nil` sends requests straight to the transport stack.
        public var upstream: Upstream.Options.Policy?
        /// A total per-request deadline (the request is cancelled and answered `504` when it passes).
        public var deadline: Duration?
        /// The per-attempt response-header timeout of the upstream client (an attempt fails with
        /// `UpstreamError.timedOut`).
        public var transportTimeout: Duration?
        /// The global rate limit in front of the stack, counted in the scenario's ``Scenario/redis``, if any.
        public var rateLimit: RateLimit?
        /// The HTTP cache in front of the `Upstream` middleware (behind the rate limit), if any.
        public var cache: Cache?

        /// Creates a stack.
        public init(
            name: String? = nil,
            balancer: Balancer,
            healthCheck: ActiveHealthCheck.Options.Policy? = nil,
            hedging: HedgingBalancer.Options.Policy? = nil,
            upstream: Upstream.Options.Policy? = nil,
            deadline: Duration? = nil,
            transportTimeout: Duration? = nil,
            rateLimit: RateLimit? = nil,
            cache: Cache? = nil
        ) {
            self.name = name ?? balancer.typeName
            self.balancer = balancer
            self.healthCheck = healthCheck
            self.hedging = hedging
            self.upstream = upstream
            self.deadline = deadline
            self.transportTimeout = transportTimeout
            self.rateLimit = rateLimit
            self.cache = cache
        }

        /// The `Upstream` middleware's options: ``upstream``, or — since the rate limit and the cache are
        /// middleware in front of it — no retries for a rate-limited or cached stack without them.
        var effectiveUpstream: Upstream.Options.Policy? {
            upstream ?? (rateLimit != nil || cache != nil ? Upstream.Options.Policy(retries: 0) : nil)
        }

        private enum CodingKeys: String, CodingKey, CaseIterable {
            case name, balancer, healthCheck, hedging, upstream, deadline, transportTimeout, rateLimit, cache
        }

        /// Decodes a stack mapping; only `balancer` is required.
        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            balancer = try container.decode(Balancer.self, forKey: .balancer)
            name = try container.decodeValue(.name, default: balancer.typeName)
            healthCheck = try container.decodeOptional(.healthCheck)
            hedging = try container.decodeOptional(.hedging)
            upstream = try container.decodeOptional(.upstream)
            deadline = try container.decodeDurationIfPresent(.deadline)
            transportTimeout = try container.decodeDurationIfPresent(.transportTimeout)
            rateLimit = try container.decodeOptional(.rateLimit)
            cache = try container.decodeOptional(.cache)
        }

        /// Encodes the fields that are set.
        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(name, forKey: .name)
            try container.encode(balancer, forKey: .balancer)
            try container.encodeIfPresent(healthCheck, forKey: .healthCheck)
            try container.encodeIfPresent(hedging, forKey: .hedging)
            try container.encodeIfPresent(upstream, forKey: .upstream)
            try container.encodeDurationIfPresent(deadline, forKey: .deadline)
            try container.encodeDurationIfPresent(transportTimeout, forKey: .transportTimeout)
            try container.encodeIfPresent(rateLimit, forKey: .rateLimit)
            try container.encodeIfPresent(cache, forKey: .cache)
        }
    }
}
