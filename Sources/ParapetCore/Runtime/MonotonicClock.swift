/// A point on a ``MonotonicClock``: the time elapsed since the clock's arbitrary origin.
///
/// Instants from different clocks are not comparable. Every timeout, window, ejection and TTL in
/// Parapet is computed from these instants, so the same code runs on real time in production and
/// on virtual time in the simulator.
///
/// ```swift
/// let start = runtime.clock.now
/// let deadline = start.advanced(by: .seconds(5))
/// ```
public struct MonotonicInstant: InstantProtocol, Hashable, Sendable, CustomStringConvertible {
    /// Time elapsed since the clock's origin.
    public var offset: Duration

    /// Creates an instant at `offset` past the clock's origin.
    public init(offset: Duration) {
        self.offset = offset
    }

    /// The origin of the clock.
    public static let zero = MonotonicInstant(offset: .zero)

    public func advanced(by duration: Duration) -> MonotonicInstant {
        MonotonicInstant(offset: offset + duration)
    }

    public func duration(to other: MonotonicInstant) -> Duration {
        other.offset - offset
    }

    public static func < (lhs: MonotonicInstant, rhs: MonotonicInstant) -> Bool {
        lhs.offset < rhs.offset
    }

    public var description: String { "+\(offset)" }
}

/// The monotonic clock seam: the only source of elapsed time for code above the NIO backend.
///
/// Production uses a clock backed by the system's continuous clock; the simulator uses a virtual clock
/// whose instants move only when its event queue says so. Because it is a Swift `Clock`, it works with
/// `Task.sleep(for:clock:)` and friends; ``scheduleCallback(at:_:)`` sets a timer without a task.
///
/// ```swift
/// try await runtime.clock.sleep(for: .milliseconds(50))
/// let waited = runtime.clock.now - start
/// ```
public protocol MonotonicClock: Clock, Sendable where Instant == MonotonicInstant, Duration == Swift.Duration {
    /// Calls `callback` once when the clock reaches `deadline`, without a task: a timer for code that
    /// must react to an instant while it waits for something else — a hedge delay, a deadline.
    ///
    /// The contract:
    /// - `callback` runs at most once, and never before `deadline` (read on this clock); a `deadline`
    ///   that has passed runs it as soon as the clock's executor gets to it, never inside this call.
    /// - ``ScheduledCallback/cancel()`` before the call prevents it. Cancelling is idempotent, and
    ///   cancelling after the call (or while it runs) does nothing.
    /// - `callback` runs outside the task that set it, so its task-locals and cancellation do not apply:
    ///   on the thread driving the simulator, between its jobs, in virtual time; on an event loop in
    ///   production (the calling thread's, when it is one). Keep it short and non-blocking: record
    ///   something, resume a continuation.
    /// - In the simulator, callbacks and sleepers due at the same instant run in the order they were set.
    ///
    /// A clock that does not implement it gets the default: a task that sleeps until `deadline` on the
    /// clock and then calls, which costs a task per timer.
    ///
    /// ```swift
    /// let hedge = runtime.clock.scheduleCallback(at: runtime.clock.now.advanced(by: .milliseconds(50))) {
    ///     race.post(.hedgeDelayPassed)
    /// }
    /// // ... the first answer came back in time:
    /// hedge.cancel()
    /// ```
    func scheduleCallback(
        at deadline: MonotonicInstant, _ callback: @escaping @Sendable () -> Void
    ) -> any ScheduledCallback
}

extension MonotonicInstant {
    /// The duration from `rhs` to `lhs`.
    public static func - (lhs: MonotonicInstant, rhs: MonotonicInstant) -> Duration {
        lhs.offset - rhs.offset
    }
}

extension MonotonicClock {
    /// Suspends until `deadline`, with the clock's default tolerance.
    public func sleep(until deadline: MonotonicInstant) async throws {
        try await sleep(until: deadline, tolerance: nil)
    }
}
