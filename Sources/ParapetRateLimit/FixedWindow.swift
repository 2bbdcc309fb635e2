public import ParapetCore

/// Fixed-window counting: at most ``limit`` requests per key in each ``window`` of civil time, the windows
/// aligned to the Unix epoch, so a per-minute window runs from second 0 to second 59 of every minute on
/// every server.
///
/// A pure rule: the per-key ``State`` and the instant go in, a ``RateLimitVerdict`` comes out — no clock,
/// no lock. A refused request is told how long until its window ends.
///
/// Fixed windows are cheap and predictable but allow a burst of up to twice the limit across a boundary:
/// `limit` requests at the end of one window and `limit` more at the start of the next. ``SlidingWindow``
/// smooths that out.
///
/// Civil time can be stepped backwards (NTP). A step back into an earlier window keeps the count rather
/// than granting a fresh window; the count starts over at the next boundary.
///
/// ```swift
/// let rule = try FixedWindow(limit: 2, window: .seconds(60))
/// var state = FixedWindow.State()
/// let now = WallInstant(secondsSinceEpoch: 1_800_000_020)   // 20 s into a minute
/// _ = rule.admit(&state, at: now)     // .admitted(delay: .zero, status: r=1, t=40 s)
/// _ = rule.admit(&state, at: now)     // .admitted(delay: .zero, status: r=0, t=40 s)
/// _ = rule.admit(&state, at: now)     // .limited(retryAfter: .seconds(40), …)
/// ```
public struct FixedWindow: Sendable, Hashable {
    /// The most requests a key may make in one window.
    ///
    /// ```swift
    /// let remainingAtMost = rule.limit - 1   // after a key's first request
    /// ```
    public let limit: Int
    /// The length of a window; windows start at whole multiples of it since the Unix epoch.
    ///
    /// ```swift
    /// let windowEnd = (now.secondsSinceEpoch / 60 + 1) * 60   // for rule.window == .seconds(60)
    /// ```
    public let window: Duration
    private let windowNanoseconds: Int128

    /// One key's count in its current window.
    ///
    /// ```swift
    /// var state = FixedWindow.State()
    /// ```
    public struct State: Sendable, Hashable {
        /// The window the count belongs to: whole windows since the epoch.
        var windowIndex: Int128 = 0
        /// Requests admitted in that window.
        var count = 0

        /// The state of a key that has made no request.
        ///
        /// ```swift
        /// var states: [RateLimitKey: FixedWindow.State] = [:]
        /// let verdict = rule.admit(&states[key, default: FixedWindow.State()], at: now)
        /// ```
        public init() {}
    }

    /// Creates the rule.
    ///
    /// - Throws: ``ParapetCore/ConfigurationError/invalidValue(field:reason:)`` when `limit` is below 1 or
    ///   `window` is not between 1 ns and 366 days.
    public init(limit: Int, window: Duration) throws(ConfigurationError) {
        var check = ConfigurationCheck()
        check.atLeast(1, limit, "FixedWindow.limit")
        check.ruleDuration(window, "FixedWindow.window")
        try check.result()
        self.limit = limit
        self.window = window
        self.windowNanoseconds = window.nanoseconds
    }

    /// Counts one request under a key in `state` at civil time `now`.
    ///
    /// - Returns: ``RateLimitVerdict/admitted(delay:status:)`` (never delayed) while the window has room,
    ///   otherwise ``RateLimitVerdict/limited(retryAfter:status:)`` until the window's end.
    public func admit(_ state: inout State, at now: WallInstant) -> RateLimitVerdict {
        let (index, elapsed) = now.sinceEpoch.nanoseconds.floorDivided(by: windowNanoseconds)
        if index > state.windowIndex {
            state.windowIndex = index
            state.count = 0
        } else if index < state.windowIndex {
            state.windowIndex = index  // civil time stepped back: no fresh budget
        }
        let untilEnd = Duration(nanoseconds: windowNanoseconds - elapsed)
        guard state.count < limit else {
            return .limited(retryAfter: untilEnd, status: RateLimitStatus(remaining: 0, reset: untilEnd))
        }
        state.count += 1
        return .admitted(delay: .zero, status: RateLimitStatus(remaining: limit - state.count, reset: untilEnd))
    }

    /// Whether a key in `state` counts for nothing any more at `now`: it made no request, or only in an
    /// earlier window.
    public func isIdle(_ state: State, at now: WallInstant) -> Bool {
        state.count == 0 || now.sinceEpoch.nanoseconds.floorDivided(by: windowNanoseconds).quotient > state.windowIndex
    }

    /// `limit` requests per `window`.
    ///
    /// ```swift
    /// let quota = try FixedWindow(limit: 60, window: .seconds(1)).quota   // q=60;w=1
    /// ```
    public var quota: RateLimitQuota {
        RateLimitQuota(limit: limit, window: window)
    }
}

extension FixedWindow: KeyedRateRule {
    var initialState: State { State() }

    /// One window, but at least a minute: a key is idle once its window is over.
    var sweepInterval: Duration { max(window, .seconds(60)) }

    func now(on runtime: Runtime) -> WallInstant { runtime.wallClock.now }
}
