public import ParapetCore

/// Sliding-window counting: at most about ``limit`` requests per key in any ``window`` of time, estimated
/// from two counters — this window's and the previous one's, the previous count fading out as this window
/// elapses.
///
/// A request is admitted when `previous × (1 − elapsed / window) + current + 1 ≤ limit`. That removes the
/// fixed window's doubling across a boundary with constant memory per key. The estimate assumes the
/// previous window's requests were spread evenly; traffic bunched at its end can briefly get a little more.
/// A refused request is told exactly how long until the estimate admits it (never too early), and all of
/// the arithmetic is integer nanoseconds, so the same instants give the same decisions everywhere.
///
/// Windows are counted on the monotonic clock (from its origin), so civil-time steps do not move them.
///
/// ```swift
/// let rule = try SlidingWindow(limit: 10, window: .seconds(10))
/// var state = SlidingWindow.State()
/// for _ in 0..<10 { _ = rule.admit(&state, at: .zero.advanced(by: .seconds(5))) }
/// // 2.5 s into the next window the previous 10 weigh 7.5: two more fit, the third waits.
/// let later = MonotonicInstant.zero.advanced(by: .milliseconds(12_500))
/// _ = rule.admit(&state, at: later)   // admitted, estimate 8.5
/// _ = rule.admit(&state, at: later)   // admitted, estimate 9.5
/// _ = rule.admit(&state, at: later)   // .limited(retryAfter: .milliseconds(500), …): estimate 10 at 13 s
/// ```
public struct SlidingWindow: Sendable, Hashable {
    /// The most requests a key may make in any window, by the estimate.
    public let limit: Int
    /// The length of the window.
    ///
    /// ```swift
    /// let idleAfter = rule.window * 2   // both counters forgotten
    /// ```
    public let window: Duration
    private let windowNanoseconds: Int128

    /// One key's two counters.
    ///
    /// ```swift
    /// var state = SlidingWindow.State()
    /// ```
    public struct State: Sendable, Hashable {
        /// The window `current` counts: whole windows since the clock's origin.
        var windowIndex: Int128 = 0
        /// Requests admitted in that window.
        var current = 0
        /// Requests admitted in the window before it.
        var previous = 0

        /// The state of a key that has made no request.
        public init() {}

        /// Moves the counters to window `index`: this window's count becomes the previous one across one
        /// boundary, and both are forgotten across more.
        mutating func roll(to index: Int128) {
            let gap = index - windowIndex
            guard gap > 0 else { return }
            previous = gap == 1 ? current : 0
            current = 0
            windowIndex = index
        }
    }

    /// Creates the rule.
    ///
    /// - Throws: ``ParapetCore/ConfigurationError/invalidValue(field:reason:)`` when `limit` is below 1 or
    ///   `window` is not between 1 ns and 366 days.
    public init(limit: Int, window: Duration) throws(ConfigurationError) {
        var check = ConfigurationCheck()
        check.atLeast(1, limit, "SlidingWindow.limit")
        check.ruleDuration(window, "SlidingWindow.window")
        try check.result()
        self.limit = limit
        self.window = window
        self.windowNanoseconds = window.nanoseconds
    }

    /// Counts one request under a key in `state` at `now`, if the estimate has room for it.
    ///
    /// - Returns: ``RateLimitVerdict/admitted(delay:status:)`` (never delayed; `reset` is the time left in
    ///   the current window), or ``RateLimitVerdict/limited(retryAfter:status:)`` with the earliest wait
    ///   after which the estimate admits a request.
    public func admit(_ state: inout State, at now: MonotonicInstant) -> RateLimitVerdict {
        let (index, elapsed) = now.offset.nanoseconds.floorDivided(by: windowNanoseconds)
        state.roll(to: index)
        // The estimate with this request, scaled by the window: previous·(W − e) + (current + 1)·W ≤ limit·W.
        let capacity = Int128(limit) * windowNanoseconds
        let estimate =
            Int128(state.previous) * (windowNanoseconds - elapsed) + Int128(state.current + 1) * windowNanoseconds
        guard estimate <= capacity else {
            let wait = waitUntilAdmissible(state, elapsed: elapsed)
            return .limited(retryAfter: wait, status: RateLimitStatus(remaining: 0, reset: wait))
        }
        state.current += 1
        let remaining = Int(clamping: (capacity - estimate) / windowNanoseconds)
        return .admitted(
            delay: .zero,
            status: RateLimitStatus(remaining: remaining, reset: Duration(nanoseconds: windowNanoseconds - elapsed)))
    }

    /// The shortest wait after which a refused key's estimate admits one more request, `elapsed`
    /// nanoseconds into the window its `state` counts.
    private func waitUntilAdmissible(_ state: State, elapsed: Int128) -> Duration {
        let width = windowNanoseconds
        let limit = Int128(limit)
        let current = Int128(state.current)
        let previous = Int128(state.previous)
        // Within this window, as the previous count fades: previous·(W − e′) ≤ (limit − current − 1)·W.
        if previous > 0, current + 1 <= limit {
            let due = width - (limit - current - 1) * width / previous
            if due < width { return Duration(nanoseconds: due - elapsed) }
        }
        // From the next boundary this window's count fades instead: current·(W − e″) ≤ (limit − 1)·W.
        let toBoundary = width - elapsed
        guard current + 1 > limit else { return Duration(nanoseconds: toBoundary) }
        return Duration(nanoseconds: toBoundary + width - (limit - 1) * width / current)
    }

    /// Whether a key in `state` counts for nothing any more at `now`: both counters are forgotten by then.
    public func isIdle(_ state: State, at now: MonotonicInstant) -> Bool {
        var rolled = state
        rolled.roll(to: now.offset.nanoseconds.floorDivided(by: windowNanoseconds).quotient)
        return rolled.current == 0 && rolled.previous == 0
    }

    /// `limit` requests per `window`.
    ///
    /// ```swift
    /// let quota = try SlidingWindow(limit: 300, window: .seconds(60)).quota   // q=300;w=60
    /// ```
    public var quota: RateLimitQuota {
        RateLimitQuota(limit: limit, window: window)
    }
}

extension SlidingWindow: KeyedRateRule {
    var initialState: State { State() }

    /// Two windows, but at least a minute: a key is idle two windows after its last request.
    var sweepInterval: Duration { max(window * 2, .seconds(60)) }

    func now(on runtime: Runtime) -> MonotonicInstant { runtime.clock.now }
}
