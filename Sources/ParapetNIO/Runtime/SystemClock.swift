import NIOCore
import NIOPosix
public import ParapetCore

/// The production ``MonotonicClock``: the system's continuous clock, which keeps counting while the
/// machine sleeps and never jumps with NTP.
///
/// ```swift
/// let clock = SystemClock()
/// try await clock.sleep(for: .milliseconds(10))
/// ```
public struct SystemClock: MonotonicClock {
    /// The continuous-clock instant all ``MonotonicInstant``s of this process count from.
    private static let origin = ContinuousClock.now

    /// Creates the system clock; every instance shares one origin, so their instants compare.
    public init() {}

    public var now: MonotonicInstant {
        MonotonicInstant(offset: Self.origin.duration(to: .now))
    }

    public var minimumResolution: Duration {
        ContinuousClock().minimumResolution
    }

    public func sleep(until deadline: MonotonicInstant, tolerance: Duration?) async throws {
        try await ContinuousClock().sleep(until: Self.origin.advanced(by: deadline.offset), tolerance: tolerance)
    }

    /// Calls `callback` on an event loop once `deadline` has passed: a timer of the loop the calling thread
    /// runs (a request's task runs on its connection's loop), or else of a loop of
    /// `MultiThreadedEventLoopGroup.singleton`. No task is created.
    ///
    /// ```swift
    /// let timer = SystemClock().scheduleCallback(at: SystemClock().now.advanced(by: .milliseconds(50))) {
    ///     print("50 ms later, on an event loop")
    /// }
    /// timer.cancel()
    /// ```
    public func scheduleCallback(
        at deadline: MonotonicInstant, _ callback: @escaping @Sendable () -> Void
    ) -> any ScheduledCallback {
        // NIO's deadlines count on another clock: wait for the same span, measured from no earlier than now.
        let wait = TimeAmount(max(deadline - now, .zero))
        let loopDeadline = NIODeadline.now() + wait
        let once = OnceCallback(callback)
        let handler = LoopCallback(once: once)
        // A loop refuses only once it is shutting down; the singleton's never do.
        let scheduled =
            (try? MultiThreadedEventLoopGroup.currentEventLoop?.scheduleCallback(at: loopDeadline, handler: handler))
            ?? (try? MultiThreadedEventLoopGroup.singleton.next().scheduleCallback(at: loopDeadline, handler: handler))
        guard let scheduled else { return scheduleCallbackOnTask(at: deadline, callback) }
        return ScheduledLoopCallback(once: once, scheduled: scheduled)
    }
}

/// Runs a ``SystemClock`` callback from the event loop's timer.
private struct LoopCallback: NIOScheduledCallbackHandler, Sendable {
    let once: OnceCallback

    func handleScheduledCallback(eventLoop: some EventLoop) {
        once.fire()
    }
}

/// The handle of a ``SystemClock`` callback. The once-guard makes a cancellation from another thread than the
/// loop's exact: once `cancel()` returns, the callback will not start.
private struct ScheduledLoopCallback: ScheduledCallback {
    let once: OnceCallback
    let scheduled: NIOScheduledCallback

    func cancel() {
        if once.cancel() { scheduled.cancel() }
    }
}
