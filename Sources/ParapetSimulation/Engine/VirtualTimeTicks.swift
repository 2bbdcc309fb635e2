import ParapetCore

/// Hands an observer the virtual time each time it has passed another multiple of an interval. The
/// executor calls it between events, on the thread driving the simulation, so observing adds no event,
/// timer or task to the run and cannot change it.
struct VirtualTimeTicks {
    private let interval: Int64
    private var next: Int64
    private let observe: (MonotonicInstant) -> Void

    /// Observes every `interval` of virtual time (at least a nanosecond), from `interval` on.
    init(every interval: Duration, _ observe: @escaping (MonotonicInstant) -> Void) {
        self.interval = max(interval.wholeNanoseconds, 1)
        self.next = self.interval
        self.observe = observe
    }

    /// Virtual time has moved to `now`.
    @inline(__always)
    mutating func reach(_ now: MonotonicInstant) {
        let nanoseconds = now.nanoseconds
        guard nanoseconds >= next else { return }
        next = (nanoseconds / interval + 1) * interval
        observe(now)
    }
}
