import HTTPTypes

extension ProxyHandler {
    /// The proxy's retry loop as a value: which attempt is running, and what to do when one fails.
    ///
    /// A failed or timed-out exchange is retried, when the request ``isRetryable``, up to ``retries`` times,
    /// waiting `backoff · 2^attempt` first (50, 100, 200 ms with the defaults). A shed request is answered at
    /// once — the balancer already knows no target will take it, so waiting would only delay the `503` — and so
    /// is a refused target (``UpstreamTargetRefused``: asking again is refused again), and a
    /// client that went away ends the loop with nothing to answer. A retry that could not even start before the
    /// request's deadline is not taken either.
    ///
    /// ```swift
    /// var state = ProxyHandler.StateMachine(retries: 3, backoff: .milliseconds(50), isRetryable: true)
    /// state.next(after: .failed)   // .retry(after: .milliseconds(50)); state.attempt == 1
    /// state.next(after: .shed)     // .answer(.serviceUnavailable)
    /// ```
    struct StateMachine: Sendable, Hashable {
        /// What the loop does after a failed attempt.
        enum Step: Sendable, Hashable {
            /// Wait, then send attempt ``ProxyHandler/StateMachine/attempt``.
            case retry(after: Duration)
            /// Give up and answer with this status.
            case answer(HTTPResponse.Status)
            /// The client went away: answer nothing.
            case abandon
        }

        /// The most extra attempts after the first.
        let retries: Int
        /// The wait before the first retry; each further retry waits twice as long.
        let backoff: Duration
        /// Whether the request may be sent again (the retry policy allows it and its body is replayable).
        let isRetryable: Bool
        /// The running attempt, from 0.
        private(set) var attempt = 0

        /// The doubling stops at `2^30`, so that a large retry count cannot overflow the wait.
        static let maximumBackoffExponent = 30

        /// Creates the state before the first attempt.
        init(retries: Int, backoff: Duration, isRetryable: Bool) {
            self.retries = retries
            self.backoff = backoff
            self.isRetryable = isRetryable
        }

        /// Records that the running attempt failed with `failure`, and says what to do next.
        ///
        /// - Parameter timeLeft: the time until the request's deadline (``ParapetCore/RequestContext/deadline``),
        ///   if it has one: a retry whose wait would use it all up is not taken, and the failure is answered now.
        mutating func next(after failure: AttemptFailure, timeLeft: Duration? = nil) -> Step {
            guard let status = failure.status else { return .abandon }
            guard failure == .failed || failure == .timedOut, isRetryable, attempt < retries else {
                return .answer(status)
            }
            let wait = backoff * (1 << min(attempt, Self.maximumBackoffExponent))
            if let timeLeft, wait >= timeLeft { return .answer(status) }
            attempt += 1
            return .retry(after: wait)
        }
    }
}
