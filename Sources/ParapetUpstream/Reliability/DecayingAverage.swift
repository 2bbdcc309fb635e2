import ParapetCore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// A time-decayed exponentially weighted moving average: the weight of the old mean after `dt` is
/// `e^(-dt/τ)`, so the window is a span of time, independent of the request rate.
///
/// The first sample seeds the mean exactly. A negative `dt` (samples recorded out of order) counts as
/// zero, so such a sample leaves the mean as it is — as do several samples at the same instant after
/// the first.
struct DecayingAverage: Sendable {
    /// The mean, in seconds; `nil` before the first sample.
    private(set) var mean: Double?
    /// The instant of the sample the mean was last updated with.
    private var updatedAt = MonotonicInstant.zero

    /// Folds `sample` (seconds) taken at `now` into the mean; `tau` is the time constant in seconds.
    mutating func add(_ sample: Double, at now: MonotonicInstant, tau: Double) {
        guard let mean else {
            self.mean = sample
            updatedAt = now
            return
        }
        let elapsed = max((now - updatedAt).inSeconds, 0)
        let weight = exp(-elapsed / tau)
        self.mean = weight * mean + (1 - weight) * sample
        updatedAt = max(updatedAt, now)
    }

    /// Forgets every sample.
    mutating func reset() {
        mean = nil
    }
}

extension Duration {
    /// The duration in seconds, as a floating-point number.
    var inSeconds: Double {
        let (seconds, attoseconds) = components
        return Double(seconds) + Double(attoseconds) * 1e-18
    }
}
