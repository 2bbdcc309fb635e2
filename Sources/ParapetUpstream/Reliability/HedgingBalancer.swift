import HTTPTypes
public import ParapetCore

/// Wraps any balancer (or transport) to cut tail latency: when a safe request has not been answered
/// within ``Options/Policy/hedgeDelay``, a duplicate is sent through the wrapped balancer — which picks the
/// next target — and the first acceptable answer wins.
///
/// The legs run as children of a task group and the hedge delay is a callback on the injected clock
/// (``ParapetCore/MonotonicClock/scheduleCallback(at:_:)``), not a task, so a race is deterministic in the
/// simulator and costs one task per leg. When a leg wins, the other legs' tasks are cancelled (a transport
/// honours cancellation by resetting its exchange) and any response they still produce is dropped; the
/// race returns once they have wound down. When no leg wins, the first error is thrown — or, when
/// every leg answered but ``Options/isWinner`` rejected each answer, the first answer is returned, as
/// an unhedged request would have returned it. If the caller is cancelled, every leg is cancelled and
/// `CancellationError` is thrown. The race's decisions are those of ``HedgingBalancer/StateMachine``.
///
/// The winning leg's task has ended by the time its response body is read, so a transport under a
/// hedge must not tie a response body's stream to the task that called it.
///
/// A protocol upgrade (``UpstreamRequest/upgradedInbound`` set, or `Connection: upgrade`) is never
/// hedged, whatever ``Options/isHedgeable`` says: the client's upgraded byte stream can be read by one
/// leg only.
///
/// A balancer under a hedge must not count cancellations as failures (every balancer here judges them
/// ``RoundTripVerdict/neutral``, whatever the transport threw), or hedging would slowly eject the
/// healthy targets it raced.
///
/// ```swift
/// let balancer = CircuitBreakerBalancer(pool)
/// let hedged = HedgingBalancer(wrapping: balancer, options: .init(hedgeDelay: .milliseconds(30)))
/// let answer = try await hedged.roundTrip(request, context: context)
/// ```
public struct HedgingBalancer: Transport {
    /// The wrapped balancer: each leg is one call to it.
    public let next: any Transport
    /// The effective options, after clamping.
    public let options: Options
    /// The options after clamping, or why they make no sense.
    private let checkedOptions: Result<Options, ConfigurationError>

    /// Wraps `next`, the balancer (or transport) each leg is sent through.
    ///
    /// A negative hedge delay is reported when the chain holding the balancer is built, as a
    /// ``ParapetCore/ConfigurationError/invalidValue(field:reason:)``.
    public init(wrapping next: any Transport, options: Options = Options()) {
        self.next = next
        self.checkedOptions = Result { () throws(ConfigurationError) in try options.validated() }
        self.options = (try? checkedOptions.get()) ?? options
    }

    /// Throws what is wrong with the options, and the problems of the wrapped balancer.
    public func checkConfiguration() throws {
        try ChainBuildProblems.check(own: checkedOptions.failure, transports: [next])
    }

    /// The default ``Options/isHedgeable``: a GET, HEAD, OPTIONS or TRACE request with no body at all,
    /// on its first attempt.
    ///
    /// A request inside the proxy's retry loop (`attempt > 0`) is not hedged: the retry is already the
    /// second try of a request whose target just failed, and hedging it too would multiply the load on
    /// a struggling pool (`retries × legs`) exactly when it can least take it. Retries and hedges layer;
    /// they do not multiply. A body-bearing request is never hedged by default: two legs cannot share
    /// one body stream.
    ///
    /// ```swift
    /// let hedgeRetriesToo = HedgingBalancer.Options(hedgeDelay: .milliseconds(30), isHedgeable: { request in
    ///     var first = request
    ///     first.attempt = 0
    ///     return HedgingBalancer.isSafeToHedge(first)
    /// })
    /// ```
    public static func isSafeToHedge(_ request: UpstreamRequest) -> Bool {
        switch request.head.method {
        case .get, .head, .options, .trace:
            request.body.isKnownEmpty && request.attempt == 0
        default:
            false
        }
    }

    /// The default ``Options/isWinner``: any response, whatever its status, wins; an error loses.
    public static func isAnswer(_ outcome: Result<UpstreamResponse, any Error>) -> Bool {
        if case .success = outcome { true } else { false }
    }

    /// Sends `request` through ``next``, racing hedges when hedging is on and the request is hedgeable —
    /// never for a protocol upgrade.
    ///
    /// - Throws: the first leg's error when no leg won; `CancellationError` when the caller was cancelled.
    @inline(__always)  // one async call fewer per request: a frame from the task's allocator, an executor check
    public func roundTrip(_ request: UpstreamRequest, context: RequestContext) async throws -> UpstreamResponse {
        if let problem = checkedOptions.failure { throw problem }
        guard options.hedgeDelay > .zero, !request.isProtocolUpgrade, options.isHedgeable(request) else {
            return try await next.roundTrip(request, context: context)
        }
        return try await race(request, context: context)
    }
}
