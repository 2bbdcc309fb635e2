public import ParapetCore
import Synchronization

/// A concurrency slot held by a request, given back exactly once: when ``release()`` is first called, or
/// when the last reference to the permit goes away without it.
///
/// The deinitializer is what gives the slot back when a response body is dropped unread or a handler
/// throws.
///
/// ```swift
/// let permit = RateLimitPermit { gauge.decrement() }
/// permit.release()
/// permit.release()   // does nothing
/// ```
public final class RateLimitPermit: BodyHeldResource {
    private let isReleased = Atomic<Bool>(false)
    private let onRelease: @Sendable () -> Void

    /// Creates a held permit that runs `onRelease` when it is given back.
    public init(onRelease: @escaping @Sendable () -> Void) {
        self.onRelease = onRelease
    }

    /// Gives the slot back; later calls do nothing.
    public func release() {
        if !isReleased.exchange(true, ordering: .acquiringAndReleasing) {
            onRelease()
        }
    }

    deinit {
        release()
    }
}
